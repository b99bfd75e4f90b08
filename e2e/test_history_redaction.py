"""An editor removes a corrected phone number from a community's public change history, in the
admin, and readers of the English and Welsh history see "Removed by an editor" instead."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from directory.site_tree import EDITORS_GROUP
from e2e.conftest import EDITOR_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = "07700 900123"


@pytest.fixture
def corrected_forum(directory_content):
    """A listed community whose summary carried a person's phone number, corrected since."""
    from directory.models import ForumPage

    forum = ForumPage.objects.live().filter(alias_of__isnull=True, locale__language_code="en").first()
    for summary in (f"Ring Jane on {PHONE} to join.", "Ask to join through the website."):
        page = ForumPage.objects.get(pk=forum.pk)
        page.summary = summary
        page.save_revision().publish()
    return ForumPage.objects.get(pk=forum.pk)


@pytest.fixture
def directory_editor(django_user_model):
    """A member of "Directory editors" (not a superuser)."""
    user = django_user_model.objects.create_user("editor", "editor@example.org", EDITOR_PASSWORD)
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


def test_an_editor_removes_a_value_from_the_public_history(page, corrected_forum, directory_editor, axe, screenshot):
    """From the community's edit page to "Public history", "Remove", a reason, and the public history no
    longer shows the number, in English or Welsh: if this fails, editors cannot take corrected
    personal data out of the public record."""
    history = f"{corrected_forum.url}history/"
    page.goto(history)
    expect(page.get_by_text(PHONE).first).to_be_visible()

    page.goto("/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/admin/pages/{corrected_forum.pk}/edit/")
    page.get_by_role("button", name="Actions").first.click()
    page.get_by_role("link", name="Public history").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Public history")
    axe(page)
    screenshot(page, "admin-public-history")

    page.get_by_role("link", name="Remove this value of Summary").first.click()
    expect(page.get_by_text(f"Ring Jane on {PHONE} to join.")).to_be_visible()
    page.get_by_role("button", name="Remove from the public history").click()
    expect(page.get_by_text("Say why this value should be removed").first).to_be_visible()
    page.get_by_label("Why remove it?").fill("Jane's own number, removed at her request.")
    axe(page)
    page.get_by_role("button", name="Remove from the public history").click()
    expect(page.get_by_text("is removed from the public history")).to_be_visible()
    expect(page.get_by_text("removed at her request")).to_be_visible()

    for address, removed in ((history, "Removed by an editor"), (f"/cy{history}", "Tynnwyd gan olygydd")):
        page.goto(address)
        expect(page.get_by_text(removed).first).to_be_visible()
        expect(page.get_by_text(PHONE)).to_have_count(0)
    axe(page)
