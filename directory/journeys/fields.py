"""Fields of the public forms: plain text only (HTML refused, one line unless a text area), web
addresses, approximate numbers, topics and vocabulary choices."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.ids import IdMultipleChoiceField
from directory.forum_details import clean_topic_names
from directory.models.forums import http_url_validator

HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?]")
# Everything str.splitlines() breaks a line at: \n, \r, vertical tab, form feed, the file, group and
# record separators, next line (U+0085), and the Unicode line and paragraph separators.
LINE_BREAK = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
MAX_TOPICS = 10


def reject_html(value):
    """Refuse anything that looks like an HTML tag; the directory takes plain text only."""
    if value and HTML_TAG.search(str(value)):
        raise ValidationError(
            _("Use plain text only: remove anything that starts with < and ends with >."), code="html"
        )


def name_the_field_in_length_errors(field):
    """Django's "Ensure this value has at most N characters (it has M)." names no field: say which."""
    if field.max_length is None:
        return
    message = format_lazy(_("“{label}” must be %(limit_value)s characters or fewer"), label=field.label or "")
    for validator in field.validators:
        if isinstance(validator, MaxLengthValidator):
            validator.message = message


class PlainTextField(forms.CharField):
    """Plain text with a length limit; HTML is refused. On one line unless its widget is a text area:
    a line break in a name or title would break the emails about it and every list showing it."""

    default_validators = [reject_html]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        name_the_field_in_length_errors(self)

    def validate(self, value):
        super().validate(value)
        if value and not isinstance(self.widget, forms.Textarea) and LINE_BREAK.search(value):
            raise ValidationError(
                _("Enter “%(label)s” on one line, without line breaks"), code="line_break", params={"label": self.label}
            )


class PlainTextAreaField(PlainTextField):
    widget = forms.Textarea(attrs={"rows": 5})


class WebAddressField(forms.URLField):
    """A web address starting with http:// or https:// (``https://`` is added when left out)."""

    default_validators = [http_url_validator]
    default_error_messages = {
        "invalid": _("Enter a web address starting with http:// or https://, like https://forum.example.org")
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("assume_scheme", "https")
        kwargs.setdefault("widget", forms.URLInput(attrs={"spellcheck": "false", "autocomplete": "url"}))
        super().__init__(**kwargs)
        name_the_field_in_length_errors(self)


class ApproximateNumberField(forms.IntegerField):
    """A whole number, typed as people write it: "12,000" and "12 000" are accepted."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 10**12)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}))
        kwargs.setdefault("error_messages", {"invalid": _("Enter a whole number, like 12000")})
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[,\s]", "", value)
        return super().to_python(value)


class TopicsField(PlainTextField):
    """Topics typed as a comma-separated list; cleaned to a list of names."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def clean(self, value):
        text = super().clean(value)
        names = clean_topic_names(text.split(",")) if text else []
        if len(names) > MAX_TOPICS:
            raise ValidationError(_("Give at most %(count)s topics.") % {"count": MAX_TOPICS}, code="too_many")
        if any(len(name) > 100 for name in names):
            raise ValidationError(_("Each topic must be 100 characters or fewer."), code="too_long")
        return names


def vocabulary_field(model, label, help_text):
    return IdMultipleChoiceField(
        queryset=model.objects.order_by("name"),
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
