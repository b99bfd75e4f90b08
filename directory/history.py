"""The public change history of an entry: what changed each time it was published.

Only published revisions are compared, each with the one published before it, and only the
public fields listed in ``HISTORY_FIELDS`` — an allow-list, so private fields (contact
details, editor notes) and internal bookkeeping can never appear. The work is bounded: a fixed
number of queries whatever the length of the history, and at most ``HISTORY_LIMIT`` entries.

Values editors have removed (``RevisionRedaction``: personal data corrected since) show as
"Removed by an editor" wherever they would appear, in every language's copy of the entry.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import dateparse, formats
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from wagtail.models import Page, PageLogEntry, Revision

from directory.models import (
    Activity,
    Audience,
    CommunityType,
    Cost,
    EditSuggestion,
    EngagementPreference,
    FigureSource,
    ForumPage,
    ForumStatus,
    JoinMethod,
    OperatorKind,
    Region,
    Registration,
    RevisionRedaction,
)
from directory.models.public_fields import history_fields, history_labels

HISTORY_LIMIT = 100

# Public fields shown in the history, in the order a reader expects (directory.models.public_fields).
HISTORY_FIELDS = history_fields()
LABELS = history_labels()
assert not set(HISTORY_FIELDS) & set(ForumPage.PRIVATE_FIELDS), "private fields must never be in the history"

CHOICES = {
    "status": ForumStatus,
    "operator_kind": OperatorKind,
    "figures_source": FigureSource,
    "engagement_preference": EngagementPreference,
    "cost": Cost,
    "registration": Registration,
    "how_to_join": JoinMethod,
    "activity": Activity,
}
VOCABULARIES = {"community_type": CommunityType, "audiences": Audience, "regions": Region}


@dataclass
class FieldChange:
    """One field's change; a removed value is "" with its ``*_removed`` flag set (it never leaves here)."""

    label: str
    old: str
    new: str
    name: str = ""
    old_revision_id: int | None = None
    new_revision_id: int | None = None
    old_removed: bool = False
    new_removed: bool = False


@dataclass
class HistoryEntry:
    published_at: object
    revision_id: int | None = None
    first: bool = False
    from_suggestion: bool = False
    changes: list = field(default_factory=list)


def source_page(forum):
    """The page that owns the history: an alias in another language shows its original's."""
    return forum.alias_of_id or forum.pk


def field_label(name):
    if name in LABELS:
        return str(LABELS[name])
    return str(ForumPage._meta.get_field(name).verbose_name).capitalize()


def raw_value(content, name):
    """A field's stored value in a revision's content; topics come from the tag links."""
    if name == "topics":
        return sorted(item.get("tag") for item in content.get("tagged_items", []) if item.get("tag") is not None)
    value = content.get(name)
    if name in ("audiences", "regions"):
        return sorted(value or [])
    return value


def comparable(value):
    """A raw value as a set member (lists become tuples)."""
    return tuple(value) if isinstance(value, list) else value


def removed_values(forum):
    """``{field name: {raw values}}`` editors removed from the history of any language's copy of ``forum``."""
    copies = Page.objects.filter(translation_key=forum.translation_key).annotate(key=Cast("pk", CharField()))
    rows = RevisionRedaction.objects.filter(
        revision__base_content_type=ContentType.objects.get_for_model(Page),
        revision__object_id__in=copies.values("key"),
    ).values_list("field_name", "revision__content")
    removed = {}
    for name, content in rows:
        if name in HISTORY_FIELDS:
            removed.setdefault(name, set()).add(comparable(raw_value(content, name)))
    return removed


def public_history(forum):
    """The entry's published changes, newest first: date and the public fields changed, old → new."""
    page_id = source_page(forum)
    publishes = list(
        PageLogEntry.objects.filter(page_id=page_id, action="wagtail.publish", revision__isnull=False)
        .order_by("-timestamp", "-pk")
        .values_list("revision_id", "timestamp")[: HISTORY_LIMIT + 1]
    )
    publishes.reverse()
    revision_ids = [revision_id for revision_id, _timestamp in publishes]
    contents = dict(Revision.objects.filter(pk__in=revision_ids).values_list("pk", "content"))
    suggested = set(
        EditSuggestion.objects.filter(revision_id__in=revision_ids, status=EditSuggestion.Status.ACCEPTED).values_list(
            "revision_id", flat=True
        )
    )
    snapshots = [
        (revision_id, timestamp, {name: raw_value(contents[revision_id], name) for name in HISTORY_FIELDS})
        for revision_id, timestamp in publishes
        if revision_id in contents
    ]
    names = display_names(snapshots)
    removed = removed_values(forum)
    entries = []
    previous = previous_id = None
    for index, (revision_id, timestamp, snapshot) in enumerate(snapshots):
        if previous is None:
            # The oldest entry is only "first published" if the history is not cut off.
            if index == 0 and len(publishes) <= HISTORY_LIMIT:
                entries.append(HistoryEntry(published_at=timestamp, revision_id=revision_id, first=True))
            previous, previous_id = snapshot, revision_id
            continue
        changes = []
        for name in HISTORY_FIELDS:
            if previous[name] == snapshot[name]:
                continue
            old_removed = comparable(previous[name]) in removed.get(name, ())
            new_removed = comparable(snapshot[name]) in removed.get(name, ())
            changes.append(
                FieldChange(
                    field_label(name),
                    "" if old_removed else display(name, previous[name], names),
                    "" if new_removed else display(name, snapshot[name], names),
                    name=name,
                    old_revision_id=previous_id,
                    new_revision_id=revision_id,
                    old_removed=old_removed,
                    new_removed=new_removed,
                )
            )
        if changes:
            entries.append(
                HistoryEntry(
                    published_at=timestamp,
                    revision_id=revision_id,
                    changes=changes,
                    from_suggestion=revision_id in suggested,
                )
            )
        previous, previous_id = snapshot, revision_id
    entries.reverse()
    return entries


def display_names(snapshots):
    """Names for every vocabulary id and tag id in the snapshots, one query per vocabulary."""
    wanted = {name: set() for name in (*VOCABULARIES, "topics")}
    for _revision_id, _timestamp, snapshot in snapshots:
        for name in wanted:
            value = snapshot[name]
            if isinstance(value, list):
                wanted[name].update(value)
            elif value is not None:
                wanted[name].add(value)
    names = {}
    for name, model in VOCABULARIES.items():
        names[name] = {item.pk: item.display_name for item in model.objects.filter(pk__in=wanted[name])}
    names["topics"] = dict(Tag.objects.filter(pk__in=wanted["topics"]).values_list("pk", "name"))
    return names


def display(name, value, names):
    """A stored value as a reader would want to see it."""
    if value in (None, "", []):
        return ""
    if name in CHOICES:
        try:
            return str(CHOICES[name](value).label)
        except ValueError:
            return str(value)
    if name in names:
        values = value if isinstance(value, list) else [value]
        return ", ".join(str(names[name].get(item, "?")) for item in values)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if name in ("figures_as_of", "activity_checked"):
        parsed = dateparse.parse_date(str(value))
        return formats.date_format(parsed, "j F Y") if parsed else str(value)
    if isinstance(value, int) and name != "minimum_age":  # an age is not written 1,000s apart
        return formats.number_format(value, force_grouping=True)
    return str(value)
