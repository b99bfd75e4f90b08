"""Bulk import of communities from the open-data export format: the rules behind ``import_forums``.

A file is read whole (CSV, or the JSON export), then each row is parsed, checked with the same
model validation as the admin (``full_clean``) and saved in its own transaction, so a bad row
is reported with its number and reasons while the good rows are kept.

A row is matched to an existing community by its normalised web address: importing the same
file twice changes nothing the second time. New and changed entries become drafts that go to
the editors' moderation workflow, unless the caller asks to publish them at once.
Columns missing from the file are left as they are; ``id`` gives a new entry its stable id.
"""

import csv
import datetime
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from core.spreadsheets import FORMULA_PREFIXES, LIST_SEPARATOR
from directory.caching import changes_in_bulk
from directory.forum_details import (
    NUMBER_FIELDS,
    apply_forum_details,
    changed_details,
    clean_topic_names,
    spelled_as_existing_topics,
)
from directory.models import Audience, CommunityType, ForumPage, Region, normalise_website
from directory.nominations import create_translation_aliases, directory_index_for, send_for_moderation, unique_slug

REQUIRED_COLUMNS = ("name", "website", "summary")
# Columns that are part of the shared public "details" of a community (directory/forum_details.py).
DETAIL_TEXT_COLUMNS = {
    "name": "title",
    "website": "website",
    "summary": "summary",
    "description": "description",
    "languages": "languages",
    "operator_name": "operator_name",
    "operator_kind": "operator_kind",
    "house_rules_url": "house_rules_url",
    "engagement_preference": "engagement_preference",
    "cost": "cost",
    "registration": "registration",
    "how_to_join": "how_to_join",
    "contact_route": "contact_route",
    "activity": "activity",
}
# Columns the import sets as they are, beyond the details.
EXTRA_TEXT_COLUMNS = ("figures_source", "status", "status_reason")
NUMBER_COLUMNS = NUMBER_FIELDS
DATE_COLUMNS = ("figures_as_of", "last_verified", "activity_checked")
YES_NO_COLUMNS = (
    "is_moderated",
    "welcomes_expert_answers",
    "welcomes_hosted_qa",
    "welcomes_moderator_referral",
    "welcomes_official_posts",
)
VOCABULARY_COLUMNS = {"community_type": CommunityType, "audiences": Audience, "regions": Region}
# Read from the file but not imported as values: the directory sets them itself.
IGNORED_COLUMNS = ("id", "slug", "directory_url", "first_published_at", "last_published_at")
KNOWN_COLUMNS = frozenset(
    [
        *DETAIL_TEXT_COLUMNS,
        *EXTRA_TEXT_COLUMNS,
        *NUMBER_COLUMNS,
        *DATE_COLUMNS,
        *YES_NO_COLUMNS,
        *VOCABULARY_COLUMNS,
        "topics",
        *IGNORED_COLUMNS,
    ]
)
YES = {"true", "yes", "y", "1"}
NO = {"false", "no", "n", "0", ""}
# Set by the page tree when the page is added, so not checked before.
TREE_FIELDS = ("path", "depth", "numchild", "url_path")
FIELD_COLUMNS = {field_name: column for column, field_name in DETAIL_TEXT_COLUMNS.items()}


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong format or required columns missing."""


class RowInvalid(Exception):
    """One row cannot be imported; ``messages`` say why, one per problem."""

    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class RowError:
    row: int
    messages: list

    def __str__(self):
        return _("Row %(row)s: %(reasons)s") % {"row": self.row, "reasons": "; ".join(self.messages)}


@dataclass
class ImportReport:
    """What an import did: the row numbers created, updated and unchanged, and the rows' errors."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def read_forum_rows(path):
    """The rows of a CSV or JSON export file as ``(row number, {column: text})``.

    CSV rows are numbered as in a spreadsheet (the header is row 1); JSON entries from 1.
    """
    path = Path(path)
    try:
        if path.suffix.lower() == ".json":
            rows = _json_rows(path)
        else:
            with path.open(encoding="utf-8-sig", newline="") as csv_file:
                rows = [(number, row) for number, row in enumerate(csv.DictReader(csv_file), start=2)]
    except (OSError, UnicodeDecodeError, csv.Error, json.JSONDecodeError) as error:
        raise ImportFileError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}) from error
    columns = set().union(*(row.keys() for _number, row in rows)) if rows else set()
    if rows:
        missing = [column for column in REQUIRED_COLUMNS if column not in columns]
        if missing:
            raise ImportFileError(_("The file has no column for: %(columns)s.") % {"columns": ", ".join(missing)})
    return rows


def _json_rows(path):
    with path.open(encoding="utf-8") as json_file:
        document = json.load(json_file)
    entries = document.get("forums") if isinstance(document, dict) else document
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise ImportFileError(_("The JSON file must be the directory's export: a list of communities under 'forums'."))
    return [(number, {key: _as_text(value) for key, value in entry.items()}) for number, entry in enumerate(entries, 1)]


def _as_text(value):
    """A JSON value as the CSV would have written it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)


def unknown_columns(rows):
    columns = set().union(*(row.keys() for _number, row in rows)) if rows else set()
    return sorted(column for column in columns if column and column not in KNOWN_COLUMNS)


def cell(row, column):
    """A cell's text, trimmed, with the CSV export's spreadsheet-formula guard (a leading ') removed."""
    text = (row.get(column) or "").strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    return text


def split_list(text):
    return [item.strip() for item in text.split(LIST_SEPARATOR.strip()) if item.strip()]


class Vocabularies:
    """Audiences, regions and community types by slug, loaded once for the whole file."""

    def __init__(self):
        self.by_column = {
            column: dict(model.objects.values_list("slug", "pk")) for column, model in VOCABULARY_COLUMNS.items()
        }

    def ids(self, column, slugs, errors):
        known = self.by_column[column]
        unknown = [slug for slug in slugs if slug not in known]
        if unknown:
            errors.append(
                _("%(column)s: unknown %(terms)s (use the slugs listed in the admin)")
                % {"column": column, "terms": ", ".join(f"“{slug}”" for slug in unknown)}
            )
        return sorted(known[slug] for slug in slugs if slug in known)


@dataclass
class ParsedRow:
    """What a row asks for: ``details`` in the shared public-details shape, ``extras`` set as they are."""

    details: dict
    extras: dict

    @property
    def website(self):
        return self.details.get("website", "")


def parse_row(row, vocabularies):
    """The values a row asks for; only for the columns the file has.

    Raises ``RowInvalid`` listing every value that cannot be understood.
    """
    details, extras, errors = {}, {}, []
    for column, field_name in DETAIL_TEXT_COLUMNS.items():
        if column in row:
            details[field_name] = cell(row, column)
    for column in EXTRA_TEXT_COLUMNS:
        if column in row:
            extras[column] = cell(row, column)
    # Blank means "the usual": these two cannot be empty.
    if not details.get("engagement_preference", "x"):
        details["engagement_preference"] = ForumPage._meta.get_field("engagement_preference").get_default()
    if not extras.get("status", "x"):
        extras["status"] = ForumPage._meta.get_field("status").get_default()
    for column in NUMBER_COLUMNS:
        if column in row:
            text = cell(row, column).replace(",", "")
            if text and not text.isdigit():
                errors.append(_("%(column)s: “%(value)s” is not a whole number") % {"column": column, "value": text})
            details[column] = int(text) if text.isdigit() else None
    for column in DATE_COLUMNS:
        if column in row:
            text = cell(row, column)
            try:
                extras[column] = datetime.date.fromisoformat(text) if text else None
            except ValueError:
                errors.append(
                    _("%(column)s: “%(value)s” is not a date like 2024-03-31") % {"column": column, "value": text}
                )
    for column in YES_NO_COLUMNS:
        if column in row:
            text = cell(row, column).lower()
            if text not in YES and text not in NO:
                errors.append(_("%(column)s: “%(value)s” is not true or false") % {"column": column, "value": text})
            (details if column == "is_moderated" else extras)[column] = text in YES
    if "community_type" in row:
        slug = cell(row, "community_type")
        ids = vocabularies.ids("community_type", [slug] if slug else [], errors)
        details["community_type"] = ids[0] if ids else None
    for column in ("audiences", "regions"):
        if column in row:
            details[column] = vocabularies.ids(column, split_list(cell(row, column)), errors)
    if "topics" in row:
        details["topics"] = spelled_as_existing_topics(clean_topic_names(split_list(cell(row, "topics"))))
    if errors:
        raise RowInvalid(errors)
    return ParsedRow(details, extras)


def apply_row(page, parsed):
    apply_forum_details(page, parsed.details)
    for name, value in parsed.extras.items():
        setattr(page, name, value)


def row_changes(page, parsed):
    """The names of the values the row would change on the page (its latest revision)."""
    changed = set(changed_details(page, parsed.details))
    changed.update(name for name, value in parsed.extras.items() if getattr(page, name) != value)
    return changed


def validation_messages(error):
    """A model ValidationError as "column: reason" lines, naming columns as the file does."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    messages = []
    for field_name, field_errors in error.message_dict.items():
        for message in field_errors:
            if field_name == "__all__":
                messages.append(message)
            else:
                messages.append(f"{FIELD_COLUMNS.get(field_name, field_name)}: {message}")
    return messages


def publish_or_moderate(page, publish):
    """Publish the page's latest revision (ending any review of it), or send it to the editors."""
    if not publish:
        send_for_moderation(page)
        return
    state = page.current_workflow_state
    if state is not None:
        state.cancel(user=None)
    page.get_latest_revision().publish()


class ForumImporter:
    """Imports rows under one directory index, remembering what it has seen so far in the file."""

    def __init__(self, index, publish=False):
        self.index = index
        self.publish = publish
        self.vocabularies = Vocabularies()
        entries = ForumPage.objects.filter(locale_id=index.locale_id, alias_of__isnull=True)
        self.existing = {}
        for page_id, key in entries.order_by("-live", "pk").values_list("pk", "website_key"):
            self.existing.setdefault(key, page_id)
        self.rows_by_key = {}

    def import_row(self, number, row):
        """Create, update or leave one community; returns "created", "updated" or "unchanged"."""
        parsed = parse_row(row, self.vocabularies)
        key = normalise_website(parsed.website)
        if key in self.rows_by_key:
            raise RowInvalid([_("website: the same web address as row %(row)s") % {"row": self.rows_by_key[key]}])
        with transaction.atomic():
            if key and key in self.existing:
                outcome = self.update(ForumPage.objects.get(pk=self.existing[key]), parsed)
            else:
                self.existing[key] = self.create(row, parsed).pk
                outcome = "created"
        if key:
            self.rows_by_key[key] = number
        return outcome

    def create(self, row, parsed):
        page = ForumPage(locale_id=self.index.locale_id, live=False, has_unpublished_changes=True)
        apply_row(page, parsed)
        translation_key = _stable_id(cell(row, "id"))
        if translation_key and not Page.objects.filter(translation_key=translation_key).exists():
            page.translation_key = translation_key
        slug = cell(row, "slug")
        page.slug = slug if slug and Page._slug_is_available(slug, self.index) else unique_slug(self.index, page.title)
        # The same checks as the admin, before anything is saved; the known parent lets the slug be checked.
        page._cached_parent_obj = self.index
        page.full_clean(exclude=TREE_FIELDS)
        self.index.add_child(instance=page)
        page.save_revision(log_action=True)
        create_translation_aliases(page)
        publish_or_moderate(page, self.publish)
        return page

    def update(self, page, parsed):
        latest = page.get_latest_revision_as_object()
        if not row_changes(latest, parsed):
            if self.publish and page.has_unpublished_changes:
                publish_or_moderate(latest, publish=True)
                return "updated"
            return "unchanged"
        apply_row(latest, parsed)
        latest.save_revision(log_action=True)  # runs full_clean
        publish_or_moderate(latest, self.publish)
        return "updated"


def _stable_id(text):
    try:
        return uuid.UUID(text) if text else None
    except ValueError:
        return None


def import_forums(rows, publish=False, index=None):
    """Import ``(row number, row)`` pairs; every row is either kept or reported with its reasons."""
    index = index or directory_index_for(Locale.get_default())
    if index is None:
        raise ImportFileError(_("There is no directory page to import into. Run manage.py load_demo first."))
    report = ImportReport()
    importer = ForumImporter(index, publish=publish)
    with changes_in_bulk():  # the facet indexes are built once, after the last row, not after each
        for number, row in rows:
            try:
                outcome = importer.import_row(number, row)
            except RowInvalid as invalid:
                report.errors.append(RowError(number, invalid.messages))
            except ValidationError as error:
                report.errors.append(RowError(number, validation_messages(error)))
            else:
                getattr(report, outcome).append(number)
    return report
