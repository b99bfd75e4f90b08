"""The Wagtail API's query parameters checked before any query runs: a bad value is a JSON 400.

Wagtail's own parsing lets some values through to the database, which then fails with a 500:
whole numbers beyond 64 bits (``offset``, ``id``, ``child_of``…, integer and related fields), a
``search_operator`` other than "and" or "or", and field filters whose value is not of the field's
type (``figures_as_of=notadate``, ``audiences=abc``). This filter backend runs first and refuses
them with a message naming the parameter. A ``locale`` the site does not have is a 400 too
(Wagtail answers it with a 404, as if the listing did not exist).
"""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from rest_framework.filters import BaseFilterBackend
from taggit.managers import TaggableManager
from wagtail.api.v2.utils import BadRequestError
from wagtail.fields import StreamField

from core.ids import ID_MAX, parse_id, parse_whole_number

# Far beyond any real listing, and offset + limit still fits in a 64-bit integer.
MAX_OFFSET = 10**9
PAGE_ID_PARAMETERS = ("child_of", "descendant_of", "ancestor_of", "translation_of")
SEARCH_OPERATORS = ("and", "or")


def bad_value(name, value, reason):
    return BadRequestError(
        _("%(value)s is not a valid value for %(name)s: %(reason)s")
        % {"value": repr(value[:50]), "name": name, "reason": reason}
    )


def id_expected(name, value):
    return bad_value(name, value, _("give an id, a whole number from 1 to %(maximum)s") % {"maximum": ID_MAX})


def check_whole_number(query, name, maximum):
    if name in query and parse_whole_number(query[name], 0, maximum) is None:
        raise bad_value(name, query[name], _("give a whole number from 0 to %(maximum)s") % {"maximum": maximum})


def check_page_id(query, name):
    if name in query and query[name] != "root" and parse_id(query[name]) is None:
        raise id_expected(name, query[name])


def check_integer(name, value):
    """An integer filter within the database's 64-bit range (Wagtail reports other junk itself)."""
    try:
        number = int(value)
    except ValueError:
        return
    if not -ID_MAX - 1 <= number <= ID_MAX:
        raise bad_value(name, value, _("the number is too large"))


def check_field_filter(model, name, value):
    """``?<field>=<value>``: the value must be one the field can hold."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return
    if isinstance(field, TaggableManager | models.BooleanField):
        return  # tags are matched by name; Wagtail refuses a bad boolean itself
    if field.is_relation:
        target = field.target_field
        if isinstance(target, models.IntegerField) and parse_id(value) is None:
            raise id_expected(name, value)
        return
    if isinstance(field, models.IntegerField):
        check_integer(name, value)
        return
    if isinstance(field, StreamField | models.JSONField):
        raise bad_value(name, value, _("this field cannot be used as a filter"))
    try:
        field.to_python(value)
    except ValidationError as error:
        raise bad_value(name, value, " ".join(error.messages)) from error
    except (TypeError, ValueError) as error:
        raise bad_value(name, value, _("not a value this field can hold")) from error


def check_find_query(query):
    """``/api/v2/pages/find/?id=``: a page id (Wagtail hands any text to the database)."""
    if "id" in query and parse_id(query["id"]) is None:
        raise id_expected("id", query["id"])


class QueryParameterCheck(BaseFilterBackend):
    """Refuses query parameters the database cannot take, before Wagtail's filters use them."""

    def filter_queryset(self, request, queryset, view):
        query = request.GET
        check_whole_number(query, "offset", MAX_OFFSET)
        check_whole_number(query, "limit", ID_MAX)
        for name in PAGE_ID_PARAMETERS:
            check_page_id(query, name)
        languages = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
        if "locale" in query and query["locale"] not in languages:
            raise bad_value("locale", query["locale"], _("use one of %(codes)s") % {"codes": ", ".join(languages)})
        operator = query.get("search_operator")
        if operator is not None and operator not in SEARCH_OPERATORS:
            raise bad_value("search_operator", operator, _('use "and" or "or"'))
        fields = set(view.get_available_fields(queryset.model, db_fields_only=True)) - {"locale"}
        for name, value in query.items():
            if name in fields:
                check_field_filter(queryset.model, name, value)
        return queryset
