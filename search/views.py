"""Site search: listed communities and public departments in the active language, in two groups.

The rules (what is public, how text is matched) are in directory.listing.results.search_site; the full,
filterable list of matching communities is the directory listing at /directory/?q=….
"""

from django.template.response import TemplateResponse

from directory.listing.filters import clean_query
from directory.listing.results import search_site


def search(request):
    """Search communities and departments; each group links on to its full list."""
    query = clean_query(request.GET.get("q", ""))
    return TemplateResponse(request, "search/search.html", {"search_query": query, "results": search_site(query)})
