"""The Welsh copy of the directory: aliases for pages made in code, translations through moderation,
the children counts wagtail-localize can leave wrong, the Welsh listing and search, and emails in
the language the person used."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale, Page, WorkflowPage

from devdata.demo import DEPARTMENTS, FORUMS
from directory.listing.results import search_directory, search_site
from directory.models import DepartmentPage, ForumPage, Nomination
from directory.nominations import send_for_moderation, submit_nomination
from directory.tests.factories import AudienceFactory, ForumPageFactory
from directory.tests.nomination_helpers import approve, nominate, sample_details
from directory.translation import (
    create_translation_aliases,
    ensure_welsh_tree,
    publish_translation,
    repair_child_counts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def welsh():
    return Locale.objects.get(language_code="cy")


@pytest.fixture
def welsh_site(site_tree):
    """The site as ``load_demo`` leaves it: every page mirrored in Welsh (aliases) and kept in sync."""
    ensure_welsh_tree()
    return site_tree


def real_child_counts_match():
    """Pages whose stored ``numchild`` differs from their real number of children (should be none)."""
    return [
        (page.title, page.locale.language_code, page.numchild, page.get_children().count())
        for page in Page.objects.select_related("locale")
        if page.numchild != page.get_children().count()
    ]


def test_the_welsh_tree_mirrors_the_english_one(welsh_site, welsh):
    """Every section must have a Welsh copy, or /cy/… pages would show the wrong tree (or none)."""
    for section in welsh_site.values():
        copy = section.get_translation(welsh)
        assert copy.alias_of_id == section.pk
        assert copy.live
    assert real_child_counts_match() == []


def test_the_welsh_copies_are_moderated_and_editable_like_the_english_ones(welsh_site, welsh):
    """Without the workflow on the Welsh directory, a Welsh translation could go live unmoderated."""
    welsh_directory = welsh_site["directory"].get_translation(welsh)
    english_workflow = WorkflowPage.objects.get(page=welsh_site["directory"]).workflow
    assert WorkflowPage.objects.get(page=welsh_directory).workflow == english_workflow
    assert welsh_directory.get_workflow() == english_workflow
    assert welsh_directory.group_permissions.exists()


def test_a_nomination_gets_its_welsh_alias(welsh_site, welsh):
    """A community nominated in code must also exist under /cy/, or Welsh links to it would break."""
    nomination, _token = submit_nomination(sample_details(), {"contact_name": "A", "contact_email": "a@example.net"})
    alias = nomination.forum.get_translation(welsh)
    assert alias.alias_of_id == nomination.forum.pk
    assert not alias.live  # an alias follows its draft original
    assert real_child_counts_match() == []


def test_aliases_are_only_made_where_the_welsh_tree_is_kept_in_sync(site_tree, welsh):
    """Before the Welsh site is set up, pages made in code must not half-build a Welsh tree."""
    forum = ForumPageFactory(parent=site_tree["directory"])
    assert create_translation_aliases(forum) == []
    assert not forum.get_translations().exists()


@pytest.mark.parametrize("mirrored", [False, True], ids=["no-welsh-copies-yet", "welsh-aliases"])
def test_translating_a_subtree_keeps_children_counts_right(client, site_tree, welsh, admin_user, mirrored):
    """wagtail-localize issue 773: translating a page "including subtree" can leave the new parent's
    numchild at 0, which hides its Welsh children in the admin. This goes through the admin's own
    "Translate this page" form; the job backend recounts after every job it runs."""
    directory = site_tree["directory"]
    forums = [ForumPageFactory(parent=directory) for _ in range(3)]
    if mirrored:
        ensure_welsh_tree()
    else:
        home = directory.get_parent()
        home.specific.copy_for_translation(welsh).save_revision().publish()
    client.force_login(admin_user)
    response = client.post(
        reverse("wagtail_localize:submit_page_translation", args=[directory.pk]),
        {"locales": [welsh.pk], "include_subtree": "on"},
    )
    assert response.status_code == 302

    welsh_directory = directory.get_translation(welsh)
    assert welsh_directory.alias_of_id is None
    assert welsh_directory.get_children().count() == len(forums)
    assert Page.objects.get(pk=welsh_directory.pk).numchild == len(forums)
    assert real_child_counts_match() == []


def test_wrong_children_counts_are_repaired(welsh_site):
    """If a count is wrong anyway, the repair finds and fixes it (and only it)."""
    directory = welsh_site["directory"]
    ForumPageFactory(parent=directory)
    Page.objects.filter(pk=directory.pk).update(numchild=0)
    assert repair_child_counts([directory]) == 1
    assert Page.objects.get(pk=directory.pk).numchild == 1
    Page.objects.filter(pk=directory.pk).update(numchild=7)
    assert repair_child_counts() == 1
    assert repair_child_counts() == 0
    assert real_child_counts_match() == []


def test_an_editors_translation_waits_for_moderation(welsh_site, welsh, admin_user, client):
    """Translating an entry in wagtail-localize must not put the Welsh text live before it is approved."""
    from wagtail_localize.models import StringTranslation, Translation, TranslationSource
    from wagtail_localize.operations import translate_object

    forum = ForumPageFactory(parent=welsh_site["directory"], summary="Parents help each other.")
    create_translation_aliases(forum)
    translate_object(forum, [welsh], user=admin_user)
    source = TranslationSource.objects.get_for_instance(forum)
    segment = source.stringsegment_set.get(string__data="Parents help each other.")
    StringTranslation.objects.create(
        translation_of=segment.string, locale=welsh, context=segment.context, data="Mae rhieni'n helpu ei gilydd."
    )
    # The editor saves the translation as wagtail-localize's editor does without a publish.
    Translation.objects.get(source=source, target_locale=welsh).save_target(user=admin_user, publish=False)

    welsh_forum = forum.get_translation(welsh).specific
    assert welsh_forum.alias_of_id is None
    assert welsh_forum.has_unpublished_changes
    assert "Mae rhieni" in welsh_forum.get_latest_revision_as_object().summary
    html = client.get(f"/cy/directory/{forum.slug}/").content.decode()
    assert "Mae rhieni" not in html
    # The Welsh entry goes through the same workflow as the English directory; approval publishes it.
    assert welsh_forum.get_workflow().name == "Directory moderation"
    send_for_moderation(welsh_forum)
    approve(welsh_forum, admin_user)
    assert "Mae rhieni" in client.get(f"/cy/directory/{forum.slug}/").content.decode()


@pytest.mark.parametrize("group", ["Directory editors", "Department editors"])
def test_editors_can_send_a_page_for_translation(welsh_site, welsh, django_user_model, group):
    """An editor's "Translate" action must open wagtail-localize's form and make the Welsh draft.

    If this fails, editors are told they have no permission and no page can be translated but by a superuser.
    """
    from django.contrib.auth.models import Group
    from django.test import Client

    from directory.tests.nomination_helpers import signed_in

    user = django_user_model.objects.create_user("translator", "translator@example.gov", "pw")
    user.groups.add(Group.objects.get(name=group))
    forum = ForumPageFactory(parent=welsh_site["directory"])
    create_translation_aliases(forum)
    client = signed_in(Client(), user)
    url = reverse("wagtail_localize:submit_page_translation", args=[forum.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"locales": [welsh.pk]}).status_code == 302
    welsh_forum = forum.get_translation(welsh)
    assert welsh_forum.alias_of_id is None and welsh_forum.has_unpublished_changes


def test_publish_translation_records_the_welsh_text_in_wagtail_localize(welsh_site, welsh):
    """Shipped Welsh content must be editable later in wagtail-localize's editor, not a detached copy."""
    from wagtail_localize.models import StringTranslation

    forum = ForumPageFactory(parent=welsh_site["directory"], title="Carers Corner", summary="Carers help carers.")
    create_translation_aliases(forum)
    translated = publish_translation(forum, {"Carers Corner": "Cornel Gofalwyr", "Carers help carers.": "Gofalwyr."})
    assert translated.pk == forum.get_translation(welsh).pk  # the alias became the translation
    assert translated.alias_of_id is None and translated.live
    assert translated.title == "Cornel Gofalwyr" and translated.summary == "Gofalwyr."
    assert translated.slug == forum.slug  # untranslated segments keep the English text
    assert StringTranslation.objects.filter(locale=welsh, data="Cornel Gofalwyr").exists()
    assert real_child_counts_match() == []


# --- The Welsh listing and search ---------------------------------------------------------------


@pytest.fixture
def mirrored_communities(welsh_site, welsh):
    """Three English communities with Welsh aliases, one of them translated into Welsh."""
    parents = AudienceFactory(name="Foster parents", name_cy="Rhieni maeth", slug="foster-parents")
    forums = [
        ForumPageFactory(parent=welsh_site["directory"], title=title, audiences=[parents])
        for title in ("Carers Corner", "Student Room", "Parents Place")
    ]
    for forum in forums:
        create_translation_aliases(forum)
    translated = publish_translation(forums[0], {"Carers Corner": "Cornel Gofalwyr"})
    return {"forums": forums, "translated": translated}


def test_the_welsh_listing_shows_each_community_once(client, mirrored_communities, welsh):
    """Under /cy/ each community appears once, in its Welsh copy: never its English page beside it."""
    response = client.get("/cy/directory/")
    assert response.status_code == 200
    listing = response.context["listing"]
    assert listing.total == 3
    assert {forum.locale_id for forum in listing.forums} == {welsh.pk}
    assert len({forum.translation_key for forum in listing.forums}) == 3
    assert sorted(forum.title for forum in listing.forums) == ["Cornel Gofalwyr", "Parents Place", "Student Room"]
    assert "Cornel Gofalwyr" in response.content.decode()


def test_welsh_facets_use_the_welsh_names(client, mirrored_communities):
    """The audience facet on the Welsh site reads “Rhieni maeth”, with every community counted once."""
    response = client.get("/cy/directory/")
    audience = next(facet for facet in response.context["listing"].facets if facet.name == "audience")
    assert [(option.label, option.count) for option in audience.options] == [("Rhieni maeth", 3)]
    english = client.get("/directory/")
    audience = next(facet for facet in english.context["listing"].facets if facet.name == "audience")
    assert [(option.label, option.count) for option in audience.options] == [("Foster parents", 3)]


def test_welsh_search_finds_each_community_once(client, mirrored_communities, welsh):
    """Site search and the directory's text search under /cy/ return one result per community."""
    with translation.override("cy"):
        results = search_site("Student")
        assert results.community_count == 1
        assert results.communities[0].locale_id == welsh.pk
        from directory.listing.filters import DirectoryFilters

        listing = search_directory(DirectoryFilters(q="Room"))
        assert listing.total == 1
    response = client.get("/cy/search/?q=Parents")  # each one's audience, "Foster parents" / "Rhieni maeth"
    communities = response.context["results"].communities
    assert {forum.locale_id for forum in communities} == {welsh.pk}
    assert len({forum.translation_key for forum in communities}) == len(communities) == 3
    html = response.content.decode()
    assert "/cy/directory/" in html and 'href="/directory/' not in html


# --- Emails in the person's language ------------------------------------------------------------


def test_a_nomination_made_in_welsh_gets_a_welsh_receipt(client, welsh_site, django_capture_on_commit_callbacks):
    """Someone who nominated on the Welsh site must get their receipt (and its private link) in Welsh."""
    response = nominate(client, django_capture_on_commit_callbacks, prefix="/cy")
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert nomination.language == "cy"
    receipt = mail.outbox[-1]
    assert receipt.subject.startswith(f"Eich enwebiad {nomination.reference}")
    assert "Diolch am enwebu" in receipt.body
    assert "/cy/listing/" in receipt.body


def test_decisions_reach_a_welsh_nominator_in_welsh(
    client, welsh_site, editor, django_capture_on_commit_callbacks, fresh_rate_limits
):
    """An editor working in English approves; the Welsh nominator is still told in Welsh."""
    nominate(client, django_capture_on_commit_callbacks, prefix="/cy")
    forum = ForumPage.objects.get(title="Parents Together", alias_of__isnull=True)
    with django_capture_on_commit_callbacks(execute=True):
        approve(forum, editor)
    approval = mail.outbox[-1]
    assert "bellach yn y cyfeiriadur" in approval.subject
    assert approval.body.startswith("Annwyl") or "Newyddion da" in approval.body
    # The link goes to the entry on the Welsh site, not the English one.
    assert f"/cy/directory/{forum.slug}/" in approval.body


def test_an_english_nominator_is_sent_the_english_address(
    client, welsh_site, editor, django_capture_on_commit_callbacks, fresh_rate_limits
):
    """The Welsh copy exists too, but someone who used the English site gets the English page."""
    nominate(client, django_capture_on_commit_callbacks)
    forum = ForumPage.objects.get(title="Parents Together", alias_of__isnull=True)
    with django_capture_on_commit_callbacks(execute=True):
        approve(forum, editor)
    approval = mail.outbox[-1]
    assert f"/directory/{forum.slug}/" in approval.body and "/cy/" not in approval.body


def test_an_english_nomination_gets_an_english_receipt(client, welsh_site, django_capture_on_commit_callbacks):
    """The other way round: the English site must not send Welsh."""
    nominate(client, django_capture_on_commit_callbacks)
    nomination = Nomination.objects.get()
    assert nomination.language == "en"
    assert mail.outbox[-1].subject.startswith(f"Your nomination {nomination.reference}")


# --- load_demo ----------------------------------------------------------------------------------


def test_load_demo_ships_the_welsh_site(client, db):
    """After ``load_demo`` the Welsh home page, the sections, every community and every public body
    are in Welsh (translations, not aliases showing the English)."""
    from django.core.management import call_command

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    welsh_pages = Page.objects.filter(locale__language_code="cy")
    translated = welsh_pages.filter(alias_of__isnull=True)
    assert translated.filter(depth=2).exists()  # the Welsh home page
    assert ForumPage.objects.filter(locale__language_code="cy", alias_of__isnull=True).count() == len(FORUMS)
    assert DepartmentPage.objects.filter(locale__language_code="cy", alias_of__isnull=True).count() == len(DEPARTMENTS)
    assert not welsh_pages.filter(alias_of__isnull=False).exists()
    assert welsh_pages.count() == Page.objects.filter(locale__language_code="en", depth__gt=1).count()
    assert real_child_counts_match() == []
    html = client.get("/cy/").content.decode()
    assert "Cyfeiriadur Cymorth gan Gymheiriaid" in html
    assert "Nid yw'r dudalen hon ar gael yn Gymraeg eto" not in html
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Page.objects.filter(locale__language_code="cy").count() == welsh_pages.count()
