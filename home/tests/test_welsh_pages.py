"""The Welsh site is Welsh: no English interface string, value-list label, vocabulary or topic
name, language name, or public body's text (name, remit, engagement plan) on a public page under
/cy/. English that is content awaiting translation is allowed only where it is marked
``lang="en"`` (WCAG 3.1.2), after the "not available in Welsh yet" notice.
"""

import re
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db.models import TextChoices
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import trans_real

from devdata.demo import WELSH_DEPARTMENTS
from directory.forum_details import LANGUAGE_NAMES
from directory.models import Audience, CommunityType, Region, TopicName, choices

# Every public page type, as a citizen reaches it on the Welsh site.
WELSH_PAGES = [
    "/cy/",
    "/cy/directory/",
    "/cy/directory/?region=wales&audience=parents",
    "/cy/directory/?q=zebra+xylophone",
    "/cy/directory/fforwm-caerdydd/",
    "/cy/directory/netmums/",
    "/cy/directory/netmums/history/",
    "/cy/directory/netmums/suggest/",
    "/cy/directory/netmums/report/",
    "/cy/directory/?topic=parenting&topic=welsh-language",
    "/cy/directory/mumsnet/",
    "/cy/departments/",
    *(f"/cy/departments/{slug}/" for slug in WELSH_DEPARTMENTS if slug != "*"),
    "/cy/progress/",
    "/cy/search/?q=adran",
    "/cy/nominate/",
    "/cy/search/?q=rhieni",
    "/cy/accessibility/",
    "/cy/privacy/",
    "/cy/open-data/",
    "/cy/no-such-page/",
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|<[^>]+>")


def english_interface_strings():
    """The English of every interface string whose Welsh differs, in two words or more (a single
    word such as a proper name can be the same in both languages)."""
    catalog = trans_real.translation("cy")._catalog
    strings = set()
    for key, welsh in catalog.items():
        english = key[0] if isinstance(key, tuple) else key
        english = english.split("\x04")[-1]  # drop a pgettext context
        if not english or welsh == english:
            continue
        for piece in PLACEHOLDER.split(english):
            piece = " ".join(piece.split()).strip(" .,:;()“”")
            if len(piece.split()) >= 2:
                strings.add(piece)
    return strings


def vocabulary_names():
    """The English names of audiences, regions, community types and topics that have a Welsh name
    (topics as they are shown, with a capital), and of the value lists' labels and languages."""
    names = set()
    for model in (Audience, Region, CommunityType):
        names.update(name for name, welsh in model.objects.values_list("name", "name_cy") if welsh and welsh != name)
    topics = TopicName.objects.values_list("tag__name", "name_cy")
    names.update(capfirst(name) for name, welsh in topics if welsh.casefold() != name.casefold())
    labels = [label for value_list in VALUE_LISTS for _value, label in value_list.choices]
    for label in [*labels, *LANGUAGE_NAMES.values()]:
        with translation.override("en"):
            english = str(label)
        with translation.override("cy"):
            if str(label) != english:
                names.add(english)
    return names


VALUE_LISTS = [
    value_list
    for value_list in vars(choices).values()
    if isinstance(value_list, type) and issubclass(value_list, TextChoices) and value_list is not TextChoices
]


def public_body_texts():
    """The English of every public body's text the demo translates (names, remits, plans)."""
    return {english for strings in WELSH_DEPARTMENTS.values() for english, welsh in strings.items() if welsh != english}


def welsh_body(html):
    """The page's body, less what is marked as English content (``lang="en"``)."""
    soup = BeautifulSoup(html, "lxml")
    for element in soup.select('[lang="en"], script, style, [hidden]'):
        element.decompose()
    return soup.find("body")


COUNT = re.compile(r"\s*\(\d[\d,]*\)$")


def values_shown(body):
    """Each value a label, list item or table cell shows, without a count "(3)"; lists split at commas.
    A vocabulary name is looked for as a whole value: inside a community's own name ("Fforwm
    Carers UK") it is content, not a label."""
    values = set()
    for element in body.find_all(["label", "dd", "li", "td", "th", "a", "strong"]):
        text = COUNT.sub("", " ".join(element.get_text(" ").split()))
        values.update(piece.strip() for piece in text.split(","))
    return values


@pytest.mark.django_db
def test_no_english_interface_string_on_a_welsh_page(client):
    """A Welsh speaker must not meet English buttons, labels, hints, messages or value names on the
    Welsh site; a failure names the page and the English string found there."""
    call_command("load_demo", stdout=StringIO())
    interface = english_interface_strings() | public_body_texts()
    vocabulary = vocabulary_names()
    found = {}
    for path in WELSH_PAGES:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        body = welsh_body(response.content.decode())
        text = " ".join(body.get_text(" ").split())
        english = sorted(s for s in interface if s in text)
        english += sorted(vocabulary & values_shown(body))
        if english:
            found[path] = english
    assert not found, "English on the Welsh site:\n" + "\n".join(f"  {path}: {words}" for path, words in found.items())
