"""Bulk open data: every public community as CSV or JSON, filtered like /directory/.

The columns, the exported fields of ``directory.models.public_fields``, are a published
contract (docs/open-data.md): add new ones at the end, never rename or reorder. Rows are
streamed from the database in chunks, so an export of any size uses little memory.
``directory/importer.py`` reads the same format back.
"""

import csv
import datetime
import itertools
import operator
from urllib.parse import quote

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from wagtail.models import Page

from core.public_urls import public_url
from core.spreadsheets import LineBuffer, csv_cell
from directory.listing.engine import forums_matching_text
from directory.listing.filters import ORDERINGS, DirectoryFilters
from directory.listing.sql import term_rows
from directory.models.public import listed_forums
from directory.models.public_fields import Export, export_fields
from directory.opendata.licence import LICENCE_NAME, LICENCE_URL, mark_as_open_data
from directory.opendata.openreferral.identifiers import service_id

EXPORTED_FIELDS = export_fields()  # in column order
EXPORT_COLUMNS = tuple(field.export_column for field in EXPORTED_FIELDS)
LIST_COLUMNS = tuple(field.export_column for field in EXPORTED_FIELDS if field.export == Export.TERMS)
EXPORT_CHUNK_SIZE = 500
ATTRIBUTION = f"Contains public sector information licensed under the {LICENCE_NAME}."


def vocabulary_slug(forum, name, terms, directory_url):
    entry = getattr(forum, name)
    return entry.slug if entry else ""


# How each kind of field is read for its column (public_fields.Export); plain values are read
# together, in one call, as an export can hold a great many rows.
READERS = {
    Export.SLUG: vocabulary_slug,
    Export.TERMS: lambda forum, name, terms, directory_url: terms[name],
    Export.UTC: lambda forum, name, terms, directory_url: utc(getattr(forum, name)),
    Export.SERVICE_ID: lambda forum, name, terms, directory_url: service_id(forum),
    Export.URL: lambda forum, name, terms, directory_url: directory_url,
}
VALUE_COLUMNS = tuple(field.export_column for field in EXPORTED_FIELDS if field.export == Export.VALUE)
plain_values = operator.attrgetter(*(field.name for field in EXPORTED_FIELDS if field.export == Export.VALUE))
READ_COLUMNS = tuple(
    (field.export_column, READERS[field.export], field.name)
    for field in EXPORTED_FIELDS
    if field.export != Export.VALUE
)


def forum_record(forum, terms, directory_url):
    """A community's public values keyed by export column, as Python values (lists, dates, numbers).

    ``terms`` are its topic names and audience and region slugs, sorted (``terms_by_community``).
    """
    record = dict.fromkeys(EXPORT_COLUMNS)  # the columns' order; the values fill it in place
    record.update(zip(VALUE_COLUMNS, plain_values(forum), strict=True))
    for column, read, name in READ_COLUMNS:
        record[column] = read(forum, name, terms, directory_url)
    return record


def utc(moment):
    return moment.astimezone(datetime.UTC).replace(microsecond=0) if moment else None


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
    """Each community's full URL on the public host, one query per parent page.

    The path is exactly Wagtail's (``get_full_url``); the host is the public one
    (``core.public_urls``), as in the feeds, JSON-LD and APIs.

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
            parent_url = parent.get_full_url(self.request) if parent else None
            self.parent_urls[parent_path] = public_url(parent_url, self.request)
        parent_url = self.parent_urls[parent_path]
        if parent_url is None:
            return None
        # As Django's reverse() quotes a path; Wagtail's URLs end in "/" (WAGTAIL_APPEND_SLASH).
        return f"{parent_url}{quote(forum.slug, safe=RFC3986_SUBDELIMS + '/~:@')}/"


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
        # An empty text field is null in JSON (the CSV has an empty cell): one way to say "none".
        yield separator + encoder.encode({column: None if value == "" else value for column, value in record.items()})
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
    chunks = json_chunks(records, public_url(request.get_full_path(), request))
    return export_response(chunks, "application/json; charset=utf-8", "peer-support-directory.json")
