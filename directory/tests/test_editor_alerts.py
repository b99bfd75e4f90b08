"""Editors are told about what the public sends to review (directory/editor_alerts.py)."""

from collections import Counter

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.users.models import UserProfile

from directory import nominations
from directory.models import OutboundEmail
from directory.site_tree import EDITORS_GROUP
from directory.suggestions import submit_suggestion
from directory.tests.factories import ForumPageFactory
from directory.tests.nomination_helpers import SAMPLE_CONTACT, sample_details

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


@pytest.fixture
def people(django_user_model, site_tree):
    editors = Group.objects.get(name=EDITORS_GROUP)
    english = django_user_model.objects.create_user("en-editor", "en-editor@example.gov", "pw")
    welsh = django_user_model.objects.create_user("cy-editor", "cy-editor@example.gov", "pw")
    for user in (english, welsh):
        user.groups.add(editors)
    profile = UserProfile.get_for_user(welsh)
    profile.preferred_language = "cy"
    profile.save()
    django_user_model.objects.create_superuser("admin", "admin@example.gov", "pw")
    django_user_model.objects.create_user("someone", "someone@example.gov", "pw")
    return {"english": english, "welsh": welsh}


def emails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_a_nomination_reaches_every_editor_once_in_their_admin_language(people, django_capture_on_commit_callbacks):
    """Each editor (and superuser) gets exactly one email about a new nomination, with its message,
    in the language of their admin; other users get none.

    If this fails, editors miss nominations, get two emails for one, or get English they did not choose.
    """
    contact = {**SAMPLE_CONTACT, "message": "Please list us."}
    with django_capture_on_commit_callbacks(execute=True):
        nominations.submit_nomination(sample_details(), contact)
    counts = Counter(message.to[0] for message in mail.outbox)
    assert counts["en-editor@example.gov"] == counts["cy-editor@example.gov"] == counts["admin@example.gov"] == 1
    assert counts["someone@example.gov"] == 0
    english = emails_to("en-editor@example.gov")[0]
    assert "Carers Corner" in english.subject and "Please list us." in english.body
    assert "/admin/nominations/inspect/" in english.body
    welsh = emails_to("cy-editor@example.gov")[0]
    assert "enwebu" in welsh.body and "Please list us." in welsh.body
    assert OutboundEmail.objects.filter(to="cy-editor@example.gov").count() == 1  # queued, retried, visible


def test_claims_and_suggestions_reach_every_editor_once(people, directory_index, django_capture_on_commit_callbacks):
    """A claim and a suggested edit each email every editor once, linking to the record.

    If this fails, claims and suggestions wait unseen until an editor happens to look.
    """
    forum = ForumPageFactory(parent=directory_index, title="Veterans Hub")
    with django_capture_on_commit_callbacks(execute=True):
        nominations.submit_claim(forum, {"contact_name": "Sam", "contact_email": "sam@private.example", "message": ""})
        submit_suggestion(forum, {"summary": "A better summary."}, "Clearer.")
    received = emails_to("en-editor@example.gov")
    assert len(received) == 2
    assert any("/admin/claims/inspect/" in message.body for message in received)
    assert any("/admin/suggestions/inspect/" in message.body for message in received)


def test_an_operators_update_reaches_every_editor_once(people, django_capture_on_commit_callbacks):
    """Changes an operator sends through their private link email each editor once.

    If this fails, an operator's corrections wait unseen.
    """
    from directory.tests.nomination_helpers import approve

    nomination, _token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    approve(nomination.forum, people["english"])
    nomination.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        nominations.submit_operator_update(nomination, sample_details(summary="Carers help each other, day and night."))
    received = emails_to("en-editor@example.gov")
    assert len(received) == 1 and "Changes to review: Carers Corner" == received[0].subject
