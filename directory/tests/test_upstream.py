"""The patches of Wagtail, wagtail-localize and modelsearch (directory/upstream.py): one test per entry
that fails when an upgrade moves what the entry relies on, or fixes what it works around.

When one fails after an upgrade, re-read that entry of directory/upstream.py against the new
release: keep it (and update what the test checks), change it, or drop it.
"""

import inspect
from importlib.metadata import version

import pytest
from django.urls import resolve, reverse
from django.utils.module_loading import import_string
from wagtail import hooks
from wagtail.models import Page

from directory import upstream
from directory.models import ForumPage
from directory.tests.factories import ForumPageFactory


@pytest.mark.parametrize("package", sorted(upstream.WRITTEN_FOR))
def test_the_installed_release_is_the_one_the_patches_were_written_for(package):
    """Each entry of directory/upstream.py was checked against these releases only."""
    installed, written_for = version(package), upstream.WRITTEN_FOR[package]
    assert installed == written_for, (
        f"{package} is {installed}; directory/upstream.py was written for {written_for}. Re-read its "
        f"entries for {package} against the new release, then update WRITTEN_FOR."
    )


def parameters(function):
    return list(inspect.signature(function).parameters)


# 1. wagtail-localize writes a draft translation to the live page row


@pytest.mark.django_db
def test_a_draft_translation_still_reaches_the_live_row_without_the_patch(site_tree, admin_user, monkeypatch):
    """wagtail-localize's own ``create_or_update_translation(publish=False)`` still writes the
    translated text to a live page's row (the patch puts the live row back afterwards)."""
    from wagtail_localize.models import StringTranslation, Translation, TranslationSource
    from wagtail_localize.operations import translate_object

    from directory.translation import create_translation_aliases, ensure_welsh_tree

    patched = TranslationSource.create_or_update_translation
    assert patched.keeps_live_content, "entry 1 is not installed"
    original = patched.__wrapped__
    assert parameters(original) == ["self", "locale", "user", "publish", "copy_parent_pages", "fallback"]

    welsh = ensure_welsh_tree()
    forum = ForumPageFactory(parent=site_tree["directory"], summary="Parents help each other.")
    create_translation_aliases(forum)
    translate_object(forum, [welsh], user=admin_user)
    source = TranslationSource.objects.get_for_instance(forum)
    segment = source.stringsegment_set.get(string__data="Parents help each other.")
    StringTranslation.objects.create(
        translation_of=segment.string, locale=welsh, context=segment.context, data="Mae rhieni'n helpu ei gilydd."
    )
    monkeypatch.setattr(TranslationSource, "create_or_update_translation", original)
    Translation.objects.get(source=source, target_locale=welsh).save_target(user=admin_user, publish=False)

    row = ForumPage.objects.get(translation_key=forum.translation_key, locale=welsh)
    assert row.live and "Mae rhieni" in row.summary, (
        "wagtail-localize no longer writes a draft translation to the live page: entry 1 may go"
    )


# 2. Wagtail's spreadsheet exports leave formulas as they are


def test_wagtails_export_step_still_leaves_formulas_as_typed():
    """Wagtail's ``SpreadsheetExportMixin.preprocess_field_value`` still writes ``=…`` as it is
    (the patch puts a ' in front)."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    patched = SpreadsheetExportMixin.preprocess_field_value
    assert patched.neutralises_formulas, "entry 2 is not installed"
    original = patched.__wrapped__
    assert parameters(original) == ["self", "field", "value", "export_format"]
    mixin = SpreadsheetExportMixin()
    assert patched(mixin, "title", "=1+1", "csv") == "'=1+1"
    assert original(mixin, "title", "=1+1", "csv") == "=1+1", (
        "Wagtail now neutralises formulas in exports itself: entry 2 may go"
    )


# 3. Wagtail's workflow emails, sent from the task queue


def test_wagtails_notification_receivers_are_ours():
    """Wagtail connects its workflow email notifiers under the dispatch_uids entry 3 takes over,
    our deferring receivers hold those places, and the notifiers our task runs are still there."""
    from django.dispatch.dispatcher import _make_id
    from wagtail import models, signals
    from wagtail.admin import signal_handlers

    from directory.tasks import WAGTAIL_NOTIFIERS

    wagtails_own = inspect.getsource(signal_handlers.register_signal_handlers)
    for event, sender_name, dispatch_uid in upstream.WAGTAIL_NOTIFICATION_RECEIVERS:
        assert f'dispatch_uid="{dispatch_uid}"' in wagtails_own, f"Wagtail renamed {dispatch_uid}: email twice?"
        signal = getattr(signals, event)
        key = (dispatch_uid, _make_id(getattr(models, sender_name)))
        receivers = [receiver for lookup_key, receiver, _is_async in signal.receivers if lookup_key == key]
        assert len(receivers) == 1 and receivers[0].__qualname__.startswith("defer_wagtail_notification"), event
    for event, (notifier_name, model_name) in WAGTAIL_NOTIFIERS.items():
        notifier = getattr(signal_handlers, notifier_name)
        assert parameters(notifier.__call__) == ["instance", "kwargs"], notifier_name
        assert hasattr(models, model_name), event


# 4. wagtail-localize's listing buttons


def test_wagtail_localizes_listing_buttons_are_replaced_by_ours():
    """Wagtail's hook registry is still ``wagtail.hooks._hooks`` (name -> [(function, order)]), and
    ``translation_buttons`` stands where wagtail-localize's function was, with the same arguments."""
    from wagtail_localize import wagtail_hooks as localize_hooks

    from directory.admin.translation_buttons import translation_buttons

    registered = hooks.get_hooks(upstream.LISTING_BUTTONS_HOOK)
    assert isinstance(hooks._hooks, dict) and isinstance(hooks._hooks[upstream.LISTING_BUTTONS_HOOK][0], tuple)
    assert translation_buttons in registered
    assert localize_hooks.page_listing_more_buttons not in registered
    assert parameters(localize_hooks.page_listing_more_buttons) == parameters(translation_buttons)


# 5. Revision comparisons print an empty number as "None"


@pytest.mark.django_db  # a page instance looks its content type up; the cache may be empty after another test
def test_wagtails_comparison_still_prints_an_empty_number_as_none():
    """Wagtail's default ``FieldComparison`` still shows an empty figure as "None" (entry 5 shows it
    empty), and its registry gives our comparison for number and date fields."""
    from wagtail.admin.compare import FieldComparison, comparison_class_registry

    from directory.admin.compare import ValueFieldComparison

    field = ForumPage._meta.get_field("members")
    before, after = ForumPage(members=None), ForumPage(members=120000)
    assert comparison_class_registry.get(field) is ValueFieldComparison
    assert comparison_class_registry.get(ForumPage._meta.get_field("figures_as_of")) is ValueFieldComparison
    assert "None" not in str(ValueFieldComparison(field, before, after).htmldiff())
    assert "None" in str(FieldComparison(field, before, after).htmldiff()), (
        "Wagtail now shows an empty number as empty: entry 5 may go"
    )


# 6. Addresses and templates taken over


@pytest.mark.parametrize("name, args, view", upstream.url_overrides())
def test_wagtails_addresses_are_answered_by_our_views(name, args, view):
    """Each address Wagtail names is still where our pattern in urls.py answers it."""
    ours = import_string(view)
    func = resolve(reverse(name, args=args)).func
    assert ours in (func, getattr(func, "view_class", None)), f"{name} is no longer answered by {view}"


def test_the_page_serving_override_reads_what_wagtail_still_provides():
    """``home.views.serve_page`` uses Wagtail's serving pattern and its record of the routed page."""
    from wagtail import urls as wagtail_urls

    assert any(
        getattr(pattern, "name", None) == "wagtail_serve"
        and pattern.pattern.regex.pattern == wagtail_urls.serve_pattern
        for pattern in wagtail_urls.urlpatterns
    )
    assert "request._wagtail_route_for_request = (" in inspect.getsource(Page.route_for_request)


@pytest.mark.parametrize("template_name", upstream.TEMPLATE_OVERRIDES)
def test_wagtail_localizes_translation_editor_still_has_what_our_template_extends(template_name):
    """Our copy extends wagtail-localize's ``content`` block and reads ``is_page``, ``page_perms`` and
    ``instance`` from its view's context."""
    from django.template import engines
    from wagtail_localize.views import edit_translation

    template = engines["django"].engine.find_template(template_name, skip=[])[0]  # ours, first
    assert "directory" in template.origin.name
    theirs = engines["django"].engine.find_template(template_name, skip=[template.origin])[0]
    assert "{% block content %}" in theirs.source
    view_source = inspect.getsource(edit_translation)
    for key in ("instance", "is_page", "page_perms"):
        assert f'"{key}": {key},' in view_source, key


# 7. modelsearch's index tables and settings, read by directory/listing/text_search.py


@pytest.mark.django_db
def test_the_modelsearch_internals_text_search_reads_are_there():
    """The index tables' columns, the PostgreSQL backend's configuration and weights, and the SQLite
    full-text table's columns and tokenizer the ranked query is written for; if these move, searches
    fail or stop stemming."""
    from django.db import connection
    from modelsearch.conf import get_app_config
    from modelsearch.index import insert_or_update_object  # noqa: F401
    from modelsearch.utils import get_descendants_content_types_pks  # noqa: F401
    from wagtail.search.backends import get_search_backend

    entries = get_app_config().get_model("IndexEntry")
    assert {"title", "body", "title_norm", "content_type", "object_id"} <= {
        field.name for field in entries._meta.get_fields()
    }
    postgres = pytest.importorskip("modelsearch.backends.database.postgres.postgres")
    from modelsearch.backends.database.postgres.weights import get_sql_weights  # noqa: F401

    assert hasattr(postgres, "ObjectIndexer")
    assert 'self.config = params.get("SEARCH_CONFIG")' in inspect.getsource(postgres.PostgresSearchBackend.__init__)
    if connection.vendor == "postgresql":
        assert get_search_backend().config == "english"
        return
    fts = get_app_config().get_model("SQLiteFTSIndexEntry")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA table_info({fts})")
        assert [row[1] for row in cursor.fetchall()] == ["autocomplete", "body", "title"]
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [fts])
        assert "porter" in cursor.fetchone()[0]


def test_install_is_safe_to_run_again():
    """``DirectoryConfig.ready()`` may run more than once (tests, reloaders); nothing is wrapped twice."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin
    from wagtail_localize.models import TranslationSource

    before = (TranslationSource.create_or_update_translation, SpreadsheetExportMixin.preprocess_field_value)
    upstream.install()
    assert (TranslationSource.create_or_update_translation, SpreadsheetExportMixin.preprocess_field_value) == before
