"""Every change this project makes to Wagtail's, wagtail-localize's and modelsearch's own code, in one place.

Each entry says what it changes, why, the release it was written for (``WRITTEN_FOR``) and the
upstream issue. ``directory/tests/test_upstream.py`` has a test per entry that fails when an
upgrade moves what the entry relies on: on an upgrade, re-read each entry against the new
release, keep, change or drop it, then update ``WRITTEN_FOR``.

Not listed, because they use documented extension points: the workflow's task
(``directory.models.DirectoryModerationTask``), wagtail-localize's job backend
(``WAGTAILLOCALIZE_JOBS``), hooks, viewsets, panels and page subclasses.

``install()`` runs from ``DirectoryConfig.ready()``; ``use_annotated_translation_buttons()`` from
``directory/wagtail_hooks.py``, once wagtail-localize's hooks are registered.
"""

from functools import wraps

WRITTEN_FOR = {"wagtail": "8.0.1", "wagtail-localize": "1.14.5", "modelsearch": "1.3.2"}


# 1. wagtail-localize: a translation saved as a draft leaves the live page alone.
#    ``TranslationSource.create_or_update_translation(publish=False)`` writes the translated fields
#    to the page row itself before saving the revision, so on a live Welsh page (or a live alias
#    being converted) unmoderated text would be public at once. The wrapper puts the live row
#    back after a draft save; the translation waits, as a revision, for the editors' workflow.
#    Written for wagtail-localize 1.14.5. Upstream: wagtail-localize#463 ("Don't change the page
#    state until the translated page is published", open) and #655.
def keep_live_content_until_published():
    from wagtail.models import Page
    from wagtail_localize.models import TranslationSource

    from directory.translation import restore_live_content

    original = TranslationSource.create_or_update_translation
    if getattr(original, "keeps_live_content", False):
        return

    @wraps(original)
    def create_or_update_translation(self, locale, user=None, publish=True, copy_parent_pages=False, fallback=False):
        live_page = None
        if not publish:
            target = Page.objects.filter(translation_key=self.object_id, locale=locale, live=True).first()
            live_page = target.specific if target is not None else None
        result = original(
            self, locale, user=user, publish=publish, copy_parent_pages=copy_parent_pages, fallback=fallback
        )
        if live_page is not None:
            restore_live_content(live_page)
        return result

    create_or_update_translation.keeps_live_content = True
    TranslationSource.create_or_update_translation = create_or_update_translation


# 2. Wagtail: every admin CSV/XLSX export writes a cell that would run as a formula with a ' in
#    front. Text people typed (a nominated title, a problem report, a log message naming a page)
#    reaches editors' spreadsheets through our reports and Wagtail's own (workflows, site history,
#    aging pages…); Wagtail has no setting for it, so its shared export step,
#    ``SpreadsheetExportMixin.preprocess_field_value``, is wrapped. Written for Wagtail 8.0.1.
#    Upstream: wagtail#3466 (closed: Wagtail leaves it to the spreadsheet, documented in #7554).
def neutralise_formulas_in_admin_exports():
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    from core.spreadsheets import spreadsheet_text

    original = SpreadsheetExportMixin.preprocess_field_value
    if getattr(original, "neutralises_formulas", False):
        return

    @wraps(original)
    def preprocess_field_value(self, field, value, export_format):
        value = original(self, field, value, export_format)
        return spreadsheet_text(value) if isinstance(value, str) else value

    preprocess_field_value.neutralises_formulas = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value


# 3. Wagtail: its workflow emails to editors are sent from the task queue once the change is
#    committed. Wagtail sends them from inside the signal, so an SMTP failure while connecting
#    would roll back the nomination or approval that caused it. Our receivers
#    (``directory.moderation.defer_wagtail_notification``) take the places of Wagtail's, found by
#    the dispatch_uids of ``wagtail.admin.signal_handlers.register_signal_handlers``, whichever app
#    is ready first; ``directory.tasks.send_wagtail_notification`` then runs Wagtail's notifier by
#    its name in that module. Written for Wagtail 8.0.1. No upstream issue found.
WAGTAIL_NOTIFICATION_RECEIVERS = (
    ("task_submitted", "TaskState", "group_approval_task_submitted_email_notification"),
    ("workflow_submitted", "WorkflowState", "workflow_state_submitted_email_notification"),
    ("workflow_rejected", "WorkflowState", "workflow_state_rejected_email_notification"),
    ("workflow_approved", "WorkflowState", "workflow_state_approved_email_notification"),
)


def defer_workflow_notifications():
    from wagtail import models, signals

    from directory.moderation import defer_wagtail_notification

    for event, sender_name, dispatch_uid in WAGTAIL_NOTIFICATION_RECEIVERS:
        signal, sender = getattr(signals, event), getattr(models, sender_name)
        signal.disconnect(sender=sender, dispatch_uid=dispatch_uid)
        signal.connect(defer_wagtail_notification(event), sender=sender, dispatch_uid=dispatch_uid, weak=False)


# 4. wagtail-localize: its "Translate this page" / "Sync translated pages" listing buttons cost two
#    queries a row. ``directory.admin.translation_buttons.translation_buttons`` takes the place of
#    ``wagtail_localize.wagtail_hooks.page_listing_more_buttons`` in Wagtail's hook registry
#    (``wagtail.hooks._hooks``, there is no API to replace a hook) and answers from the explorer
#    query's annotations, falling back to wagtail-localize's function elsewhere. Written for
#    wagtail-localize 1.14.5 and Wagtail 8.0.1. No wagtail-localize issue found (wagtail#12226 did
#    the same for wagtail.contrib.simple_translation).
LISTING_BUTTONS_HOOK = "register_page_listing_more_buttons"


def use_annotated_translation_buttons():
    from wagtail import hooks
    from wagtail_localize import wagtail_hooks as localize_hooks

    from directory.admin.translation_buttons import translation_buttons

    hooks._hooks[LISTING_BUTTONS_HOOK] = [
        (translation_buttons if fn is localize_hooks.page_listing_more_buttons else fn, order)
        for fn, order in hooks._hooks.get(LISTING_BUTTONS_HOOK, [])
    ]


# 5. Wagtail: revision comparisons of numbers and dates show an empty value as empty, not "None"
#    (a figure added to an entry read "None120000"). ``directory.admin.compare.ValueFieldComparison``
#    is registered for those field classes in ``wagtail.admin.compare``'s registry, which has no
#    documented API; it applies to every model's fields. Written for Wagtail 8.0.1. No upstream
#    issue found.
def compare_empty_values_as_empty():
    from django.db import models
    from wagtail.admin.compare import register_comparison_class

    from directory.admin.compare import ValueFieldComparison

    for field_class in (
        models.IntegerField,
        models.DecimalField,
        models.FloatField,
        models.DateField,
        models.TimeField,
    ):
        register_comparison_class(field_class, comparison_class=ValueFieldComparison)


# 6. Addresses and templates of Wagtail's and wagtail-localize's taken over by ours. They stay
#    where Django needs them (``urls.py`` before Wagtail's patterns; a template of the same name),
#    and are listed here. Written for Wagtail 8.0.1 and wagtail-localize 1.14.5; no upstream issue
#    found for any of them.
#    - admin/pages/workflow/action/…: Wagtail's approve / request changes view
#      (``wagtailadmin_pages:workflow_action``), answered by ``directory.admin.workflow``: the
#      editor who lost a race is told so, and without JavaScript the form is a whole page.
#    - admin/password_reset/: Wagtail's password reset form (``wagtailadmin_password_reset``),
#      answered by ``core.password_reset.ThrottledPasswordResetView``: limited per address and account.
#    - the page-serving pattern ``wagtail.urls.serve_pattern`` (``wagtail_serve``), answered by
#      ``home.views.serve_page``: a Welsh address with no Welsh copy shows the English page; it
#      reads ``request._wagtail_route_for_request``, Wagtail's record of the page it routed to.
#    - wagtail_localize/admin/edit_translation.html: wagtail-localize's translation editor, with
#      "Submit to <workflow>" added in its ``content`` block (``directory.admin.translating``);
#      it reads the view's ``is_page``, ``page_perms`` and ``instance``.
def url_overrides():
    """(Wagtail's URL name, its arguments, the dotted name of the view that answers it) per address."""
    return [
        (
            "wagtailadmin_pages:workflow_action",
            (1, "approve", 1),
            "directory.admin.workflow.workflow_action",
        ),
        ("wagtailadmin_password_reset", (), "core.password_reset.ThrottledPasswordResetView"),
        ("wagtail_serve", ("",), "home.views.serve_page"),
    ]


TEMPLATE_OVERRIDES = ["wagtail_localize/admin/edit_translation.html"]


# 7. Read, not patched: ``directory/listing/text_search.py`` runs its own ranked query over
#    modelsearch's index tables: ``IndexEntry`` (``title``, ``body``, ``title_norm``,
#    ``content_type``, ``object_id``), on PostgreSQL with the backend's ``config`` (``SEARCH_CONFIG``)
#    and the field weights of ``postgres.weights.get_sql_weights()``; on SQLite the FTS5 table of
#    ``SQLiteFTSIndexEntry``, whose columns (autocomplete, body, title) ``bm25()``'s weights follow
#    and which directory migration 0013 makes again with the porter tokenizer (Wagtail's triggers
#    name the table, so they carry on). ``ForumPage.save`` indexes a community again with
#    ``modelsearch.index.insert_or_update_object`` once its relations are saved: Wagtail indexes a
#    page on the row's save, before modelcluster saves its topics, audiences and regions, so a
#    Welsh alias was indexed without them. ``devdata/bench_index.py`` writes index
#    rows with modelsearch's ``ObjectIndexer``. Written for modelsearch 1.3.2 and Wagtail 8.0.1.
#    No upstream issue found.


def install():
    """Apply the patches that must be in place before any request, command or task runs."""
    defer_workflow_notifications()
    keep_live_content_until_published()
    neutralise_formulas_in_admin_exports()
    compare_empty_values_as_empty()
