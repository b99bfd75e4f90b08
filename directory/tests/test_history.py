"""The public change history (directory/history.py and /directory/<slug>/history/)."""

import pytest

from directory.history import HISTORY_LIMIT, public_history
from directory.models import ForumPage
from directory.tests.factories import ForumPageFactory, publish_change

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


@pytest.fixture
def forum(directory_index):
    page = ForumPageFactory(parent=directory_index, title="Money Talk", summary="Money help.", members=100)
    page.save_revision().publish()
    return ForumPage.objects.get(pk=page.pk)


def test_each_published_change_lists_public_fields_old_and_new(forum):
    """Readers see what changed and from what, newest first; the first publication is marked.

    If this fails, the directory's "every change has public history" promise is broken.
    """
    publish_change(forum, summary="Money and debt help.", members=2500, engagement_preference="by_arrangement")
    history = public_history(forum)
    assert len(history) == 2
    latest, first = history
    assert first.first and not first.changes
    changes = {change.label: (change.old, change.new) for change in latest.changes}
    assert changes["Summary"] == ("Money help.", "Money and debt help.")
    assert changes["Registered members"] == ("100", "2,500")
    assert changes["Public servants"] == ("Welcomes public servants", "By arrangement with the moderators")


def test_private_fields_never_appear_in_the_history(client, forum):
    """Changes to contact details and editor notes are invisible in the history, page and data alike.

    If this fails, operators' private contact details are published.
    """
    publish_change(forum, contact_email="new-secret@private.example", contact_name="Secret Name", editor_notes="Shh")
    publish_change(forum, summary="Money and debt help.", contact_email="newer-secret@private.example")
    history = public_history(forum)
    labels = {change.label for entry in history for change in entry.changes}
    assert labels == {"Summary"}
    page = client.get(f"{forum.url}history/").content.decode()
    assert "Money and debt help." in page
    for secret in (
        "new-secret@private.example",
        "newer-secret@private.example",
        "Secret Name",
        "Shh",
        "private.example",
    ):
        assert secret not in page


def test_drafts_waiting_for_review_are_not_history(forum):
    """An unpublished revision is not in the public history.

    If this fails, suggestions and operator updates appear publicly before an editor approves them.
    """
    page = ForumPage.objects.get(pk=forum.pk)
    page.summary = "Not approved yet"
    page.save_revision()
    assert all(change.new != "Not approved yet" for entry in public_history(forum) for change in entry.changes)


@pytest.mark.parametrize("publishes", [20, 100])
def test_history_takes_a_fixed_number_of_queries(forum, publishes, django_assert_max_num_queries):
    """However long the history, reading it costs the same handful of queries.

    If this fails, the history page of a busy entry slows the site down.
    """
    for number in range(publishes):
        publish_change(forum, members=1000 + number)
    with django_assert_max_num_queries(8):
        history = public_history(forum)
    assert len(history) == min(publishes + 1, HISTORY_LIMIT)
