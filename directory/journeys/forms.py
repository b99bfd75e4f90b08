"""The public forms: nominating a community, claiming or correcting an entry, suggesting an edit,
reporting a problem.

Everything the public types is plain text: HTML is refused with a clear message, every field
has a length limit, web addresses must be http(s). Forms that anyone can post carry a
honeypot field and a signed, single-use start token (``SpamGuardMixin``): robots that fill the
honeypot are refused before anything is stored; a replayed or stale token asks the person to
send the form again; a form sent back very fast is kept and flagged for the editors.
"""

import datetime
import re
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.ids import IdChoiceField, IdMultipleChoiceField
from directory.forum_details import clean_topic_names
from directory.models import (
    Audience,
    CommunityType,
    EngagementMode,
    EngagementPreference,
    OperatorKind,
    ProblemReport,
    Region,
    SpentFormToken,
)
from directory.models.forums import http_url_validator
from directory.nominations import is_listed

HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?]")
# Everything str.splitlines() breaks a line at: \n, \r, vertical tab, form feed, the file, group and
# record separators, next line (U+0085), and the Unicode line and paragraph separators.
LINE_BREAK = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
START_SALT = "directory.journeys.forms.started"
MAX_TOPICS = 10


def reject_html(value):
    """Refuse anything that looks like an HTML tag; the directory takes plain text only."""
    if value and HTML_TAG.search(str(value)):
        raise ValidationError(
            _("Use plain text only: remove anything that starts with < and ends with >."), code="html"
        )


class PlainTextField(forms.CharField):
    """Plain text with a length limit; HTML is refused. On one line unless its widget is a text area:
    a line break in a name or title would break the emails about it and every list showing it."""

    default_validators = [reject_html]

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


def vocabulary_field(model, label, help_text):
    return IdMultipleChoiceField(
        queryset=model.objects.order_by("name"),
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


# Spam protection


def signed_start_time(started_at=None, nonce=None):
    """A new signed token for a form's hidden ``started`` field: when the form was served, and a
    random nonce that makes it good for one submission (``SpamGuardMixin.accept_start``)."""
    started_at = int(started_at if started_at is not None else time.time())
    return signing.dumps({"t": started_at, "n": nonce or secrets.token_hex(16)}, salt=START_SALT)


def read_start_token(signed_value):
    """``(started_at, nonce)`` from a ``started`` token, or None if it is missing, forged or of an old kind."""
    try:
        value = signing.loads(signed_value or "", salt=START_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("t"), int) or not isinstance(value.get("n"), str):
        return None
    return value["t"], value["n"]


def minimum_fill_seconds():
    return getattr(settings, "PUBLIC_FORM_MIN_SECONDS", 3)


def maximum_form_age():
    """Seconds a served form's token stays good for (then the person is asked to send it again)."""
    return getattr(settings, "PUBLIC_FORM_MAX_AGE_SECONDS", 6 * 3600)


def spend_start_nonce(nonce):
    """Record a token's nonce as used; False if a submission already used it.

    Old records go as new ones come: a token older than ``maximum_form_age`` is refused anyway.
    """
    cutoff = timezone.now() - datetime.timedelta(seconds=maximum_form_age())
    SpentFormToken.objects.filter(spent_at__lt=cutoff).delete()
    try:
        with transaction.atomic():
            SpentFormToken.objects.create(nonce=nonce)
    except IntegrityError:
        return False
    return True


SEND_AGAIN = _("Your answers have not been sent yet. Check them and send the form again.")


class SpamGuardMixin(forms.Form):
    """A honeypot field people never see, and a signed start token: robots fill forms fast and fully.

    A filled honeypot is refused (``is_spam``). A timed form's token must be genuine, younger than
    ``PUBLIC_FORM_MAX_AGE_SECONDS`` and not used by an earlier submission: otherwise the form is
    shown again with everything typed and a fresh token, and the person sends it again
    (``accept_start``). A form back within ``PUBLIC_FORM_MIN_SECONDS`` is accepted but flagged for
    the editors (``sent_quickly``): people with autofill are fast too.
    """

    started = forms.CharField(widget=forms.HiddenInput, required=False)
    nickname = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    # Later steps of a multi-step form can be quick (two radio buttons); only first steps are timed.
    check_fill_time = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = signed_start_time()
        self.start = None
        if self.is_bound:
            name = self.add_prefix("started")
            self.start = read_start_token(self.data.get(name))
            if self.start is not None and time.time() - self.start[0] > maximum_form_age():
                self.start = None
            # Shown again (errors, or sent again), the form carries a fresh token for the same start.
            self.data = self.data.copy()
            self.data[name] = signed_start_time(self.start[0] if self.start else None)

    def is_spam(self):
        """True when the honeypot is filled: nothing is stored and the person is told so."""
        return bool(self.data.get(self.add_prefix("nickname")))

    @property
    def sent_quickly(self):
        """Whether the form came back within ``PUBLIC_FORM_MIN_SECONDS`` of being served."""
        if not self.check_fill_time or self.start is None:
            return False
        return time.time() - self.start[0] < minimum_fill_seconds()

    def accept_start(self):
        """Use up the form's token; False (and a message asking to send again) if it is missing,
        forged, expired or already used. Untimed forms (later steps) always pass."""
        if not self.check_fill_time:
            return True
        if self.start is None or not spend_start_nonce(self.start[1]):
            self.add_error(None, ValidationError(SEND_AGAIN, code="send_again"))
            return False
        return True


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
        choices=[("yes", _("Yes")), ("no", _("No"))],
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
OPERATOR_FIELDS = list(OperatorFieldsForm.base_fields)
CONTACT_FIELDS = list(ContactFieldsForm.base_fields)


# The nomination, in three steps and a check-your-answers page


class NominationCommunityForm(CommunityFieldsForm, SpamGuardMixin):
    """Step 1: the community."""

    field_order = COMMUNITY_FIELDS


class NominationSuitabilityForm(SuitabilityFieldsForm, SpamGuardMixin):
    """Step 2: moderation, figures and openness to public servants."""

    check_fill_time = False
    field_order = SUITABILITY_FIELDS


class NominationOperatorForm(OperatorFieldsForm, ContactFieldsForm, SpamGuardMixin):
    """Step 3: who runs it, who we contact, and the confirmation."""

    check_fill_time = False

    message = PlainTextAreaField(
        label=_("Anything else the editors should know?"),
        max_length=2000,
        required=False,
    )
    confirm = forms.BooleanField(
        label=_("I run or moderate this community"),
        error_messages={"required": _("Confirm that you run or moderate this community")},
    )

    field_order = OPERATOR_FIELDS + CONTACT_FIELDS + ["message", "confirm"]


class OperatorUpdateForm(CommunityFieldsForm, SuitabilityFieldsForm, OperatorFieldsForm, ContactFieldsForm):
    """The operator corrects their entry through the private link (goes to the editors)."""

    field_order = COMMUNITY_FIELDS + SUITABILITY_FIELDS + OPERATOR_FIELDS + CONTACT_FIELDS


class ClaimForm(ContactFieldsForm, SpamGuardMixin):
    """Someone who runs a listed community asks for its private link."""

    message = PlainTextAreaField(
        label=_("How are you connected to the community?"),
        max_length=2000,
        help_text=_("For example your role, and how the editors can check it."),
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


class SuggestionForm(CommunityFieldsForm, SuitabilityFieldsForm, OperatorFieldsForm, SpamGuardMixin):
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
        help_text=_("If you would like to hear what the editors decide. Never published."),
    )

    field_order = (
        COMMUNITY_FIELDS + SUITABILITY_FIELDS + OPERATOR_FIELDS + ["reason", "suggester_name", "suggester_email"]
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
        help_text=_("If the editors may need to ask you about it. Never published."),
    )

    field_order = ["kind", "details", "reporter_email"]


class DecisionReasonForm(forms.Form):
    """An editor's reason for declining something (sent to the person)."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class ResolutionForm(forms.Form):
    """An editor's note when closing a problem report."""

    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False)
