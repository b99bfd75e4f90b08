"""Shared steps for the nomination tests: filling the form over HTTP, editors, workflow actions.

The fixtures (``editor``, ``fresh_rate_limits``) are in ``directory/tests/conftest.py``.
"""

import smtplib
import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.mail.backends.base import BaseEmailBackend
from django_tasks.backends.immediate import ImmediateBackend

from directory.journeys.spam_guard import signed_start_time
from directory.models import ForumPage, Nomination

STEP_PATHS = {"community": "/nominate/", "suitability": "/nominate/suitability/", "operator": "/nominate/operator/"}


def started_long_ago():
    """A signed start token a minute in the past: a person who took their time. Each is good for one submission."""
    return signed_start_time(time.time() - 60)


def as_sent_again(data):
    """``data`` with a start token of its own, as each new visit to a form gets (tokens are single-use)."""
    return {**data, "started": started_long_ago()}


def nomination_answers(**overrides):
    """Answers for the three steps, as a person would type them; override any field by name."""
    answers = {
        "community": {
            "title": "Parents Together",
            "website": "https://parents-together.example.org/",
            "summary": "Parents of young children help each other.",
            "description": "A friendly forum.",
            "topics": "parenting, sleep",
            "languages": "English",
            "started": started_long_ago(),
            "nickname": "",
        },
        "suitability": {
            "is_moderated": "yes",
            "house_rules_url": "https://parents-together.example.org/rules",
            "members": "12,000",
            "monthly_visitors": "",
            "posts": "",
            "volunteer_moderators": "8",
            "engagement_preference": "welcomes",
            "welcomed_modes": ["expert_answers", "hosted_qa"],
            "cost": "",
            "registration": "",
            "how_to_join": "",
            "contact_route": "",
            "minimum_age": "",
            "activity": "",
            "started": started_long_ago(),
            "nickname": "",
        },
        "operator": {
            "connection": "runs_it",
            "operator_name": "Parents Together CIC",
            "operator_kind": "charity",
            "contact_name": "Pat Private",
            "contact_email": "pat.private@example.net",
            "message": "",
            "confirm": "on",
            "started": started_long_ago(),
            "nickname": "",
        },
    }
    for name, value in overrides.items():
        for step in answers.values():
            if name in step:
                step[name] = value
    return answers


def post_steps(client, answers, prefix=""):
    """Post the three steps; returns the last response (a redirect to check your answers if all went well)."""
    response = None
    for step, path in STEP_PATHS.items():
        response = client.post(prefix + path, answers[step])
        if response.status_code != 302:
            return response
    return response


def nominate(client, django_capture_on_commit_callbacks, prefix="", **overrides):
    """Fill in every step and submit; returns the final response. Emails are sent (on commit)."""
    response = post_steps(client, nomination_answers(**overrides), prefix=prefix)
    if response.status_code != 302:
        return response
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(prefix + "/nominate/check/", {"nickname": ""})


def pending_forum(title="Parents Together"):
    return ForumPage.objects.get(title=title)


def workflow_action(client, forum, action, comment=""):
    """An editor presses a workflow button in the admin, as the real admin endpoint receives it."""
    task_state = forum.current_workflow_task_state
    url = f"/admin/pages/workflow/action/{forum.pk}/{action}/{task_state.pk}/"
    return client.post(url, {"comment": comment} if comment or action == "reject" else {})


def operator_token_from_email(outbox):
    """The token in the private link of the newest email that has one."""
    for message in reversed(outbox):
        for line in message.body.splitlines():
            if "/listing/" in line:
                return line.strip().rstrip("/").split("/listing/")[1]
    raise AssertionError("no private link in the emails sent")


def nomination_for(title="Parents Together"):
    return Nomination.objects.get(forum__title=title)


class BrokenEmailBackend(BaseEmailBackend):
    """A mail server that is down: every send fails as SMTP would."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class QueueRefusingFirstTaskBackend(ImmediateBackend):
    """A task queue that refuses the first email it is given (as a database queue briefly down would)."""

    refused = 0

    def enqueue(self, task, args, kwargs):
        if task.name == "send_outbound_email" and not QueueRefusingFirstTaskBackend.refused:
            QueueRefusingFirstTaskBackend.refused += 1
            raise ConnectionError("task queue unavailable")
        return super().enqueue(task, args, kwargs)


class RefusingLoginEmailBackend(BaseEmailBackend):
    """A mail server that refuses our login: opening the connection fails."""

    def open(self):
        raise smtplib.SMTPAuthenticationError(535, b"Authentication failed")

    def send_messages(self, email_messages):
        self.open()


def signed_in(client, user):
    """The client with the session signing in leaves, without the sign-in signals.

    ``Client.force_login`` sends ``user_logged_in`` with a request that has no address, which
    django-axes cannot record on PostgreSQL; signing in itself is tested with the admin.
    """
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def approve(forum, user):
    """An editor approves the entry's current review (the same call the admin's button makes)."""
    task_state = forum.current_workflow_task_state
    task_state.task.specific.on_action(task_state, user, "approve")


def request_changes(forum, user, comment):
    task_state = forum.current_workflow_task_state
    task_state.task.specific.on_action(task_state, user, "reject", comment=comment)


def sample_details(**overrides):
    """Public details in the ``directory.forum_details`` shape, as a form would produce them."""
    details = {
        "title": "Carers Corner",
        "website": "https://carers-corner.example.org",
        "summary": "Carers support each other.",
        "description": "",
        "languages": "English",
        "operator_name": "Carers Corner Ltd",
        "operator_kind": "company",
        "house_rules_url": "",
        "engagement_preference": "welcomes",
        "members": 500,
        "monthly_visitors": None,
        "posts": None,
        "volunteer_moderators": 3,
        "is_moderated": True,
        "community_type": None,
        "topics": ["caring"],
        "audiences": [],
        "regions": [],
        "welcomed_modes": ["expert_answers"],
    }
    details.update(overrides)
    return details


SAMPLE_CONTACT = {"contact_name": "Casey Carer", "contact_email": "casey@private.example", "message": ""}


def redis_available():
    """Whether the Redis server the rate-limit tests share is running on 127.0.0.1:6379."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def unlisted_entries(directory_index):
    """Entries nobody may see, by kind, each with a web address someone might type: a draft never
    published, a delisted entry and a password-protected one (their titles must never be shown)."""
    from wagtail.models import PageViewRestriction

    from directory.models import ForumStatus
    from directory.tests.factories import ForumPageFactory

    draft = ForumPageFactory(
        parent=directory_index, title="Hidden Draft Title", website="https://hidden-draft.example.org", live=False
    )
    delisted = ForumPageFactory(
        parent=directory_index,
        title="Hidden Delisted Title",
        website="https://hidden-delisted.example.org",
        status=ForumStatus.DELISTED,
        status_reason="Closed.",
    )
    restricted = ForumPageFactory(
        parent=directory_index, title="Hidden Restricted Title", website="https://hidden-restricted.example.org"
    )
    PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="x")
    return {"draft": draft, "delisted": delisted, "restricted": restricted}
