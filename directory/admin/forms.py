"""Forms of the editors' decisions on nominations, claims, suggestions and problem reports."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DecisionReasonForm(forms.Form):
    """An editor's reason for declining something (sent to the person)."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class ResolutionForm(forms.Form):
    """An editor's note when closing a problem report."""

    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False)
