"""A community's public fields, declared once.

``FORUM_FIELDS`` lists every field of a community (ForumPage) that anyone may see, in the order
of the open-data export's columns (a published contract: add new fields at the end). Each
field's flags say which public surface shows it and how; the Wagtail API's fields, the export's
columns, the public history's fields and the search index are derived from this list. A field
that is not declared here is never published; ``PRIVATE_FIELDS`` and ``INTERNAL_FIELDS`` name
the page's other fields, and a test fails when the page gains a field that is in none of them.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from wagtail.api import APIField
from wagtail.search import index

# Never rendered, exported, indexed or served: the operator's contact details, editors' notes.
PRIVATE_FIELDS = ("contact_name", "contact_email", "editor_notes")
# A topic is found by its English or its Welsh name (``TopicName``, when it has one).
TOPIC_NAMES = ("name", "welsh_name.name_cy")
# Bookkeeping the site keeps for itself: the duplicate-finding key and the link checker's state.
INTERNAL_FIELDS = ("website_key", "link_status", "link_checked_at", "link_failures")


class Export:
    """How the export writes a field's value."""

    VALUE = "value"  # the stored value as it is
    SLUG = "slug"  # a vocabulary entry's slug, "" when there is none
    TERMS = "terms"  # a sorted list: topic names, audience and region slugs
    UTC = "utc"  # a moment in UTC, to the second
    SERVICE_ID = "service_id"  # the community's stable id, shared with Open Referral
    URL = "url"  # the community's full address on the site


@dataclass(frozen=True)
class PublicField:
    """One public field and where it appears.

    ``search`` is False, True (searched) or a boost; for a relation, ``search_on`` names the
    related object's fields that are searched (each label in English and Welsh, so either
    language's word finds it; "relation.field" follows one more relation, as a topic's Welsh
    name is reached) and ``filter_on`` the one filtered on. ``autocomplete`` fields are
    the short ones that say what a community is (also weighed above the body by SQLite's rank).
    ``history_first`` fields lead the history (what the entry is, whether it still runs).
    """

    name: str
    column: str = ""  # the export's column, when not the field's name
    label: object = None  # the history's label, when not the model field's verbose name
    api: bool = True
    export: str | None = Export.VALUE  # None: not exported
    history: bool = True
    history_first: bool = False
    search: bool | float = False
    search_on: tuple = ()
    filter_on: str = ""
    autocomplete: bool = False
    search_filter: bool = False  # filterable within a search (the API's ?search= with field filters)
    vocabulary: bool = False  # an audience, region or type: the API gives its slug and names, not an id

    @property
    def export_column(self):
        return self.column or self.name


# Wagtail's API serves a page's id, title, slug and publication dates itself (api=False here).
FORUM_FIELDS = (
    PublicField("id", export=Export.SERVICE_ID, api=False, history=False),
    PublicField("title", column="name", api=False, history_first=True),
    PublicField("slug", api=False, history=False),
    PublicField("directory_url", export=Export.URL, api=False, history=False),
    PublicField("website", history_first=True),
    PublicField("summary", history_first=True, search=2, autocomplete=True),
    PublicField("description", history_first=True, search=True),
    PublicField(
        "community_type",
        export=Export.SLUG,
        search=2,
        search_on=("name", "name_cy"),
        autocomplete=True,
        search_filter=True,
        vocabulary=True,
    ),
    PublicField(
        "topics",
        export=Export.TERMS,
        label=_("Topics"),
        search=3,
        search_on=TOPIC_NAMES,
        filter_on="slug",
        autocomplete=True,
    ),
    PublicField(
        "audiences", export=Export.TERMS, search=3, search_on=("name", "name_cy"), autocomplete=True, vocabulary=True
    ),
    PublicField(
        "regions", export=Export.TERMS, search=3, search_on=("name", "name_cy"), autocomplete=True, vocabulary=True
    ),
    PublicField("languages"),
    PublicField("operator_name", search=True),
    PublicField("operator_kind"),
    PublicField("members", search_filter=True),
    PublicField("monthly_visitors"),
    PublicField("posts"),
    PublicField("volunteer_moderators"),
    PublicField("figures_as_of"),
    PublicField("figures_source"),
    PublicField("is_moderated"),
    PublicField("house_rules_url"),
    PublicField("engagement_preference", search_filter=True),
    # The API gives the four welcomed ways of taking part as one list of codes, welcomed_modes.
    PublicField("welcomes_expert_answers", api=False),
    PublicField("welcomes_hosted_qa", api=False),
    PublicField("welcomes_moderator_referral", api=False),
    PublicField("welcomes_official_posts", api=False),
    PublicField("welcomed_modes", export=None, history=False),
    PublicField("status", history_first=True, search_filter=True),
    PublicField("status_reason", history_first=True),
    PublicField("last_verified", history=False),
    PublicField("first_published_at", export=Export.UTC, api=False, history=False),
    PublicField("last_published_at", export=Export.UTC, api=False, history=False),
    # When the operator proved they run the community's website (None: not verified).
    PublicField("operator_verified_at", export=Export.UTC, history=False),
    # Before you join: what it costs, registration, how to join (and the contact route where
    # people must contact it first), the minimum age, how active it is and when that was checked.
    PublicField("cost"),
    PublicField("registration"),
    PublicField("how_to_join"),
    PublicField("contact_route"),
    PublicField("minimum_age"),
    PublicField("activity"),
    PublicField("activity_checked"),
)


def api_fields(fields=FORUM_FIELDS):
    """The Wagtail API's fields, in declaration order."""
    return [APIField(field.name) for field in fields if field.api]


def export_fields(fields=FORUM_FIELDS):
    """The exported fields, in the export's column order."""
    return tuple(field for field in fields if field.export)


def history_fields(fields=FORUM_FIELDS):
    """The names of the fields the public history compares: its leading fields, then the rest."""
    shown = [field for field in fields if field.history]
    return tuple(field.name for field in sorted(shown, key=lambda field: not field.history_first))


def history_labels(fields=FORUM_FIELDS):
    """The history's labels that are not the model field's verbose name."""
    return {field.name: field.label for field in fields if field.history and field.label}


def search_fields(fields=FORUM_FIELDS):
    """The search index's fields (after Page's): own text, related text, autocomplete, then filters.

    Boosts: topics and the audience and region labels 3, the summary and the type 2, the rest
    1; the title (Page's, boost 2) is ranked on its own and counts most
    (``directory.listing.text_search``). The text fields keep this order because it is the
    order of the words in the index, which the PostgreSQL backend's rank reads.
    """
    own = [field for field in fields if field.search and not field.search_on]
    related = [field for field in fields if field.search and field.search_on]
    return [
        *(index.SearchField(field.name, **boost(field)) for field in own),
        *(
            RelatedTextFields(
                field.name,
                [
                    *(text_field(index.SearchField, name, **boost(field)) for name in field.search_on),
                    *(text_field(index.AutocompleteField, name) for name in field.search_on if field.autocomplete),
                    *([index.FilterField(field.filter_on)] if field.filter_on else []),
                ],
            )
            for field in related
        ),
        *(index.AutocompleteField(field.name) for field in own if field.autocomplete),
        *(index.FilterField(field.name) for field in fields if field.search_filter),
    ]


def text_field(kind, name, **options):
    """A search field of a related object: ``kind(name)``, or for "relation.field", the field of
    the relation, as its own ``RelatedTextFields`` (an object without one is indexed without it)."""
    if "." in name:
        relation, name = name.split(".", 1)
        return RelatedTextFields(relation, [text_field(kind, name, **options)])
    return kind(name, **options)


class RelatedTextFields(index.RelatedFields):
    """``index.RelatedFields`` that, when indexing many pages, also prefetches the relations its
    own nested fields follow (a topic's Welsh name), so indexing does not query per topic."""

    def select_on_queryset(self, queryset):
        queryset = super().select_on_queryset(queryset)
        nested = [
            f"{self.field_name}__{field.field_name}" for field in self.fields if isinstance(field, index.RelatedFields)
        ]
        return queryset.prefetch_related(*nested) if nested else queryset


def boost(field):
    return {} if field.search is True else {"boost": field.search}
