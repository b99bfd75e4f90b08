"""The fixed choices of the domain, shared by models, forms, filters and open data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EngagementPreference(models.TextChoices):
    WELCOMES = "welcomes", _("Welcomes public servants")
    BY_ARRANGEMENT = "by_arrangement", _("By arrangement with the moderators")
    DOES_NOT_WELCOME = "does_not_welcome", _("Does not welcome public servants")


class EngagementMode(models.TextChoices):
    EXPERT_ANSWERS = "expert_answers", _("Expert answers in discussions")
    HOSTED_QA = "hosted_qa", _("Hosted question-and-answer sessions")
    MODERATOR_REFERRAL = "moderator_referral", _("Moderators refer people to a service")
    OFFICIAL_POSTS = "official_posts", _("Official information posts")


class ForumStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    CLOSED = "closed", _("Closed")
    DELISTED = "delisted", _("Delisted")


class OperatorKind(models.TextChoices):
    COMPANY = "company", _("Company")
    CHARITY = "charity", _("Charity or voluntary organisation")
    VOLUNTEERS = "volunteers", _("Volunteer group")
    PUBLIC_BODY = "public_body", _("Public body")
    INDIVIDUAL = "individual", _("Individual")
    OTHER = "other", _("Other")


class FigureSource(models.TextChoices):
    SELF_REPORTED = "self_reported", _("Self-reported by the operator")
    PUBLISHED = "published", _("Published figures")
    EDITOR_ESTIMATE = "editor_estimate", _("Editor's estimate")


class LinkStatus(models.TextChoices):
    UNCHECKED = "unchecked", _("Not checked yet")
    OK = "ok", _("Working")
    REDIRECTED = "redirected", _("Redirects")
    BROKEN = "broken", _("Broken")


class DepartmentKind(models.TextChoices):
    MINISTERIAL = "ministerial", _("Ministerial department")
    NON_MINISTERIAL = "non_ministerial", _("Non-ministerial department")
    AGENCY = "agency", _("Executive agency")
    PUBLIC_BODY = "public_body", _("Arm's-length public body")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    NHS = "nhs", _("NHS body")
    DEVOLVED = "devolved", _("Devolved government")
    OTHER = "other", _("Other public body")


class PlanStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("In draft")
    PUBLISHED = "published", _("Published")
    UNDER_REVIEW = "under_review", _("Under review")


class EngagementStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


# What people ask before joining a community (ForumPage's "Before you join" fields)


class Cost(models.TextChoices):
    FREE = "free", _("Free")
    FREE_WITH_PAID_OPTIONS = "free_with_paid_options", _("Free, with paid options")
    PAID = "paid", _("Paid membership")


class Registration(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Anyone can read and post without registering")
    TO_POST = "to_post", _("Anyone can read; register to post")
    TO_READ = "to_read", _("Register to read and to post")


class Activity(models.TextChoices):
    """Posts a month, in bands: a band stays true far longer than an exact count."""

    UNDER_10 = "under_10", _("Fewer than 10 posts a month")
    FROM_10 = "10_to_100", _("10 to 100 posts a month")
    FROM_100 = "100_to_1000", _("100 to 1,000 posts a month")
    OVER_1000 = "over_1000", _("More than 1,000 posts a month")


class JoinMethod(models.TextChoices):
    SIGN_UP = "sign_up", _("Sign up on its website")
    APPROVAL = "approval", _("Ask to join: the moderators approve each new member")
    CONTACT_FIRST = "contact_first", _("Contact them first")
