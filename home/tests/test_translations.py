"""The Welsh interface is complete: every string the project marks for translation has a Welsh translation.

The strings are found the way ``makemessages`` finds them, without needing gettext tools at
test time: templates go through Django's own ``templatize`` (what ``makemessages`` hands to
xgettext), Python files through ``ast``. Each must be in the compiled catalog
``locale/cy/LC_MESSAGES/django.mo`` with a Welsh text that is not marked fuzzy, and the
compiled catalog must match its source ``django.po``.
"""

import ast
import io
import re
import tokenize
from pathlib import Path

import polib
from django.conf import settings
from django.utils.translation.template import templatize

BASE_DIR = Path(settings.BASE_DIR)
CATALOG = BASE_DIR / "locale" / "cy" / "LC_MESSAGES"
# As ``make messages``: what is not the project's own code.
SKIPPED_DIRS = {".venv", "node_modules", "frontend", "e2e", "bench", "static", "media", "docs", "locale", ".git"}
TEMPLATE_SUFFIXES = {".html", ".txt"}
GETTEXT_FUNCTIONS = {
    # name: (index of msgctxt or None, index of msgid, index of msgid_plural or None)
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
FIX = "Run `make messages`, translate the new entries in locale/cy/LC_MESSAGES/django.po, and commit the .po and .mo."


def project_files(suffixes):
    for path in sorted(BASE_DIR.rglob("*")):
        relative = path.relative_to(BASE_DIR)
        if path.suffix in suffixes and path.is_file() and not SKIPPED_DIRS.intersection(relative.parts[:-1]):
            yield relative


def template_files():
    return [path for path in project_files(TEMPLATE_SUFFIXES) if "templates" in path.parts]


def python_files():
    return [path for path in project_files({".py"}) if "tests" not in path.parts and "migrations" not in path.parts]


def _call_strings(name, arguments):
    """(msgctxt, msgid, msgid_plural) of a gettext call whose arguments are literal strings, else None."""
    context_at, id_at, plural_at = GETTEXT_FUNCTIONS[name]
    wanted = [index for index in (context_at, id_at, plural_at) if index is not None]
    if len(arguments) <= max(wanted) or not all(isinstance(arguments[index], str) for index in wanted):
        return None
    return (
        arguments[context_at] if context_at is not None else None,
        arguments[id_at],
        arguments[plural_at] if plural_at is not None else None,
    )


def template_messages(path):
    """The messages of a template, as ``makemessages`` extracts them (``trimmed`` and all)."""
    source = (BASE_DIR / path).read_text(encoding="utf-8")
    # templatize() leaves only the gettext calls (each on one line) among X's; unindented, Python's
    # tokenizer reads it without caring about the template's indentation.
    code = "\n".join(line.lstrip() for line in templatize(source, origin=str(path)).splitlines())
    tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    messages = []
    for position, token in enumerate(tokens):
        if token.type != tokenize.NAME or token.string not in GETTEXT_FUNCTIONS:
            continue
        if position + 1 >= len(tokens) or tokens[position + 1].string != "(":
            continue
        arguments = []
        for argument in tokens[position + 2 :]:
            if argument.string == ")":
                break
            if argument.type == tokenize.STRING:
                arguments.append(ast.literal_eval(argument.string))
            elif argument.type == tokenize.NAME:
                arguments.append(None)  # the count variable of ngettext
        message = _call_strings(token.string, arguments)
        if message is not None:
            messages.append(message)
    return messages


def python_messages(path):
    """The messages of a Python file: calls of gettext and friends with literal strings."""
    tree = ast.parse((BASE_DIR / path).read_text(encoding="utf-8"), filename=str(path))
    messages = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in GETTEXT_FUNCTIONS:
            continue
        arguments = [argument.value if isinstance(argument, ast.Constant) else None for argument in node.args]
        message = _call_strings(name, arguments)
        if message is not None:
            messages.append(message)
    return messages


def project_messages():
    """Every (msgctxt, msgid, msgid_plural) the project marks for translation, with where it is."""
    found = {}
    for path in template_files():
        for message in template_messages(path):
            found.setdefault(message, str(path))
    for path in python_files():
        for message in python_messages(path):
            found.setdefault(message, str(path))
    return found


def compiled_catalog():
    """The compiled Welsh catalog as {(msgctxt, msgid): entry}."""
    return {(entry.msgctxt, entry.msgid): entry for entry in polib.mofile(str(CATALOG / "django.mo"))}


def translations_of(entry):
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_extraction_finds_template_and_python_strings():
    """If extraction silently found nothing, the completeness test below would pass on an untranslated site."""
    messages = project_messages()
    assert (None, "Skip to main content", None) in messages  # {% translate %} in base.html
    assert (None, "There is a problem", None) in messages  # a form template
    assert (None, "Directory", None) in messages  # gettext_lazy in Python
    plural = [message for message in messages if message[2] and message[1].startswith("%(counter)s community")]
    assert plural, "a {% blocktranslate count %} with a plural"
    assert len(messages) > 500


def test_extraction_follows_trimmed_blocktranslate(tmp_path):
    """A {% blocktranslate trimmed %} must be looked up as makemessages stores it, whitespace collapsed."""
    source = (
        "{% load i18n %}{% blocktranslate trimmed with name=x %}\n  Hello\n  {{ name }}, 50%\n{% endblocktranslate %}"
    )
    path = BASE_DIR / "home" / "templates" / "includes" / "_extraction_check.html"
    path.write_text(source, encoding="utf-8")
    try:
        messages = template_messages(path.relative_to(BASE_DIR))
    finally:
        path.unlink()
    assert messages == [(None, "Hello %(name)s, 50%%", None)]


def test_every_interface_string_has_a_welsh_translation():
    """A Welsh speaker would meet English words in the Welsh site (a page, a form error, an email)."""
    catalog = compiled_catalog()
    missing = []
    for (context, msgid, _plural), where in sorted(project_messages().items(), key=lambda item: item[1]):
        entry = catalog.get((context, msgid))
        if entry is None or not all(text.strip() for text in translations_of(entry)):
            missing.append(f"{where}: {msgid!r}")
    assert not missing, f"{len(missing)} strings have no Welsh translation:\n" + "\n".join(missing) + "\n" + FIX


def test_compiled_catalog_matches_its_source():
    """The site reads the .mo: a translation fixed in the .po but not compiled would never be shown."""
    source = polib.pofile(str(CATALOG / "django.po"))
    fuzzy = [entry.msgid for entry in source if "fuzzy" in entry.flags and not entry.obsolete]
    assert not fuzzy, "Fuzzy (unchecked) translations are not used by the site: " + repr(fuzzy) + "\n" + FIX
    expected = {
        (entry.msgctxt, entry.msgid): translations_of(entry)
        for entry in source
        if not entry.obsolete and entry.msgid and any(text for text in translations_of(entry))
    }
    compiled = {key: translations_of(entry) for key, entry in compiled_catalog().items() if entry.msgid}
    stale = sorted(str(key[1]) for key in expected.keys() ^ compiled.keys())
    stale += sorted(str(key[1]) for key in expected.keys() & compiled.keys() if expected[key] != compiled[key])
    assert not stale, "django.mo is out of date with django.po for: " + repr(stale[:20]) + "\n" + FIX


def test_catalog_declares_welsh_plural_forms():
    """Counts such as “2 gymuned” must pick the right Welsh plural form (six in Welsh)."""
    source = polib.pofile(str(CATALOG / "django.po"))
    assert source.metadata["Language"] == "cy"
    assert source.metadata["Plural-Forms"].startswith("nplurals=6;")
    for entry in source:
        if entry.msgid_plural and not entry.obsolete:
            assert len(entry.msgstr_plural) == 6, entry.msgid


def test_translations_keep_their_placeholders():
    """A translation that drops or renames a %(name)s placeholder would crash the page or email using it."""
    wrong = []
    for entry in polib.pofile(str(CATALOG / "django.po")):
        if entry.obsolete or "python-format" not in entry.flags:
            continue
        wanted = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        for text in translations_of(entry):
            found = set(PLACEHOLDER.findall(text))
            # A plural form may leave out the count (Welsh "un gymuned"), never add or rename one.
            if found - wanted or (not entry.msgid_plural and found != wanted):
                wrong.append(f"{entry.msgid!r} → {text!r}")
    assert not wrong, "Placeholders differ:\n" + "\n".join(wrong)
