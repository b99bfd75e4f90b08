"""Demo content: the communities and public bodies named in the seed report, a few more, and the Welsh site.

The seed is the Power of Information Taskforce's 2009 draft report on public servants taking part
in online peer-support forums. The content is data in ``devdata/data/`` (JSON; dates as ISO
strings, choices as their stored values): ``forums.json``, ``departments.json``,
``welsh.json`` (Welsh text of the communities' fields, by slug), ``welsh_departments.json``
(the Welsh of each public body's text: name, remit, engagement plan), ``welsh_topics.json``
(each topic's Welsh name) and ``synonyms.json`` (a starting
list of search synonym groups per language, which editors then keep). Entries marked illustrative are
invented to show a feature; their addresses use the reserved ``.example`` domain.

The entries keep the seed's facts and figures (with their dates), but each community's "last
verified" date is set relative to the day the demo is loaded (``demo_last_verified``): spread over
the past year, so a new visitor sees a living directory and the review reminders have a few
entries coming due, as they would in use. Loading on a later day moves the dates on.

Each page is created or updated by slug and published through a revision, so it has a history;
a revision is saved only when a value differs, so loading again adds no pages and no revisions.
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone, translation
from taggit.models import Tag
from wagtail.models import Page

from directory.caching import public_content_changed
from directory.models import (
    Audience,
    CommunityType,
    DepartmentPage,
    Engagement,
    ForumPage,
    Region,
    SearchSynonyms,
    TopicName,
)
from directory.site_tree import SECTIONS
from directory.translation import WELSH, ensure_welsh_tree, publish_translation
from home.site_setup import HOME_INTRO, HOME_TITLE

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_data(name):
    with (DATA_DIR / name).open(encoding="utf-8") as file:
        return json.load(file)


_forum_data = read_data("forums.json")
FORUM_DEFAULTS = _forum_data["defaults"]  # page fields every community has unless its entry says otherwise
FORUMS = _forum_data["forums"]  # page fields, plus "community_type" (slug), "audiences", "regions", "topics"
DEPARTMENTS = read_data("departments.json")  # page fields, "topics", "engagement_plan" (stream data), "engagements"
WELSH_ENTRIES = read_data("welsh.json")  # forum slug → field name → Welsh text
WELSH_DEPARTMENTS = read_data("welsh_departments.json")  # body slug ("*": every body) → English text → Welsh
WELSH_TOPICS = read_data("welsh_topics.json")  # topic → its Welsh name (the demo's and the benchmarks' topics)
SYNONYMS = read_data("synonyms.json")  # language → groups, each "word, phrase, …"

FORUM_RELATIONS = ("community_type", "audiences", "regions", "topics")
DEPARTMENT_RELATIONS = ("topics", "engagement_plan", "engagements")
ENGAGEMENT_FIELDS = ("forum", "mode", "status", "started", "team", "frequency", "outcome", "measured_outcome")


def model_values(model, entry, skip=()):
    """``entry``'s fields as ``model`` values: ISO dates parsed, choices checked against the model's."""
    values = {}
    for name, value in entry.items():
        if name in skip:
            continue
        model_field = model._meta.get_field(name)  # FieldDoesNotExist names a misspelt key
        if isinstance(value, str) and isinstance(model_field, models.DateTimeField):
            value = datetime.datetime.fromisoformat(value)
        elif isinstance(value, str) and isinstance(model_field, models.DateField):
            value = datetime.date.fromisoformat(value)
        if model_field.choices and value not in dict(model_field.flatchoices):
            raise ValueError(f"{entry.get('slug', entry)}: {name} {value!r} is not one of {model.__name__}'s choices.")
        values[name] = value
    return values


@dataclass
class LoadCounts:
    """How many pages of one kind the loader created, updated and left alone."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, outcome):
        setattr(self, outcome, getattr(self, outcome) + 1)

    def __str__(self):
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class DemoLoadResult:
    forums: LoadCounts = field(default_factory=LoadCounts)
    departments: LoadCounts = field(default_factory=LoadCounts)


@transaction.atomic
def load_demo_content(sections):
    """Create or update the demo communities and departments under the section pages.

    ``sections`` is what ``ensure_directory_tree`` returns. Returns a ``DemoLoadResult``.
    """
    result = DemoLoadResult()
    forums_by_slug = {}
    for entry in FORUMS:
        page, outcome = upsert_forum(sections["directory"], entry)
        forums_by_slug[entry["slug"]] = page
        result.forums.add(outcome)
    for entry in DEPARTMENTS:
        _page, outcome = upsert_department(sections["departments"], entry, forums_by_slug)
        result.departments.add(outcome)
    return result


@transaction.atomic
def load_search_synonyms():
    """Add the starting synonym groups a language does not have yet; returns how many were added.

    A group is left alone once it is there, so editors' changes to it are kept; one an editor
    deleted comes back on the next load.
    """
    have = {(row.language, row.terms) for row in SearchSynonyms.objects.all()}
    new = [
        SearchSynonyms(language=language, terms=terms)
        for language, groups in SYNONYMS.items()
        for terms in groups
        if (language, terms) not in have
    ]
    SearchSynonyms.objects.bulk_create(new)
    if new:
        public_content_changed()  # bulk_create sends no signals: searches must see the groups
    return len(new)


DEMO_VERIFIED_FIRST_DAYS_AGO = 14  # the most recently verified demo entry
DEMO_VERIFIED_STEP_DAYS = 23  # each next entry in forums.json was verified this much longer ago


def demo_last_verified(slug, today=None):
    """The day a demo community was last verified: within the past year, counted back from ``today``."""
    position = next(number for number, entry in enumerate(FORUMS) if entry["slug"] == slug)
    days_ago = DEMO_VERIFIED_FIRST_DAYS_AGO + DEMO_VERIFIED_STEP_DAYS * position
    return (today or timezone.localdate()) - datetime.timedelta(days=days_ago)


def upsert_forum(index, entry):
    """Create or update one community under ``index``; returns (page, "created"|"updated"|"unchanged")."""
    values = model_values(ForumPage, {**FORUM_DEFAULTS, **entry}, skip=FORUM_RELATIONS)
    values.setdefault("last_verified", demo_last_verified(entry["slug"]))
    if values.get("activity"):  # how active was checked when the entry was last verified
        values.setdefault("activity_checked", values["last_verified"])
    values["community_type"] = CommunityType.objects.get(slug=entry["community_type"])
    values.setdefault("contact_email", f"operator@{entry['slug']}.example")
    audiences = list(Audience.objects.filter(slug__in=entry["audiences"]))
    regions = list(Region.objects.filter(slug__in=entry["regions"]))
    _check_all_found(entry, "audiences", audiences)
    _check_all_found(entry, "regions", regions)

    def apply_relations(page):
        changed = False
        if {audience.pk for audience in page.audiences.all()} != {audience.pk for audience in audiences}:
            page.audiences.set(audiences)
            changed = True
        if {region.pk for region in page.regions.all()} != {region.pk for region in regions}:
            page.regions.set(regions)
            changed = True
        if {tag.name for tag in page.topics.all()} != set(entry["topics"]):
            page.topics.set(entry["topics"])
            changed = True
        return changed

    return _upsert_page(index, ForumPage, values, apply_relations)


def upsert_department(index, entry, forums_by_slug):
    """Create or update one public body and its engagements; returns (page, outcome)."""
    values = model_values(DepartmentPage, entry, skip=DEPARTMENT_RELATIONS)
    stream_block = DepartmentPage._meta.get_field("engagement_plan").stream_block
    plan = _bound_plan(stream_block, entry["engagement_plan"])
    wanted_plan = _plan_without_ids(stream_block, plan)
    wanted_engagements = [
        {**model_values(Engagement, engagement, skip=("forum",)), "forum": forums_by_slug[engagement["forum"]]}
        for engagement in entry["engagements"]
    ]

    def engagement_row(engagement):
        return tuple(
            getattr(engagement, name + "_id" if name == "forum" else name) or None for name in ENGAGEMENT_FIELDS
        )

    def apply_relations(page):
        changed = False
        if {tag.name for tag in page.topics.all()} != set(entry["topics"]):
            page.topics.set(entry["topics"])
            changed = True
        if _plan_without_ids(stream_block, page.engagement_plan) != wanted_plan:
            page.engagement_plan = plan
            changed = True
        current = sorted(page.engagements.all(), key=lambda engagement: engagement.sort_order or 0)
        wanted = [Engagement(sort_order=order, **values) for order, values in enumerate(wanted_engagements)]
        if [engagement_row(engagement) for engagement in current] != [engagement_row(e) for e in wanted]:
            page.engagements = wanted
            changed = True
        return changed

    return _upsert_page(index, DepartmentPage, values, apply_relations)


def _upsert_page(index, model, values, apply_relations):
    """Find the page by slug under ``index``; set values; save and publish a revision only if something changed."""
    page = model.objects.child_of(index).filter(slug=values["slug"]).first()
    if page is None:
        page = model(locale_id=index.locale_id, **values)
        apply_relations(page)
        index.add_child(instance=page)
        page.save_revision(log_action=True).publish()
        return page, "created"
    page = page.get_latest_revision_as_object()
    changed = False
    for name, value in values.items():
        if getattr(page, name) != value:
            setattr(page, name, value)
            changed = True
    changed = apply_relations(page) or changed
    if not changed:
        return page, "unchanged"
    page.save_revision(log_action=True).publish()
    return page, "updated"


def _bound_plan(stream_block, data):
    """The plan's JSON as a stream value stored the way the editor stores it (each list item a block
    with an id): wagtail-localize offers list items for translation only in that form."""
    value = stream_block.to_python(data)
    for position in range(len(value)):
        value[position]  # binds the block, so it is saved through its block's get_prep_value
    return value


def _plan_without_ids(stream_block, stream_value):
    """The plan's stored form without the block ids Wagtail generates, for comparing content (as JSON
    stores it: a bound date block gives a date, the stored plan its ISO string)."""
    return _strip_block_ids(json.loads(json.dumps(stream_block.get_prep_value(stream_value), cls=DjangoJSONEncoder)))


def _strip_block_ids(data):
    if isinstance(data, list):
        return [_strip_block_ids(item) for item in data]
    if isinstance(data, dict):
        return {key: _strip_block_ids(value) for key, value in data.items() if key != "id"}
    return data


def _check_all_found(entry, name, found):
    missing = set(entry[name]) - {term.slug for term in found}
    if missing:
        raise ValueError(f"{entry['slug']}: unknown {name} {sorted(missing)}; see migration 0002.")


# --- The Welsh site ---------------------------------------------------------------------------
# Every page is on the Welsh site, as an alias of its English page (shown with a notice that it is
# not yet in Welsh) unless translated here. Translations go through wagtail-localize, so editors
# carry on from them in its editor. The home and section pages' Welsh comes from the interface
# translations (``locale/cy``); the entries' from ``welsh.json``, the public bodies' from
# ``welsh_departments.json``.


def html_paragraph_text(html):
    """The text inside a one-paragraph rich text value: what wagtail-localize keeps as its segment."""
    html = str(html).strip()
    if html.startswith("<p>") and html.endswith("</p>"):
        return html[3:-4]
    return html


def welsh_strings(*texts):
    """Each text (a lazy translation, or a function returning one) in English → in Welsh, as page segments are."""
    strings = {}
    for text in texts:
        with translation.override("en"):
            english = html_paragraph_text(text() if callable(text) else text)
        with translation.override(WELSH):
            welsh = html_paragraph_text(text() if callable(text) else text)
        if welsh != english:
            strings[english] = welsh
    return strings


def entry_strings(slug, welsh_fields):
    """One community's English field values (from ``forums.json``) → their Welsh in ``welsh.json``."""
    entry = next((entry for entry in FORUMS if entry["slug"] == slug), None)
    if entry is None:
        raise ValueError(f"welsh.json: no community {slug!r} in forums.json.")
    unknown = sorted(set(welsh_fields) - {name for name, value in entry.items() if isinstance(value, str)})
    if unknown:
        raise ValueError(f"welsh.json: {slug} has no text fields {unknown} in forums.json.")
    return {entry[name]: welsh for name, welsh in welsh_fields.items()}


def texts_of(value):
    """Every string in a JSON value (a department entry, its plan's blocks), paragraphs as their segment text."""
    if isinstance(value, str):
        yield html_paragraph_text(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts_of(item)


def department_strings(slug):
    """One public body's English texts (from ``departments.json``) → their Welsh in ``welsh_departments.json``.

    The "*" entry holds what every body's plan says alike ("Our commitments"); an English text
    the body does not have is an error, so a changed ``departments.json`` cannot leave a stale translation.
    """
    entry = next((entry for entry in DEPARTMENTS if entry["slug"] == slug), None)
    if entry is None:
        raise ValueError(f"welsh_departments.json: no public body {slug!r} in departments.json.")
    texts = set(texts_of({name: value for name, value in entry.items() if name != "engagements"}))
    own = WELSH_DEPARTMENTS.get(slug, {})
    unknown = sorted(set(own) - texts)
    if unknown:
        raise ValueError(f"welsh_departments.json: {slug} has no text {unknown} in departments.json.")
    shared = {english: welsh for english, welsh in WELSH_DEPARTMENTS.get("*", {}).items() if english in texts}
    return {**shared, **own}


def already_translated(page):
    """True when the page has a Welsh translation of its own (not an alias)."""
    return Page.objects.filter(
        translation_key=page.translation_key, locale__language_code=WELSH, alias_of__isnull=True
    ).exists()


def load_topic_names():
    """Give the topics in use that have none their Welsh name from ``welsh_topics.json``; returns how many.

    A name already there is left alone, so an editor's change to it is kept. Each is saved as an
    editor's would be, so the communities with the topic are indexed again with it.
    """
    named = TopicName.objects.values("tag_id")
    added = 0
    for tag in Tag.objects.filter(name__in=WELSH_TOPICS).exclude(pk__in=named):
        TopicName.objects.create(tag=tag, name_cy=WELSH_TOPICS[tag.name])
        added += 1
    return added


def load_welsh_demo_content(home, sections):
    """Mirror the tree in Welsh; translate the home page, the sections, the entries and the public bodies, and
    name the topics in Welsh. Returns how many pages were translated."""
    ensure_welsh_tree()
    load_topic_names()
    translated = 0
    pages = [(home, welsh_strings(HOME_TITLE, HOME_INTRO))]
    for _model, slug, title, intro in SECTIONS:
        pages.append((sections[slug], welsh_strings(title, intro)))
    for slug, welsh_fields in WELSH_ENTRIES.items():
        forum = ForumPage.objects.child_of(sections["directory"]).filter(slug=slug).first()
        if forum is not None:
            pages.append((forum, entry_strings(slug, welsh_fields)))
    for slug in (slug for slug in WELSH_DEPARTMENTS if slug != "*"):
        department = DepartmentPage.objects.child_of(sections["departments"]).filter(slug=slug).first()
        if department is not None:
            pages.append((department, department_strings(slug)))
    for page, strings in pages:
        if not already_translated(page):
            publish_translation(page, strings)
            translated += 1
    return translated
