"""Who may see and act on the moderation records: active superusers and "Directory editors"."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from directory.models import EditSuggestion, Nomination, OutboundEmail, ProblemReport
from directory.site_tree import EDITORS_GROUP

MODERATE = "moderate"


def is_directory_editor(user):
    """Active superusers and members of "Directory editors" (checked once per request)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_is_directory_editor"):
        user._is_directory_editor = user.groups.filter(name=EDITORS_GROUP).exists()
    return user._is_directory_editor


class DirectoryEditorsPolicy(BasePermissionPolicy):
    """Editors may view the moderation records and act on them; nobody adds or edits them by hand."""

    allowed_actions = {"view", MODERATE}

    def user_has_permission(self, user, action):
        return action in self.allowed_actions and is_directory_editor(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if not self.allowed_actions.intersection(actions):
            return users.none()
        return users.filter(Q(is_superuser=True) | Q(groups__name=EDITORS_GROUP)).distinct()


for model in (Nomination, EditSuggestion, ProblemReport, OutboundEmail):
    register_permission_policy(model, DirectoryEditorsPolicy(model))
