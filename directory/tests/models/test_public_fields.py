"""The one declaration of a community's public fields, and the surfaces read from it."""

from wagtail.models import Page
from wagtail.search import index

from directory.admin.review import SUITABILITY_FIELDS
from directory.forum_details import DETAIL_FIELDS
from directory.history import HISTORY_FIELDS, field_label
from directory.models import ForumPage
from directory.models.public_fields import FORUM_FIELDS, INTERNAL_FIELDS, PRIVATE_FIELDS, Export
from directory.opendata.exports import EXPORT_COLUMNS

DECLARED = [field.name for field in FORUM_FIELDS]
HIDDEN = (*PRIVATE_FIELDS, *INTERNAL_FIELDS)
# Declared fields that are not stored on the page: worked out for the export, or a property.
COMPUTED = {"id": Export.SERVICE_ID, "directory_url": Export.URL}
# The export's columns as published (docs/open-data.md): new columns may only follow them.
PUBLISHED_COLUMNS = (
    "id",
    "name",
    "slug",
    "directory_url",
    "website",
    "summary",
    "description",
    "community_type",
    "topics",
    "audiences",
    "regions",
    "languages",
    "operator_name",
    "operator_kind",
    "members",
    "monthly_visitors",
    "posts",
    "volunteer_moderators",
    "figures_as_of",
    "figures_source",
    "is_moderated",
    "house_rules_url",
    "engagement_preference",
    "welcomes_expert_answers",
    "welcomes_hosted_qa",
    "welcomes_moderator_referral",
    "welcomes_official_posts",
    "status",
    "status_reason",
    "last_verified",
    "first_published_at",
    "last_published_at",
)


def own_fields(model):
    """The fields ``model`` adds to Wagtail's Page (stored columns and many-to-many relations)."""
    fields = model._meta.get_fields(include_parents=False)
    return {field.name for field in fields if field.concrete and not field.auto_created}


def indexed_fields(fields, prefix=""):
    """``[(kind, dotted name, boost)]`` of a search_fields list, related objects' fields included."""
    found = []
    for field in fields:
        name = prefix + field.field_name
        if isinstance(field, index.RelatedFields):
            found.extend(indexed_fields(field.fields, prefix=name + "."))
        else:
            found.append((type(field).__name__, name, getattr(field, "boost", None)))
    return found


def test_every_field_of_a_community_is_declared_public_private_or_internal():
    """Without this, a new field on the page would be left out of every public surface, or published unreviewed."""
    assert len(DECLARED) == len(set(DECLARED))
    assert not set(DECLARED) & set(HIDDEN)
    assert not set(PRIVATE_FIELDS) & set(INTERNAL_FIELDS)
    undeclared = own_fields(ForumPage) - set(DECLARED) - set(HIDDEN)
    assert not undeclared, f"declare {sorted(undeclared)} in directory/models/public_fields.py, or name them private"
    assert set(HIDDEN) <= own_fields(ForumPage)


def test_every_declared_field_is_something_a_community_has():
    """Without this, a misspelt declaration would break the API or the export at the first request."""
    page_fields = {field.name for field in ForumPage._meta.get_fields()}
    for field in FORUM_FIELDS:
        if field.name in COMPUTED:
            assert field.export == COMPUTED[field.name] and not field.api and not field.history
        else:
            assert field.name in page_fields or isinstance(getattr(ForumPage, field.name, None), property), field.name


def test_nothing_private_reaches_a_public_surface():
    """Without this, an operator's contact details could be served, exported, indexed or shown in the history."""
    indexed = {name.split(".")[0] for _kind, name, _boost in indexed_fields(ForumPage.get_search_fields())}
    served = {field.name for field in ForumPage.api_fields}
    for surface in (indexed, served, set(EXPORT_COLUMNS), set(HISTORY_FIELDS)):
        assert not surface & set(HIDDEN)


def test_the_surfaces_are_read_from_the_declaration():
    """Without this, a surface could drift from the declaration again."""
    assert [field.name for field in ForumPage.api_fields] == [field.name for field in FORUM_FIELDS if field.api]
    assert set(EXPORT_COLUMNS) == {field.column or field.name for field in FORUM_FIELDS if field.export}
    assert set(HISTORY_FIELDS) == {field.name for field in FORUM_FIELDS if field.history}


def test_the_export_keeps_its_published_columns_in_order():
    """Without this, reordering the declaration would silently break every reader of the open data."""
    assert EXPORT_COLUMNS[: len(PUBLISHED_COLUMNS)] == PUBLISHED_COLUMNS


def test_the_api_gives_the_welcomed_ways_of_taking_part_as_one_list():
    """Without this, the API would change shape: one list of codes, not four yes/no fields."""
    served = [field.name for field in ForumPage.api_fields]
    assert "welcomed_modes" in served and not [name for name in served if name.startswith("welcomes_")]
    assert served.index("engagement_preference") + 1 == served.index("welcomed_modes")


def test_the_history_leads_with_what_the_entry_is_and_whether_it_runs():
    """Without this, the history's changes would be listed in another order than readers know."""
    assert HISTORY_FIELDS[:6] == ("title", "website", "summary", "description", "status", "status_reason")
    assert "last_verified" not in HISTORY_FIELDS
    assert field_label("topics") == "Topics" and field_label("operator_name") == "Run by"


def test_search_weighs_the_text_fields_as_declared():
    """Without this, a change to the declaration would reorder search results or need a new index
    (title > topics and labels, in English and Welsh (topics by their Welsh names too) > summary and
    type > description; docs/search.md).

    The text fields' order is the order of the words in the index, which PostgreSQL's rank reads.
    """
    page = indexed_fields(Page.search_fields)
    own = [field for field in indexed_fields(ForumPage.get_search_fields()) if field not in page]
    assert [(name, boost) for kind, name, boost in own if kind == "SearchField"] == [
        ("summary", 2),
        ("description", None),
        ("operator_name", None),
        ("community_type.name", 2),
        ("community_type.name_cy", 2),
        ("topics.name", 3),
        ("topics.welsh_name.name_cy", 3),
        ("audiences.name", 3),
        ("audiences.name_cy", 3),
        ("regions.name", 3),
        ("regions.name_cy", 3),
    ]
    assert [name for kind, name, _boost in own if kind == "AutocompleteField"] == [
        "community_type.name",
        "community_type.name_cy",
        "topics.name",
        "topics.welsh_name.name_cy",
        "audiences.name",
        "audiences.name_cy",
        "regions.name",
        "regions.name_cy",
        "summary",
    ]
    filters = {name for kind, name, _boost in own if kind == "FilterField"}
    assert filters == {"status", "engagement_preference", "community_type", "members", "topics.slug"}


def test_the_editors_review_and_proposed_details_hold_only_public_fields():
    """Without this, the review's answers or a nomination's details could carry a field that is not public.

    Both keep an order of their own, so they are held to the declaration here rather than read from it.
    """
    assert set(SUITABILITY_FIELDS) <= set(DECLARED)
    assert set(DETAIL_FIELDS) <= set(DECLARED)
