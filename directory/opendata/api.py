"""The Wagtail API v2 at /api/v2/: live, public pages with the community and department fields.

Only the pages endpoint is served. It never shows drafts, private pages (a restriction in one
language covers every copy: ``core.privacy``) or delisted communities, and adds a ``topic``
filter (a topic's slug, as on /directory/) to Wagtail's own ``type``, field and ``search`` filters.
``search`` finds and ranks pages as the site's own search does (``directory.listing``: any of the
words, synonyms, corrected spelling, pages matching more words first). The fields are the
models' ``api_fields``, which leave out everything private; an audience, region or community
type comes as ``{id, slug, name, name_cy}`` so a client need not look its id up anywhere, and
``html_url`` is on the public address (``core.public_urls``).
"""

from django.db.models import Q
from django.db.models.expressions import RawSQL
from rest_framework.fields import Field
from rest_framework.filters import BaseFilterBackend
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.serializers import PageHtmlUrlField, PageSerializer, TagsField
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet

from core.public_urls import public_url
from directory.listing.engine import Engine
from directory.listing.filters import clean_query, search_terms
from directory.listing.text_search import matching_sql, ranked_matches
from directory.models import DepartmentPage, DepartmentPageTag, ForumPage, ForumPageTag
from directory.models.public import not_hidden
from directory.models.public_fields import FORUM_FIELDS
from directory.opendata.api_parameters import QueryParameterCheck, check_find_query
from directory.opendata.licence import mark_as_cacheable, mark_as_open_data, with_vocabularies


class TopicFilter(BaseFilterBackend):
    """``?topic=parenting`` (or ``?topic=parenting,money``: both): pages tagged with the topic slugs."""

    def filter_queryset(self, request, queryset, view):
        for slug in request.GET.get("topic", "").split(","):
            if slug.strip():
                tagged = Q(pk__in=ForumPageTag.objects.filter(tag__slug=slug.strip()).values("content_object_id")) | Q(
                    pk__in=DepartmentPageTag.objects.filter(tag__slug=slug.strip()).values("content_object_id")
                )
                queryset = queryset.filter(tagged)
        return queryset


class RankedPages:
    """Pages of a queryset in the order of ``ids``, as the paginator reads them: a count, and slices."""

    def __init__(self, queryset, ids):
        self.queryset, self.ids = queryset, ids

    def count(self):
        return len(self.ids)

    def __getitem__(self, item):
        ids = self.ids[item]
        found = self.queryset.filter(pk__in=ids).in_bulk()
        return [found[page_id] for page_id in ids if page_id in found]


class WordSearchFilter(SearchFilter):
    """``?search=`` matched and ranked as the site's own search (in the request's language).

    Only the words of the query are used (punctuation is search syntax to the full-text
    engines); a query of only spaces or symbols finds nothing. ``search_operator=and`` keeps the
    pages with every word. With ``order``, the matches come in that order instead of by relevance.
    """

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return queryset
        terms = search_terms(clean_query(request.GET["search"]))
        if not terms:
            return queryset.none()
        operator = request.GET.get("search_operator") or "or"
        if operator not in ("and", "or"):
            raise BadRequestError("search_operator must be 'and' or 'or'")
        match = Engine().text_match(terms)
        if queryset.model is ForumPage and operator == "or":
            ranked = match.ids
        else:
            every = (1 << len(match.plan.concepts)) - 1
            found = ranked_matches(queryset.model, match.plan)
            ranked = [page_id for page_id, bits in found if operator == "or" or bits == every]
        subquery = matching_sql(queryset.model, match.plan)
        matching = queryset.filter(pk__in=RawSQL(*subquery) if subquery else ranked)
        if "order" in request.GET:
            return matching.filter(pk__in=ranked) if operator == "and" else matching
        allowed = set(matching.values_list("pk", flat=True))
        return RankedPages(queryset, [page_id for page_id in ranked if page_id in allowed])


class PrefetchedTagsField(TagsField):
    """Topic names in name order, read from the prefetched tags (Wagtail's own field queries per page)."""

    def to_representation(self, value):
        return sorted(tag.name for tag in value.all())


class VocabularyField(Field):
    """An audience, region or community type as its id, slug and English and Welsh names (None when it has none)."""

    def __init__(self, many=False, **kwargs):
        self.many = many
        super().__init__(read_only=True, **kwargs)

    @staticmethod
    def term(entry):
        return {"id": entry.pk, "slug": entry.slug, "name": entry.name, "name_cy": entry.name_cy or None}

    def to_representation(self, value):
        if self.many:
            return sorted((self.term(entry) for entry in value.all()), key=lambda term: term["slug"])
        return self.term(value)


class PublicHtmlUrlField(PageHtmlUrlField):
    """The page's address on the public host, as the feeds, JSON-LD and exports give it."""

    def to_representation(self, page):
        url = super().to_representation(page)
        return public_url(url, self.context.get("request")) if url else url


class DirectoryPageSerializer(PageSerializer):
    html_url = PublicHtmlUrlField(read_only=True)


VOCABULARY_FIELDS = tuple(field.name for field in FORUM_FIELDS if field.vocabulary)


class DirectoryPagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages endpoint, without delisted communities, with a topic filter."""

    base_serializer_class = DirectoryPageSerializer
    filter_backends = [
        QueryParameterCheck,  # first: refuses values the database cannot take (a JSON 400)
        TopicFilter,
        *(WordSearchFilter if backend is SearchFilter else backend for backend in PagesAPIViewSet.filter_backends),
    ]
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(["topic"])

    def find_object(self, queryset, request):
        check_find_query(request.GET)
        return super().find_object(queryset, request)

    def get_base_queryset(self):
        # Wagtail's own test reads restrictions in each page's own tree; core.privacy's covers every
        # language's copy of a restricted page. Wagtail asks for this several times a request, and
        # each asks the database: it is made once per request (a view instance serves one).
        if not hasattr(self, "_base_queryset"):
            self._base_queryset = not_hidden(super().get_base_queryset())
        return self._base_queryset.all()

    def get_queryset(self):
        """Pages with what their fields show loaded alongside, so a listing never queries once per row."""
        queryset = super().get_queryset().select_related("locale")
        if queryset.model is ForumPage:
            queryset = with_vocabularies(queryset)
        elif queryset.model is DepartmentPage:
            queryset = queryset.prefetch_related("topics", "engagements")
        return queryset

    @classmethod
    def get_field_serializer_overrides(cls, model):
        overrides = super().get_field_serializer_overrides(model)
        if issubclass(model, ForumPage | DepartmentPage):
            overrides.setdefault("topics", PrefetchedTagsField())
        if issubclass(model, ForumPage):
            for name in VOCABULARY_FIELDS:
                overrides.setdefault(name, VocabularyField(many=model._meta.get_field(name).many_to_many))
        return overrides

    def finalize_response(self, request, response, *args, **kwargs):
        return mark_as_cacheable(mark_as_open_data(super().finalize_response(request, response, *args, **kwargs)))


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", DirectoryPagesAPIViewSet)
