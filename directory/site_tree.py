"""Puts the directory's section pages under the home page and wires up moderation.

``ensure_directory_tree(home)`` creates the Directory, Departments, Nominate and Progress pages
when missing, attaches the "Directory moderation" workflow to the directory, and gives the
editor groups their page permissions. Safe to run any number of times.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import GroupPagePermission, Workflow, WorkflowPage

from directory.models import DepartmentIndexPage, ForumIndexPage, NominationPage, ProgressPage

EDITORS_GROUP = "Directory editors"
DEPARTMENT_EDITORS_GROUP = "Department editors"
MODERATION_WORKFLOW = "Directory moderation"

SECTIONS = [
    (
        ForumIndexPage,
        "directory",
        lambda: _("Directory of online communities"),
        lambda: _("<p>Search and filter online communities where people help each other.</p>"),
    ),
    (
        DepartmentIndexPage,
        "departments",
        lambda: _("Departments and public bodies"),
        lambda: _("<p>Public bodies, their engagement plans and the communities they take part in.</p>"),
    ),
    (
        NominationPage,
        "nominate",
        lambda: _("Nominate a community"),
        lambda: _(
            "<p>Run or moderate an online community where people help each other? Put it forward "
            "for the directory. An editor checks every nomination before it is published.</p>"
        ),
    ),
    (
        ProgressPage,
        "progress",
        lambda: _("Progress across government"),
        lambda: _("<p>How each public body is doing with its engagement plan, and where nobody is listening yet.</p>"),
    ),
]


def section_page(home, model):
    """The home page's child of the given section type, or None."""
    return model.objects.child_of(home).first()


@transaction.atomic
def ensure_directory_tree(home):
    """Create the missing section pages under ``home`` and return them keyed by slug."""
    sections = {}
    for model, slug, title, intro in SECTIONS:
        page = section_page(home, model)
        if page is None:
            page = model(title=title(), slug=slug, intro=intro(), locale_id=home.locale_id)
            home.add_child(instance=page)
            page.save_revision().publish()
        sections[slug] = page
    attach_moderation(sections["directory"], sections["departments"])
    return sections


def attach_moderation(directory, departments):
    """Send every change under the directory through the editors' workflow; grant page permissions."""
    workflow = Workflow.objects.filter(name=MODERATION_WORKFLOW).first()
    if workflow is not None:
        WorkflowPage.objects.get_or_create(page=directory, defaults={"workflow": workflow})
    grants = [
        (EDITORS_GROUP, directory, ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]),
        (DEPARTMENT_EDITORS_GROUP, departments, ["add_page", "change_page", "publish_page"]),
    ]
    for group_name, page, codenames in grants:
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for permission in Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames):
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
