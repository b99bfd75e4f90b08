"""The Open Referral (HSDS 3.0) read API at /openreferral/.

Endpoints: ``/`` (about the API), ``/services``, ``/services/<id>``, ``/organizations``,
``/organizations/<id>``, ``/taxonomies``, ``/taxonomies/<id>``, ``/taxonomy_terms``,
``/taxonomy_terms/<id>`` and ``/openapi.json``. Lists come in HSDS's Page envelope.

Only listed communities in the site's main language are served, in English. A query
parameter that cannot be understood gets a 400 with a JSON message naming it; parameters
the API does not know are ignored, as HSDS clients send optional ones freely.
"""

import datetime
import functools
import json
import math
import uuid
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from directory.listing.engine import Engine, IndexedResults, forums_in_order, ranked_within
from directory.listing.facet_index import facet_index
from directory.listing.filters import ORDERINGS, search_terms
from directory.models.public import PublicScope, listed_forums
from directory.opendata.licence import default_locale, mark_as_open_data, with_vocabularies

from .serializers import full_service_record, operators_of, service_record, taxonomy_record, taxonomy_term_record
from .taxonomies import TAXONOMIES, TAXONOMIES_BY_ID, all_terms, find_term, forums_with_term

HSDS_VERSION = "3.0"
DEFAULT_PROFILE_URL = "https://github.com/openreferral/specification/tree/3.0"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PAGE = 100_000
OPENAPI_FILE = Path(__file__).with_name("openapi.json")


class BadParameter(Exception):
    """A query parameter the API cannot understand; becomes a 400 naming it."""

    def __init__(self, parameter, message):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


def json_response(payload, status=200):
    return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})


def not_found(message):
    return json_response({"message": message}, status=404)


def open_referral_endpoint(view):
    """GET/HEAD only, in the site's main language, bad parameters as a JSON 400, marked as open data."""

    @functools.wraps(view)
    @require_safe
    @cache_control(public=True, max_age=300)
    def wrapped(request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                response = view(request, *args, **kwargs)
            except BadParameter as error:
                response = json_response(
                    {
                        "message": _("The request has a parameter the API cannot understand."),
                        "errors": [{"parameter": error.parameter, "message": error.message}],
                    },
                    status=400,
                )
        return mark_as_open_data(response)

    return wrapped


# --- Query parameters -------------------------------------------------------------------------


def whole_number_parameter(request, name, default, maximum):
    text = request.GET.get(name, "").strip()
    if not text:
        return default
    # isdigit() alone accepts characters such as "²" that int() refuses.
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise BadParameter(name, _("Must be a whole number from 1 to %(maximum)s.") % {"maximum": maximum})
    number = int(text)
    if not 1 <= number <= maximum:
        raise BadParameter(name, _("Must be a whole number from 1 to %(maximum)s.") % {"maximum": maximum})
    return number


def uuid_parameter(request, name):
    text = request.GET.get(name, "").strip()
    if not text:
        return None
    try:
        return str(uuid.UUID(text))
    except ValueError as error:
        raise BadParameter(name, _("Must be a UUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6.")) from error


def datetime_parameter(request, name):
    """A date or date-time (ISO 8601); one without a time zone is read in the site's time zone."""
    text = request.GET.get(name, "").strip()
    if not text:
        return None
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = datetime.datetime.combine(day, datetime.time.min) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise BadParameter(name, _("Must be a date or date-time such as 2024-03-31 or 2024-03-31T09:00:00Z."))
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def search_parameter(request):
    """The words of ``search``, safe for any search backend ('' when none)."""
    return search_terms(request.GET.get("search", "")[:200])


def page_parameters(request):
    return (
        whole_number_parameter(request, "page", 1, MAX_PAGE),
        whole_number_parameter(request, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE),
    )


def paged(request, items, record):
    """HSDS's Page envelope around one page of ``items`` (a queryset or a sequence), each made by ``record``."""
    page, per_page = page_parameters(request)
    total = items.count() if isinstance(items, QuerySet) else len(items)
    total_pages = math.ceil(total / per_page)
    start = (page - 1) * per_page
    contents = [record(item) for item in items[start : start + per_page]] if start < total else []
    return json_response(
        {
            "total_items": total,
            "total_pages": total_pages,
            "page_number": page,
            "size": len(contents),
            "first_page": page == 1,
            "last_page": page >= total_pages,
            "empty": total == 0,
            "contents": contents,
        }
    )


def id_from_path(text):
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def matches(text, terms):
    """True when every word of ``terms`` is in ``text`` (case-insensitive)."""
    text = text.casefold()
    return all(word.casefold() in text for word in terms.split())


# --- Endpoints --------------------------------------------------------------------------------


def services_in_scope():
    return listed_forums(default_locale())


@open_referral_endpoint
def api_root(request):
    return json_response(
        {
            "version": HSDS_VERSION,
            "profile": getattr(settings, "OPENREFERRAL_PROFILE_URL", DEFAULT_PROFILE_URL),
            "openapi_url": request.build_absolute_uri(reverse("openreferral:openapi")),
        }
    )


@functools.cache
def openapi_document():
    return json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))


@open_referral_endpoint
def openapi(request):
    """The OpenAPI description of this API, with this site's address as the server."""
    document = {**openapi_document(), "servers": [{"url": request.build_absolute_uri(reverse("openreferral:root"))}]}
    return json_response(document)


class ServicesInOrder:
    """Listed communities in the order of ``ids``, as ``paged`` reads them: only the page asked for is fetched."""

    def __init__(self, ids):
        self.ids = ids

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, item):
        return forums_in_order(self.ids[item])


@open_referral_endpoint
def services(request):
    """Listed communities as services: ``search``, ``taxonomy_term_id``, ``organization_id``, ``modified_after``.

    With ``search``, most relevant first, matched and ranked as the directory's own search.
    """
    terms = search_parameter(request)
    term_id = uuid_parameter(request, "taxonomy_term_id")
    organization = uuid_parameter(request, "organization_id")
    modified_after = datetime_parameter(request, "modified_after")
    taxonomy = uuid_parameter(request, "taxonomy_id")
    page_parameters(request)  # checked before any query
    if not (term_id or taxonomy or organization or modified_after):
        # Everything, in name order, or a search's matches by relevance: the count and the page's
        # ids come from the directory's facet index (directory.listing.facet_index), not from
        # counting and sorting every community in SQL.
        if terms:
            engine = Engine(default_locale())
            ranked, matches = engine.text_matches(terms)
            found = IndexedResults(engine.index, matches, "relevance", ranked, len(matches))
            return paged(request, found, service_record)
        public = PublicScope(default_locale())
        index = facet_index(public, public.language)
        return paged(request, IndexedResults(index, index.everything, "name", None, index.size), service_record)
    forums = services_in_scope()
    if term_id:
        term = find_term(services_in_scope(), term_id)
        forums = forums_with_term(forums, term) if term else forums.none()
    if taxonomy and taxonomy not in TAXONOMIES_BY_ID:
        forums = forums.none()
    if organization:
        operator = next((item for item in operators_of(forums) if item.id == organization), None)
        forums = forums.filter(operator_name__in=operator.names) if operator else forums.none()
    if modified_after:
        forums = forums.filter(last_published_at__gte=modified_after)
    if terms:
        return paged(request, ServicesInOrder(ranked_within(forums, terms, default_locale())), service_record)
    return paged(request, forums.order_by(*ORDERINGS["name"]), service_record)


@open_referral_endpoint
def service_detail(request, service_id):
    key = id_from_path(service_id)
    forum = with_vocabularies(services_in_scope()).filter(translation_key=key).first() if key else None
    if forum is None:
        return not_found(_("There is no service with this id."))
    return json_response(full_service_record(forum))


@open_referral_endpoint
def organizations(request):
    terms = search_parameter(request)
    page_parameters(request)
    operators = operators_of(services_in_scope())
    if terms:
        operators = [operator for operator in operators if matches(operator.name, terms)]
    return paged(request, operators, lambda operator: operator.record())


@open_referral_endpoint
def organization_detail(request, organization_id):
    forums = services_in_scope()
    operator = next((item for item in operators_of(forums) if item.id == id_from_path(organization_id)), None)
    if operator is None:
        return not_found(_("There is no organization with this id."))
    record = operator.record()
    run_by_it = forums.filter(operator_name__in=operator.names).order_by("title", "pk")
    record["services"] = [service_record(forum) for forum in run_by_it]
    return json_response(record)


@open_referral_endpoint
def taxonomies(request):
    terms = search_parameter(request)
    page_parameters(request)
    found = [taxonomy for taxonomy in TAXONOMIES if not terms or matches(str(taxonomy.name), terms)]
    return paged(request, found, taxonomy_record)


@open_referral_endpoint
def taxonomy_detail(request, taxonomy_id):
    taxonomy = TAXONOMIES_BY_ID.get(id_from_path(taxonomy_id))
    if taxonomy is None:
        return not_found(_("There is no taxonomy with this id."))
    return json_response(taxonomy_record(taxonomy))


@open_referral_endpoint
def taxonomy_terms(request):
    """Every term, optionally of one taxonomy (``taxonomy_id``) or matching ``search``."""
    terms = search_parameter(request)
    taxonomy = uuid_parameter(request, "taxonomy_id")
    page_parameters(request)
    found = all_terms(services_in_scope())
    if taxonomy:
        found = [term for term in found if term.taxonomy.id == taxonomy]
    if terms:
        found = [term for term in found if matches(f"{term.name} {term.slug}", terms)]
    return paged(request, found, taxonomy_term_record)


@open_referral_endpoint
def taxonomy_term_detail(request, term_id):
    term = find_term(services_in_scope(), id_from_path(term_id))
    if term is None:
        return not_found(_("There is no taxonomy term with this id."))
    return json_response(taxonomy_term_record(term))
