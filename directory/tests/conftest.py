"""Fixtures for the directory's tests beyond the site tree (which is in the project's conftest)."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache, caches

from directory.site_tree import EDITORS_GROUP


@pytest.fixture
def fresh_rate_limits():
    """Rate-limit counters live in their cache; a test using this starts and ends with none (and no cached pages)."""
    cache.clear()
    caches["ratelimit"].clear()
    yield
    cache.clear()
    caches["ratelimit"].clear()


@pytest.fixture
def editor(django_user_model, site_tree):
    """A member of "Directory editors" (not a superuser), as an editor would be set up."""
    user = django_user_model.objects.create_user(username="editor", email="editor@example.gov", password="pw")
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user
