"""How each page type of the directory is served: the page itself and the journeys at its sub-addresses.

Page models name these lists (``page_urls``, core.routing.PageViews) without importing them, so
the models stay below the listing, open-data and journey code that reads them.
"""

from django.urls import path, re_path

from core.routing import render_page
from directory.journeys import contributions, nominate
from directory.listing.results import (
    department_index_context,
    department_page_context,
    forum_index_context,
    forum_page_context,
)
from directory.opendata.exports import export_response
from directory.presentation import breadcrumbs_for
from directory.progress import progress_csv_lines, progress_figures


def forum_index(request, page):
    """The listing: search, facets and one page of communities.

    A page past the last answers 404 (so it is not indexed) while showing the last page and why.
    """
    context = forum_index_context(page, request)
    response = render_page(request, page, context)
    if context["listing"].missing_page:
        response.status_code = 404
    return response


def forum_page(request, forum):
    """A community, with the departments engaging, breadcrumbs and schema.org data."""
    return render_page(request, forum, forum_page_context(forum, request))


def department_index(request, page):
    """The public bodies with plan status and engagement counts."""
    return render_page(request, page, department_index_context(page, request))


def department_page(request, department):
    """A public body and its engagements with listed communities, in the active language."""
    return render_page(request, department, department_page_context(department, request))


def progress_page(request, page):
    """The cross-government figures, with a link to the same table as CSV."""
    context = {
        "progress": progress_figures(),
        "breadcrumbs": breadcrumbs_for(page, request),
        "csv_url": page.get_url(request) + page.reverse_subpage("csv"),
    }
    return render_page(request, page, context)


def progress_csv(request, page):
    """The per-body table of /progress/ as a CSV download."""
    lines = list(progress_csv_lines(progress_figures()))  # in the request's language, before streaming
    return export_response(lines, "text/csv; charset=utf-8", "progress.csv")


FORUM_INDEX_URLS = [path("", forum_index)]

FORUM_URLS = [
    path("", forum_page),
    path("suggest/", contributions.suggest_edit, name="suggest"),
    path("report/", contributions.report_problem, name="report"),
    path("history/", contributions.change_history, name="history"),
]

DEPARTMENT_INDEX_URLS = [path("", department_index)]

DEPARTMENT_URLS = [path("", department_page)]

NOMINATION_URLS = [
    path("", nominate.nomination_step, {"step_name": "community"}, name="community"),
    re_path(r"^(?P<step_name>suitability|operator)/$", nominate.nomination_step, name="step"),
    path("check/", nominate.check_answers, name="check"),
    path("thanks/", nominate.nomination_thanks, name="thanks"),
    path("claim/<int:forum_id>/", nominate.claim_entry, name="claim"),
]

# Wagtail serves only paths of words and slashes, so the file is at /progress/csv/ (named progress.csv).
PROGRESS_URLS = [path("", progress_page), path("csv/", progress_csv, name="csv")]
