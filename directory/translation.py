"""The Welsh copy of the page tree: aliases for pages made in code, translations, and tree repairs.

Every page exists in English and Welsh. Until a translator has translated it, its Welsh copy is
an *alias*: a live page at /cy/… that mirrors the English content (the Welsh site shows it with a
notice that it is not yet in Welsh). wagtail-localize keeps the aliases in step once the Welsh
locale is set to synchronise from English (``ensure_welsh_tree``); pages made in code — by
nominations, imports and ``load_demo`` — get theirs from ``create_translation_aliases``, as the
admin's page editor does through wagtail-localize's ``after_create_page`` hook.

Translations made in wagtail-localize's editor stay drafts until they are published through the
workflow (``WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False``, and ``restore_live_content``
after each draft save, installed by ``directory.upstream``); the Welsh copies of the sections
carry the same workflow and editors' permissions as the English ones (``mirror_moderation``).

Creating translations of a whole subtree can leave a parent's ``numchild`` wrong, which hides its
children in the admin (wagtail-localize issue 773). ``repair_child_counts`` recounts them; it
runs after our own alias creation and after every job wagtail-localize runs in the background
(``TreeRepairingJobBackend``, set as ``WAGTAILLOCALIZE_JOBS``).
"""

from collections import Counter

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page

WELSH = "cy"


def default_locale():
    return Locale.objects.get(language_code=settings.LANGUAGE_CODE)


def repair_child_counts(parents=None):
    """Set ``numchild`` to the real number of children, for ``parents`` (pages) or the whole tree.

    Returns how many pages had a wrong count. One query to read the tree (or the parents'
    children), one update per page that was wrong.
    """
    steplen = Page.steplen
    if parents is None:
        rows = list(Page.objects.values_list("pk", "path", "numchild"))
        counts = Counter(path[:-steplen] for _pk, path, _numchild in rows)
    else:
        parents = [parent for parent in parents if parent is not None]
        if not parents:
            return 0
        paths = {parent.path for parent in parents}
        rows = list(Page.objects.filter(path__in=paths).values_list("pk", "path", "numchild"))
        counts = Counter()
        for path in paths:
            children = Page.objects.filter(path__startswith=path, depth=len(path) // steplen + 1)
            counts[path] = children.count()
    wrong = 0
    for pk, path, numchild in rows:
        real = counts.get(path, 0)
        if numchild != real:
            Page.objects.filter(pk=pk).update(numchild=real)
            wrong += 1
    return wrong


def create_translation_aliases(page):
    """Give a page made in code its aliases in the other languages, as the admin does for a new page.

    Aliases are only made where the Welsh tree synchronises from this page's language (see
    ``ensure_welsh_tree``) and its parent has a Welsh copy. Returns the aliases made.
    """
    from wagtail_localize.synctree import create_aliases_for_new_page

    before = set(Page.objects.filter(alias_of_id=page.pk).values_list("pk", flat=True))
    create_aliases_for_new_page(page)
    aliases = list(Page.objects.filter(alias_of_id=page.pk).exclude(pk__in=before))
    repair_child_counts([page.get_parent()] + [alias.get_parent() for alias in aliases])
    return aliases


@transaction.atomic
def ensure_welsh_tree():
    """Make the Welsh site mirror the English one: every page gets a Welsh alias until it is translated.

    Sets the Welsh locale to synchronise from English (so pages added later in the admin get
    their aliases too) and creates the missing aliases now. Safe to run any number of times.
    """
    from wagtail_localize.models import LocaleSynchronization
    from wagtail_localize.synctree import synchronize_tree

    english = default_locale()
    welsh, _created = Locale.objects.get_or_create(language_code=WELSH)
    sync = LocaleSynchronization.objects.filter(locale=welsh).first()
    if sync is None:
        # Saving it synchronises the trees (wagtail-localize's post_save receiver).
        LocaleSynchronization.objects.create(locale=welsh, sync_from=english)
    else:
        synchronize_tree(sync.sync_from, welsh)
    repair_child_counts()
    mirror_moderation(english)
    return welsh


def mirror_moderation(source_locale=None):
    """Give every copy of a page the workflow and group permissions of its original.

    Wagtail attaches workflows and permissions to a place in the tree, and each language has
    its own tree: without this, editors could not translate the Welsh directory, or a Welsh
    translation would be published without going through "Directory moderation".
    """
    from wagtail.models import GroupPagePermission, WorkflowPage

    source_locale = source_locale or default_locale()
    for link in WorkflowPage.objects.filter(page__locale=source_locale).select_related("page"):
        for copy in link.page.get_translations():
            WorkflowPage.objects.get_or_create(page=copy, defaults={"workflow_id": link.workflow_id})
    for grant in GroupPagePermission.objects.filter(page__locale=source_locale).select_related("page"):
        for copy in grant.page.get_translations():
            GroupPagePermission.objects.get_or_create(
                group_id=grant.group_id, page=copy, permission_id=grant.permission_id
            )


@transaction.atomic
def publish_translation(page, strings, locale=None, user=None):
    """Translate ``page`` into ``locale`` (Welsh) through wagtail-localize, and publish it.

    ``strings`` maps the English text of the page's translatable segments (title, slug,
    paragraphs of rich text…) to their translations; segments not in it keep the English
    text. The translation is recorded in wagtail-localize, so editors carry on from it in its
    editor. An alias already in ``locale`` becomes the translation. For content shipped with the
    site (``load_demo``), not for editors' work, which goes through moderation.
    """
    from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

    locale = locale or Locale.objects.get(language_code=WELSH)
    page = page.specific
    source, _created = TranslationSource.get_or_create_from_instance(page)
    if not _created:
        source.update_from_db()
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    for segment in StringSegment.objects.filter(source=source).select_related("string", "context"):
        text = strings.get(segment.string.data)
        if text:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                defaults={"data": text, "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL},
            )
    translation.save_target(user=user, publish=True)
    translated = page.get_translation(locale)
    repair_child_counts([translated.get_parent(), page.get_parent()])
    return translated.specific


def restore_live_content(live_page):
    """Put back the page row as it was live, keeping the draft revision just saved as unpublished changes.

    wagtail-localize writes a draft translation to the page row itself (``directory.upstream``).
    """
    saved = Page.objects.get(pk=live_page.pk)
    live_page.alias_of_id = None  # a converted alias stays converted: it now has revisions of its own
    live_page.latest_revision_id = saved.latest_revision_id
    live_page.draft_title = saved.draft_title
    live_page.has_unpublished_changes = True
    live_page.numchild = saved.numchild
    live_page.save(clean=False)


class TreeRepairingJobBackend:
    """wagtail-localize's job runner (run now, as its default does), then a recount of ``numchild``.

    wagtail-localize runs subtree translations and tree synchronisations through this backend;
    the recount guards against the children counts they can leave wrong (issue 773).
    """

    def __init__(self, options):
        self.options = options

    def enqueue(self, func, args, kwargs):
        result = func(*args, **kwargs)
        repair_child_counts()
        return result


def date_published_alias(sender, instance, alias=False, **kwargs):
    """An alias published with its source page takes the source's first publication date.

    Wagtail copies ``last_published_at`` to the aliases it publishes but not
    ``first_published_at`` (wagtail 8.0.1, ``Page.update_aliases``), so a Welsh alias made while its
    English page was a draft — every imported or nominated community — had no publication date:
    it sorted last in the Welsh feeds and its exports' ``first_published_at`` was empty.
    """
    if not alias or instance.first_published_at is not None or instance.alias_of_id is None:
        return
    source = Page.objects.filter(pk=instance.alias_of_id).values_list("first_published_at", flat=True).first()
    moment = source or instance.last_published_at
    Page.objects.filter(pk=instance.pk, first_published_at__isnull=True).update(first_published_at=moment)
    instance.first_published_at = moment


def connect_alias_dates():
    from wagtail.signals import page_published

    page_published.connect(date_published_alias, dispatch_uid="directory.alias_publication_date")
