"""Send a translation made in wagtail-localize's editor to the editors' workflow.

wagtail-localize's editor saves each translated string as it is typed and offers only "Publish":
a translator cannot put the translation in front of the editors, and an editor's only way to
make it public skips "Directory moderation". This adds "Submit to <workflow>" to that editor
(``wagtail_localize/admin/edit_translation.html``) for pages under a workflow: the translation is
saved as a draft revision (the live page stays as it was, ``directory.translation``) and the
review starts; an editor's approval publishes it.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.models import Page
from wagtail_localize.models import Translation

from directory.nominations import send_for_moderation


def translation_of(page):
    """The wagtail-localize translation that writes ``page`` (enabled), or None."""
    return Translation.objects.filter(
        source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
    ).first()


@require_POST
def submit_translation(request, page_id):
    page = get_object_or_404(Page, pk=page_id).specific
    translation = translation_of(page)
    if translation is None:
        raise Http404
    permissions = page.permissions_for_user(request.user)
    workflow = page.get_workflow()
    if workflow is None or not permissions.can_edit() or permissions.page_locked():
        raise PermissionDenied
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    try:
        with transaction.atomic():
            translation.save_target(user=request.user, publish=False)
            page = Page.objects.get(pk=page.pk).specific
            send_for_moderation(page, request.user)
    except ValidationError as error:
        messages.error(
            request, _("The translation could not be saved: %(errors)s") % {"errors": " ".join(error.messages)}
        )
        return redirect(edit_url)
    messages.success(
        request,
        _("The translation of “%(title)s” is waiting for approval in “%(workflow)s”.")
        % {"title": page.get_admin_display_title(), "workflow": workflow.name},
    )
    return redirect(edit_url)


@hooks.register("register_admin_urls")
def register_translation_urls():
    return [
        path("directory/translations/<int:page_id>/submit/", submit_translation, name="directory_submit_translation")
    ]
