"""A view restriction covers a page in every language (core/privacy.py).

The public surfaces that list pages are crawled with restrictions in one language in
directory/tests/test_no_leaks.py; here, serving the pages themselves and the rule's edges.
"""

import re

import pytest
from django.urls import reverse
from wagtail.models import Locale, Page, PageViewRestriction, get_page_models

from core.privacy import TranslatedPrivacy, path_after_subtree, private_q
from directory.models.public import listed_forums
from directory.tests.factories import ForumPageFactory
from directory.translation import ensure_welsh_tree

pytestmark = pytest.mark.django_db


def welsh_translation(page, title):
    """A published Welsh translation of ``page`` (its alias turned into a page of its own)."""
    welsh = page.get_translation(Locale.objects.get(language_code="cy")).specific
    welsh.alias_of = None
    welsh.title, welsh.slug = title, f"{page.slug}-cy"
    welsh.save()
    welsh.save_revision().publish()
    return type(welsh).objects.get(pk=welsh.pk)


@pytest.fixture
def forum_in_both_languages(directory_index):
    english = ForumPageFactory(parent=directory_index, title="Quiet Room", slug="quiet-room")
    ensure_welsh_tree()
    return english, welsh_translation(english, "Ystafell Dawel")


def test_every_page_type_reads_restrictions_across_languages():
    """Each of the site's page types asks for a restriction set on any of its translations.

    If this fails, a new page type serves its Welsh (or English) copy to anyone while the other
    language's page is password-protected.
    """
    ours = [model for model in get_page_models() if model._meta.app_label in ("home", "directory")]
    assert ours and all(issubclass(model, TranslatedPrivacy) for model in ours), ours


@pytest.mark.parametrize("restricted_language", ["en", "cy"])
def test_a_password_on_one_language_protects_both_and_opens_both(client, forum_in_both_languages, restricted_language):
    """A password set on one language's page is asked for on the other's too; once given, both open.

    If this fails, the Welsh (or English) address of a password-protected community shows it to anyone.
    """
    english, welsh = forum_in_both_languages
    restricted = english if restricted_language == "en" else welsh
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="sesame"
    )
    for page in (english, welsh):
        response = client.get(page.url)
        html = response.content.decode()
        assert response.status_code == 200 and 'name="password"' in html, page.url
        assert page.title not in html
        assert "no-cache" in response["Cache-Control"]
    action = re.search(r'<form action="([^"]+)"', client.get(welsh.url).content.decode()).group(1)
    assert client.post(action, {"password": "sesame", "return_url": welsh.url}).status_code == 302
    assert welsh.title in client.get(welsh.url).content.decode()
    assert english.title in client.get(english.url).content.decode()


def test_a_sign_in_restriction_on_the_welsh_page_sends_english_visitors_to_sign_in(client, forum_in_both_languages):
    """Sign-in and group restrictions cover the other language as passwords do."""
    english, welsh = forum_in_both_languages
    PageViewRestriction.objects.create(page=welsh, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(english.url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_restricted_section_covers_pages_below_its_translation(client, directory_index):
    """A restriction on the English directory covers the Welsh directory, and a community that exists
    only in Welsh below it: served, listed and counted alike.

    If this fails, a Welsh-only entry stays public under a directory an editor closed.
    """
    ensure_welsh_tree()
    welsh_directory = welsh_translation(directory_index, "Cyfeiriadur")
    welsh_only = ForumPageFactory(parent=welsh_directory, title="Dim ond yn Gymraeg", slug="dim-ond")
    assert welsh_only.locale.language_code == "cy"
    public_before = listed_forums(Locale.objects.get(language_code="cy")).count()
    assert public_before == 1
    PageViewRestriction.objects.create(
        page=directory_index, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    assert listed_forums(Locale.objects.get(language_code="cy")).count() == 0
    assert 'name="password"' in client.get(welsh_only.url).content.decode()
    private = set(Page.objects.filter(private_q()).values_list("pk", flat=True))
    assert {directory_index.pk, welsh_directory.pk, welsh_only.pk} <= private
    assert directory_index.get_parent().pk not in private


def test_the_admin_shows_the_other_languages_page_as_private(admin_client, forum_in_both_languages):
    """Editors see on the Welsh page's privacy setting that the English page's restriction covers it."""
    english, welsh = forum_in_both_languages
    PageViewRestriction.objects.create(page=english, restriction_type=PageViewRestriction.PASSWORD, password="x")
    response = admin_client.get(reverse("wagtailadmin_pages:set_privacy", args=[welsh.pk]))
    assert response.status_code == 200
    assert "Privacy is inherited" in response.json()["html"]
    own = admin_client.get(reverse("wagtailadmin_pages:set_privacy", args=[english.pk])).json()["html"]
    assert "Privacy is inherited" not in own


@pytest.mark.parametrize(
    ("path", "after"), [("0001", "0002"), ("00010009", "0001000A"), ("0001000Z", "0001001"), ("ZZZZ", None)]
)
def test_a_subtree_is_read_as_a_range_of_paths(path, after):
    """The range that stands for a page's subtree ends just after its last possible descendant.

    If this fails, a private section's pages could fall outside the range and be listed.
    """
    assert path_after_subtree(path) == after
    descendants = [path, path + "0000", path + "Z" * 8]
    assert all(path <= descendant and (after is None or descendant < after) for descendant in descendants)
