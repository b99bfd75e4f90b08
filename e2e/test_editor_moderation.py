"""An editor (a member of "Directory editors", not a superuser) decides on nominations in the
Wagtail admin: "Request changes" and "Approve with comment" from the page editor's footer and from
the dashboard's "Awaiting your review" panel, in the English and the Welsh admin, and without
JavaScript from the nomination's page, each action then a page of its own. The nominator is
emailed the editor's comment each time, in the nominator's language whatever the editor's.

A Welsh translation an editor makes in wagtail-localize's editor goes through "Directory
moderation" too: its Welsh text is public only once an editor has approved it.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a long moderator passphrase"
CHANGES_COMMENT = "Please add the link to your house rules."
APPROVAL_COMMENT = "Welcome to the directory, and thank you for the detail."
# The workflow's buttons by what they do, whatever language the admin speaks.
FOOTER_BUTTONS = {
    "reject": '[data-workflow-action-name="reject"][data-workflow-action-modal-url]',
    "approve": '[data-workflow-action-name="approve"][data-workflow-action-modal-url]',
}
DASHBOARD_BUTTONS = {
    "reject": '[data-workflow-action-url*="/reject/"][data-launch-modal]',
    "approve": '[data-workflow-action-url*="/approve/"][data-launch-modal]',
}
ENGLISH_LABELS = {"reject": "Request changes", "approve": "Approve with comment"}


@pytest.fixture
def moderator(django_user_model, site_tree):
    """A member of "Directory editors" (not a superuser) who signs in with a password."""
    from django.contrib.auth.models import Group

    from directory.site_tree import EDITORS_GROUP

    user = django_user_model.objects.create_user("moderator", "moderator@example.gov", PASSWORD)
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


def use_admin_language(user, language):
    """The editor's own choice of admin language (Wagtail's account preferences)."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


def nominate(title, slug, email):
    """A community nominated by its operator, waiting in "Directory moderation"."""
    from directory.models import CommunityType
    from directory.nominations import submit_nomination

    details = {
        "title": title,
        "website": f"https://{slug}.example.org/",
        "summary": f"People who care about {title.lower()} help each other.",
        "description": "",
        "languages": "English",
        "operator_name": f"{title} volunteers",
        "operator_kind": "volunteers",
        "house_rules_url": "",
        "engagement_preference": "welcomes",
        "members": 800,
        "monthly_visitors": None,
        "posts": None,
        "volunteer_moderators": 2,
        "is_moderated": True,
        "community_type": CommunityType.objects.get(slug="forum").pk,
        "topics": ["wildlife"],
        "audiences": [],
        "regions": [],
        "welcomed_modes": [],
    }
    nomination, _token = submit_nomination(details, {"contact_name": "Sam", "contact_email": email, "message": ""})
    return nomination


@pytest.fixture
def two_nominations(site_tree):
    """Two nominations waiting for an editor: one to send back for changes, one to approve."""
    return {
        "reject": nominate("Allotment Growers Forum", "allotment-growers", "sam@allotments.example.org"),
        "approve": nominate("Hedgehog Watch", "hedgehog-watch", "hal@hedgehogs.example.org"),
    }


def sign_in(page, language="en"):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("moderator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("html")).to_have_attribute("lang", language)


def emails_to(address):
    """The directory's emails to ``address``, as queued (``OutboundEmail``), oldest first."""
    from directory.models import OutboundEmail

    return list(OutboundEmail.objects.filter(to=address).order_by("pk"))


def decide_in_dialog(page, menu, button, action, comment, language):
    """Open ``menu`` (a "…" dropdown), press the action's ``button`` in it, type the comment into
    the action's dialog and send it."""
    menu.locator(".w-dropdown__toggle").click()
    button = menu.locator(button)
    if language == "en":
        expect(button).to_contain_text(ENGLISH_LABELS[action])
    button.click()
    dialog = page.get_by_role("dialog")
    comment_box = dialog.locator('textarea[name="comment"]')
    expect(comment_box).to_be_visible()
    if language == "en":
        expect(dialog.get_by_role("heading", name=ENGLISH_LABELS[action])).to_be_visible()
    if action == "reject":  # a comment is needed: sent empty, the dialog stays with the error
        dialog.locator('button[type="submit"]').click()
        expect(dialog.locator(".error-message")).to_be_visible()
        if language == "en":
            expect(dialog.get_by_text("Enter what needs to change")).to_be_visible()
        comment_box = dialog.locator('textarea[name="comment"]')
    comment_box.fill(comment)
    with page.expect_navigation():
        dialog.locator('button[type="submit"]').click()
    # Leaving the editor releases its editing session in the background; let that finish before
    # the test reads the database the server shares with it.
    page.wait_for_load_state("networkidle")


def decide_in_the_editor(page, forum, action, comment, language):
    """From the page editor: the footer's action menu, the action's dialog, back to the explorer."""
    page.goto(f"/admin/pages/{forum.pk}/edit/")
    decide_in_dialog(page, page.locator("footer"), FOOTER_BUTTONS[action], action, comment, language)
    expect(page).not_to_have_url(re.compile(rf"/admin/pages/{forum.pk}/edit/$"))


def decide_on_the_dashboard(page, forum, action, comment, language):
    """From the dashboard: the entry's row in "Awaiting your review", its actions, the dialog."""
    page.goto("/admin/")
    awaiting = page.locator("#awaiting-review-section")
    row = awaiting.get_by_role("row").filter(has_text=forum.title)
    decide_in_dialog(page, row, DASHBOARD_BUTTONS[action], action, comment, language)
    expect(awaiting.get_by_role("row").filter(has_text=forum.title)).to_have_count(0)


def decide_without_javascript(page, forum, action, comment, language):
    """Dashboard, nominations waiting, the nomination, its action's link: the action's form is a
    whole page, and sending it goes back to the entry (Wagtail's editor itself needs JavaScript)."""
    page.goto("/admin/")
    page.locator('main a[href="/admin/nominations/?status=pending"]').click()
    page.get_by_role("row").filter(has_text=forum.title).get_by_role("link").first.click()
    page.locator(f'main a[href*="/workflow/action/{forum.pk}/{action}/"]').click()
    if language == "en":
        expect(page.get_by_role("heading", level=1)).to_contain_text(ENGLISH_LABELS[action])
    if action == "reject" and language == "en":
        page.locator("main").locator('button[type="submit"]').click()
        expect(page.get_by_text("Enter what needs to change")).to_be_visible()
    page.locator('textarea[name="comment"]').fill(comment)
    page.locator("main").locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(re.escape(f"/admin/pages/{forum.pk}/edit/") + "$"))


# Where the editor decides from, and whether their browser runs JavaScript there.
PLACES = {
    "editor footer": (decide_in_the_editor, True),
    "dashboard": (decide_on_the_dashboard, True),
    "without javascript": (decide_without_javascript, False),
}


def assert_nominator_told(nomination, subject, comment):
    emails = [email for email in emails_to(nomination.contact_email) if email.subject == subject]
    assert len(emails) == 1, [email.subject for email in emails_to(nomination.contact_email)]
    assert comment in emails[0].body


@pytest.mark.parametrize("language", ["en", "cy"], ids=["english-admin", "welsh-admin"])
@pytest.mark.parametrize("place", PLACES)
def test_editor_requests_changes_and_approves_with_a_comment(open_page, moderator, two_nominations, place, language):
    """An editor's "Request changes" and "Approve with comment" reach the nominator with the comment,
    from the page editor's footer, from the dashboard and, with JavaScript off (no dialog, no page
    editor), from the nomination's own page, whose links open each action as a page of its own.

    If this fails, an editor's decision from this place in the admin is lost (Wagtail's dialog
    fails behind the scenes) and the nominator never hears what to change or that they are listed.
    """
    from directory.models import Nomination

    decide, javascript = PLACES[place]
    use_admin_language(moderator, language)
    page = open_page(java_script_enabled=javascript)
    sign_in(page, language)

    sent_back = two_nominations["reject"]
    decide(page, sent_back.forum, "reject", CHANGES_COMMENT, language)
    sent_back.refresh_from_db()
    assert sent_back.status == Nomination.Status.CHANGES_REQUESTED
    assert_nominator_told(sent_back, "Changes needed to your entry: Allotment Growers Forum", CHANGES_COMMENT)
    sent_back.forum.refresh_from_db()
    assert not sent_back.forum.live

    approved = two_nominations["approve"]
    decide(page, approved.forum, "approve", APPROVAL_COMMENT, language)
    approved.refresh_from_db()
    assert approved.status == Nomination.Status.APPROVED
    assert_nominator_told(approved, "Hedgehog Watch is now in the directory", APPROVAL_COMMENT)
    approved.forum.refresh_from_db()
    assert approved.forum.live
    page.goto(approved.forum.url)
    expect(page.get_by_role("heading", level=1, name="Hedgehog Watch")).to_be_visible()


@pytest.fixture
def english_entry(site_tree):
    """A live English community with its Welsh alias, as ``load_demo`` leaves the site."""
    from directory.tests.factories import ForumPageFactory
    from directory.translation import create_translation_aliases, ensure_welsh_tree

    ensure_welsh_tree()
    forum = ForumPageFactory(
        parent=site_tree["directory"],
        title="Carers Circle",
        slug="carers-circle",
        summary="Unpaid carers support each other in a weekly webchat.",
    )
    forum.save_revision().publish()
    create_translation_aliases(forum)
    return forum


WELSH_TITLE = "Cylch Gofalwyr"
WELSH_SUMMARY = "Mae gofalwyr di-dâl yn cefnogi ei gilydd mewn sgwrs we wythnosol."


def translate_field(page, field, welsh):
    """In wagtail-localize's editor: open the field's segment, type the Welsh, save it."""
    segment = page.get_by_role("heading", level=3, name=field, exact=True).locator("xpath=..")
    segment.get_by_role("button", name="Translate").click()
    segment.get_by_role("textbox").fill(welsh)
    segment.get_by_role("button", name="Save").click()
    expect(segment.get_by_role("button", name="Edit")).to_be_visible()


def visit_as_a_citizen(open_page, path):
    """``path`` in a browser of its own (the public pages may be kept in a browser's cache for a minute)."""
    page = open_page()
    page.goto(path)
    return page


def test_an_editors_welsh_translation_is_public_only_once_approved(open_page, moderator, english_entry):
    """An editor translates an entry in wagtail-localize, sends it to "Directory moderation" and
    another step approves it; the Welsh text is public then and not before.

    If this fails, editors cannot translate at all ("no permission"), a translation goes out
    unchecked, or it never reaches the editors who would approve it.
    """
    welsh_address = "/cy/directory/carers-circle/"
    page = open_page()
    sign_in(page)
    page.goto(f"/admin/pages/{english_entry.pk}/edit/")
    page.locator("header").get_by_role("button", name="Actions").click()
    page.get_by_role("link", name="Translate this page").click()
    page.get_by_label("Welsh").check()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("successfully submitted for translation into Welsh")).to_be_visible()

    # wagtail-localize's editor keeps each string as it is saved; none of it is public yet.
    translate_field(page, "Title", WELSH_TITLE)
    translate_field(page, "Summary", WELSH_SUMMARY)
    citizen = visit_as_a_citizen(open_page, welsh_address)
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Carers Circle")

    page.get_by_role("button", name="Submit to Directory moderation").click()
    expect(page.get_by_text("is waiting for approval in “Directory moderation”")).to_be_visible()
    citizen = visit_as_a_citizen(open_page, welsh_address)
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Carers Circle")
    expect(citizen.get_by_text(WELSH_SUMMARY)).to_have_count(0)

    page.goto("/admin/")
    row = page.locator("#awaiting-review-section").get_by_role("row").filter(has_text=WELSH_TITLE)
    expect(row).to_contain_text("Welsh")
    row.get_by_role("button", name="Actions").click()
    with page.expect_navigation():
        row.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("#awaiting-review-section").get_by_text(WELSH_TITLE)).to_have_count(0)

    citizen = visit_as_a_citizen(open_page, welsh_address)
    expect(citizen.get_by_role("heading", level=1)).to_have_text(WELSH_TITLE)
    expect(citizen.get_by_text(WELSH_SUMMARY)).to_be_visible()
    citizen = visit_as_a_citizen(open_page, "/directory/carers-circle/")
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Carers Circle")
