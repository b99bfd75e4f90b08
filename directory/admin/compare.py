"""Revision comparisons of numbers and dates that show an empty value as empty.

Wagtail's default comparison prints an empty value as the text "None", so a figure added to an
entry shows as "None120000" in the compare view. ``directory.upstream`` registers it for number and
date fields.
"""

from django.utils import formats
from django.utils.html import escape
from wagtail.admin.compare import FieldComparison, TextDiff


def display(value):
    return "" if value is None else str(formats.localize(value))


class ValueFieldComparison(FieldComparison):
    def htmldiff(self):
        old, new = display(self.val_a), display(self.val_b)
        if self.val_a == self.val_b:
            return escape(new)
        return TextDiff([change for change in (("deletion", old), ("addition", new)) if change[1]]).to_html()
