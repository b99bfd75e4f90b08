"""The operator's private page /listing/<token>/ over HTTP: access, privacy headers and actions."""

import datetime

import pytest
from django.utils import timezone

from directory import nominations
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
    new_token = nominations.rotate_operator_token(nomination)
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
