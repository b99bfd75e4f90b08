"""Background tasks that keep the directory true; schedule them daily (cron or a task scheduler).

Each wraps the same function the management command calls, so ``enqueue()`` from a scheduler and
``manage.py send_review_reminders`` / ``manage.py check_links`` do the same thing.
"""

from django_tasks import task

from directory import linkcheck, reviews, verification


@task()
def send_review_reminders():
    """Remind operators whose entries are due or overdue, then mark long-overdue entries inactive."""
    run = reviews.send_review_reminders()
    marked = reviews.mark_overdue_inactive()
    return {"sent": len(run.sent), "without_contact": len(run.without_contact), "marked_inactive": len(marked)}


@task()
def check_links():
    """Check every live community's web address, record the results and prune old ones; and that each
    verified operator's token is still on their website."""
    run = linkcheck.check_forum_links()
    pruned = linkcheck.prune_link_checks()
    verified = verification.recheck_verified()
    still = sum(1 for check in verified.values() if check.found)
    return {"checked": len(run.forums), "failing": len(run.failing), "pruned": pruned, "verified": still}
