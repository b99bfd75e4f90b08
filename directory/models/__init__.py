"""The directory's data: pages, vocabularies, moderation records and upkeep records."""

from .alerts import AlertSubscription
from .choices import (
    Activity,
    Cost,
    DepartmentKind,
    EngagementMode,
    EngagementPreference,
    EngagementStatus,
    FigureSource,
    ForumStatus,
    JoinMethod,
    LinkStatus,
    OperatorKind,
    PlanStatus,
    Registration,
)
from .departments import DepartmentIndexPage, DepartmentPage, DepartmentPageTag, Engagement
from .forums import ForumIndexPage, ForumPage, ForumPageTag, normalise_website
from .moderation import EditSuggestion, Nomination, OutboundEmail, ProblemReport, SpentFormToken
from .pages import NominationPage, ProgressPage
from .redactions import RevisionRedaction
from .search import SearchSynonyms
from .taxonomy import Audience, CommunityType, Region, TopicName, topic_label, with_welsh_names
from .upkeep import LinkCheck, PublicContentChange, ReviewReminder
from .workflow import DecisionAlreadyTaken, DirectoryModerationTask, RequestChangesForm

__all__ = [
    "Activity",
    "Cost",
    "JoinMethod",
    "Registration",
    "AlertSubscription",
    "Audience",
    "CommunityType",
    "DecisionAlreadyTaken",
    "DepartmentIndexPage",
    "DepartmentKind",
    "DepartmentPage",
    "DepartmentPageTag",
    "DirectoryModerationTask",
    "EditSuggestion",
    "Engagement",
    "EngagementMode",
    "EngagementPreference",
    "EngagementStatus",
    "FigureSource",
    "ForumIndexPage",
    "ForumPage",
    "ForumPageTag",
    "ForumStatus",
    "LinkCheck",
    "LinkStatus",
    "Nomination",
    "NominationPage",
    "OperatorKind",
    "OutboundEmail",
    "PlanStatus",
    "ProblemReport",
    "PublicContentChange",
    "ProgressPage",
    "Region",
    "RequestChangesForm",
    "ReviewReminder",
    "RevisionRedaction",
    "SearchSynonyms",
    "SpentFormToken",
    "TopicName",
    "normalise_website",
    "topic_label",
    "with_welsh_names",
]
