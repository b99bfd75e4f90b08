"""Bulk open data: every public community as CSV or JSON, filtered like /directory/.

The columns are a published contract (docs/open-data.md): add new ones at the end, never
rename or reorder. Rows are streamed from the database in chunks, so an export of any size
uses little memory. ``directory/importer.py`` reads the same format back.
"""

import csv
import datetime
import itertools
from urllib.parse import quote

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from wagtail.models import Page

from directory.listing import ORDERINGS, DirectoryFilters, forums_matching_text, listed_forums, term_rows
from directory.opendata.licence import LICENCE_NAME, LICENCE_URL, mark_as_open_data
from directory.opendata.openreferral.identifiers import service_id

EXPORT_COLUMNS = (
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
LIST_COLUMNS = ("topics", "audiences", "regions")
LIST_SEPARATOR = "; "
# A spreadsheet runs a cell starting with one of these as a formula; the CSV puts a ' before it.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT_CHUNK_SIZE = 500
ATTRIBUTION = f"Contains public sector information licensed under the {LICENCE_NAME}."


def forum_record(forum, terms, directory_url):
    """A community's public values keyed by export column, as Python values (lists, dates, numbers).

    ``terms`` are its topic names and audience and region slugs, sorted (``terms_by_community``).
    """
    community_type = forum.community_type
    return {
        "id": service_id(forum),
        "name": forum.title,
        "slug": forum.slug,
        "directory_url": directory_url,
        "website": forum.website,
        "summary": forum.summary,
        "description": forum.description,
        "community_type": community_type.slug if community_type else "",
        "topics": terms["topics"],
        "audiences": terms["audiences"],
        "regions": terms["regions"],
        "languages": forum.languages,
        "operator_name": forum.operator_name,
        "operator_kind": forum.operator_kind,
        "members": forum.members,
        "monthly_visitors": forum.monthly_visitors,
        "posts": forum.posts,
        "volunteer_moderators": forum.volunteer_moderators,
        "figures_as_of": forum.figures_as_of,
        "figures_source": forum.figures_source,
        "is_moderated": forum.is_moderated,
        "house_rules_url": forum.house_rules_url,
        "engagement_preference": forum.engagement_preference,
        "welcomes_expert_answers": forum.welcomes_expert_answers,
        "welcomes_hosted_qa": forum.welcomes_hosted_qa,
        "welcomes_moderator_referral": forum.welcomes_moderator_referral,
        "welcomes_official_posts": forum.welcomes_official_posts,
        "status": forum.status,
        "status_reason": forum.status_reason,
        "last_verified": forum.last_verified,
        "first_published_at": utc(forum.first_published_at),
        "last_published_at": utc(forum.last_published_at),
    }


def utc(moment):
    return moment.astimezone(datetime.UTC).replace(microsecond=0) if moment else None


def csv_cell(value):
    """How one value is written in the CSV: lists joined with "; ", booleans as true/false, dates ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        value = LIST_SEPARATOR.join(value)
    elif isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return spreadsheet_text(str(value))


def spreadsheet_text(text):
    """``text`` as a spreadsheet shows it, never runs it: a ' before a leading = + - @, tab or CR.

    The one place this rule lives: the public CSV and every admin spreadsheet export use it.
    """
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def exported_forums(querydict):
    """The public communities in the active language that match /directory/'s text and facets in ``querydict``.

    The order is /directory/'s ``sort`` (by name when it is "relevance" or missing), so the
    file is the same for the same data.
    """
    filters = DirectoryFilters.from_querydict(querydict)
    forums = listed_forums()
    if filters.terms:
        forums = forums_matching_text(forums, filters.terms)
    ordering = ORDERINGS.get(filters.effective_sort, ORDERINGS["name"])
    return filters.apply(forums).select_related("community_type").order_by(*ordering)


def forum_records(forums, request=None):
    """Each community's record, a chunk at a time: the chunk's communities, then all their terms in one query."""
    addresses = CommunityAddresses(request)
    rows = forums.iterator(chunk_size=EXPORT_CHUNK_SIZE)
    while chunk := list(itertools.islice(rows, EXPORT_CHUNK_SIZE)):
        terms = terms_by_community([forum.pk for forum in chunk])
        for forum in chunk:
            yield forum_record(forum, terms.get(forum.pk, NO_TERMS), addresses.full_url(forum))


NO_TERMS = {"topics": [], "audiences": [], "regions": []}


def terms_by_community(ids):
    """``{id: {"topics": names, "audiences": slugs, "regions": slugs}}`` for the communities ``ids``, sorted.

    Read as plain rows in one query: ``prefetch_related`` would build three querysets for every
    community (about half a millisecond a row, most of the time of a large export).
    """
    found = {}
    for part, rows in term_rows(ids).items():
        column = "t_name" if part == "topics" else "t_slug"
        for row in rows:
            found.setdefault(row["t_forum"], {name: [] for name in NO_TERMS})[part].append(row[column])
    for terms in found.values():
        terms["topics"].sort(key=str.casefold)
        terms["audiences"].sort()
        terms["regions"].sort()
    return found


class CommunityAddresses:
    """Each community's full URL, exactly as Wagtail's ``get_full_url`` gives it, one query per parent page.

    Wagtail works a page's URL out from its site's root paths and the URL resolver (a tenth of a
    millisecond a page: ten seconds of a 100,000-row export). A page's URL is its parent's
    followed by its own slug, so the parent's (in practice the one directory) is asked once.
    """

    def __init__(self, request=None):
        self.request = request
        self.parent_urls = {}

    def full_url(self, forum):
        parent_path = forum.path[: -Page.steplen]
        if parent_path not in self.parent_urls:
            parent = Page.objects.filter(path=parent_path).first()
            self.parent_urls[parent_path] = parent.get_full_url(self.request) if parent else None
        parent_url = self.parent_urls[parent_path]
        if parent_url is None:
            return None
        # As Django's reverse() quotes a path; Wagtail's URLs end in "/" (WAGTAIL_APPEND_SLASH).
        return f"{parent_url}{quote(forum.slug, safe=RFC3986_SUBDELIMS + '/~:@')}/"


class LineBuffer:
    """A file-like object whose ``write`` hands back what it was given, for csv.writer in a generator."""

    def write(self, line):
        return line


def csv_lines(records):
    writer = csv.writer(LineBuffer())
    yield writer.writerow(EXPORT_COLUMNS)
    for record in records:
        yield writer.writerow([csv_cell(record[column]) for column in EXPORT_COLUMNS])


def json_chunks(records, source_url):
    """The JSON document, a piece at a time: licence and source first, then the array of communities."""
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    head = {
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
        "attribution": ATTRIBUTION,
        "source": source_url,
        "generated_at": utc(timezone.now()),
        "columns": list(EXPORT_COLUMNS),
    }
    yield encoder.encode(head)[:-1] + ', "forums": ['
    separator = "\n"
    for record in records:
        yield separator + encoder.encode(record)
        separator = ",\n"
    yield "\n]}\n"


def export_response(chunks, content_type, filename):
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return mark_as_open_data(response)


@require_safe
@cache_control(public=True, max_age=300)
def export_csv(request):
    """/directory/export.csv: every matching public community, one row each."""
    # The query is built here, in the request's language; rows are read while streaming.
    records = forum_records(exported_forums(request.GET), request)
    return export_response(csv_lines(records), "text/csv; charset=utf-8", "peer-support-directory.csv")


@require_safe
@cache_control(public=True, max_age=300)
def export_json(request):
    """/directory/export.json: the licence, then every matching public community as an object."""
    records = forum_records(exported_forums(request.GET), request)
    chunks = json_chunks(records, request.build_absolute_uri())
    return export_response(chunks, "application/json; charset=utf-8", "peer-support-directory.json")
