"""The Welsh versions ``load_demo`` ships: the home page, the section pages and a few entries.

Every other page of the demo is on the Welsh site as an alias of its English page (shown with a
notice that it is not yet in Welsh). The translations are made through wagtail-localize, so an
editor can carry on from them in its editor. The section pages' Welsh text comes from the
interface translations (``locale/cy``), the rest from ``ENTRY_STRINGS``. Idempotent.
"""

from django.utils import translation
from wagtail.models import Page

from directory.models import ForumPage
from directory.site_tree import SECTIONS
from directory.translation import WELSH, ensure_welsh_tree, publish_translation

# English text of a page's translatable segments → its Welsh translation.
ENTRY_STRINGS = {
    "netmums": {
        "Parents share information and tips about pregnancy, babies, children and family life.": (
            "Mae rhieni'n rhannu gwybodaeth a chynghorion am feichiogrwydd, babanod, plant a bywyd teuluol."
        ),
        "Represented on the Power of Information Taskforce. In 2009 it was growing by up to 20,000 new members a "
        "month, faster than any offline UK membership organisation.": (
            "Cafodd ei gynrychioli ar Dasglu Grym Gwybodaeth. Yn 2009 roedd yn tyfu hyd at 20,000 o aelodau newydd "
            "y mis, yn gyflymach nag unrhyw sefydliad aelodaeth all-lein yn y DU."
        ),
    },
    "carers-uk-forum": {
        "Carers UK forum": "Fforwm Carers UK",
        "People caring for family or friends support each other with practical and emotional help.": (
            "Mae pobl sy'n gofalu am deulu neu ffrindiau yn cefnogi ei gilydd gyda chymorth ymarferol ac emosiynol."
        ),
    },
    "diabetes-uk-forum": {
        "Diabetes UK forum": "Fforwm Diabetes UK",
        "People living with diabetes, and their families, share experience of managing the condition.": (
            "Mae pobl sy'n byw gyda diabetes, a'u teuluoedd, yn rhannu profiad o reoli'r cyflwr."
        ),
    },
}


def html_paragraph_text(html):
    """The text inside a one-paragraph rich text value: what wagtail-localize keeps as its segment."""
    html = str(html).strip()
    if html.startswith("<p>") and html.endswith("</p>"):
        return html[3:-4]
    return html


def welsh_strings(*texts):
    """Each text (a lazy translation, or a function returning one) in English → in Welsh, as page segments are."""
    strings = {}
    for text in texts:
        with translation.override("en"):
            english = html_paragraph_text(text() if callable(text) else text)
        with translation.override(WELSH):
            welsh = html_paragraph_text(text() if callable(text) else text)
        if welsh != english:
            strings[english] = welsh
    return strings


def already_translated(page):
    """True when the page has a Welsh translation of its own (not an alias)."""
    return Page.objects.filter(
        translation_key=page.translation_key, locale__language_code=WELSH, alias_of__isnull=True
    ).exists()


def load_welsh_demo_content(home, home_strings, sections):
    """Mirror the tree in Welsh and translate the home page, the sections and a few entries. Returns how many.

    ``home_strings`` are the home page's translations (the home page belongs to the ``home`` app).
    """
    ensure_welsh_tree()
    translated = 0
    pages = [(home, home_strings)]
    for _model, slug, title, intro in SECTIONS:
        pages.append((sections[slug], welsh_strings(title, intro)))
    for slug, strings in ENTRY_STRINGS.items():
        forum = ForumPage.objects.child_of(sections["directory"]).filter(slug=slug).first()
        if forum is not None:
            pages.append((forum, strings))
    for page, strings in pages:
        if not already_translated(page):
            publish_translation(page, strings)
            translated += 1
    return translated
