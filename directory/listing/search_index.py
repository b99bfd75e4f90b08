"""Keeping communities' search index entries true to the labels of their audiences, regions and type,
and to their topics' Welsh names.

The index holds each label in English and Welsh (``directory.models.public_fields``), so when an
editor renames one, or gives a topic its Welsh name, the communities that have it are indexed
again, in background tasks once the change is committed. (A community's own topics, audiences
and regions are indexed with it when it is saved: ``ForumPage.save``.)
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django_tasks import task
from modelsearch.index import insert_or_update_object

from directory.models import Audience, CommunityType, ForumPage, Region, TopicName

PER_TASK = 500  # communities indexed again by one task after a label is renamed


@task()
def reindex_communities(ids):
    """Index these communities again, with their labels as they are now."""
    forums = ForumPage.objects.filter(pk__in=ids).select_related("community_type")
    for forum in forums.prefetch_related("topics__welsh_name", "audiences", "regions"):
        insert_or_update_object(forum)
    return len(ids)


def _on_label_saved(sender, instance, created=False, raw=False, **kwargs):
    if created or raw:
        return  # a new term is on no community yet
    _reindex_later(list(instance.forums.values_list("pk", flat=True)))


def _on_topic_name_changed(sender, instance, raw=False, **kwargs):
    # A new Welsh name is for a topic communities already have: they are indexed again, as on a rename.
    if not raw:
        _reindex_later(
            list(ForumPage.objects.filter(tagged_items__tag_id=instance.tag_id).values_list("pk", flat=True))
        )


def _reindex_later(ids):
    for start in range(0, len(ids), PER_TASK):
        chunk = ids[start : start + PER_TASK]
        transaction.on_commit(lambda chunk=chunk: reindex_communities.enqueue(chunk))


def connect_search_reindexing():
    """Connect the receivers (from ``DirectoryConfig.ready``)."""
    for model in (Audience, Region, CommunityType):
        post_save.connect(_on_label_saved, sender=model, dispatch_uid=f"search_index.{model.__name__}")
    post_save.connect(_on_topic_name_changed, sender=TopicName, dispatch_uid="search_index.TopicName")
    post_delete.connect(_on_topic_name_changed, sender=TopicName, dispatch_uid="search_index.TopicName.deleted")
