"""Editors remove a value from the public change history (directory/redactions.py, directory/admin/redactions.py)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from wagtail.models import PageLogEntry

from directory.history import public_history
from directory.models import ForumPage, RevisionRedaction
from directory.redactions import REDACT_ACTION, history_revision, redact_history_value
from directory.tests.factories import ForumPageFactory
from directory.tests.nomination_helpers import signed_in
from directory.translation import create_translation_aliases, ensure_welsh_tree, publish_translation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

PERSONAL = "Ring Jane Private on 07700 900123."
CORRECTED = "Ring the helpline on 0300 123 4567."
REMOVED = {"en": "Removed by an editor", "cy": "Tynnwyd gan olygydd"}


def publish_change(forum, **changes):
    page = ForumPage.objects.get(pk=forum.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    revision = page.save_revision()
    revision.publish()
    return revision


@pytest.fixture
def forum(site_tree):
    """A community whose summary once carried a person's phone number, corrected since (with Welsh aliases)."""
    ensure_welsh_tree()
    page = ForumPageFactory(parent=site_tree["directory"], title="Money Talk", slug="money-talk", summary="Money help.")
    page.save_revision().publish()
    create_translation_aliases(page)
    page = ForumPage.objects.get(pk=page.pk)
    page.personal_revision = publish_change(page, summary=PERSONAL, members=120)
    publish_change(page, summary=CORRECTED)
    return page


def history_pages(client, forum):
    """The public history at its English and Welsh addresses."""
    pages = {}
    for language, prefix in (("en", ""), ("cy", "/cy")):
        response = client.get(f"{prefix}/directory/money-talk/history/")
        assert response.status_code == 200, language
        pages[language] = response.content.decode()
    return pages


def remove_url(forum, revision, field="summary"):
    return reverse("directory_redact_history", args=[forum.pk, revision.pk, field])


def test_a_removed_value_is_gone_from_the_history_in_both_languages(client, forum, editor):
    """After an editor removes the old summary, neither history page shows it; both say it was removed.

    If this fails, a person's phone number that was corrected stays public forever in the history.
    """
    before = history_pages(client, forum)
    assert all("07700 900123" in page for page in before.values())
    redact_history_value(
        forum, history_revision(forum, forum.personal_revision.pk, "summary"), "summary", "Personal number", editor
    )
    for language, page in history_pages(client, forum).items():
        assert "07700 900123" not in page and "Jane Private" not in page, language
        assert REMOVED[language] in page, language
        assert "0300 123 4567" in page, language  # the correction itself stays
        assert "Personal number" not in page  # the reason is for editors
    for path in (
        "/directory/money-talk/",
        "/cy/directory/money-talk/",
        "/directory/",
        "/cy/directory/",
        "/feeds/latest.atom",
        "/cy/feeds/latest.atom",
        "/directory/export.csv",
        "/directory/export.json",
        f"/api/v2/pages/{forum.pk}/",
        "/openreferral/services?search=money",
    ):
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200 and b"07700 900123" not in body, path
    changes = [change for entry in public_history(forum) for change in entry.changes if change.name == "summary"]
    # Removed both where it was published (new) and where it was replaced (old); other values untouched.
    assert [(change.old_removed, change.new_removed) for change in changes] == [(True, False), (False, True)]
    assert changes[0].old == changes[1].new == ""


def test_a_welsh_translation_with_its_own_history_hides_the_value_too(client, forum, editor):
    """A Welsh copy translated and published while the value was public has its own history: it hides it too.

    If this fails, the Welsh page's history keeps showing what the English one hides.
    """
    # Back to the personal summary, translated (the summary left in English) and published by an
    # editor, then corrected in both.
    revision = publish_change(forum, summary=PERSONAL)
    welsh = publish_translation(ForumPage.objects.get(pk=forum.pk), {"Money Talk": "Sgwrs Arian"})
    publish_change(welsh, title="Sgwrs Arian")
    publish_change(forum, summary=CORRECTED)
    publish_translation(ForumPage.objects.get(pk=forum.pk), {"Money Talk": "Sgwrs Arian"})
    publish_change(welsh, title="Sgwrs Arian")
    welsh_history = client.get(f"{welsh.url}history/").content.decode()
    assert "07700 900123" in welsh_history
    redact_history_value(forum, history_revision(forum, revision.pk, "summary"), "summary", "Personal", editor)
    welsh_history = client.get(f"{welsh.url}history/").content.decode()
    assert "07700 900123" not in welsh_history and REMOVED["cy"] in welsh_history


def test_an_editor_removes_a_value_in_the_admin_with_a_reason_and_it_is_logged(client, forum, editor, settings):
    """From the community's admin pages to its public history, "Remove" by the value, a reason, and done:
    recorded with who, when and why, in the page's log too, and the cached public page is fresh at once.

    If this fails, editors have no way to take corrected personal data out of the public history.
    """
    settings.PAGE_CACHE_ENABLED = True
    assert "07700 900123" in history_pages(client, forum)["en"]  # now cached
    signed_in(client, editor)
    history_url = reverse("directory_public_history", args=[forum.pk])
    assert history_url in client.get(reverse("wagtailadmin_pages:edit", args=[forum.pk])).content.decode()
    admin_history = client.get(history_url).content.decode()
    url = remove_url(forum, forum.personal_revision)
    assert url in admin_history

    form = client.get(url)
    assert form.status_code == 200 and PERSONAL in form.content.decode()
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200 and "Say why this value should be removed" in refused.content.decode()
    assert not RevisionRedaction.objects.exists()

    response = client.post(url, {"reason": "The operator's personal number, corrected on request."})
    assert response.status_code == 302 and response["Location"] == history_url
    redaction = RevisionRedaction.objects.get()
    assert (redaction.revision_id, redaction.field_name, redaction.user) == (
        forum.personal_revision.pk,
        "summary",
        editor,
    )
    assert redaction.reason == "The operator's personal number, corrected on request." and redaction.created_at
    entry = PageLogEntry.objects.get(page=forum, action=REDACT_ACTION)
    assert entry.user == editor and entry.data["field"] == "summary" and "corrected on request" in entry.data["reason"]
    listed = client.get(history_url).content.decode()
    assert "corrected on request" in listed and url not in listed

    client.logout()
    for language, page in history_pages(client, forum).items():
        assert "07700 900123" not in page and REMOVED[language] in page, language


def test_only_directory_editors_can_remove_values(client, forum, django_user_model):
    """Anonymous visitors are sent to sign in; admin users outside "Directory editors" are turned away.

    If this fails, anyone with an admin account could hide history, or the public could.
    """
    url = remove_url(forum, forum.personal_revision)
    history_url = reverse("directory_public_history", args=[forum.pk])
    for path in (history_url, url):
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.post(url, {"reason": "x"}).status_code == 302

    other = django_user_model.objects.create_user(username="dept", password="pw")
    other.user_permissions.add(Permission.objects.get(codename="access_admin"))
    signed_in(client, other)
    for response in (client.get(history_url), client.get(url), client.post(url, {"reason": "x"})):
        # Wagtail's admin answers "no permission" by sending the user to the dashboard with a message.
        assert response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")
    assert history_url not in client.get(reverse("wagtailadmin_pages:edit", args=[forum.pk])).content.decode()
    assert not RevisionRedaction.objects.exists()


def test_only_values_the_public_history_shows_can_be_removed(client, forum, editor, directory_index):
    """Private fields, drafts, another page's versions and empty values are "not found".

    If this fails, the removal form could be pointed at anything, and its page would show private fields.
    """
    signed_in(client, editor)
    page = ForumPage.objects.get(pk=forum.pk)
    page.summary = "A draft nobody has approved"
    draft = page.save_revision()
    other = ForumPageFactory(parent=directory_index, title="Other")
    other_revision = other.save_revision()
    other_revision.publish()
    for revision_id, field in (
        (forum.personal_revision.pk, "contact_email"),
        (forum.personal_revision.pk, "editor_notes"),
        (draft.pk, "summary"),
        (other_revision.pk, "summary"),
        (forum.personal_revision.pk, "house_rules_url"),  # empty in that version
        (9223372036854775807, "summary"),
    ):
        path = reverse("directory_redact_history", args=[forum.pk, revision_id, field])
        assert client.get(path).status_code == 404, (revision_id, field)
        assert client.post(path, {"reason": "x"}).status_code == 404, (revision_id, field)
    assert client.get(reverse("directory_public_history", args=[9223372036854775807])).status_code == 404
    assert not RevisionRedaction.objects.exists()


def test_the_welsh_alias_leads_editors_to_the_originals_history(client, forum, editor):
    """An editor opening the Welsh alias's public history lands on the English original's, which both show.

    If this fails, an editor removing a value from the Welsh copy's admin page gets an empty or wrong history.
    """
    signed_in(client, editor)
    welsh = ForumPage.objects.get(alias_of=forum)
    response = client.get(reverse("directory_public_history", args=[welsh.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("directory_public_history", args=[forum.pk])
