"""The editors' everyday admin: listings of communities and departments, and the vocabularies.

- "Communities" and "Departments" menu items: flat, searchable, filterable listings of every
  community / public body with the columns editors work from (status, engagement preference,
  last verified, link check; plan status, next review).
- The same columns and filters in the page explorer under /directory/ and /departments/.
- "Directory vocabularies": audiences, regions and community types as snippets, and the topics' Welsh names.

The page edit forms' panels and help text are declared on the models; a community's tabs, with
the review panel, are put together in ``directory.admin.panels``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.listing import IndexView as PageIndexView
from wagtail.admin.viewsets.pages import PageListingViewSet, PageViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.ids import IdMultipleChoiceField
from directory.models import Audience, CommunityType, DepartmentPage, ForumPage, Region, TopicName

# Many-to-many choices in every admin form (audiences, regions): an id beyond the database's range
# is an invalid choice, not a server error. Single choices look ids up with an exact match, which
# Django already answers as "no such row".
register_form_field_override(models.ManyToManyField, override={"form_class": IdMultipleChoiceField})

PAGE_COLUMNS = {column.name: column for column in PageIndexView.base_columns}


def page_columns(*names):
    """Wagtail's own page-listing columns (title with actions, updated, live/draft status) by name."""
    return [PAGE_COLUMNS[name] for name in names]


COMMUNITY_COLUMNS = [
    *page_columns("bulk_actions", "title"),
    Column("community_status", label=_("Community status"), accessor="get_status_display", sort_key="status"),
    Column(
        "engagement_preference",
        label=_("Public servants"),
        accessor="get_engagement_preference_display",
        sort_key="engagement_preference",
    ),
    Column("last_verified", label=_("Last verified"), sort_key="last_verified"),
    Column("link_status", label=_("Link check"), accessor="get_link_status_display", sort_key="link_status"),
    *page_columns("latest_revision_created_at", "status"),
]
COMMUNITY_FILTERS = ["status", "engagement_preference", "link_status", "community_type"]

DEPARTMENT_COLUMNS = [
    *page_columns("bulk_actions", "title"),
    Column("acronym", label=_("Acronym"), sort_key="acronym"),
    Column("plan_status", label=_("Plan status"), accessor="get_plan_status_display", sort_key="plan_status"),
    Column("plan_next_review", label=_("Next review due"), sort_key="plan_next_review"),
    *page_columns("latest_revision_created_at", "status"),
]
DEPARTMENT_FILTERS = ["plan_status", "kind"]


class CommunityListingViewSet(PageListingViewSet):
    """Every community in one list, wherever it sits in the tree and whatever its language."""

    model = ForumPage
    icon = "group"
    menu_label = _("Communities")
    menu_order = 110
    add_to_admin_menu = True
    list_display = COMMUNITY_COLUMNS
    list_filter = COMMUNITY_FILTERS
    ordering = "title"


class DepartmentListingViewSet(PageListingViewSet):
    """Every public body with the state of its engagement plan."""

    model = DepartmentPage
    icon = "site"
    menu_label = _("Departments")
    menu_order = 120
    add_to_admin_menu = True
    list_display = DEPARTMENT_COLUMNS
    list_filter = DEPARTMENT_FILTERS
    ordering = "title"


class ForumPageViewSet(PageViewSet):
    """The explorer under the directory index shows the communities with the same columns."""

    model = ForumPage
    icon = "group"
    list_display = COMMUNITY_COLUMNS
    list_filter = COMMUNITY_FILTERS


class DepartmentPageViewSet(PageViewSet):
    """The explorer under the departments index shows the plan columns."""

    model = DepartmentPage
    icon = "site"
    list_display = DEPARTMENT_COLUMNS
    list_filter = DEPARTMENT_FILTERS


@hooks.register("register_admin_viewset")
def register_page_listings():
    return [
        CommunityListingViewSet("communities"),
        DepartmentListingViewSet("departments"),
        ForumPageViewSet(),
        DepartmentPageViewSet(),
    ]


class VocabularyViewSet(SnippetViewSet):
    """A term list editors maintain: English and Welsh names and the slug used in filters."""

    list_display = ["name", "name_cy", "slug"]
    # The ORM, not the search index: the terms are seeded by a migration, which does not index them.
    search_backend_name = None
    search_fields = ["name", "name_cy", "slug"]
    ordering = "name"


class AudienceViewSet(VocabularyViewSet):
    model = Audience
    icon = "user"


class RegionViewSet(VocabularyViewSet):
    model = Region
    icon = "globe"


class CommunityTypeViewSet(VocabularyViewSet):
    model = CommunityType
    icon = "tag"


class TopicNameViewSet(SnippetViewSet):
    """The topics' Welsh names: an editor picks a topic and gives its name in Welsh."""

    model = TopicName
    icon = "tag"
    list_display = ["tag", "name_cy"]
    search_backend_name = None
    search_fields = ["tag__name", "name_cy"]
    ordering = "tag__name"


class DirectoryVocabularies(SnippetViewSetGroup):
    menu_label = _("Directory vocabularies")
    menu_icon = "list-ul"
    menu_order = 130
    items = (AudienceViewSet, RegionViewSet, CommunityTypeViewSet, TopicNameViewSet)


register_snippet(DirectoryVocabularies)
