"""What anyone may see of the directory, defined once for every public surface.

- a page is *public* when it is live and no view restriction covers it or any of its
  translations (``core.privacy``); a community is *listed* when it is public and not delisted;
- an engagement is *current* until it has ended: a body whose engagement ended is no longer engaging;
- public surfaces show the pages of the active language, and a label's Welsh form while Welsh is active.

The listings, home page, site search, feeds, exports, APIs, Open Referral, sitemap and progress
figures all read these rules. The page models' own querysets use them too, so the models are
looked up in the app registry here rather than imported.
"""

from functools import cached_property

from django.apps import apps
from django.utils.translation import get_language
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale

from core.privacy import private_q

from .choices import EngagementStatus, ForumStatus

CURRENT_ENGAGEMENT_STATUSES = [status for status in EngagementStatus.values if status != EngagementStatus.ENDED]


# --- The active language ------------------------------------------------------------------------


def welsh_is_active():
    """True while the request (or the code) runs in Welsh."""
    return (get_language() or "en").startswith("cy")


def localised(text, welsh):
    """``welsh`` while Welsh is active and it is not blank, otherwise ``text``."""
    return welsh if welsh and welsh_is_active() else text


def active_language():
    """The active language as the pages' locales name it (``en``, ``cy``)."""
    return get_supported_content_language_variant(get_language())


def in_language(pages, locale=None):
    """``pages`` in ``locale``, the active one by default."""
    return pages.filter(locale=locale or Locale.get_active())


# --- Public pages, listed communities, current engagements -------------------------------------


def _all(model_name):
    """Every row of one of the directory's models, looked up by name: the models import this module."""
    return apps.get_model("directory", model_name).objects.all()


def public(pages, private=None):
    """Of ``pages`` (of any type), those anyone may see: live and not private in any language.

    ``private`` is ``core.privacy.private_q()`` when the caller has it already (it costs a query).
    """
    return pages.live().exclude(private_q() if private is None else private)


def listed(forums, private=None):
    """Of ``forums`` (a queryset of communities), those anyone may see: public and not delisted."""
    return public(forums, private).exclude(status=ForumStatus.DELISTED)


def not_hidden(pages, private=None):
    """Of ``pages`` of any type, those neither private in any language nor a delisted community.

    For querysets already cut to live pages (Wagtail's API); ``private`` as for ``public``.
    """
    delisted = _all("ForumPage").filter(status=ForumStatus.DELISTED).values("pk")
    return pages.exclude(pk__in=delisted).exclude(private_q() if private is None else private)


def current(engagements):
    """Of ``engagements``, those that have not ended."""
    return engagements.filter(status__in=CURRENT_ENGAGEMENT_STATUSES)


def listed_forums(locale=None):
    """Communities anyone may see in ``locale``, the active one by default."""
    return in_language(listed(_all("ForumPage")), locale)


def public_departments(locale=None):
    """Public bodies anyone may see in ``locale``, the active one by default."""
    return in_language(public(_all("DepartmentPage")), locale)


class PublicScope:
    """The same rules, worked out once per listing and shared by all its queries.

    ``listed_forums`` and ``public_departments`` each look up the active locale and the page
    view restrictions; a directory page needs both for several queries, so it reads them once
    here: the locale as a join on its language code (no query of its own) and the restrictions
    in one query, when first needed.
    """

    def __init__(self, locale=None):
        self.locale = locale

    @cached_property
    def private(self):
        return private_q()

    @property
    def language(self):
        """The language code of the pages in scope."""
        if self.locale is not None:
            return self.locale.language_code
        return active_language()

    def _in_language(self, queryset):
        if self.locale is not None:
            return queryset.filter(locale=self.locale)
        return queryset.filter(locale__in=Locale.objects.filter(language_code=self.language).values("pk"))

    def forums(self):
        """As ``listed_forums``: live, public, not delisted, in the locale."""
        return self._in_language(self.forums_in_every_language())

    def departments(self):
        """As ``public_departments``: live and public, in the locale."""
        return self._in_language(self.departments_in_every_language())

    def forums_in_every_language(self):
        """Listed communities in any language (an engagement may be recorded against any copy)."""
        return listed(_all("ForumPage"), self.private)

    def departments_in_every_language(self):
        return public(_all("DepartmentPage"), self.private)
