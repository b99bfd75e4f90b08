"""Helpers for the listing's tests: run a listing from a query string and read it back."""

from django.http import QueryDict

from directory.listing.filters import DirectoryFilters
from directory.listing.results import search_directory


def search(querystring="", locale=None):
    return search_directory(DirectoryFilters.from_querydict(QueryDict(querystring)), locale=locale)


def titles(results):
    return [forum.title for forum in results.forums]


def facet(results, name):
    return {option.value: option.count for option in next(f for f in results.facets if f.name == name).options}
