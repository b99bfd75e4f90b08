"""The operator's private page /listing/<token>/ over HTTP: access, privacy headers and actions."""

import datetime

import pytest
from django.utils import timezone

from directory import nominations, private_links
from directory.models import ForumPage, Nomination, ProblemReport
from directory.tests.factories import ForumPageFactory
from directory.tests.nomination_helpers import SAMPLE_CONTACT, approve, sample_details, unlisted_entries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


@pytest.fixture
def listed(site_tree, editor):
    """A nomination an editor has approved, with its private token."""
    nomination, token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    approve(nomination.forum, editor)
    nomination.refresh_from_db()
    return nomination, token


def test_the_private_page_shows_status_and_is_kept_private(client, listed):
    """The operator sees their entry's status; the page is not cached, indexed or leaked by referrer.

    If this fails, private links end up in caches, search engines or other sites' logs.
    """
    nomination, token = listed
    response = client.get(f"/listing/{token}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert nomination.reference in text and "Approved" in text and "Carers Corner" in text
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "same-origin", "the link never leaves the site in a Referer header"


@pytest.mark.parametrize("token", ["nope", "A" * 43, "%2e%2e%2fadmin", "' OR 1=1 --", "x" * 300])
def test_any_wrong_token_is_a_plain_404(client, listed, token):
    """Wrong, malformed or hostile tokens get the ordinary 404 page, never a 500 or a hint.

    If this fails, private pages can be probed or crash the site.
    """
    assert client.get(f"/listing/{token}/").status_code == 404
    assert client.post(f"/listing/{token}/update/", {}).status_code == 404


def test_a_rotated_token_stops_the_old_link(client, listed):
    """After a new link is issued, the old one no longer works.

    If this fails, a leaked link can never be revoked.
    """
    nomination, token = listed
    new_token = private_links.rotate_operator_token(nomination)
    assert client.get(f"/listing/{token}/").status_code == 404
    assert client.get(f"/listing/{new_token}/").status_code == 200


def test_still_accurate_sets_last_verified(client, listed):
    """One button confirms the entry; readers then see it was checked today.

    If this fails, operators cannot keep their entry from looking stale.
    """
    nomination, token = listed
    ForumPage.objects.filter(pk=nomination.forum_id).update(last_verified=datetime.date(2020, 1, 1))
    response = client.post(f"/listing/{token}/", {"action": "confirm"})
    assert response.status_code == 302
    assert ForumPage.objects.get(pk=nomination.forum_id).last_verified == timezone.localdate()
    assert "checked today" in client.get(response["Location"]).content.decode()


def test_an_unpublished_entry_cannot_be_confirmed_still_accurate(client, site_tree):
    """Before an editor has published the entry there is nothing readers see to vouch for: the
    page must not offer "Confirm the entry is still accurate", and a forged post changes nothing.
    """
    nomination, token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    ForumPage.objects.filter(pk=nomination.forum_id).update(last_verified=datetime.date(2020, 1, 1))
    html = client.get(f"/listing/{token}/").content.decode()
    assert "Confirm the entry is still accurate" not in html
    assert "Update the details" in html
    client.post(f"/listing/{token}/", {"action": "confirm"})
    assert ForumPage.objects.get(pk=nomination.forum_id).last_verified == datetime.date(2020, 1, 1)


def test_asking_for_removal_reaches_the_editors(client, listed):
    """The removal form files a report for the editors; the entry stays until they act.

    If this fails, operators' requests to leave the directory are lost.
    """
    nomination, token = listed
    assert client.get(f"/listing/{token}/remove/").status_code == 200
    response = client.post(f"/listing/{token}/remove/", {"reason": "We have closed."})
    assert response.status_code == 302
    assert ProblemReport.objects.filter(forum_id=nomination.forum_id, kind="should_not_be_listed").exists()
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.REMOVAL_REQUESTED


def test_an_update_with_bad_input_keeps_what_was_typed(client, listed):
    """A bad web address in the update form is explained beside the field; the rest stays as typed.

    If this fails, operators lose their corrections on a typo.
    """
    _nomination, token = listed
    form = client.get(f"/listing/{token}/update/").context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(website="not a web address", summary="A brand new summary")
    data["audiences"], data["regions"] = [], []
    response = client.post(f"/listing/{token}/update/", data)
    text = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in text
    assert "A brand new summary" in text


def update_form_data(client, token, **changes):
    """The update form as the operator receives it, with ``changes`` typed in."""
    form = client.get(f"/listing/{token}/update/").context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["audiences"], data["regions"] = [], []
    data.update(changes)
    return data


@pytest.mark.parametrize("kind", ["draft", "delisted", "restricted"])
def test_a_duplicate_address_never_names_an_entry_nobody_may_see(client, listed, directory_index, kind):
    """Changing the address to one a draft, delisted or password-protected entry has says only that
    an entry with that address exists, beside the field; the other entry's name is not shown.

    If this fails, anyone with a private link can read the names of unpublished nominations (and
    of entries editors took down or restricted) by trying web addresses.
    """
    _nomination, token = listed
    hidden = unlisted_entries(directory_index)[kind]
    response = client.post(f"/listing/{token}/update/", update_form_data(client, token, website=hidden.website))
    text = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in text
    assert "An entry with this web address already exists." in text
    assert hidden.title not in text


def test_a_duplicate_address_of_a_listed_entry_names_it(client, listed, directory_index):
    """A listed entry's address is refused with its name, which anyone can already see in the directory.

    If this fails, an operator is not told which public entry has the address they typed.
    """
    _nomination, token = listed
    other = ForumPageFactory(parent=directory_index, title="Public Neighbour", website="https://neighbour.example.org")
    response = client.post(f"/listing/{token}/update/", update_form_data(client, token, website=other.website))
    assert "“Public Neighbour” is already in the directory with this web address." in response.content.decode()


# Ownership changes: old private links stop, and no page shows one person's details to another.

CLAIMANT = {"contact_name": "Claire Claimant", "contact_email": "claire@claimant.example"}
ORIGINAL = (SAMPLE_CONTACT["contact_name"], SAMPLE_CONTACT["contact_email"])


def approved_claim(forum, editor):
    claim = nominations.submit_claim(forum, {**CLAIMANT, "message": "I run it now."})
    return claim, nominations.approve_claim(claim, editor)


def assert_link_no_longer_works(client, token, *private):
    """Every page of a stopped link answers 410 "no longer works" and names nobody."""
    for method, path, data in (
        ("get", "", None),
        ("post", "", {"action": "confirm"}),
        ("get", "update/", None),
        ("post", "update/", {"title": "Taken over"}),
        ("get", "remove/", None),
        ("post", "remove/", {"reason": "Go away"}),
    ):
        response = getattr(client, method)(f"/listing/{token}/{path}", data)
        text = response.content.decode()
        assert response.status_code == 410, (method, path)
        assert "This link no longer works" in text and "govuk-template" in text
        assert response["Cache-Control"] == "private, no-store"
        for detail in private:
            assert detail not in text, (method, path, detail)


def test_approving_a_claim_stops_the_nominators_link(client, listed, editor):
    """Once a claim is approved, the original nominator's link answers "This link no longer works"
    (410) on every page, in English and Welsh, and shows neither person's contact details; the
    claimant's new link works and shows only the claimant's own details.

    If this fails, the former operator keeps control of the entry and reads the new operator's
    name and email address on their old private page.
    """
    nomination, old_token = listed
    _claim, new_token = approved_claim(nomination.forum, editor)
    assert_link_no_longer_works(client, old_token, *CLAIMANT.values(), *ORIGINAL)
    welsh = client.get(f"/cy/listing/{old_token}/")
    assert welsh.status_code == 410 and "Nid yw'r ddolen hon yn gweithio mwyach" in welsh.content.decode()
    assert client.get(f"/listing/{new_token}/").status_code == 200
    form_page = client.get(f"/listing/{new_token}/update/").content.decode()
    assert CLAIMANT["contact_email"] in form_page
    for detail in ORIGINAL:
        assert detail not in form_page


def test_a_claim_approved_while_changes_wait_still_stops_the_old_link(client, listed, editor):
    """A claim approved while the old operator's changes wait for review (nothing published) stops
    their link all the same.

    If this fails, the previous operator keeps a working link whenever a review is in progress.
    """
    nomination, old_token = listed
    nominations.submit_operator_update(nomination, {"summary": "Waiting for an editor."})
    approved_claim(ForumPage.objects.get(pk=nomination.forum_id), editor)
    assert_link_no_longer_works(client, old_token, *CLAIMANT.values())


def test_a_second_approved_claim_stops_the_first_claimants_link(client, listed, editor):
    """When the entry is claimed again, the earlier claimant's link stops too.

    If this fails, every past claimant keeps a working link and sees the newest one's details.
    """
    nomination, _token = listed
    _first, first_token = approved_claim(nomination.forum, editor)
    second = nominations.submit_claim(
        ForumPage.objects.get(pk=nomination.forum_id),
        {"contact_name": "Sam Second", "contact_email": "sam@second.example", "message": ""},
    )
    nominations.approve_claim(second, editor)
    assert_link_no_longer_works(client, first_token, "Sam Second", "sam@second.example")


def test_an_editor_giving_the_entry_another_contact_stops_the_old_link(client, listed, editor):
    """An editor who changes the entry's contact email and publishes hands it over: the old link stops.

    If this fails, a former operator the editors replaced keeps editing the entry and sees the new
    contact's details.
    """
    nomination, token = listed
    forum = ForumPage.objects.get(pk=nomination.forum_id)
    forum.contact_name, forum.contact_email = "New Person", "new.person@example.org"
    forum.save_revision(user=editor).publish(user=editor)
    assert_link_no_longer_works(client, token, "New Person", "new.person@example.org")
    assert private_links.current_operator_nomination(forum) is None, "no reminder rotates a stopped link back"


def test_an_operator_changing_their_own_email_keeps_their_link(client, listed, editor):
    """An operator who corrects their own contact email keeps a working link once the change is approved.

    If this fails, operators lock themselves out by updating their email address.
    """
    nomination, token = listed
    data = update_form_data(client, token, contact_email="pat.new@example.org")
    assert client.post(f"/listing/{token}/update/", data).status_code == 302
    approve(ForumPage.objects.get(pk=nomination.forum_id), editor)
    assert client.get(f"/listing/{token}/").status_code == 200
    assert "pat.new@example.org" in client.get(f"/listing/{token}/update/").content.decode()


def test_the_update_form_shows_the_link_holders_own_details_only(client, listed, editor):
    """A contact change an editor has saved but not yet published never appears on the old holder's page.

    If this fails, the operator's private page shows someone else's name and email address.
    """
    nomination, token = listed
    forum = ForumPage.objects.get(pk=nomination.forum_id)
    forum.contact_name, forum.contact_email = "Nina Newcomer", "nina@newcomer.example"
    forum.save_revision(user=editor)
    for path in ("", "update/", "remove/"):
        text = client.get(f"/listing/{token}/{path}").content.decode()
        assert "Nina Newcomer" not in text and "nina@newcomer.example" not in text, path


def test_a_line_break_in_the_updated_title_is_refused_beside_the_field(client, listed):
    """The operator's corrected title (or name) with a line break is refused in the error summary and
    beside the field; what they typed elsewhere stays.

    If this fails, an operator can store a title that makes every email about their entry fail.
    """
    nomination, token = listed
    data = update_form_data(client, token, title="Carers\r\nCorner", summary="A corrected summary")
    response = client.post(f"/listing/{token}/update/", data)
    text = response.content.decode()
    message = "Enter “Name of the community” on one line, without line breaks"
    assert response.status_code == 200 and f'<a href="#id_title">{message}</a>' in text
    assert "A corrected summary" in text
    assert ForumPage.objects.get(pk=nomination.forum_id).latest_revision.content["title"] == "Carers Corner"
