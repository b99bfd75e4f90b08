"""Verified operators (directory/verification.py): the token in a meta tag or a well-known file
verifies the entry in every language; it lapses, and editors are told, when a later check finds it
gone; it shows on the page, the card, the exports, the API and Open Referral. Local servers only."""

import csv
import io

import pytest
from django.core import mail
from wagtail.models import Locale

from core.tests.web_server import serve
from directory import nominations
from directory.models import ForumPage
from directory.tests.factories import ForumPageFactory
from directory.tests.nomination_helpers import SAMPLE_CONTACT, approve, sample_details
from directory.translation import ensure_welsh_tree
from directory.verification import check_verification, recheck_verified
from directory.verification_tokens import WELL_KNOWN_PATH, claim_token, meta_tag, verification_token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


@pytest.fixture
def website(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    settings.DIRECTORY_LINK_CHECK_TIMEOUT = 2
    with serve("127.0.0.2") as server:
        yield server


@pytest.fixture
def forum(directory_index, website):
    return ForumPageFactory(parent=directory_index, slug="carers", website=website.base + "/")


def home_page_with(tag):
    return (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        f"<html><head>{tag}</head><body>Hi</body></html>".encode(),
    )


def test_the_token_in_a_meta_tag_verifies_the_entry(forum, website):
    """An operator who adds the tag to their home page is shown as verified."""
    website.routes["/"] = home_page_with(meta_tag(verification_token(forum)))
    assert check_verification(forum).found
    assert ForumPage.objects.get(pk=forum.pk).operator_verified_at is not None


def test_the_token_in_the_well_known_file_verifies_the_entry(forum, website):
    """An operator who cannot edit their page's <head> can publish a small file instead."""
    website.routes["/"] = home_page_with("")
    website.routes[WELL_KNOWN_PATH] = (200, {"Content-Type": "text/plain"}, (verification_token(forum) + "\n").encode())
    assert check_verification(forum).found
    assert WELL_KNOWN_PATH in website.requests


@pytest.mark.parametrize(
    "tag",
    ["", '<meta name="peer-support-directory-verification" content="psd-someone-elses">', "<!-- {token} -->"],
)
def test_anything_but_this_entrys_token_in_its_tag_verifies_nothing(forum, website, tag):
    """Another entry's token, or the token outside the tag, proves nothing."""
    website.routes["/"] = home_page_with(tag.format(token=verification_token(forum)))
    assert not check_verification(forum).found
    assert ForumPage.objects.get(pk=forum.pk).operator_verified_at is None


def test_tokens_differ_per_entry_and_per_claim(directory_index, website):
    """One operator's token cannot verify another community, nor a claimant's someone else's."""
    first = ForumPageFactory(parent=directory_index, website=website.base + "/a/")
    second = ForumPageFactory(parent=directory_index, website=website.base + "/b/")
    assert verification_token(first) != verification_token(second)
    assert verification_token(first) != verification_token(first, purpose="claim-1")


def test_verification_lapses_and_editors_are_told_when_the_token_goes(
    forum, website, editor, django_capture_on_commit_callbacks
):
    """An operator who removes the token (or a new owner of the site) is no longer shown as verified."""
    website.routes["/"] = home_page_with(meta_tag(verification_token(forum)))
    check_verification(forum)
    forum.refresh_from_db()
    website.routes["/"] = home_page_with("")
    with django_capture_on_commit_callbacks(execute=True):
        recheck_verified()
    assert ForumPage.objects.get(pk=forum.pk).operator_verified_at is None
    (message,) = [message for message in mail.outbox if message.to == [editor.email]]
    assert "Verification lapsed" in message.subject and forum.title in message.subject


def test_a_site_that_is_down_keeps_its_verification(forum, website):
    """A site having a bad day has not removed the token: nothing lapses until it answers again."""
    website.routes["/"] = home_page_with(meta_tag(verification_token(forum)))
    check_verification(forum)
    forum.refresh_from_db()
    website.routes["/"] = (503, {}, b"")
    website.routes[WELL_KNOWN_PATH] = (503, {}, b"")
    assert not check_verification(forum).found
    assert ForumPage.objects.get(pk=forum.pk).operator_verified_at is not None


def test_a_website_on_our_own_network_is_refused(directory_index, settings):
    """An entry whose address points inside our network (SSRF) is never fetched, and never verified."""
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    with serve("127.0.0.1") as internal:
        forum = ForumPageFactory(parent=directory_index, website=internal.base + "/")
        internal.routes["/"] = home_page_with(meta_tag(verification_token(forum)))
        check = check_verification(forum)
        assert not check.found and "public internet" in check.error
        assert internal.requests == []


def test_every_language_is_verified_and_a_revision_does_not_undo_it(forum, website):
    """The Welsh page shows the same proof; publishing an edit keeps it (revisions do not hold it)."""
    ensure_welsh_tree()  # the entry gets its Welsh copy
    assert forum.get_translation(Locale.objects.get(language_code="cy"))
    website.routes["/"] = home_page_with(meta_tag(verification_token(forum)))
    check_verification(forum)
    assert (
        ForumPage.objects.filter(translation_key=forum.translation_key, operator_verified_at__isnull=True).count() == 0
    )
    page = ForumPage.objects.get(pk=forum.pk)
    page.summary = "A new summary."
    page.save_revision().publish()
    assert ForumPage.objects.get(pk=forum.pk).operator_verified_at is not None


def test_the_page_card_export_api_and_open_referral_say_verified(client, forum, website):
    """Readers and reusers of the data see who proved they run the community's website."""
    website.routes["/"] = home_page_with(meta_tag(verification_token(forum)))
    check_verification(forum)
    forum.refresh_from_db()
    date = forum.operator_verified_at.strftime("%-d %B %Y")
    assert f"Verified by the community's operator on {date}" in client.get("/directory/carers/").content.decode()
    assert f"Verified by the community's operator on {date}" in client.get("/directory/").content.decode()
    body = b"".join(client.get("/directory/export.csv").streaming_content).decode()
    (row,) = list(csv.DictReader(io.StringIO(body)))
    assert row["operator_verified_at"].startswith(forum.operator_verified_at.date().isoformat())
    api = client.get(f"/api/v2/pages/{forum.pk}/").json()
    assert api["operator_verified_at"]
    services = client.get("/openreferral/services/" + client.get("/openreferral/services").json()["contents"][0]["id"])
    codes = [attribute["taxonomy_term"]["code"] for attribute in services.json()["attributes"]]
    assert "operator-verified" in codes


def test_the_operator_checks_now_from_their_private_page(client, site_tree, editor, website):
    """The operator sees their token and where to put it, and "Check now" tells them the result."""
    nomination, token = nominations.submit_nomination(sample_details(website=website.base + "/"), SAMPLE_CONTACT)
    approve(nomination.forum, editor)
    forum = ForumPage.objects.get(pk=nomination.forum.pk)
    page = client.get(f"/listing/{token}/").content.decode()
    assert verification_token(forum) in page and WELL_KNOWN_PATH in page
    response = client.post(f"/listing/{token}/", {"action": "verify"}, follow=True)
    assert "We could not find the token on your website" in response.content.decode()
    website.routes["/"] = home_page_with(meta_tag(verification_token(forum)))
    response = client.post(f"/listing/{token}/", {"action": "verify"}, follow=True)
    assert "We found the token on your website" in response.content.decode()
    assert ForumPage.objects.get(pk=forum.pk).operator_verified_at is not None


def claim_for(forum, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return nominations.submit_claim(forum, {"contact_name": "New Owner", "contact_email": "owner@example.org"})


def test_a_claimant_is_given_their_own_token(forum, django_capture_on_commit_callbacks):
    """Someone claiming an entry learns how to prove they run the site, with a token only they have."""
    claim = claim_for(forum, django_capture_on_commit_callbacks)
    body = mail.outbox[-1].body
    assert claim_token(claim) in body and WELL_KNOWN_PATH in body
    assert verification_token(forum) not in body, "the current operator's token is not the claimant's"


def test_a_verified_claim_is_approved_in_one_decision(
    client, forum, website, editor, django_capture_on_commit_callbacks
):
    """An editor approves a claimant who proved they run the website with one decision; one who has not
    is left for the usual checks."""
    claim = claim_for(forum, django_capture_on_commit_callbacks)
    client.force_login(editor)
    inspect = client.get(f"/admin/claims/inspect/{claim.pk}/").content.decode()
    assert "Check the website and approve" in inspect
    url = f"/admin/claims/approve_verified/{claim.pk}/"
    website.routes["/"] = home_page_with(meta_tag(verification_token(forum)))  # the old operator's: not enough
    response = client.post(url, follow=True)
    assert "token is not on the website" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "pending"
    website.routes["/"] = home_page_with(meta_tag(claim_token(claim)))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    claim.refresh_from_db()
    assert claim.status == "approved"
    assert ForumPage.objects.get(pk=forum.pk).get_latest_revision_as_object().contact_email == "owner@example.org"
