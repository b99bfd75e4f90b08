"""wagtail-localize's "Translate this page" and "Sync translated pages" buttons without two queries a row.

wagtail-localize decides, for every row of a page listing, whether to offer each button with
two queries of its own (which locales the page lacks; whether it is the source of enabled
translations). Under a directory of 100,000 communities the explorer shows 50 rows a page:
a hundred queries. Here the explorer's queryset carries both answers as annotations, worked
out in the one listing query, and the buttons read them. Anywhere else (page headers, other
listings) the pages have no annotations and wagtail-localize's own function answers as before.
``directory.upstream`` puts ``translation_buttons`` in wagtail-localize's place in the hook.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import ListingButton
from wagtail.models import Locale, Page
from wagtail_localize import wagtail_hooks as localize_hooks
from wagtail_localize.models import TranslationSource


def translation_buttons(page, user, view_name=None, next_url=None):
    """The same buttons as wagtail-localize's, from the explorer's annotations when present."""
    if not hasattr(page, "_translated_locale_count"):
        yield from localize_hooks.page_listing_more_buttons(page, user, view_name=view_name, next_url=next_url)
        return
    if page.is_root() or not user.has_perm("wagtail_localize.submit_translation"):
        return
    if (page._translated_locale_count or 0) < page._locale_count:
        url = reverse("wagtail_localize:submit_page_translation", args=[page.alias_of_id or page.id])
        yield ListingButton(_("Translate this page"), url, priority=60, icon_name="wagtail-localize-language")
    if page._sync_source_id is not None:
        url = reverse("wagtail_localize:update_translations", args=[page._sync_source_id])
        if next_url is not None:
            url += "?" + urlencode({"next": next_url})
        yield ListingButton(_("Sync translated pages"), url, priority=60, icon_name="resubmit")


@hooks.register("construct_explorer_page_queryset")
def annotate_translation_state(parent_page, pages, request):
    """Answer both buttons' questions for every row in the explorer's own query."""
    translated = (
        Page.objects.filter(translation_key=OuterRef("translation_key"), alias_of__isnull=True)
        .order_by()
        .values("translation_key")
        .annotate(locales=Count("locale_id", distinct=True))
        .values("locales")
    )
    sources = TranslationSource.objects.filter(
        object_id=OuterRef("translation_key"),
        object__content_type=ContentType.objects.get_for_model(Page),
        locale_id=OuterRef("locale_id"),
        translations__enabled=True,
    ).values("pk")[:1]
    return pages.annotate(
        _translated_locale_count=Subquery(translated, output_field=IntegerField()),
        _locale_count=Value(Locale.objects.count()),
        _sync_source_id=Subquery(sources),
    )
