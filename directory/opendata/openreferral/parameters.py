"""The Open Referral API's query parameters, read and checked before any query runs.

A value the API cannot understand raises ``BadParameter``, which the endpoint turns into a JSON
400 naming the parameter. HSDS's booleans (``full``, ``minimal``, ``full_service``,
``top_only``) are ``true`` or ``false``. A number, id, date or boolean sent empty (``?page=``) is
refused too, rather than read as absent: the client meant something, and we cannot tell what.
``text`` is Open Referral UK's name for ``search`` and works the same.
"""

import datetime
import uuid

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from directory.listing.filters import search_terms

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PAGE = 100_000
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


class BadParameter(Exception):
    """A query parameter the API cannot understand; becomes a 400 naming it."""

    def __init__(self, parameter, message):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


def sent_value(request, name):
    """The parameter's value, stripped; None when it was not sent at all."""
    return request.GET[name].strip() if name in request.GET else None


def whole_number_parameter(request, name, default, maximum):
    text = sent_value(request, name)
    if text is None:
        return default
    # isdigit() alone accepts characters such as "²" that int() refuses.
    if not (text.isascii() and text.isdigit()) or len(text) > 9 or not 1 <= int(text) <= maximum:
        raise BadParameter(name, _("Must be a whole number from 1 to %(maximum)s.") % {"maximum": maximum})
    return int(text)


def uuid_parameter(request, name):
    text = sent_value(request, name)
    if text is None:
        return None
    try:
        return str(uuid.UUID(text))
    except ValueError as error:
        raise BadParameter(name, _("Must be a UUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6.")) from error


def boolean_parameter(request, name):
    """``true`` or ``false`` (also 1 or 0); False when the parameter is not sent."""
    text = sent_value(request, name)
    if text is None:
        return False
    value = BOOLEANS.get(text.lower())
    if value is None:
        raise BadParameter(name, _("Must be true or false."))
    return value


def datetime_parameter(request, name):
    """A date or date-time (ISO 8601); one without a time zone is read in the site's time zone."""
    text = sent_value(request, name)
    if text is None:
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
    """The words of ``search`` (or ORUK's ``text``), safe for any search backend ('' when none)."""
    return search_terms((request.GET.get("search") or request.GET.get("text") or "")[:200])


def format_parameter(request):
    """Only JSON is served: ``format`` may be absent or ``json``."""
    if request.GET.get("format", "json").strip().lower() != "json":
        raise BadParameter("format", _("Only json is available."))


def page_parameters(request):
    format_parameter(request)
    return (
        whole_number_parameter(request, "page", 1, MAX_PAGE),
        whole_number_parameter(request, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE),
    )
