"""Which pages are private: a view restriction covers the page in every language.

Wagtail applies a view restriction (password, sign-in, groups) to the page it is set on and the
pages below it, in that page's own tree. Each language here has its own tree, so a password on a
community's English page would leave its Welsh page public. The rule used everywhere instead:

    a page is private when it, or any of its translations (pages with the same
    ``translation_key``, aliases included), is at or below any translation of a page that
    carries a view restriction.

So a restriction set in either language covers both, whichever was set and however the copies
were made (translated or still an alias), with no copy of the restriction to keep in step.
``private_q()`` is the rule for querysets (the listings, counts, feeds, exports, APIs and
sitemap); ``TranslatedPrivacy`` makes page serving ask for the password or sign-in on every copy.

One case stays outside the rule: a page whose *parent* is private only because the parent's
translation sits under a restricted page elsewhere (the language trees would have to differ in
shape; Wagtail keeps them alike).
"""

from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef, Q
from wagtail.models import Page, PageManager, PageQuerySet, PageViewRestriction


def restricted_keys():
    """A subquery: the translation keys of the restricted pages.

    Read from the restrictions out (a handful of rows), never from the page table in: as a join,
    SQLite's planner could walk every page's key to find the few restricted ones.
    """
    return Page.objects.filter(pk__in=PageViewRestriction.objects.values("page_id")).values("translation_key")


def restricted_tops():
    """The paths of every restricted page and of each of its translations (one query)."""
    return sorted(Page.objects.filter(translation_key__in=restricted_keys()).values_list("path", flat=True))


def path_after_subtree(path):
    """The first tree path after every path that starts with ``path`` (None after the last).

    Paths use treebeard's alphabet (0-9, A-Z), which sorts the same way in every collation, so
    the range lets the database read the path index instead of testing every page.
    """
    alphabet = Page.alphabet
    for index in reversed(range(len(path))):
        place = alphabet.index(path[index])
        if place + 1 < len(alphabet):
            return path[:index] + alphabet[place + 1]
    return None


def subtree_q(path):
    """A ``Q`` for the page at ``path`` and every page below it."""
    after = path_after_subtree(path)
    return Q(path__startswith=path, path__gte=path) & (Q(path__lt=after) if after else Q())


def private_q():
    """A ``Q`` matching every private page (one query now; the rest runs inside the filtered query)."""
    tops, kept = restricted_tops(), []
    for path in tops:  # sorted: a page below one already kept adds nothing
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    if not kept:
        return Q(pk__in=[])
    below = Q()
    for path in kept:
        below |= subtree_q(path)
    keys = Page.objects.filter(below).values("translation_key")
    # An alias made other than as a translation has its own key: it is private with its original.
    copies = Q(translation_key__in=keys) | Q(alias_of__in=Page.objects.filter(translation_key__in=keys).values("pk"))
    # As one filter on the page id, which the search backends accept on every page model.
    return Q(pk__in=Page.objects.filter(copies).values("pk"))


def is_private_expression(translation_key):
    """An ``Exists`` for use inside another query: is the page with this translation key private?

    ``translation_key`` is an ``OuterRef`` to the key of the page being tested (for example
    ``OuterRef("department__translation_key")``).
    """
    path = ExpressionWrapper(OuterRef("path"), output_field=CharField())
    under_restricted = Exists(
        Page.objects.filter(translation_key__in=restricted_keys())
        .annotate(inner=path)
        .filter(inner__startswith=F("path"))
    )
    return Exists(Page.objects.filter(translation_key=translation_key).filter(under_restricted))


class PrivacyQuerySet(PageQuerySet):
    """Wagtail's page queryset whose ``public()`` and ``private()`` follow the rule above."""

    def private_q(self):
        return private_q()


PrivacyPageManager = PageManager.from_queryset(PrivacyQuerySet)


class TranslatedPrivacy:
    """Serving a page asks for the password or sign-in of a restriction on any of its translations.

    Wagtail reads ``get_view_restrictions()`` when serving a page (and in the admin's privacy
    dialog). The page's own restrictions (its tree's, as Wagtail finds them) come first and
    alone when there are any; otherwise those of the pages covering its translations. Two
    queries, as Wagtail's own. A page whose route is held between content changes
    (home/routes.py) carries the restrictions found when it was routed, as
    ``held_view_restrictions``: any change to a restriction is a change to public content.
    """

    def get_view_restrictions(self):
        held = self.__dict__.get("held_view_restrictions")
        if held is not None:
            return held
        own = super().get_view_restrictions()
        keys = Q(translation_key=self.translation_key)
        if self.alias_of_id:
            keys |= Q(translation_key__in=Page.objects.filter(pk=self.alias_of_id).values("translation_key"))
        copies = Page.objects.filter(keys)
        covering = Page.objects.filter(translation_key=OuterRef("page__translation_key")).filter(
            Exists(copies.filter(path__startswith=OuterRef("path")))
        )
        return PageViewRestriction.objects.filter(
            Q(pk__in=own.values("pk")) | (Exists(covering) & ~Exists(own.values("pk")))
        )
