"""Editors remove values from an entry's public change history, in the Wagtail admin.

- "Public history" (a button on a community's admin pages and in the page listing's "More"
  menu): the history as readers see it, with a "Remove" link beside every value, and the values
  already removed with who, when and why.
- "Remove from the public history": the value, a reason (required), and the button. The rules
  are in ``directory.redactions``. Only members of "Directory editors" and superusers get in.
"""

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.widgets import ListingButton
from wagtail.log_actions import LogFormatter
from wagtail.models import Page

from directory.admin.access import is_directory_editor
from directory.history import HISTORY_FIELDS, display, display_names, field_label, public_history, raw_value
from directory.models import ForumPage, RevisionRedaction
from directory.redactions import REDACT_ACTION, NotInHistory, history_revision, redact_history_value

HISTORY_URL = "directory_public_history"
REDACT_URL = "directory_redact_history"


class RedactionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why remove it?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example: the operator's personal phone number, corrected since. "
            "Editors see this reason; the public sees only “Removed by an editor”."
        ),
        error_messages={"required": _("Say why this value should be removed")},
    )


class HistoryAdminMixin(generic.base.WagtailAdminTemplateMixin):
    """An editor's view of one community's public history (its English original for an alias)."""

    header_icon = "history"

    def dispatch(self, request, *args, **kwargs):
        if not is_directory_editor(request.user):
            raise PermissionDenied
        page = get_object_or_404(Page, pk=kwargs["page_id"])
        if not issubclass(page.specific_class or Page, ForumPage):
            raise Http404
        if page.alias_of_id:
            return HttpResponseRedirect(reverse(HISTORY_URL, args=[page.alias_of_id]))
        self.forum = page.specific
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.forum.title

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "forum": self.forum}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("wagtailadmin_pages:edit", args=[self.forum.pk]), "label": self.forum.title},
            {"url": reverse(HISTORY_URL, args=[self.forum.pk]), "label": _("Public history")},
        ]


class PublicHistoryView(HistoryAdminMixin, TemplateView):
    """The history as readers see it, a "Remove" link by each value, and what has been removed."""

    template_name = "directory/admin/public_history.html"
    page_title = _("Public history")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        history = public_history(self.forum)
        for entry in history:
            for change in entry.changes:
                change.old_remove_url = self.remove_url(change.old_revision_id, change.name, change.old)
                change.new_remove_url = self.remove_url(change.new_revision_id, change.name, change.new)
        removed = RevisionRedaction.objects.filter(
            revision__base_content_type=ContentType.objects.get_for_model(Page), revision__object_id=str(self.forum.pk)
        ).select_related("user", "revision")
        context.update(
            history=history,
            removed=[(field_label(item.field_name), item) for item in removed],
            public_url=f"{self.forum.url}history/" if self.forum.live and self.forum.url else "",
        )
        return context

    def remove_url(self, revision_id, field_name, shown):
        if not shown or revision_id is None:
            return ""
        return reverse(REDACT_URL, args=[self.forum.pk, revision_id, field_name])


class RedactHistoryView(HistoryAdminMixin, FormView):
    """Confirm removing one value, with the reason."""

    template_name = "directory/admin/redact_history.html"
    form_class = RedactionForm
    page_title = _("Remove from the public history")

    def get_revision(self):
        if not hasattr(self, "_revision"):
            try:
                self._revision = history_revision(self.forum, self.kwargs["revision_id"], self.kwargs["field_name"])
            except NotInHistory as error:
                raise Http404 from error
        return self._revision

    def get(self, request, *args, **kwargs):
        self.get_revision()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        revision, name = self.get_revision(), self.kwargs["field_name"]
        snapshot = {field_name: raw_value(revision.content, field_name) for field_name in HISTORY_FIELDS}
        context.update(
            label=field_label(name),
            value=display(name, snapshot[name], display_names([(revision.pk, None, snapshot)])),
            published_at=revision.published_at,
            still_live=name != "topics" and snapshot[name] == raw_value(self.live_content(), name),
            cancel_url=reverse(HISTORY_URL, args=[self.forum.pk]),
        )
        return context

    def live_content(self):
        live = self.forum.live_revision
        return live.content if live is not None else {}

    def form_valid(self, form):
        redact_history_value(
            self.forum, self.get_revision(), self.kwargs["field_name"], form.cleaned_data["reason"], self.request.user
        )
        messages.success(
            self.request,
            _("“%(label)s” is removed from the public history.") % {"label": field_label(self.kwargs["field_name"])},
        )
        return HttpResponseRedirect(reverse(HISTORY_URL, args=[self.forum.pk]))


@hooks.register("register_admin_urls")
def register_redaction_urls():
    return [
        path("directory/history/<int:page_id>/", PublicHistoryView.as_view(), name=HISTORY_URL),
        path(
            "directory/history/<int:page_id>/remove/<int:revision_id>/<slug:field_name>/",
            RedactHistoryView.as_view(),
            name=REDACT_URL,
        ),
    ]


def history_button(page, user):
    if issubclass(page.specific_class or Page, ForumPage) and is_directory_editor(user):
        url = reverse(HISTORY_URL, args=[page.alias_of_id or page.pk])
        yield ListingButton(_("Public history"), url, priority=66, icon_name="history")


@hooks.register("register_page_header_buttons")
def page_header_history_button(page, user, view_name=None, next_url=None):
    yield from history_button(page, user)


@hooks.register("register_page_listing_more_buttons")
def page_listing_history_button(page, user, view_name=None, next_url=None):
    yield from history_button(page, user)


@hooks.register("register_log_actions")
def register_redaction_log_action(actions):
    @actions.register_action(REDACT_ACTION)
    class HistoryValueRemoved(LogFormatter):
        label = _("Remove from the public history")

        def format_message(self, log_entry):
            return _("Removed “%(label)s” of a published version from the public history: %(reason)s") % {
                "label": log_entry.data.get("label", log_entry.data.get("field", "")),
                "reason": log_entry.data.get("reason", ""),
            }
