"""Puts the site's page tree in place: one English HomePage as the root of the default Site.

Used by ``load_demo`` and by tests; safe to run any number of times.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page, Site

from home.models import HomePage

HOME_TITLE = _("Peer Support Directory")
HOME_INTRO = _(
    "<p>Find online communities where people help each other — parenting forums, student "
    "forums, money-saving boards, veterans' and city forums, professional communities of "
    "practice — and see which public bodies take part in them, and how.</p>"
)


@transaction.atomic
def ensure_home_page():
    """Return the English home page, creating it and pointing the default Site at it if needed."""
    english, _created = Locale.objects.get_or_create(language_code="en")
    Locale.objects.get_or_create(language_code="cy")
    home = HomePage.objects.filter(locale=english).first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(title=str(HOME_TITLE), slug="home", intro=str(HOME_INTRO), locale=english)
        # Wagtail's own first migration leaves a placeholder page with slug "home"; replace it.
        placeholder_ids = list(
            root.get_children().filter(slug="home").exclude(content_type__model="homepage").values_list("pk", flat=True)
        )
        Page.objects.filter(pk__in=placeholder_ids).update(slug="welcome-placeholder")
        root.add_child(instance=home)
        home.save_revision().publish()
    else:
        placeholder_ids = []
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name=str(HOME_TITLE),
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    if placeholder_ids:
        Page.objects.filter(pk__in=placeholder_ids).delete()
    return home
