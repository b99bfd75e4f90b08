"""The listing's result cards (directory/listing/cards.py): what each card says, in both languages."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from taggit.models import Tag

from directory.listing.cards import result_cards
from directory.listing.sql import prefetch_terms
from directory.models import EngagementPreference, ForumPage, TopicName
from directory.tests.factories import ForumPageFactory

pytestmark = pytest.mark.django_db


def cards_for(*forums):
    forums = list(ForumPage.objects.filter(pk__in=[forum.pk for forum in forums]).select_related("community_type"))
    prefetch_terms(forums, managers=False)
    return result_cards(forums, RequestFactory().get("/directory/"))


def details(card):
    return {detail["label"]: str(detail["value"]) for detail in card["details"]}


def test_a_card_says_type_topics_audiences_regions_joining_and_members(netmums_and_friends):
    """A reader compares communities at a glance from these rows; if one went missing, they would
    have to open every entry to learn it."""
    netmums = netmums_and_friends["netmums"]
    ForumPage.objects.filter(pk=netmums.pk).update(cost="free", registration="to_post")
    (card,) = cards_for(netmums)
    assert card["url"] == netmums.url
    assert details(card) == {
        "Type:": "Discussion forum",
        "Topics:": "<span>Parenting</span>, <span>Pregnancy</span>",
        "For:": "Parents and carers",
        "Where:": "Scotland, Wales",
        "Joining:": "Free. Register to post.",
        "Members:": "about 2,000,000",
    }
    assert (card["preference_colour"], card["preference_label"]) == ("green", "Welcomes public servants")


def test_rows_with_nothing_to_say_are_left_out(directory_index):
    """An empty "Topics:" or "Members:" row reads as a broken card to a screen reader user."""
    bare = ForumPageFactory(parent=directory_index, title="Bare board", members=None, cost="", registration="")
    (card,) = cards_for(bare)
    assert "Members:" not in details(card) and "Joining:" not in details(card)


@pytest.mark.parametrize(
    ("preference", "colour", "label"),
    [
        (EngagementPreference.WELCOMES, "green", "Welcomes public servants"),
        (EngagementPreference.BY_ARRANGEMENT, "yellow", "Public servants: by arrangement with the moderators"),
        (EngagementPreference.DOES_NOT_WELCOME, "red", "Does not welcome public servants"),
    ],
)
def test_the_engagement_tag_says_whom_it_is_about_in_its_colour(directory_index, preference, colour, label):
    """Public servants pick communities by this tag: a wrong colour or a bare "By arrangement" misleads them."""
    forum = ForumPageFactory(parent=directory_index, engagement_preference=preference)
    (card,) = cards_for(forum)
    assert (card["preference_colour"], card["preference_label"]) == (colour, label)


def test_names_are_escaped(directory_index, vocab):
    """A topic or audience named with markup must show as text, not run as a script in readers' browsers."""
    vocab["parents"].name = "<script>alert(1)</script>"
    vocab["parents"].save()
    forum = ForumPageFactory(parent=directory_index, topics=["<b>bold</b>"], audiences=[vocab["parents"]])
    text = str(details(cards_for(forum)[0]))
    assert "<script>" not in text and "<b>" not in text
    assert "&lt;script&gt;" in text and "&lt;b&gt;" in text


def test_welsh_cards_use_welsh_labels_and_mark_english_topics(netmums_and_friends):
    """A Welsh reader gets Welsh labels and topic names, and a screen reader is told which topic is in English."""
    TopicName.objects.create(tag=Tag.objects.get(name="parenting"), name_cy="magu plant")
    with translation.override("cy"):
        (card,) = cards_for(netmums_and_friends["netmums"])
    rows = details(card)
    assert "Aelodau:" in rows and "Members:" not in rows
    topics = next(value for value in rows.values() if "Magu plant" in value)
    assert topics == '<span>Magu plant</span>, <span lang="en">Pregnancy</span>'
