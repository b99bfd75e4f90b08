"""Every admin screen answers without a server error, for a superuser and for a "Directory editor".

The crawl walks the URL patterns registered under /admin/ (Wagtail, wagtail-localize, the
wagtail.contrib apps and our own admin code), fills each pattern's parameters from the demo
content plus the records the fixture adds (nominations in every state, claims, suggestions,
problem reports, a failed email, an image, a document, a redirect, a Welsh translation in
moderation, a scheduled revision…), and GETs every address it can make, with searches in the
choosers and listings and the spreadsheet exports. Any 5xx fails the test, and the message
lists every failing address with its exception. A pattern the crawl cannot fill must be listed
in ``UNREACHABLE`` with the reason, so a new admin screen is never skipped in silence.
"""

import datetime
import io
import re
import sys
import time
import traceback

import pytest
import wagtail_factories
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.db import transaction
from django.db.models import Model
from django.test import Client, override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image
from taggit.models import TagBase
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.admin.models import EditingSession
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.contrib.forms.models import FormMixin
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    Locale,
    Page,
    Revision,
    Site,
    Task,
    TaskState,
    UploadedFile,
    Workflow,
    WorkflowPage,
    WorkflowState,
    get_page_models,
)
from wagtail.snippets.models import get_snippet_models
from wagtail.users.models import UserProfile
from wagtail.workflows import get_task_types
from wagtail_localize.models import OverridableSegment, StringSegment, Translation, TranslationSource
from wagtail_localize.operations import translate_object

from directory.emails import queue_email
from directory.history import HISTORY_FIELDS
from directory.models import DepartmentPage, ForumPage
from directory.nominations import (
    approve_claim,
    decline_nomination,
    send_for_moderation,
    submit_claim,
    submit_nomination,
)
from directory.site_tree import EDITORS_GROUP
from directory.suggestions import (
    accept_suggestion,
    decline_suggestion,
    resolve_problem_report,
    submit_problem_report,
    submit_suggestion,
)
from directory.tasks import send_outbound_email
from directory.tests.nomination_helpers import SAMPLE_CONTACT, approve, request_changes, sample_details
from home.models import SiteSettings

pytestmark = pytest.mark.django_db

PASSWORD = "a long crawl passphrase"

# Patterns the crawl leaves alone, and why.
SKIPPED = {
    "admin/failwhale/": "Wagtail's deliberate server error, for trying out error pages",
}
# Patterns no data on this site can fill. Anything else the crawl cannot fill fails the test.
UNREACHABLE = {
    "admin/forms/submissions/<int:page_id>/": "no form page type on this site",
    "admin/forms/submissions/<int:page_id>/results/": "no form page type on this site",
    "admin/forms/submissions/<int:page_id>/delete/": "no form page type on this site",
}
# Requested last: signing out ends the crawl's session (Wagtail's sign-out drops the cookie even
# when it refuses a GET), and a password-reset link changes what the session holds.
LAST = ("admin/logout/", "admin/login/", "admin/password_reset/")
# A broken enumerator must not pass: at least this many patterns and addresses, and this many real
# screens (200s; the editor is refused the screens a superuser alone may use).
MINIMUM_PATTERNS = 300
MINIMUM_VISITED = 1000
MINIMUM_ANSWERED = {"superuser": 700, "editor": 400}


# --- The data the crawl needs -----------------------------------------------------------------


def png_file(name):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(buffer, "PNG")
    return ImageFile(buffer, name=name)


@pytest.fixture(scope="module")
def crawl_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo site with something in every queue and every state an admin screen shows, built once
    for both users and rolled back after them. Returns the superuser and the editor."""
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    with django_db_blocker.unblock(), media, transaction.atomic():
        cache.clear()  # rate limits and Wagtail's site cache, as a test starts with
        users = build_crawl_site()
        yield users
        transaction.set_rollback(True)
    cache.clear()


def build_crawl_site():
    call_command("load_demo", stdout=io.StringIO())
    admin_user = get_user_model().objects.create_superuser("crawl-admin", "crawl-admin@example.gov", PASSWORD)
    editor = get_user_model().objects.create_user("crawl-editor", "crawl-editor@example.gov", PASSWORD)
    editor.groups.add(Group.objects.get(name=EDITORS_GROUP))
    # The superuser works in Welsh: Welsh admin screens get the same crawl as English ones.
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "cy"
    profile.save()
    welsh = Locale.objects.get(language_code="cy")
    netmums = ForumPage.objects.get(slug="netmums", locale__language_code="en")
    student_room = ForumPage.objects.get(slug="the-student-room", locale__language_code="en")

    # Nominations waiting, with changes requested, approved and declined; claims waiting and approved.
    submit_nomination(sample_details(title="Carers Corner"), SAMPLE_CONTACT)
    changes, _token = submit_nomination(
        sample_details(title="Allotment Friends", website="https://allotments.example.org"), SAMPLE_CONTACT
    )
    request_changes(changes.forum, editor, "Please say who it is for.")
    approved, _token = submit_nomination(
        sample_details(title="Bee Keepers", website="https://bees.example.org"), SAMPLE_CONTACT
    )
    approve(approved.forum, admin_user)
    declined, _token = submit_nomination(
        sample_details(title="Spam Corner", website="https://spam.example.org"), SAMPLE_CONTACT
    )
    decline_nomination(declined, editor, "Not a peer-support community.")
    submit_claim(netmums, {"contact_name": "Owner", "contact_email": "owner@example.org", "message": "I run it."})
    claim = submit_claim(student_room, {"contact_name": "Mod", "contact_email": "mod@example.org", "message": ""})
    approve_claim(claim, admin_user)

    # Suggested edits waiting, accepted (so in moderation) and declined; problem reports open and resolved.
    submit_suggestion(netmums, {"summary": "Parents help parents."}, "Shorter")
    accept_suggestion(submit_suggestion(student_room, {"members": 5000}, "A newer figure"), editor)
    decline_suggestion(submit_suggestion(netmums, {"title": "Net Mums"}, "Spelling"), editor, "It is Netmums.")
    submit_problem_report(netmums, "broken_link", "The link times out.", "someone@example.org")
    resolve_problem_report(submit_problem_report(student_room, "closed"), note="Still open.")

    # An email the mail server refused at every attempt, waiting for an editor to try again.
    with override_settings(EMAIL_BACKEND="directory.tests.nomination_helpers.BrokenEmailBackend"):
        send_outbound_email.enqueue(queue_email("nobody@example.org", "A refused email", "Hello.").pk)

    # A Welsh translation an editor made in wagtail-localize, waiting in "Directory moderation".
    army = ForumPage.objects.get(slug="army-rumour-service", locale__language_code="en")
    translate_object(army, [welsh], user=admin_user)
    source = TranslationSource.objects.get_for_instance(army)
    Translation.objects.get(source=source, target_locale=welsh).save_target(user=admin_user, publish=False)
    send_for_moderation(army.get_translation(welsh).specific, user=admin_user)

    # A scheduled publication, a locked page and a page with a draft nobody has published.
    department = DepartmentPage.objects.filter(locale__language_code="en").order_by("path").first()
    department.save_revision(user=admin_user, approved_go_live_at=timezone.now() + datetime.timedelta(days=7))
    poultry = ForumPage.objects.get(slug="the-poultry-keeper", locale__language_code="en")
    poultry.locked, poultry.locked_by, poultry.locked_at = True, admin_user, timezone.now()
    poultry.save()
    netmums.summary = "A draft nobody has published yet."
    netmums.save_revision(user=editor)

    # A retired workflow and task, media in a collection, a redirect, uploads in progress, an editing
    # session and the site settings.
    Workflow.objects.create(name="Retired review", active=False)
    GroupApprovalTask.objects.create(name="Retired approval", active=False)
    collection = Collection.get_first_root_node().add_child(name="Logos")
    wagtail_factories.ImageFactory(title="Netmums logo", file=png_file("logo.png"), collection=collection)
    wagtail_factories.DocumentFactory(title="Terms of use", collection=collection)
    Redirect.add_redirect("/old-netmums/", netmums)
    for model in (get_image_model(), get_document_model()):
        content_type = ContentType.objects.get_for_model(model)
        UploadedFile.objects.create(for_content_type=content_type, file=png_file("upload.png"), uploaded_by_user=editor)
    EditingSession.objects.create(
        user=admin_user,
        content_type=ContentType.objects.get_for_model(ForumPage),
        object_id=str(netmums.pk),
        last_seen_at=timezone.now(),
    )
    SiteSettings.for_site(Site.objects.get(is_default_site=True))
    return {"superuser": admin_user, "editor": editor}


def two_step_sign_in(client, user):
    """Sign in as an editor does: the password on the sign-in form, then the authenticator app's code."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    response = client.post("/admin/login/", {"username": user.username, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    response = client.post("/admin/two-factor/", {"code": code, "next": "/admin/"})
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    return dashboard


# --- Filling each pattern's parameters --------------------------------------------------------


def admin_patterns():
    """(route, name, pattern) for every URL pattern under admin/, nested includes walked."""

    def walk(patterns, prefix, namespaces):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespaces + ((pattern.namespace,) if pattern.namespace else ())
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = ":".join(namespaces + (pattern.name,)) if pattern.name else None
                yield prefix + str(pattern.pattern), name, pattern

    return [entry for entry in walk(get_resolver().url_patterns, "", ()) if entry[0].startswith("admin/")]


def route_parameters(route):
    """A route's parameter names, written <conv:name> or (?P<name>…)."""
    return frozenset(re.findall(r"<(?:\w+:)?(\w+)>", route))


def view_model(pattern):
    """The model a generic Wagtail view is about, when the view says."""
    initkwargs = getattr(pattern.callback, "view_initkwargs", None) or {}
    model = initkwargs.get("model") or getattr(getattr(pattern.callback, "view_class", None), "model", None)
    return model if isinstance(model, type) and issubclass(model, Model) else None


def exports_spreadsheets(pattern):
    """Whether the view offers CSV and XLSX downloads (Wagtail's listings and reports)."""
    view_class = getattr(pattern.callback, "view_class", None)
    if not (view_class and issubclass(view_class, SpreadsheetExportMixin)):
        return False
    initkwargs = getattr(pattern.callback, "view_initkwargs", None) or {}
    return bool(initkwargs.get("list_export", getattr(view_class, "list_export", None)))


def label(model):
    return {"app_label": model._meta.app_label, "model_name": model._meta.model_name}


def object_ids(queryset):
    """The page ids a queryset of revisions or workflow states refers to (stored as text)."""
    return {int(pk) for pk in queryset.values_list("object_id", flat=True)}


def ids(queryset, limit=3):
    return list(queryset.order_by("pk").values_list("pk", flat=True)[:limit])


# Models whose ids fill ``pk`` where the view does not name its model (or names another).
MODEL_BY_NAME = [
    (r"^wagtailadmin_api:pages:", lambda: Page),
    (r"^wagtailadmin_api:documents:|^wagtaildocs", get_document_model),
    (r"^wagtailadmin_api:images:|^wagtailimages", get_image_model),
    (r"^wagtailadmin_workflows:.*task", lambda: Task),
    (r"^wagtailadmin_workflows:", lambda: Workflow),
]


class Filler:
    """Values for each pattern's parameters, drawn from the database the fixture built.

    ``fill`` returns a list of (kwargs, query) for the pattern: query is a dict of GET
    parameters, or None for the plain address (which then also gets the search and export
    variants).
    """

    def __init__(self, user):
        self.user = user
        self.pages = self.sample_pages()
        self.page_ids = [page.pk for page in self.pages]
        self.task_states = list(TaskState.objects.select_related("workflow_state", "task").order_by("pk"))

    @staticmethod
    def sample_pages():
        """The root, one page of each type in each language (original and alias), and the first page in
        each state an editor meets: in moderation, changes requested, never published, locked, scheduled,
        with a draft, a translation in moderation."""
        chosen, kinds = [], set()
        for page in Page.objects.order_by("path"):
            kind = (page.content_type_id, page.locale_id, page.alias_of_id is not None)
            if kind not in kinds:
                kinds.add(kind)
                chosen.append(page)
        states = [
            Page.objects.filter(pk__in=object_ids(WorkflowState.objects.filter(status=status)))
            for status in (WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES)
        ]
        states += [
            Page.objects.filter(live=False),
            Page.objects.filter(locked=True),
            Page.objects.filter(pk__in=object_ids(Revision.page_revisions.filter(approved_go_live_at__isnull=False))),
            Page.objects.filter(live=True, has_unpublished_changes=True),
        ]
        for language in ("en", "cy"):
            for queryset in states:
                page = queryset.filter(locale__language_code=language).order_by("path").first()
                if page is not None and page not in chosen:
                    chosen.append(page)
        return chosen

    def fill(self, route, name, pattern):
        params = route_parameters(route)
        special = getattr(self, "for_" + re.sub(r"\W", "_", name or ""), None)
        if special is not None:
            return special(pattern)
        if not params:
            return [({}, None)]
        together = getattr(self, "with_" + "_".join(sorted(params)), None)
        if together is not None:
            return together(pattern, name)
        if len(params) == 1:
            (param,) = params
            return [({param: value}, None) for value in self.values(param, pattern, name)]
        return []

    def values(self, param, pattern, name):
        """Values for a parameter that does not depend on another."""
        image_model, document_model = get_image_model(), get_document_model()
        by_param = {
            "page_id": lambda: self.page_ids,
            "page_to_move_id": lambda: self.page_ids,
            "parent_page_id": lambda: [1, *[page.pk for page in self.pages if page.numchild]],
            "page_pk": lambda: list(WorkflowPage.objects.values_list("page_id", flat=True)[:2]) + self.page_ids[:2],
            "collection_id": lambda: ids(Collection.objects),
            "redirect_id": lambda: ids(Redirect.objects),
            "document_id": lambda: ids(document_model.objects),
            "doc_id": lambda: ids(document_model.objects),
            "image_id": lambda: ids(image_model.objects),
            "uploaded_file_id": lambda: ids(UploadedFile.objects, limit=4),
            "translation_source_id": lambda: ids(TranslationSource.objects),
            "translation_id": lambda: ids(Translation.objects),
            "task_id": lambda: ids(Task.objects),
            "session_id": lambda: ids(EditingSession.objects),
        }
        if param in by_param:
            return by_param[param]()
        if param == "pk":
            model = next((get() for pattern_name, get in MODEL_BY_NAME if re.search(pattern_name, name or "")), None)
            model = model or view_model(pattern)
            if model is Page:
                return self.page_ids
            if model is not None:
                return self.representatives(model)
        return []

    @staticmethod
    def representatives(model):
        """A few records of the model; for records with a status (and kind), one in each."""
        fields = [field for field in ("kind", "status", "active") if any(f.name == field for f in model._meta.fields)]
        if not fields:
            return ids(model._default_manager)
        seen, chosen = set(), []
        for pk, *values in model._default_manager.order_by("pk").values_list("pk", *fields):
            if tuple(values) not in seen:
                seen.add(tuple(values))
                chosen.append(pk)
        return chosen

    # Parameters that depend on each other.

    def with_page_id_revision_id(self, pattern, name):
        """The latest revision of each page; the first and any scheduled one where they differ from it."""
        combos = []
        for page in self.pages:
            revisions = list(page.revisions.order_by("pk").values_list("pk", "approved_go_live_at"))
            if not revisions:
                continue
            picked = {revisions[-1][0]} | {pk for pk, go_live in revisions if go_live}
            if page.has_unpublished_changes and page.live:
                picked.add(revisions[0][0])
            combos += [({"page_id": page.pk, "revision_id": pk}, None) for pk in sorted(picked)]
        return combos

    def with_pk_revision_id_a_revision_id_b(self, pattern, name):
        """Each page's first revision against its latest; for a page with a draft, also the live one and
        two revisions by number."""
        combos = []
        for page in self.pages:
            revisions = list(page.revisions.order_by("pk").values_list("pk", flat=True))
            if not revisions:
                continue
            pairs = [("earliest", "latest")]
            if page.live and page.has_unpublished_changes:
                pairs += [("live", "latest"), (revisions[0], revisions[-1])]
            combos += [({"pk": page.pk, "revision_id_a": a, "revision_id_b": b}, None) for a, b in pairs]
        return combos

    def with_field_name_page_id_revision_id(self, pattern, name):
        """Removing a value from a page's public history: public fields of its live revision (and a
        private field, which must be refused) for each community in the sample."""
        combos = []
        for page in self.pages:
            if page.live_revision_id and issubclass(page.specific_class, ForumPage):
                for field_name in (*HISTORY_FIELDS[:2], "contact_email"):
                    kwargs = {"page_id": page.pk, "revision_id": page.live_revision_id, "field_name": field_name}
                    combos.append((kwargs, None))
        return combos

    def with_action_name_page_id_task_state_id(self, pattern, name):
        """Every action each review offers the user (Approve, Approve with comment, Request changes), on
        reviews in progress and on ones already decided (a screen left open while another editor decided)."""
        combos = []
        for task_state in self.task_states:
            page = Page.objects.get(pk=task_state.workflow_state.object_id).specific
            offered = {action for action, _label, _modal in task_state.task.specific.get_actions(page, self.user)}
            for action in sorted(offered or {"approve", "reject"}):
                combos.append(({"page_id": page.pk, "action_name": action, "task_state_id": task_state.pk}, None))
        return combos

    def with_page_id_task_id(self, pattern, name):
        return [
            ({"page_id": int(state.workflow_state.object_id), "task_id": state.task_id}, None)
            for state in self.task_states
        ]

    def with_page_id_workflow_state_id(self, pattern, name):
        return [
            ({"page_id": int(state.object_id), "workflow_state_id": state.pk}, None)
            for state in WorkflowState.objects.order_by("pk")
        ]

    def with_page_pk_workflow_pk(self, pattern, name):
        return [
            ({"page_pk": link.page_id, "workflow_pk": link.workflow_id}, None) for link in WorkflowPage.objects.all()
        ]

    def with_destination_id_page_to_move_id(self, pattern, name):
        """Each page to where it already is, and the first one to somewhere it may not go."""
        combos = [
            ({"page_to_move_id": page.pk, "destination_id": page.get_parent().pk}, None)
            for page in self.pages
            if page.depth > 1
        ]
        return combos + [({"page_to_move_id": self.page_ids[-1], "destination_id": 1}, None)]

    def with_action_name_pk(self, pattern, name):
        return [
            ({"pk": pk, "action_name": action}, None)
            for pk in self.page_ids[1:3]
            for action in PagesAdminAPIViewSet.actions
        ]

    def with_content_type_app_name_content_type_model_name(self, pattern, name):
        return [
            ({"content_type_app_name": model._meta.app_label, "content_type_model_name": model._meta.model_name}, None)
            for model in get_page_models()
        ]

    def with_content_type_app_name_content_type_model_name_parent_page_id(self, pattern, name):
        """Each page type under a page that may have it (and under the first that may not)."""
        combos = []
        for model in get_page_models():
            parents = [page for page in self.pages if model in page.specific_class.allowed_subpage_models()]
            parents = parents[:2] or self.pages[:1]
            for parent in parents:
                names = {
                    "content_type_app_name": model._meta.app_label,
                    "content_type_model_name": model._meta.model_name,
                }
                combos.append(({**names, "parent_page_id": parent.pk}, None))
        return combos

    def with_filter_spec_image_id(self, pattern, name):
        return [
            ({"image_id": pk, "filter_spec": spec}, None)
            for pk in ids(get_image_model().objects)
            for spec in ("original", "fill-80x60", "not-a-filter")
        ]

    def with_mode_translation_id(self, pattern, name):
        """Each preview mode the translated page has beyond the default (a made-up one when none)."""
        combos = []
        for translation in Translation.objects.select_related("source").order_by("pk")[:3]:
            modes = [mode for mode, _label in translation.source.as_instance().preview_modes if mode] or [
                "no-such-mode"
            ]
            combos += [({"translation_id": translation.pk, "mode": mode}, None) for mode in modes]
        return combos

    def with_string_segment_id_translation_id(self, pattern, name):
        combos = []
        for translation in Translation.objects.order_by("pk")[:2]:
            for segment in StringSegment.objects.filter(source_id=translation.source_id).order_by("pk")[:2]:
                combos.append(({"translation_id": translation.pk, "string_segment_id": segment.pk}, None))
        return combos

    def with_overridable_segment_id_translation_id(self, pattern, name):
        combos = []
        for translation in Translation.objects.order_by("pk"):
            for segment in OverridableSegment.objects.filter(source_id=translation.source_id).order_by("pk")[:2]:
                combos.append(({"translation_id": translation.pk, "overridable_segment_id": segment.pk}, None))
        return combos[:4]

    def with_app_label_model_name_object_id_session_id(self, pattern, name):
        return [
            (
                {
                    "app_label": session.content_type.app_label,
                    "model_name": session.content_type.model,
                    "object_id": session.object_id,
                    "session_id": session.pk,
                },
                None,
            )
            for session in EditingSession.objects.select_related("content_type")
        ]

    def with_token_uidb64(self, pattern, name):
        uid = urlsafe_base64_encode(force_bytes(self.user.pk))
        return [({"uidb64": uid, "token": default_token_generator.make_token(self.user)}, None)]

    def with_app_label_model_name_pk(self, pattern, name):
        """A snippet of each kind (wagtail-localize's snippet translation and snippet API)."""
        return [
            ({**label(model), "pk": str(pk)}, None)
            for model in get_snippet_models()
            for pk in ids(model._default_manager, limit=1)
        ]

    def with_app_label_model_name(self, pattern, name):
        """Each kind of snippet (wagtail-localize's snippet API); other uses of the pair are named below."""
        return [(label(model), None) for model in get_snippet_models()]

    # Patterns whose values depend on what the pattern is about.

    def for_wagtailadmin_pages_choose_parent(self, pattern):
        return [(label(model), None) for model in get_page_models()]

    def for_wagtailadmin_workflows_add_task(self, pattern):
        return [(label(model), None) for model in get_task_types()]

    def for_wagtailadmin_tag_model_autocomplete(self, pattern):
        tag_models = [model for model in apps.get_models() if issubclass(model, TagBase)]
        return [
            ({"app_name": model._meta.app_label, "model_name": model._meta.model_name}, query)
            for model in tag_models
            for query in (None, {"term": "pa"})
        ]

    def for_wagtailsettings_edit(self, pattern):
        combos = []
        for model in settings_registry:
            names = {"app_name": model._meta.app_label, "model_name": model._meta.model_name}
            if "pk" in route_parameters(str(pattern.pattern)):
                combos += [({**names, "pk": pk}, None) for pk in ids(Site.objects)]
            else:
                combos.append((names, None))
        return combos

    for_wagtailsettings_preview_on_edit = for_wagtailsettings_edit

    def form_pages(self, pattern):
        form_page_ids = [page.pk for page in self.pages if issubclass(page.specific_class, FormMixin)]
        return [({"page_id": pk}, None) for pk in form_page_ids]

    for_wagtailforms_list_submissions = form_pages
    for_wagtailforms_list_submissions_results = form_pages
    for_wagtailforms_delete_submissions = form_pages

    def for_wagtail_bulk_action(self, pattern):
        """Each bulk action's confirmation screen, with a few of the objects it acts on ticked (and "all")."""
        bulk_action_registry._scan_for_bulk_actions()
        combos = []
        for app_label, models in bulk_action_registry.actions.items():
            for model_name, actions in models.items():
                model = apps.get_model(app_label, model_name)
                if issubclass(model, Page):
                    chosen, extra = self.page_ids[1:5], {"childOf": str(self.page_ids[1])}
                else:
                    chosen, extra = ids(model._default_manager), {}
                for action in actions:
                    kwargs = {"app_label": app_label, "model_name": model_name, "action": action}
                    combos.append((kwargs, {"id": [str(pk) for pk in chosen], **extra}))
                    combos.append((kwargs, {"id": "all", **extra}))
        return combos


# --- The crawl --------------------------------------------------------------------------------

# Extra GET parameters for the first address of each pattern whose name matches.
QUERY_VARIANTS = [
    (
        r"choose(r|_page)?(_child|_search)?(:choose|_results)?$|index|:list|results|search|explore$|usage$|history$",
        {"q": "net"},
    ),
    (r"choose_page_(external|email|phone|anchor)_link$", {"link_url": "https://example.org/", "link_text": "Example"}),
    (r"^wagtailadmin_choose_page(_child|_search)?$", {"page_type": "directory.forumpage"}),
    (r"^wagtailadmin_choose_page(_child)?$", {"page_type": "wagtailcore.page", "can_choose_root": "true"}),
    (r"^wagtailimages_chooser:choose$", {"select_format": "true"}),
    (r"^wagtailadmin_pages:add$|^wagtailadmin_explore$", {"locale": "cy"}),
]


def url_for(route, name, kwargs):
    if name:
        return reverse(name, kwargs=kwargs)
    path = route  # a view of ours mounted without a name (the workflow action, in front of Wagtail's)
    for key, value in kwargs.items():
        path = re.sub(rf"<(?:\w+:)?{key}>", str(value), path)
    return "/" + path


def addresses(filler):
    """The (route, url, query) the crawl GETs, and the routes it could not fill."""
    visits, unreachable = [], set()
    for route, name, pattern in admin_patterns():
        if route in SKIPPED:
            continue
        if route.endswith("^.*/$"):  # Wagtail's catch-all: an address the admin does not have
            visits.append((route, "/admin/no-such-screen/", None))
            continue
        urls = []
        for kwargs, query in filler.fill(route, name, pattern):
            try:
                urls.append((url_for(route, name, kwargs), query))
            except NoReverseMatch:
                continue
        if not urls:
            unreachable.add(route)
            continue
        visits += [(route, url, query) for url, query in urls]
        first_url = next((url for url, query in urls if query is None), None)
        if first_url is not None:
            visits += [(route, first_url, extra) for matcher, extra in QUERY_VARIANTS if re.search(matcher, name or "")]
            if exports_spreadsheets(pattern):
                visits += [(route, first_url, {"export": "csv"}), (route, first_url, {"export": "xlsx"})]
    visits.sort(key=lambda visit: visit[0].startswith(LAST))
    # Our workflow action view answers at Wagtail's own address: both patterns fill the same URLs.
    seen, unique = set(), []
    for route, url, query in visits:
        if (url, repr(query)) not in seen:
            seen.add((url, repr(query)))
            unique.append((route, url, query))
    return unique, unreachable


def describe(url, query, response):
    text = f"{response.status_code} {url}" + (f" {query}" if query else "")
    exc_info = getattr(response, "exc_info", None)
    if exc_info:
        frames = traceback.extract_tb(exc_info[2])
        ours = [frame for frame in frames if "site-packages" not in frame.filename]
        shown = ours[-1:] + [frame for frame in frames[-2:] if frame not in ours[-1:]]
        where = ", ".join(
            f"{frame.filename.split('site-packages/')[-1]}:{frame.lineno} {frame.name}" for frame in shown
        )
        text += f"\n    {exc_info[0].__name__}: {str(exc_info[1])[:300]}\n    at {where}"
    return text


def crawl(client, visits):
    """GET each address; returns the failures and the count of each status."""
    failures, statuses = [], {}
    for route, url, query in visits:
        response = client.get(url, query or {})
        if getattr(response, "streaming", False):
            try:
                b"".join(response.streaming_content)
            except Exception as error:  # an export that breaks part-way is as broken as a 500
                failures.append(f"{response.status_code} {url} {query}, while streaming\n    {error!r}")
                continue
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            failures.append(describe(url, query, response))
        elif "/admin/login/" in response.get("Location", "") and not route.startswith(LAST):
            failures.append(f"{response.status_code} {url} {query or ''}: the session was lost before this address")
    return failures, statuses


@pytest.mark.parametrize("who", ["superuser", "editor"])  # the superuser's admin is in Welsh
def test_every_admin_screen_answers_without_a_server_error(who, crawl_site, capsys):
    """Without this, an editor would meet a server error (or a dialog that silently does nothing) on an
    admin screen nobody had opened since the last change: requesting changes, a chooser, deleting or
    moving a page, sending a page for Welsh translation, a report's export, a moderation queue."""
    user = crawl_site[who]
    client = Client(raise_request_exception=False)
    dashboard = two_step_sign_in(client, user)
    assert f'lang="{"cy" if who == "superuser" else "en"}"' in dashboard.content.decode()

    started, cpu_started = time.monotonic(), time.process_time()
    visits, unreachable = addresses(Filler(user))
    failures, statuses = crawl(client, visits)
    patterns = len(admin_patterns()) - len(SKIPPED) - len(unreachable)
    seconds = f"{time.monotonic() - started:.0f}s ({time.process_time() - cpu_started:.0f}s of CPU)"
    with capsys.disabled():  # shown in every run, not only with -s
        sys.stdout.write(
            f"\n{who}: {len(visits)} admin addresses from {patterns} patterns in {seconds}; "
            f"statuses {dict(sorted(statuses.items()))}; not reachable from the data: {sorted(unreachable)}\n"
        )

    assert not failures, f"{len(failures)} admin addresses failed for the {who}:\n" + "\n".join(failures)
    new = sorted(unreachable - set(UNREACHABLE))
    assert not new, f"admin patterns the crawl cannot fill (teach Filler about them): {new}"
    assert unreachable == set(UNREACHABLE), "UNREACHABLE lists patterns the crawl now fills: take them out"
    assert patterns >= MINIMUM_PATTERNS
    assert len(visits) >= MINIMUM_VISITED
    assert statuses.get(200, 0) >= MINIMUM_ANSWERED[who]
