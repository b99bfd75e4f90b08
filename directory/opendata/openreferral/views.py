"""The Open Referral (HSDS 3.0) read API at /openreferral/.

Endpoints: ``/`` (about the API), ``/services``, ``/services/<id>``, ``/service_at_locations``,
``/service_at_locations/<id>``, ``/organizations``, ``/organizations/<id>``, ``/taxonomies``,
``/taxonomies/<id>``, ``/taxonomy_terms``, ``/taxonomy_terms/<id>`` and ``/openapi.json``.
Lists come in HSDS's Page envelope.

Only listed communities in the site's main language are served, in English. A query
parameter that cannot be understood gets a 400 with a JSON message naming it (``parameters``);
parameters the API does not know are ignored, as HSDS clients send optional ones freely.
Any other address under /openreferral/ is a JSON 404, and any method but GET or HEAD a JSON 405.
"""

import functools
import json
import math
import uuid
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.http import JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt

from core.public_urls import public_url
from directory.listing.engine import Engine, IndexedResults, forums_in_order, ranked_within
from directory.listing.facet_index import facet_index
from directory.listing.filters import ORDERINGS
from directory.models.public import PublicScope, listed_forums
from directory.opendata.licence import default_locale, mark_as_open_data, with_vocabularies

from .identifiers import service_at_location_id_of_service
from .parameters import (
    BadParameter,
    boolean_parameter,
    datetime_parameter,
    page_parameters,
    search_parameter,
    uuid_parameter,
)
from .serializers import (
    full_service_record,
    operators_of,
    service_at_location_record,
    service_record,
    taxonomy_record,
    taxonomy_term_record,
)
from .taxonomies import TAXONOMIES, TAXONOMIES_BY_ID, all_terms, find_term, forums_in_taxonomy, forums_with_term

HSDS_VERSION = "3.0"
DEFAULT_PROFILE_URL = "https://github.com/openreferral/specification/tree/3.0"
OPENAPI_FILE = Path(__file__).with_name("openapi.json")
SAFE_METHODS = ("GET", "HEAD")


def json_response(payload, status=200):
    return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})


def not_found(message):
    return json_response({"message": message}, status=404)


def method_not_allowed():
    response = json_response({"message": _("This API can only be read: use GET.")}, status=405)
    response["Allow"] = ", ".join(SAFE_METHODS)
    return response


def open_referral_endpoint(view):
    """GET/HEAD only (else a JSON 405), in the site's main language, bad parameters as a JSON 400, open data.

    Exempt from CSRF: it changes nothing, and a POST must get the API's 405, not the site's 403 page.
    """

    @functools.wraps(view)
    @csrf_exempt
    @cache_control(public=True, max_age=300)
    def wrapped(request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            if request.method not in SAFE_METHODS:
                return mark_as_open_data(method_not_allowed())
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


# --- Lists ------------------------------------------------------------------------------------


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
            "openapi_url": public_url(reverse("openreferral:openapi"), request),
        }
    )


@functools.cache
def openapi_document():
    return json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))


@open_referral_endpoint
def openapi(request):
    """The OpenAPI description of this API, with this site's address as the server."""
    document = {**openapi_document(), "servers": [{"url": public_url(reverse("openreferral:root"), request)}]}
    return json_response(document)


class ServicesInOrder:
    """Listed communities in the order of ``ids``, as ``paged`` reads them: only the page asked for is fetched."""

    def __init__(self, ids):
        self.ids = ids

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, item):
        return forums_in_order(self.ids[item])


def matching_services(request):
    """The listed communities the request's HSDS filters choose, in order, ready for ``paged``.

    ``search`` (or ``text``), ``taxonomy_term_id``, ``taxonomy_id``, ``organization_id``,
    ``modified_after``. With ``search``, most relevant first, matched and ranked as the
    directory's own search; otherwise in name order.
    """
    terms = search_parameter(request)
    term_id = uuid_parameter(request, "taxonomy_term_id")
    organization = uuid_parameter(request, "organization_id")
    modified_after = datetime_parameter(request, "modified_after")
    taxonomy_id = uuid_parameter(request, "taxonomy_id")
    page_parameters(request)  # checked before any query
    if not (term_id or taxonomy_id or organization or modified_after):
        # Everything, in name order, or a search's matches by relevance: the count and the page's
        # ids come from the directory's facet index (directory.listing.facet_index), not from
        # counting and sorting every community in SQL.
        if terms:
            engine = Engine(default_locale())
            ranked, found = engine.text_matches(terms)
            return IndexedResults(engine.index, found, "relevance", ranked, len(found))
        public = PublicScope(default_locale())
        index = facet_index(public, public.language)
        return IndexedResults(index, index.everything, "name", None, index.size)
    forums = services_in_scope()
    if term_id:
        term = find_term(services_in_scope(), term_id)
        forums = forums_with_term(forums, term) if term else forums.none()
    if taxonomy_id:
        taxonomy = TAXONOMIES_BY_ID.get(taxonomy_id)
        forums = forums_in_taxonomy(forums, taxonomy) if taxonomy else forums.none()
    if organization:
        operator = next((item for item in operators_of(forums) if item.id == organization), None)
        forums = operator.run(forums) if operator else forums.none()
    if modified_after:
        forums = forums.filter(last_published_at__gte=modified_after)
    if terms:
        return ServicesInOrder(ranked_within(forums, terms, default_locale()))
    return forums.order_by(*ORDERINGS["name"])


class WithVocabularies:
    """Communities read through ``with_vocabularies`` a page at a time, for fully nested records."""

    def __init__(self, found):
        self.found = found

    def __len__(self):
        return self.found.count() if isinstance(self.found, QuerySet) else len(self.found)

    def __getitem__(self, item):
        ids = [forum.pk for forum in self.found[item]]
        loaded = with_vocabularies(services_in_scope()).in_bulk(ids)
        return [loaded[pk] for pk in ids if pk in loaded]


@open_referral_endpoint
def services(request):
    """Listed communities as services (``matching_services``); ``full=true`` nests each one fully."""
    found = matching_services(request)
    boolean_parameter(request, "minimal")  # a client may ask; every record is already small
    if boolean_parameter(request, "full"):
        return paged(request, WithVocabularies(found), full_service_record)
    return paged(request, found, service_record)


@open_referral_endpoint
def service_detail(request, service_id):
    key = id_from_path(service_id)
    forum = with_vocabularies(services_in_scope()).filter(translation_key=key).first() if key else None
    if forum is None:
        return not_found(_("There is no service with this id."))
    return json_response(full_service_record(forum))


def service_at_location_with_service(forum):
    """A community's one virtual location, its website, with the service it offers there."""
    return {**service_at_location_record(forum), "service": service_record(forum)}


@open_referral_endpoint
def service_at_locations(request):
    """Each listed community's virtual location, filtered as ``/services``.

    Online communities have no physical place, so ``postcode`` and ``proximity`` narrow nothing:
    a website serves every postcode.
    """
    found = matching_services(request)
    boolean_parameter(request, "full")
    return paged(request, found, service_at_location_with_service)


@open_referral_endpoint
def service_at_location_detail(request, service_at_location_id):
    key = id_from_path(service_at_location_id)
    # The id is derived from its service's, so it is looked for among the listed communities' ids.
    keys = services_in_scope().values_list("translation_key", flat=True) if key else []
    found = next((item for item in keys if service_at_location_id_of_service(str(item)) == key), None)
    forum = with_vocabularies(services_in_scope()).filter(translation_key=found).first() if found else None
    if forum is None:
        return not_found(_("There is no service at location with this id."))
    return json_response({**service_at_location_record(forum), "service": full_service_record(forum)})


@open_referral_endpoint
def organizations(request):
    terms = search_parameter(request)
    page_parameters(request)
    full_service = boolean_parameter(request, "full_service")
    boolean_parameter(request, "full")
    operators = operators_of(services_in_scope())
    if terms:
        operators = [operator for operator in operators if matches(operator.name, terms)]
    if full_service:
        return paged(request, operators, lambda operator: organization_with_services(operator, full=True))
    return paged(request, operators, lambda operator: operator.record())


def organization_with_services(operator, full=False):
    """An operator's organization record with the services it runs (fully nested ones with ``full``)."""
    record = operator.record()
    forums = operator.run(services_in_scope()).order_by("title", "pk")
    if full:
        record["services"] = [full_service_record(forum) for forum in with_vocabularies(forums)]
    else:
        record["services"] = [service_record(forum) for forum in forums]
    return record


@open_referral_endpoint
def organization_detail(request, organization_id):
    full_service = boolean_parameter(request, "full_service")
    key = id_from_path(organization_id)
    operator = next((item for item in operators_of(services_in_scope()) if item.id == key), None)
    if operator is None:
        return not_found(_("There is no organization with this id."))
    return json_response(organization_with_services(operator, full=full_service))


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
    """Every term, optionally of one taxonomy (``taxonomy_id``) or matching ``search``.

    The directory's terms have no parents: ``top_only`` keeps them all, and ``parent_id``
    (any term's id) finds none.
    """
    terms = search_parameter(request)
    taxonomy = uuid_parameter(request, "taxonomy_id")
    parent = uuid_parameter(request, "parent_id")
    boolean_parameter(request, "top_only")
    page_parameters(request)
    if parent:
        return paged(request, [], taxonomy_term_record)
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


@open_referral_endpoint
def unknown_address(request, rest=""):
    """Any other address under /openreferral/: a JSON 404, as a client of the API expects."""
    return not_found(_("There is nothing at this address in the Open Referral API."))
