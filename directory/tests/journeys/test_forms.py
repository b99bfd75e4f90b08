"""The public forms' rules for what people type (directory/journeys/forms.py)."""

import pytest
from django import forms as django_forms

from directory.journeys import fields, forms, spam_guard

pytestmark = pytest.mark.django_db

# Every form the public (or an operator through their private link) fills in.
PUBLIC_FORMS = [
    forms.NominationCommunityForm,
    forms.NominationSuitabilityForm,
    forms.NominationOperatorForm,
    forms.OperatorUpdateForm,
    forms.ClaimForm,
    forms.SuggestionForm,
    forms.ProblemReportForm,
    forms.RemovalRequestForm,
]
SPAM_GUARD = {"started", "nickname"}
# Each kind of line break str.splitlines() knows, and a Windows line end.
LINE_BREAKS = ["\n", "\r", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def single_line_fields(form_class):
    """The fields typed on one line: text inputs, not text areas, choices or the spam guard."""
    return [
        name
        for name, field in form_class.base_fields.items()
        if name not in SPAM_GUARD
        and isinstance(field, django_forms.CharField)
        and not isinstance(field.widget, django_forms.Textarea | django_forms.HiddenInput)
    ]


def test_every_public_form_has_single_line_fields_to_check():
    """The list below is not empty by accident: names, titles and addresses are all covered.

    If this fails, the line-break test checks nothing for the forms that need it.
    """
    covered = {name for form_class in PUBLIC_FORMS for name in single_line_fields(form_class)}
    assert {"title", "languages", "operator_name", "contact_name", "suggester_name", "topics", "website"} <= covered
    assert {"contact_email", "reporter_email", "suggester_email", "house_rules_url"} <= covered


@pytest.mark.parametrize("form_class", PUBLIC_FORMS, ids=lambda form_class: form_class.__name__)
def test_a_line_break_in_a_single_line_field_is_refused_beside_the_field(form_class):
    """A title, name, address or topic with any kind of line break in it is refused, with a message
    on that field; text areas (summary, description, message, reason) keep their line breaks.

    If this fails, a title like "Parents\\u2028Together" is stored, and every email about the entry
    fails (a line break in a subject is refused by the mail library) and lists show broken lines.
    """
    for name in single_line_fields(form_class):
        for line_break in LINE_BREAKS:
            form = form_class({name: f"Parents{line_break}Together"})
            assert not form.is_valid()
            assert name in form.errors, (form_class.__name__, name, repr(line_break))
            if isinstance(form.fields[name], fields.PlainTextField):
                label = str(form.fields[name].label)
                assert form.errors[name] == [f"Enter “{label}” on one line, without line breaks"]


def test_text_areas_keep_their_line_breaks():
    """A description or a message written in paragraphs is accepted as written.

    If this fails, people cannot write more than one paragraph anywhere.
    """
    form = forms.RemovalRequestForm({"reason": "We have closed.\r\n\r\nThank you\u2028for everything."})
    assert form.is_valid() and "\r\n\r\n" in form.cleaned_data["reason"]
    summary = forms.NominationCommunityForm.base_fields["summary"]
    assert summary.clean("One line.\nAnother line.") == "One line.\nAnother line."


def test_used_start_tokens_are_remembered_until_they_expire(settings):
    """A token's nonce is refused the second time; records older than the tokens' lifetime are deleted.

    If this fails, used tokens work again, or the table of used tokens grows for ever.
    """
    import datetime

    from django.utils import timezone

    from directory.models import SpentFormToken

    settings.PUBLIC_FORM_MAX_AGE_SECONDS = 3600
    assert spam_guard.spend_start_nonce("a" * 32) and not spam_guard.spend_start_nonce("a" * 32)
    SpentFormToken.objects.filter(nonce="a" * 32).update(spent_at=timezone.now() - datetime.timedelta(hours=2))
    assert spam_guard.spend_start_nonce("b" * 32)
    assert list(SpentFormToken.objects.values_list("nonce", flat=True)) == ["b" * 32]


DJANGO_GENERIC_MESSAGES = ("This field is required.", "Enter a valid email address.", "Ensure this value has at most")


@pytest.mark.parametrize("language", ["en", "cy"])
def test_no_public_form_answers_with_a_generic_django_message(language):
    """Each error says what to do about that field ("Tell us how you are connected to this
    community"), never Django's "This field is required.", in English and in Welsh."""
    from django.utils import translation

    too_long = "x" * 3000
    with translation.override(language):
        generic_messages = tuple(translation.gettext(text) for text in DJANGO_GENERIC_MESSAGES)
        for form_class in PUBLIC_FORMS:
            answers = {name: too_long for name in form_class.base_fields if name not in SPAM_GUARD}
            answers.update({name: "not an address" for name in form_class.base_fields if "email" in name})
            for data in ({}, answers):
                form = form_class(data=data)
                form.is_valid()
                messages = [str(message) for errors in form.errors.values() for message in errors]
                generic = [text for text in messages if text.startswith(generic_messages)]
                assert not generic, f"{form_class.__name__}: {generic}"
        message = forms.ClaimForm(data={}).errors["message"][0]
        expected = {"en": "Tell us how you are connected to this community", "cy": "Dywedwch wrthym sut"}
        assert message.startswith(expected[language])
