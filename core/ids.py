"""Ids and whole numbers from outside (form choices, query parameters, addresses), checked before any query.

A number beyond the database's integer range never reaches SQL: SQLite raises OverflowError for
one past 2**63 - 1 and PostgreSQL a DataError, so a hostile "9223372036854775808" would be a 500.
Out of range is the same as "no such id": a form error, a 400 or a 404. Use ``parse_id`` for a
query parameter and the form fields below for model choices (the admin's many-to-many fields
use them too, see ``directory.admin.editing``).
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

ID_MAX = 2**63 - 1  # the largest value of a 64-bit signed integer column (bigint), on both databases
WHOLE_NUMBER = re.compile(r"[0-9]{1,19}")  # ASCII digits only: int() also takes "²", "١" and "1_0"


def parse_whole_number(value, minimum=0, maximum=ID_MAX):
    """``value`` (text or int) as an int from ``minimum`` to ``maximum``, or None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not WHOLE_NUMBER.fullmatch(text):
            return None
        number = int(text)
    return number if minimum <= number <= maximum else None


def parse_id(value):
    """``value`` as a database id (a whole number from 1 to 2**63 - 1), or None if it cannot be one."""
    return parse_whole_number(value, minimum=1)


def has_integer_key(field):
    """True if the model choice field looks its choices up by an integer column (the usual pk)."""
    model = field.queryset.model
    key = model._meta.get_field(field.to_field_name) if field.to_field_name else model._meta.pk
    return isinstance(key, models.IntegerField)


class IdChoiceField(forms.ModelChoiceField):
    """A model choice whose id out of the database's range is an invalid choice, not a server error."""

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, self.queryset.model):
            if has_integer_key(self) and parse_id(value) is None:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Model choices whose ids out of the database's range are invalid choices, not a server error."""

    def _check_values(self, value):
        if has_integer_key(self):
            for item in value:
                if not isinstance(item, self.queryset.model) and parse_id(item) is None:
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                    )
        return super()._check_values(value)
