"""Values in CSV files and spreadsheets: one cell's text, and a line writer for streamed CSV."""

import datetime

LIST_SEPARATOR = "; "
# A spreadsheet runs a cell starting with one of these as a formula; the CSV puts a ' before it.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """How one value is written in the CSV: lists joined with "; ", booleans as true/false, dates ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        value = LIST_SEPARATOR.join(value)
    elif isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return spreadsheet_text(str(value))


def spreadsheet_text(text):
    """``text`` as a spreadsheet shows it, never runs it: a ' before a leading = + - @, tab or CR.

    The one place this rule lives: the public CSV and every admin spreadsheet export use it.
    """
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class LineBuffer:
    """A file-like object whose ``write`` hands back what it was given, for csv.writer in a generator."""

    def write(self, line):
        return line
