"""/sitemap.xml: Wagtail's sitemap of live pages, without private ones in any language (core.privacy)."""

from wagtail.contrib.sitemaps import Sitemap

from directory.models.public import public


class PublicSitemap(Sitemap):
    """Wagtail's items with ``public()`` replaced by the rule that covers every language's copy."""

    def items(self):
        pages = self.get_wagtail_site().root_page.get_descendants(inclusive=True)
        return public(pages).order_by("path").defer_streamfields().specific()
