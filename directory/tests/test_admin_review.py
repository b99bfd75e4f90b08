"""What an editor sees when reviewing (directory/admin/review.py, directory/admin/panels.py and the
moderation records' pages in directory/admin/moderation.py)."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from directory import nominations
from directory.suggestions import submit_suggestion
from directory.tests.factories import ForumPageFactory
from directory.tests.nomination_helpers import SAMPLE_CONTACT, sample_details, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


@pytest.fixture
def nomination(site_tree):
    contact = {**SAMPLE_CONTACT, "message": "We have 40 volunteer moderators and welcome the council."}
    nomination, _token = nominations.submit_nomination(sample_details(), contact)
    return nomination


def soup_of(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_a_nomination_shows_everything_needed_to_decide(nomination, editor, directory_index):
    """The nomination's page links to the entry, shows the message, the answers and a similar entry,
    and has visible Approve and Request changes buttons.

    If this fails, an editor needs several screens (or the "…" menu) to decide on a nomination.
    """
    twin = ForumPageFactory(parent=directory_index, title="Carers' Corner UK")
    page = soup_of(signed_in(Client(), editor).get(reverse("nominations:inspect", args=[nomination.pk])))
    text = page.get_text(" ", strip=True)
    forum = nomination.forum
    task_state = forum.current_workflow_task_state
    hrefs = {link["href"] for link in page.select("main a[href]")}
    assert f"/admin/pages/workflow/action/{forum.pk}/approve/{task_state.pk}/" in hrefs
    assert f"/admin/pages/workflow/action/{forum.pk}/reject/{task_state.pk}/" in hrefs
    assert {f"/admin/pages/{forum.pk}/edit/", f"/admin/pages/{forum.pk}/view_draft/"} <= hrefs
    assert "We have 40 volunteer moderators and welcome the council." in text
    assert "Suitability answers" in text and "Welcomes public servants" in text
    assert f"/admin/pages/{twin.pk}/edit/" in hrefs and "Similar name" in text
    assert "None" not in text


def test_the_page_editor_shows_the_review_while_the_entry_waits(nomination, editor):
    """Opening the nominated entry in the page editor shows the nominator's message, status and buttons.

    If this fails, an editor in the page editor cannot see why it was nominated or how to decide.
    """
    page = soup_of(signed_in(Client(), editor).get(reverse("wagtailadmin_pages:edit", args=[nomination.forum.pk])))
    text = page.get_text(" ", strip=True)
    assert "We have 40 volunteer moderators and welcome the council." in text
    assert f"New community {nomination.reference}: Waiting for an editor" in text
    assert any("/reject/" in link["href"] for link in page.select("a[href]"))


def test_the_page_editor_has_no_review_panel_for_an_entry_not_in_review(editor, directory_index):
    """A live entry nobody is waiting on has no review panel.

    If this fails, every entry's editor is cluttered with an empty review.
    """
    forum = ForumPageFactory(parent=directory_index)
    page = soup_of(signed_in(Client(), editor).get(reverse("wagtailadmin_pages:edit", args=[forum.pk])))
    assert "Suitability answers" not in page.get_text()


def test_claims_are_headed_claims_and_empty_values_are_a_dash(editor, directory_index):
    """The claims list says "Claims", and a suggestion not yet decided shows "—", not "None".

    If this fails, editors read "Nominations" over claims and "Decided by None".
    """
    forum = ForumPageFactory(parent=directory_index)
    nominations.submit_claim(forum, {"contact_name": "Sam", "contact_email": "sam@private.example", "message": ""})
    client = signed_in(Client(), editor)
    heading = soup_of(client.get(reverse("claims:index"))).select_one("h1, h2").get_text(strip=True)
    assert heading == "Claims"
    suggestion = submit_suggestion(forum, {"summary": "A better summary."}, "Clearer.")
    text = soup_of(client.get(reverse("suggestions:inspect", args=[suggestion.pk]))).get_text(" ", strip=True)
    assert "None" not in text and "—" in text
