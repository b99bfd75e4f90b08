"""The project's own deployment checks (core/checks.py), as ``manage.py check --deploy`` runs them."""

from core.tests.test_security import deploy_check


def test_deploy_check_warns_when_rate_limit_counters_share_the_page_caches_redis():
    """With only REDIS_URL set, the counters live beside cached pages in an LRU Redis and can be evicted.

    If this fails, an operator is not told that a flood of page views can wipe the forms' rate limits.
    """
    shared = deploy_check(REDIS_URL="redis://cache.internal:6379/0")
    assert shared.returncode != 0
    assert "core.W001" in shared.stdout + shared.stderr

    separate = deploy_check(
        REDIS_URL="redis://cache.internal:6379/0", RATELIMIT_REDIS_URL="redis://limits.internal:6379/0"
    )
    assert separate.returncode == 0, separate.stdout + separate.stderr
    assert "core.W001" not in separate.stdout + separate.stderr
