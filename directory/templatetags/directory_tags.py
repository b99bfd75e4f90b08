"""Template tags for the directory's public pages; each area adds its own tags here.

Upkeep: ``{% status_notice page %}`` says why a community is inactive, closed or delisted, and
``{% verification_notice page %}`` says "not verified since …" when its review is overdue.
"""

from django import template

from directory import reviews
from directory.models import ForumStatus

register = template.Library()


@register.inclusion_tag("directory/includes/status_notice.html")
def status_notice(forum):
    """A notice for a community that is not active, with the editor's reason; nothing when active."""
    status = getattr(forum, "status", ForumStatus.ACTIVE)
    return {
        "status": status,
        "status_label": ForumStatus(status).label,
        "reason": getattr(forum, "status_reason", ""),
        "show": status != ForumStatus.ACTIVE,
    }


@register.inclusion_tag("directory/includes/verification_notice.html", takes_context=True)
def verification_notice(context, forum):
    """ "Not verified since …" when the community's review is overdue; nothing otherwise."""
    if getattr(forum, "status", None) not in (ForumStatus.ACTIVE, ForumStatus.INACTIVE):
        return {"show": False, "since": None}
    overdue = reviews.is_overdue(forum, interval_months=reviews.review_interval_months(context.get("request")))
    return {"show": overdue, "since": reviews.review_cycle_start(forum) if overdue else None}
