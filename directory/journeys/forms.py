"""The public forms: nominating a community, claiming or correcting an entry, suggesting an edit,
reporting a problem.

Everything the public types is plain text: HTML is refused with a clear message, every field
has a length limit, web addresses must be http(s). Forms that anyone can post carry a
honeypot field and a signed, single-use start token (``SpamGuardMixin``): robots that fill the
honeypot are refused before anything is stored; a replayed or stale token asks the person to
send the form again; a form sent back very fast is kept and flagged for the editors.
"""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.ids import IdChoiceField
from directory.journeys.fields import (
    ApproximateNumberField,
    PlainTextAreaField,
    PlainTextField,
    TopicsField,
    WebAddressField,
    vocabulary_field,
)
from directory.journeys.spam_guard import SpamGuardMixin
from directory.models import (
    Activity,
    Audience,
    CommunityType,
    Cost,
    EngagementMode,
    EngagementPreference,
    JoinMethod,
    OperatorKind,
    ProblemReport,
    Region,
    Registration,
)
from directory.models.forums import MAXIMUM_AGE
from directory.nominations import is_listed


def duplicate_entry_message(forum):
    """The error for a web address another entry has: its name only if that entry is listed."""
    if is_listed(forum):
        return _("“%(title)s” is already in the directory with this web address.") % {"title": forum.title}
    return _("An entry with this web address already exists.")


def initial_from_details(details):
    """Form initial values from plain details (``directory.forum_details`` shape)."""
    initial = dict(details)
    if "is_moderated" in initial:
        initial["is_moderated"] = "yes" if initial["is_moderated"] else "no"
    return initial


# The public details of a community, shared by nominations, operator updates and suggestions


class CommunityFieldsForm(forms.Form):
    """What the community is and who it is for."""

    # Each required field says what is missing: an error summary of identical "This field is
    # required." links does not tell people which link leads where.
    title = PlainTextField(
        label=_("Name of the community"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Enter the name of the community")},
    )
    website = WebAddressField(
        label=_("Web address"),
        help_text=_("The community's home page, for example https://forum.example.org"),
        error_messages={"required": _("Enter the community's web address")},
    )
    summary = PlainTextField(
        label=_("Summary"),
        error_messages={"required": _("Enter a short summary of the community")},
        max_length=300,
        help_text=_("One or two sentences: who it is for and what happens there. Up to 300 characters."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description = PlainTextAreaField(
        label=_("Description"),
        max_length=5000,
        required=False,
        help_text=_("More about the community, its history and its members. Up to 5,000 characters."),
    )
    community_type = IdChoiceField(
        queryset=CommunityType.objects.order_by("name"),
        label=_("What kind of community is it?"),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
    )
    topics = TopicsField(
        label=_("Topics"), help_text=_("Subjects people discuss there, separated by commas, e.g. parenting, benefits")
    )
    audiences = vocabulary_field(Audience, _("Who does it serve?"), _("Select all that apply."))
    regions = vocabulary_field(Region, _("Where are its members?"), _("Select all that apply."))
    languages = PlainTextField(
        label=_("Languages"),
        max_length=200,
        required=False,
        initial="English",
        help_text=_("Languages used in the community, e.g. English, Welsh."),
    )


class SuitabilityFieldsForm(forms.Form):
    """Moderation, size and openness to public servants: the directory's suitability questions."""

    is_moderated = forms.TypedChoiceField(
        label=_("Are posts moderated by the community's team?"),
        # Welsh answers a question with its own verb: "Are posts moderated?" "Ydyn" (they are).
        choices=[
            ("yes", pgettext_lazy("answer to: are posts moderated?", "Yes")),
            ("no", pgettext_lazy("answer to: are posts moderated?", "No")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Select yes if posts are moderated")},
    )
    house_rules_url = WebAddressField(
        label=_("Link to the house rules"),
        required=False,
        help_text=_("The community's rules or code of conduct, if published."),
    )
    members = ApproximateNumberField(label=_("Registered members (approximately)"))
    monthly_visitors = ApproximateNumberField(label=_("Visitors a month (approximately)"))
    posts = ApproximateNumberField(label=_("Total posts (approximately)"))
    volunteer_moderators = ApproximateNumberField(label=_("Volunteer moderators"))
    engagement_preference = forms.ChoiceField(
        label=_("Does the community welcome public servants taking part?"),
        choices=EngagementPreference.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether the community welcomes public servants")},
    )
    welcomed_modes = forms.MultipleChoiceField(
        label=_("Which ways of taking part would it welcome?"),
        choices=EngagementMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply."),
    )

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("engagement_preference") == EngagementPreference.DOES_NOT_WELCOME and cleaned_data.get(
            "welcomed_modes"
        ):
            self.add_error(
                "welcomed_modes",
                _("Leave these unticked if the community does not welcome public servants."),
            )
        return cleaned_data


def optional_radios(label, choices, help_text=""):
    """Radios for a "Before you join" question, with "Not known" last so an answer can be taken back."""
    return forms.ChoiceField(
        label=label,
        choices=[*choices, ("", _("Not known"))],
        required=False,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


class JoiningFieldsForm(forms.Form):
    """What people ask before joining: cost, registration, how to join, minimum age, how active."""

    cost = optional_radios(_("Does it cost anything to take part?"), Cost.choices)
    registration = optional_radios(
        _("Do people need to register?"), Registration.choices, _("To read the posts, or only to write them.")
    )
    how_to_join = optional_radios(_("How do people join?"), JoinMethod.choices)
    contact_route = PlainTextField(
        label=_("How should people contact the community first?"),
        max_length=300,
        required=False,
        help_text=_(
            "Only if people must contact it before joining. This is published: give a contact form or "
            "a shared address, not a personal one."
        ),
    )
    minimum_age = ApproximateNumberField(
        label=_("Minimum age"),
        min_value=0,
        max_value=MAXIMUM_AGE,
        help_text=_("The youngest age it accepts members, in years. Leave blank if it sets none."),
        error_messages={
            "invalid": _("Enter the minimum age as a whole number of years, like 16"),
            "min_value": _("The minimum age must be 0 or more"),
            "max_value": _("The minimum age must be %(limit_value)s or less"),
        },
    )
    activity = optional_radios(
        _("About how many posts a month?"),
        Activity.choices,
        _("A rough idea is fine. The directory shows the date you told us."),
    )

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("how_to_join") == JoinMethod.CONTACT_FIRST:
            if not cleaned_data.get("contact_route") and "contact_route" not in self.errors:
                self.add_error("contact_route", _("Enter how people contact the community before joining"))
        elif "contact_route" in cleaned_data:
            cleaned_data["contact_route"] = ""  # only published for entries people must contact first
        return cleaned_data


class OperatorFieldsForm(forms.Form):
    """Who runs the community (public)."""

    operator_name = PlainTextField(
        label=_("Who runs the community?"),
        max_length=200,
        required=False,
        help_text=_("The organisation or group, as it should appear in the directory."),
    )
    operator_kind = forms.ChoiceField(
        label=_("What kind of organisation runs it?"),
        choices=OperatorKind.choices,
        required=False,
        widget=forms.RadioSelect,
    )


class ContactFieldsForm(forms.Form):
    """How editors reach the person (private: never shown to the public)."""

    contact_name = PlainTextField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your name")},
    )
    contact_email = forms.EmailField(
        label=_("Your email address"),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
        max_length=254,
        help_text=_("We will only use this to contact you about this entry. It is never published."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


COMMUNITY_FIELDS = list(CommunityFieldsForm.base_fields)
SUITABILITY_FIELDS = list(SuitabilityFieldsForm.base_fields)
JOINING_FIELDS = list(JoiningFieldsForm.base_fields)
OPERATOR_FIELDS = list(OperatorFieldsForm.base_fields)
CONTACT_FIELDS = list(ContactFieldsForm.base_fields)


# The nomination, in three steps and a check-your-answers page


class NominationCommunityForm(CommunityFieldsForm, SpamGuardMixin):
    """Step 1: the community."""

    field_order = COMMUNITY_FIELDS


class NominationSuitabilityForm(SuitabilityFieldsForm, JoiningFieldsForm, SpamGuardMixin):
    """Step 2: moderation, figures, openness to public servants and what people ask before joining."""

    check_fill_time = False
    field_order = SUITABILITY_FIELDS + JOINING_FIELDS


class Connection(models.TextChoices):
    """How the person nominating a community is connected to it."""

    RUNS_IT = "runs_it", _("I run or moderate it")
    MEMBER = "member", _("I am a member or I use it")


class NominationOperatorForm(OperatorFieldsForm, ContactFieldsForm, SpamGuardMixin):
    """Step 3: how the person is connected to the community, who runs it, who we contact, and
    the operator's declaration (only from someone who runs it: a member's suggestion has none)."""

    check_fill_time = False

    connection = forms.ChoiceField(
        label=_("How are you connected to this community?"),
        choices=Connection.choices,
        widget=forms.RadioSelect,
        help_text=_("Members can suggest a community too. Whoever runs it can claim the entry later."),
        error_messages={"required": _("Select how you are connected to this community")},
    )
    message = PlainTextAreaField(
        label=_("Anything else the editors should know?"),
        max_length=2000,
        required=False,
    )
    confirm = forms.BooleanField(
        label=_("I run or moderate this community"),
        required=False,
        help_text=_("Only if you chose “I run or moderate it”."),
    )

    field_order = ["connection"] + OPERATOR_FIELDS + CONTACT_FIELDS + ["message", "confirm"]

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("connection") == Connection.RUNS_IT:
            if not cleaned_data.get("confirm"):
                self.add_error("confirm", _("Confirm that you run or moderate this community"))
        elif "confirm" in cleaned_data:
            cleaned_data["confirm"] = False  # the declaration is the operator's alone
        return cleaned_data

    @property
    def from_member(self):
        return self.cleaned_data.get("connection") == Connection.MEMBER


class OperatorUpdateForm(
    CommunityFieldsForm, SuitabilityFieldsForm, JoiningFieldsForm, OperatorFieldsForm, ContactFieldsForm
):
    """The operator corrects their entry through the private link (goes to the editors)."""

    field_order = COMMUNITY_FIELDS + SUITABILITY_FIELDS + JOINING_FIELDS + OPERATOR_FIELDS + CONTACT_FIELDS


class ClaimForm(ContactFieldsForm, SpamGuardMixin):
    """Someone who runs a listed community asks for its private link."""

    message = PlainTextAreaField(
        label=_("How are you connected to the community?"),
        max_length=2000,
        help_text=_("For example your role, and how the editors can check it."),
        error_messages={"required": _("Tell us how you are connected to this community")},
    )
    confirm = forms.BooleanField(
        label=_("I run or moderate this community"),
        error_messages={"required": _("Confirm that you run or moderate this community")},
    )

    field_order = CONTACT_FIELDS + ["message", "confirm"]


class RemovalRequestForm(forms.Form):
    """The operator asks for their entry to be removed."""

    reason = PlainTextAreaField(label=_("Why should it be removed?"), max_length=2000, required=False)


# Contributions from anyone


class SuggestionForm(CommunityFieldsForm, SuitabilityFieldsForm, JoiningFieldsForm, OperatorFieldsForm, SpamGuardMixin):
    """Anyone proposes changes to an entry; prefilled with the entry's current details."""

    reason = PlainTextAreaField(
        label=_("Why should it change?"),
        max_length=2000,
        help_text=_("For example where you found the new information."),
        error_messages={"required": _("Say why the entry should change")},
    )
    suggester_name = PlainTextField(label=_("Your name"), max_length=200, required=False)
    suggester_email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        required=False,
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.com")},
        help_text=_("If you would like to hear what the editors decide. Never published."),
    )

    field_order = (
        COMMUNITY_FIELDS
        + SUITABILITY_FIELDS
        + JOINING_FIELDS
        + OPERATOR_FIELDS
        + ["reason", "suggester_name", "suggester_email"]
    )


class ProblemReportForm(SpamGuardMixin):
    """Anyone reports a problem with an entry."""

    kind = forms.ChoiceField(
        label=_("What is the problem?"),
        choices=ProblemReport.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select what the problem is")},
    )
    details = PlainTextAreaField(label=_("Tell us more"), max_length=2000, required=False)
    reporter_email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        required=False,
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.com")},
        help_text=_("If the editors may need to ask you about it. Never published."),
    )

    field_order = ["kind", "details", "reporter_email"]
