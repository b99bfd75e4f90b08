"""Search index entries follow the labels editors rename and the topics' Welsh names they give, and each
community is indexed with its relations."""

import pytest
from taggit.models import Tag

from directory.listing.engine import Engine
from directory.models import TopicName
from directory.tests.factories import AudienceFactory, ForumPageFactory


def found(terms):
    return Engine().text_match(terms).ids


@pytest.mark.django_db
def test_a_community_is_found_by_its_labels_from_its_first_save(directory_index):
    """A community created with its audience in one save (as a Welsh alias is) must be found by
    the audience's name, or the facet would list it while a search for the same words did not."""
    hobby = AudienceFactory(slug="hobbyists", name="Hobbyists", name_cy="Hobiwyr")
    forum = ForumPageFactory(parent=directory_index, title="Model Railways", audiences=[hobby])
    assert found("hobbyists") == [forum.pk]
    assert found("hobiwyr") == [forum.pk]


@pytest.mark.django_db
def test_renaming_a_label_reindexes_its_communities(directory_index, django_capture_on_commit_callbacks):
    """An editor corrects a label's Welsh name; searches for the new word must find its communities."""
    hobby = AudienceFactory(slug="hobbyists", name="Hobbyists", name_cy="Hobiwyr")
    forum = ForumPageFactory(parent=directory_index, title="Model Railways", audiences=[hobby])
    with django_capture_on_commit_callbacks(execute=True):
        hobby.name_cy = "Pobl a diddordebau"
        hobby.save()
    assert found("diddordebau") == [forum.pk]


@pytest.mark.django_db
def test_giving_a_topic_its_welsh_name_reindexes_its_communities(directory_index, django_capture_on_commit_callbacks):
    """An editor gives "parenting" its Welsh name; a search in Welsh must then find the communities
    about it, and one made after must be found too."""
    before = ForumPageFactory(parent=directory_index, title="Family Matters", topics=["parenting"])
    with django_capture_on_commit_callbacks(execute=True):
        TopicName.objects.create(tag=Tag.objects.get(name="parenting"), name_cy="magu plant")
    after = ForumPageFactory(parent=directory_index, title="Mums Together", topics=["parenting"])
    assert sorted(found("magu")) == sorted([before.pk, after.pk])
