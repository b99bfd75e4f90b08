"""The site's defences as a visitor, an attacker and an operator meet them: production passes
Django's deployment checks, every response carries the security headers, public pages forbid
inline script, and admin sign-in is locked after repeated wrong passwords (core/security.py).
See docs/security.md for the threat model."""

import re
import secrets
from pathlib import Path

import pytest
from django.conf import settings

from core.tests.processes import clean_environment
from directory.tests.factories import ForumPageFactory

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "directory.example.org",
}


def deploy_check(**overrides):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=clean_environment(**{**PRODUCTION, **overrides}),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks_with_no_warnings():
    """An operator deploying the defaults would run with a missing HTTPS protection (HSTS, secure
    cookies, the HTTPS redirect, a strong key) that Django's own deployment checklist flags."""
    finished = deploy_check()

    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "System check identified no issues" in finished.stdout


def test_the_deployment_check_catches_a_weakened_production_setting():
    """The check above would prove nothing if it passed whatever the settings were: switching
    HSTS off must make it fail."""
    finished = deploy_check(SECURE_HSTS_SECONDS="0")

    assert finished.returncode != 0
    assert "security.W004" in finished.stdout + finished.stderr


@pytest.fixture
def forum(directory_index):
    return ForumPageFactory(parent=directory_index, title="Parents Together", slug="parents-together")


PUBLIC_PAGES = ["/", "/directory/", "/directory/parents-together/", "/nominate/", "/search/?q=parents", "/cy/"]


def csp_directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_forbid_inline_script_and_framing(client, forum, path):
    """Without a strict Content-Security-Policy, script injected through a submission (a community's
    name or summary) would run in visitors' browsers, and other sites could frame our pages."""
    response = client.get(path)

    assert response.status_code == 200
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/directory/parents-together/", "/no-such-page/", "/admin/login/"])
def test_every_response_carries_the_security_headers(client, forum, path):
    """Browsers would guess content types (running an upload as script), leak full addresses to
    other sites, let pages be framed for clickjacking, or offer camera and location to injected
    script, if these headers went missing from any response, error pages included."""
    response = client.get(path)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
def test_the_admin_works_under_its_own_policy(client):
    """Editors could not sign in if the public policy (no inline script) applied to Wagtail's
    admin, whose templates need some; the admin still must not be framed by other sites."""
    response = client.get("/admin/login/")

    assert response.status_code == 200
    directives = csp_directives(response)
    assert "'unsafe-inline'" in directives["script-src"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]


@pytest.mark.django_db
def test_static_files_from_a_cdn_are_allowed_when_static_host_is_set():
    """With STATIC_HOST set, every page's stylesheet and script come from the CDN; a policy that
    still said only 'self' would leave the site unstyled and without its scripts."""
    from core.tests.processes import run_python

    finished = run_python(
        "import settings.production as s; d = s.CONTENT_SECURITY_POLICY['DIRECTIVES'];"
        "print(d['script-src'], d['style-src'], d['img-src'])",
        **PRODUCTION,
        STATIC_HOST="https://cdn.example.org/",
    )

    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.count("https://cdn.example.org") == 3
    assert "unsafe-inline" not in finished.stdout


# --- Templates: nothing the public policy would block ---------------------------------------------

TEMPLATE_ROOTS = ["home/templates", "directory/templates", "search/templates"]
# Inline script (a <script> with no src, other than JSON-LD data, which browsers never run), inline
# styles, and event-handler attributes: the strict policy blocks all of them.
INLINE_CODE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def public_templates():
    for root in TEMPLATE_ROOTS:
        for path in sorted((Path(settings.BASE_DIR) / root).rglob("*.html")):
            # Templates overriding or extending the Wagtail admin run under the admin's policy.
            if "wagtailadmin" in path.parts or "two_factor" in path.parts:
                continue
            if "wagtailadmin/" in path.read_text(encoding="utf-8").split("\n", 1)[0]:
                continue
            yield path


def test_public_templates_have_no_inline_script_or_style():
    """A template with an inline script, style attribute or onclick would break silently in
    visitors' browsers (the policy blocks it), or tempt someone to loosen the policy."""
    found = []
    for path in public_templates():
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE_CODE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(settings.BASE_DIR)}:{line}: {what}")

    assert list(public_templates()), "no public templates found"
    assert not found, "\n".join(found)


def test_the_template_scan_finds_inline_code():
    """The scan above must recognise each kind of inline code, or it would pass whatever the
    templates held."""
    samples = [
        "<script>alert(1)</script>",
        "<style>p{}</style>",
        '<p style="color:red">',
        '<a href="#" onclick="go()">',
        '<a href="javascript:go()">',
    ]
    allowed = ['<script src="/static/js/site.js"></script>', '<script type="application/ld+json">{}</script>']

    for sample in samples:
        assert any(pattern.search(sample) for pattern, _ in INLINE_CODE), sample
    for sample in allowed:
        assert not any(pattern.search(sample) for pattern, _ in INLINE_CODE), sample


# --- Admin sign-in limits (django-axes) -----------------------------------------------------------

EDITOR_PASSWORD = "a long editor passphrase"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", EDITOR_PASSWORD)


def sign_in(client, password, username="editor", address="203.0.113.7"):
    return client.post(
        "/admin/login/", {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address
    )


def signed_in(client):
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_admin_sign_in_locks_after_five_wrong_passwords(client, editor):
    """Someone guessing an editor's password could try forever, and eventually take over the
    account, if wrong passwords were not limited; after the limit even the right one is refused."""
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "wrong guess")
        assert response.status_code == 200  # the sign-in form again, with its error
        assert not signed_in(client)
    assert sign_in(client, "wrong guess").status_code == 429  # the fifth locks the account

    response = sign_in(client, EDITOR_PASSWORD)

    assert response.status_code == 429
    assert not signed_in(client)
    page = response.content.decode()
    assert "Sorry, signing in is locked for now" in page
    assert "You can try again in 60 minutes." in page
    assert response["Retry-After"] == "3600"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_the_lock_is_for_that_account_from_that_address(client, editor, django_user_model):
    """Locking by address alone would let one attacker lock every editor out of the admin, and by
    username alone would let anyone lock a known editor out from anywhere."""
    django_user_model.objects.create_superuser("other", "other@example.org", EDITOR_PASSWORD)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong guess")
    assert sign_in(client, EDITOR_PASSWORD).status_code == 429

    response = sign_in(client, EDITOR_PASSWORD, address="198.51.100.20")
    assert response.status_code == 302 and signed_in(client)
    client.logout()

    response = sign_in(client, EDITOR_PASSWORD, username="other")
    assert response.status_code == 302 and signed_in(client)


@pytest.mark.django_db
def test_a_successful_sign_in_clears_earlier_mistakes(client, editor):
    """An editor who mistypes now and then would lock themselves out over a few weeks if failures
    were never forgotten after a correct password."""
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "typo")
    assert sign_in(client, EDITOR_PASSWORD).status_code == 302
    client.logout()

    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "typo")

    assert sign_in(client, EDITOR_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lock_lifts_after_the_cool_off(client, editor, time_machine):
    """An editor locked out by their own typing would need an administrator every time if the
    lock never lifted by itself."""
    time_machine.move_to("2026-03-02 10:00:00+00:00")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong guess")
    assert sign_in(client, EDITOR_PASSWORD).status_code == 429

    time_machine.move_to("2026-03-02 11:01:00+00:00")

    assert sign_in(client, EDITOR_PASSWORD).status_code == 302
    assert signed_in(client)


@pytest.mark.django_db
def test_while_locked_the_answer_does_not_say_whether_the_password_was_right(client, editor):
    """An attacker could keep guessing through the lock, and learn the password from a different
    answer, if a locked-out attempt behaved differently for the right password."""
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong guess")

    right = sign_in(client, EDITOR_PASSWORD)
    wrong = sign_in(client, "another guess")

    assert right.status_code == wrong.status_code == 429
    assert right.content == wrong.content


@pytest.mark.django_db
def test_sign_in_and_out_work_without_a_client_address(client, editor):
    """Behind a Unix-socket proxy a request has no REMOTE_ADDR; recording the sign-in would crash
    on PostgreSQL (an address column) and editors could not sign in or out."""
    assert sign_in(client, "wrong guess", address="").status_code == 200
    assert sign_in(client, EDITOR_PASSWORD, address="").status_code == 302

    assert client.post("/admin/logout/", REMOTE_ADDR="").status_code == 302
    client.force_login(editor)
    client.logout()  # the test client's own request has no address at all


def chunked_post(client, path, body, **extra):
    """Post ``body`` as a server passes on a chunked request: no Content-Length, a stream that ends."""
    import io

    return client.generic(
        "POST",
        path,
        body,
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(body), "wsgi.input_terminated": True},
        **extra,
    )


@pytest.mark.django_db
def test_a_chunked_post_over_the_form_limit_is_refused(client, site_tree, settings):
    """A body sent in chunks states no length; it is counted as it is read, and refused past the limit.

    If this fails, anyone can send the public forms bodies of any size by leaving out Content-Length,
    and the 64 KiB limit protects nothing.
    """
    from directory.models import Nomination

    body = b"title=" + b"x" * (settings.PUBLIC_FORM_MAX_BYTES + 10)
    response = chunked_post(client, "/nominate/", body)
    assert response.status_code == 413
    assert "govuk-template" in response.content.decode()
    assert Nomination.objects.count() == 0


@pytest.mark.django_db
def test_a_chunked_post_under_the_limit_reaches_the_form_whole(client, site_tree):
    """A small chunked post is read and handed to the form like any other.

    If this fails, a client that streams its body (some HTTP libraries do) has its answers dropped.
    """
    from urllib.parse import urlencode

    from directory.tests.nomination_helpers import nomination_answers

    body = urlencode(nomination_answers()["community"]).encode()
    response = chunked_post(client, "/nominate/", body)
    assert response.status_code == 302
    assert response["Location"] == "/nominate/suitability/"


@pytest.mark.django_db
def test_an_oversized_post_is_refused_before_the_csrf_check_reads_it(site_tree, settings):
    """A 1 MB post with no CSRF token gets the 413 page, not the CSRF failure: the size is checked first.

    If this fails, every oversized post is read whole (up to 2 MB, DATA_UPLOAD_MAX_MEMORY_SIZE) and
    parsed by the CSRF check before the form limit is applied.
    """
    from django.test import Client

    body = b"title=" + b"x" * 1_000_000
    response = Client(enforce_csrf_checks=True).generic(
        "POST", "/nominate/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    chunked = chunked_post(Client(enforce_csrf_checks=True), "/nominate/", body)
    assert chunked.status_code == 413


@pytest.mark.django_db
def test_a_chunked_body_the_server_cannot_end_is_refused(client, site_tree):
    """Without ``wsgi.input_terminated`` the end of a chunked body is unknown: 411, not a wait for ever."""
    import io

    response = client.generic(
        "POST",
        "/nominate/",
        b"",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(b"title=x")},
    )
    assert response.status_code == 411
