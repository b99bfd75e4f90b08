"""The "Search synonyms" menu: editors keep the groups of words a search treats as one.

Each group is a row of comma-separated words and phrases for one language's site. Searches read
them as they run (``directory.listing.query``), so a saved change takes effect at the next search.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from directory.models import SearchSynonyms


class SearchSynonymsViewSet(SnippetViewSet):
    model = SearchSynonyms
    icon = "search"
    menu_label = _("Search synonyms")
    menu_order = 140
    add_to_admin_menu = True
    list_display = ["terms", "language"]
    list_filter = ["language"]
    # The ORM, not the search index: the groups are few, and searching them needs no reindex.
    search_backend_name = None
    search_fields = ["terms"]
    ordering = ["language", "terms"]


register_snippet(SearchSynonymsViewSet)
