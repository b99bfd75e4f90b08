"""The public details of a community that people outside the editors may propose.

One plain, JSON-friendly shape (``details``) is shared by nominations, operator updates and
suggested edits: text and numbers as they are, the community type as an id, audiences and
regions as sorted lists of ids, topics as sorted names, welcomed modes as a list of codes.
Private fields (contact details, editor notes) are never part of it.
"""

import re

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from directory.models import Audience, EngagementMode, Region
from directory.models.public import welsh_is_active

TEXT_FIELDS = (
    "title",
    "website",
    "summary",
    "description",
    "languages",
    "operator_name",
    "operator_kind",
    "house_rules_url",
    "engagement_preference",
    "cost",
    "registration",
    "how_to_join",
    "contact_route",
    "activity",
)
FIGURE_FIELDS = ("members", "monthly_visitors", "posts", "volunteer_moderators")
NUMBER_FIELDS = FIGURE_FIELDS + ("minimum_age",)
DETAIL_FIELDS = (
    TEXT_FIELDS
    + NUMBER_FIELDS
    + (
        "is_moderated",
        "community_type",
        "topics",
        "audiences",
        "regions",
        "welcomed_modes",
    )
)


def clean_topic_names(names):
    """Topic names without blanks or repeats (case-insensitive), in a stable order."""
    seen = {}
    for name in names or []:
        name = " ".join(str(name).split())[:100]
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return sorted(seen.values(), key=str.lower)


def spelled_as_existing_topics(names):
    """Each topic name as an existing topic spells it, when the two differ only in case.

    taggit matches names exactly, so "Parenting" beside an existing "parenting" would become a
    second topic with the address "parenting_1". Names differing only in case share a slug, so
    the existing topics are found by slug (one query) and compared case-insensitively in Python,
    which knows every language's letters (SQLite's own comparison knows only ASCII).
    """
    slugs = {Tag().slugify(name) for name in names}
    existing = {tag.casefold(): tag for tag in Tag.objects.filter(slug__in=slugs).values_list("name", flat=True)}
    return clean_topic_names(existing.get(name.casefold(), name) for name in names)


def details_from_forum(forum):
    """The public details of a community page (live or a revision's copy) as plain values."""
    details = {name: getattr(forum, name) for name in TEXT_FIELDS + NUMBER_FIELDS}
    details["is_moderated"] = bool(forum.is_moderated)
    details["community_type"] = forum.community_type_id
    details["topics"] = clean_topic_names(tag.name for tag in forum.topics.all())
    details["audiences"] = sorted(audience.pk for audience in forum.audiences.all())
    details["regions"] = sorted(region.pk for region in forum.regions.all())
    details["welcomed_modes"] = [str(mode) for mode in forum.welcomed_modes]
    return details


def details_from_form(cleaned_data):
    """Plain values from a form's cleaned data (model instances become ids), only for fields present."""
    details = {}
    for name in DETAIL_FIELDS:
        if name not in cleaned_data:
            continue
        value = cleaned_data[name]
        if name == "community_type":
            value = value.pk if value is not None else None
        elif name in ("audiences", "regions"):
            value = sorted(item.pk if hasattr(item, "pk") else int(item) for item in (value or []))
        elif name == "topics":
            value = clean_topic_names(value)
        elif name == "welcomed_modes":
            value = [str(mode) for mode in EngagementMode.values if mode in (value or [])]
        elif name == "is_moderated":
            value = bool(value)
        elif name in TEXT_FIELDS:
            value = value or ""
        details[name] = value
    return details


def changed_details(forum, proposed):
    """The entries of ``proposed`` whose value differs from the community's current details."""
    current = details_from_forum(forum)
    return {name: value for name, value in proposed.items() if name in current and current[name] != value}


def apply_forum_details(forum, details):
    """Set the given plain details on a community page (not saved; relations are held in memory)."""
    for name in TEXT_FIELDS + NUMBER_FIELDS:
        if name in details:
            setattr(forum, name, details[name] if details[name] is not None or name in NUMBER_FIELDS else "")
    if "is_moderated" in details:
        forum.is_moderated = bool(details["is_moderated"])
    if "community_type" in details:
        forum.community_type_id = details["community_type"]
    if "topics" in details:
        forum.topics.set(spelled_as_existing_topics(clean_topic_names(details["topics"])))
    if "audiences" in details:
        forum.audiences.set(list(Audience.objects.filter(pk__in=details["audiences"])))
    if "regions" in details:
        forum.regions.set(list(Region.objects.filter(pk__in=details["regions"])))
    if "welcomed_modes" in details:
        for mode, field_name in forum.WELCOMED_MODE_FIELDS.items():
            setattr(forum, field_name, str(mode) in details["welcomed_modes"])
    if details.get("activity"):  # whoever gave how active it is has just looked
        forum.activity_checked = timezone.localdate()
    return forum


# ISO 639 codes for the languages people most often write in the "languages" field.
LANGUAGE_CODES = {
    "english": "en",
    "welsh": "cy",
    "cymraeg": "cy",
    "scottish gaelic": "gd",
    "gaelic": "gd",
    "irish": "ga",
    "cornish": "kw",
    "british sign language": "bfi",
    "bsl": "bfi",
    "polish": "pl",
    "urdu": "ur",
    "punjabi": "pa",
    "bengali": "bn",
    "arabic": "ar",
    "romanian": "ro",
    "french": "fr",
    "spanish": "es",
}
LANGUAGE_SEPARATORS = re.compile(r"\s*(?:,|;|/|\band\b)\s*", re.IGNORECASE)
# Each code's name, shown in the reader's language.
LANGUAGE_NAMES = {
    "en": _("English"),
    "cy": _("Welsh"),
    "gd": _("Scottish Gaelic"),
    "ga": _("Irish"),
    "kw": _("Cornish"),
    "bfi": _("British Sign Language"),
    "pl": _("Polish"),
    "ur": _("Urdu"),
    "pa": _("Punjabi"),
    "bn": _("Bengali"),
    "ar": _("Arabic"),
    "ro": _("Romanian"),
    "fr": _("French"),
    "es": _("Spanish"),
}


def community_languages(text):
    """``(name, code)`` for each language named in a community's free-text "languages" field.

    The code is the ISO 639 / BCP 47 code of the common ones ("Welsh" is ``cy``), else "".
    """
    names = (name.strip() for name in LANGUAGE_SEPARATORS.split(text or ""))
    return [(name, LANGUAGE_CODES.get(name.casefold(), "")) for name in names if name]


def language_names(text):
    """The languages a community's free-text "languages" field names, as the reader's language names them.

    Each is ``(name, lang)``: a language we know ("Welsh", "BSL") by its name in the active
    language ("Cymraeg", "Iaith Arwyddion Prydain"), any other as the operator wrote it, with
    ``lang="en"`` on the Welsh site. The field stays free text, not a choice list: operators name
    languages we do not list, and nominations, imports, the export and the API keep their words.
    """
    welsh = welsh_is_active()
    return [
        (str(LANGUAGE_NAMES[code]), "") if code in LANGUAGE_NAMES else (name, "en" if welsh else "")
        for name, code in community_languages(text)
    ]
