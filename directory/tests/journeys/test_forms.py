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


def joining_form(**answers):
    form = forms.JoiningFieldsForm(data=answers)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("121", "The minimum age must be 120 or less"),
        ("-1", "The minimum age must be 0 or more"),
        ("9" * 40, "The minimum age must be 120 or less"),
        ("9" * 5000, "Enter the minimum age as a whole number of years, like 16"),
        ("sixteen", "Enter the minimum age as a whole number of years, like 16"),
        ("16.5", "Enter the minimum age as a whole number of years, like 16"),
    ],
)
def test_a_minimum_age_outside_0_to_120_gets_a_specific_message(typed, message):
    """An age that is not a whole number from 0 to 120 is refused beside the field, however large.

    If this fails, people see a generic error, or a huge number reaches the database (a 500)."""
    assert joining_form(minimum_age=typed).errors["minimum_age"] == [message]


def test_a_minimum_age_is_read_as_people_write_it():
    assert joining_form(minimum_age=" 16 ").cleaned_data["minimum_age"] == 16
    assert joining_form(minimum_age="0").cleaned_data["minimum_age"] == 0
    assert joining_form(minimum_age="").cleaned_data["minimum_age"] is None


def test_contact_them_first_asks_how():
    """Choosing "Contact them first" needs the way to contact them; any other way drops a route typed.

    If this fails, an entry says "contact them first" without saying how, or publishes a route
    nobody needs."""
    form = joining_form(how_to_join="contact_first")
    assert form.errors["contact_route"] == ["Enter how people contact the community before joining"]
    form = joining_form(how_to_join="contact_first", contact_route="Use the form on the home page.")
    assert form.is_valid() and form.cleaned_data["contact_route"] == "Use the form on the home page."
    form = joining_form(how_to_join="sign_up", contact_route="Use the form on the home page.")
    assert form.is_valid() and form.cleaned_data["contact_route"] == ""


def test_every_before_you_join_answer_can_be_taken_back():
    """ "Not known" is an answer to each question, so a wrong answer can be cleared later.

    If this fails, an operator or reader can never remove a wrong answer."""
    form = joining_form(cost="", registration="", how_to_join="", activity="")
    assert form.is_valid()
    for name in ("cost", "registration", "how_to_join", "activity"):
        assert ("", "Not known") in [(value, str(label)) for value, label in form.fields[name].choices]


def operator_step(**answers):
    data = {"contact_name": "Sam", "contact_email": "sam@example.org", **answers}
    form = forms.NominationOperatorForm(data=data)
    form.is_valid()
    return form


def test_the_nominator_says_how_they_are_connected():
    """A nominator must say whether they run the community or use it; only someone who runs it
    must make the operator's declaration.

    If this fails, members cannot suggest a community, or anyone can claim to run one."""
    assert operator_step().errors["connection"] == ["Select how you are connected to this community"]
    runs_it = operator_step(connection="runs_it")
    assert runs_it.errors["confirm"] == ["Confirm that you run or moderate this community"]
    assert operator_step(connection="runs_it", confirm="on").is_valid()
    member = operator_step(connection="member")
    assert member.is_valid() and member.from_member
    assert operator_step(connection="member", confirm="on").cleaned_data["confirm"] is False
