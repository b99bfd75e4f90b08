"""A translation made in wagtail-localize's editor goes to "Directory moderation" (directory/admin/translating.py)."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale, WorkflowPage, WorkflowState

from directory.site_tree import DEPARTMENT_EDITORS_GROUP
from directory.tests.factories import DepartmentPageFactory, ForumPageFactory
from directory.tests.nomination_helpers import approve, signed_in
from directory.translation import create_translation_aliases, ensure_welsh_tree

pytestmark = pytest.mark.django_db

WELSH_SUMMARY = "Mae gofalwyr di-dâl yn cefnogi ei gilydd."


@pytest.fixture
def welsh():
    return Locale.objects.get(language_code="cy")


def start_translation(page, welsh, user, strings):
    """``page`` sent for translation into Welsh, with ``strings`` ({English: Welsh}) typed in its editor."""
    from wagtail_localize.models import StringTranslation, TranslationSource
    from wagtail_localize.operations import translate_object

    create_translation_aliases(page)
    translate_object(page, [welsh], user=user)
    source = TranslationSource.objects.get_for_instance(page)
    for english, text in strings.items():
        segment = source.stringsegment_set.get(string__data=english)
        StringTranslation.objects.create(
            translation_of=segment.string, locale=welsh, context=segment.context, data=text
        )
    return page.get_translation(welsh).specific


@pytest.fixture
def welsh_draft(site_tree, welsh, editor):
    """A live English entry whose Welsh translation an editor has typed in wagtail-localize's editor."""
    ensure_welsh_tree()
    forum = ForumPageFactory(parent=site_tree["directory"], summary="Unpaid carers support each other.")
    forum.save_revision().publish()
    return start_translation(forum, welsh, editor, {"Unpaid carers support each other.": WELSH_SUMMARY})


def submit_url(page):
    return reverse("directory_submit_translation", args=[page.pk])


def test_the_translation_editor_offers_the_workflow(welsh_draft, editor):
    """An editor translating an entry must see how to send it to the editors.

    If this fails, wagtail-localize's editor offers only "Publish", and a translation cannot be moderated.
    """
    response = signed_in(Client(), editor).get(reverse("wagtailadmin_pages:edit", args=[welsh_draft.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "js-translation-editor" in page
    assert f'action="{submit_url(welsh_draft)}"' in page
    assert "Submit to Directory moderation" in page


def test_a_submitted_translation_is_public_only_once_approved(welsh_draft, editor, client):
    """Submitting puts the Welsh text in front of the editors and nowhere else; approval publishes it.

    If this fails, a Welsh translation never reaches the editors, or goes live unchecked.
    """
    response = signed_in(Client(), editor).post(submit_url(welsh_draft))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[welsh_draft.pk])
    welsh_draft.refresh_from_db()
    state = welsh_draft.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.workflow.name == "Directory moderation"
    assert WELSH_SUMMARY in state.current_task_state.revision.as_object().summary
    public = f"/cy/directory/{welsh_draft.slug}/"
    assert WELSH_SUMMARY not in client.get(public).content.decode()

    approve(welsh_draft, editor)
    assert WELSH_SUMMARY in client.get(public).content.decode()


def test_submitting_again_shows_the_editors_the_newest_translation(welsh_draft, editor, welsh):
    """A translator who corrects a string after submitting resubmits: the review is of the new text.

    If this fails, editors approve (and publish) the version the translator has already corrected.
    """
    from wagtail_localize.models import StringTranslation

    client = signed_in(Client(), editor)
    client.post(submit_url(welsh_draft))
    StringTranslation.objects.filter(data=WELSH_SUMMARY).update(data="Mae gofalwyr yn helpu ei gilydd.")
    client.post(submit_url(welsh_draft))
    welsh_draft.refresh_from_db()
    revision = welsh_draft.current_workflow_state.current_task_state.revision
    assert revision.as_object().summary == "Mae gofalwyr yn helpu ei gilydd."
    assert WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS).count() == 1


def test_only_someone_who_may_edit_the_page_can_submit_it(welsh_draft, django_user_model):
    """A department editor (who may translate but not edit the directory) is refused, nothing changes.

    If this fails, anyone in the admin could start reviews of pages they cannot edit.
    """
    outsider = django_user_model.objects.create_user("outsider", "outsider@example.gov", "pw")
    outsider.groups.add(Group.objects.get(name=DEPARTMENT_EDITORS_GROUP))
    response = signed_in(Client(), outsider).post(submit_url(welsh_draft))
    assert response.status_code == 302 and response["Location"] == "/admin/"  # Wagtail's "no permission"
    welsh_draft.refresh_from_db()
    assert welsh_draft.current_workflow_state is None


def test_only_a_translation_can_be_submitted_and_only_by_a_form(site_tree, editor):
    """A page that no translation writes is not found here, and a link (GET) changes nothing.

    If this fails, the address answers with an error page (500) or acts on a link.
    """
    forum = ForumPageFactory(parent=site_tree["directory"])
    client = signed_in(Client(), editor)
    assert client.post(submit_url(forum)).status_code == 404
    assert client.get(submit_url(forum)).status_code == 405


def test_pages_without_a_workflow_have_no_submit_button(site_tree, welsh, admin_user):
    """A page under no workflow is published by its editors directly: no workflow button to offer.

    If this fails, the button starts a review nobody is asked to do (or fails).
    """
    ensure_welsh_tree()
    WorkflowPage.objects.filter(page__depth=1).delete()  # Wagtail's own default, on the root page
    department = DepartmentPageFactory(parent=site_tree["departments"], remit="Schools and childcare.")
    department.save_revision().publish()
    welsh_department = start_translation(department, welsh, admin_user, {})
    client = signed_in(Client(), admin_user)
    page = client.get(reverse("wagtailadmin_pages:edit", args=[welsh_department.pk])).content.decode()
    assert "js-translation-editor" in page and submit_url(welsh_department) not in page
    assert client.post(submit_url(welsh_department))["Location"] == "/admin/"  # Wagtail's "no permission"
    assert not WorkflowState.objects.exists()


def test_a_translation_that_cannot_be_saved_is_explained_not_submitted(welsh_draft, editor, welsh):
    """A Welsh web address that is not one keeps the translator in the editor, told why.

    If this fails, the translator gets an error page (500), or a review starts on a draft that does not exist.
    """
    import json

    from wagtail_localize.models import OverridableSegment, SegmentOverride, TranslationSource

    english = welsh_draft.get_translation(Locale.get_default())
    source = TranslationSource.objects.get_for_instance(english)
    website = OverridableSegment.objects.get(source=source, context__path="website")
    SegmentOverride.objects.create(locale=welsh, context=website.context, data_json=json.dumps("not a web address"))
    response = signed_in(Client(), editor).post(submit_url(welsh_draft), follow=True)
    assert response.status_code == 200
    assert "The translation could not be saved: Enter a valid URL." in response.content.decode()
    welsh_draft.refresh_from_db()
    assert welsh_draft.current_workflow_state is None
