"""Template filters for GOV.UK Frontend markup: form widgets with GOV.UK classes and ids, page numbers.

The ids follow GOV.UK Frontend's conventions, so a field's hint and error message are
``<field id>-hint`` and ``<field id>-error`` and the widget points at them with
``aria-describedby``: screen readers then read the hint and the error with the field.
"""

from django import template

register = template.Library()

# GOV.UK Frontend classes that have an ``--error`` modifier (a red border) for invalid input.
ERROR_MODIFIERS = {"govuk-input", "govuk-textarea", "govuk-select", "govuk-file-upload"}


def hint_id(field):
    """The id of the field's hint paragraph (rendered from ``help_text``)."""
    return f"{field.auto_id}-hint"


def error_id(field):
    """The id of the field's error message."""
    return f"{field.auto_id}-error"


@register.filter
def govuk_describedby(field):
    """The ``aria-describedby`` value for a field: its hint and error ids, or ''."""
    ids = []
    if field.help_text:
        ids.append(hint_id(field))
    if field.errors:
        ids.append(error_id(field))
    return " ".join(ids)


@register.filter
def govuk_widget(field, css_classes):
    """Render a bound field's widget with extra CSS classes and GOV.UK ``aria-describedby``.

    ``{{ field|govuk_widget:"govuk-input govuk-input--width-20" }}``. When the field has
    errors, the first class's error modifier (``govuk-input--error``) is added too. Classes
    already set on the widget by the form are kept, and so is what the user typed (Django
    renders a bound field with its submitted data).
    """
    classes = css_classes.split()
    if field.errors and classes and classes[0] in ERROR_MODIFIERS:
        classes.append(f"{classes[0]}--error")
    classes = " ".join([field.field.widget.attrs.get("class", ""), *classes]).strip()
    attrs = {"class": classes}
    describedby = govuk_describedby(field)
    if describedby:
        attrs["aria-describedby"] = describedby
    return field.as_widget(attrs=attrs)


@register.filter
def govuk_page_numbers(page_obj):
    """The page numbers to link to around ``page_obj``: first, last, current and neighbours.

    Gaps come out as ``None`` and are shown as an ellipsis.
    """
    paginator = page_obj.paginator
    return [
        number if number != paginator.ELLIPSIS else None
        for number in paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
    ]
