"""The admin's password reset form is limited per address and per account (core/password_reset.py)."""

import re

import pytest
from django.core import mail
from django.test import Client
from django_ratelimit.core import _split_rate

pytestmark = pytest.mark.django_db

RESET = "/admin/password_reset/"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(
        username="editor", email="editor@example.gov", password="a-long-password", is_staff=True
    )


def limit(settings, name):
    return _split_rate(getattr(settings, name))[0]


def ask(client, email):
    return client.post(RESET, {"email": email})


def without_tokens(response):
    """The page without its CSRF tokens (new on every page by design) and the minutes to wait
    (each limit's hour starts at a moment of its own, so two addresses' waits differ anyway)."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    page = re.sub(r'"CSRF_TOKEN": "[^"]*"', "", page)
    return re.sub(r"in \d+ minutes?", "in N minutes", page)


def test_six_resets_in_a_row_send_at_most_the_limit_of_emails(editor, settings):
    """Six requests for one account from one address: the limit's worth of emails, then a kind refusal.

    If this fails, anyone who knows an editor's address can fill their inbox with reset emails
    (and bury a real one among them).
    """
    client = Client(REMOTE_ADDR="203.0.113.5")
    responses = [ask(client, "editor@example.gov") for _ in range(6)]
    allowed = limit(settings, "PASSWORD_RESET_ACCOUNT_RATE_LIMIT")
    assert len(mail.outbox) == allowed < 6
    assert [response.status_code for response in responses] == [302] * allowed + [429] * (6 - allowed)
    refusal = responses[-1]
    assert "already on its way" in refusal.content.decode()
    assert int(refusal["Retry-After"]) > 0


def test_the_account_limit_holds_across_addresses_and_however_the_address_is_typed(editor, settings):
    """Asking from many addresses, or with the email in capitals and spaces, is still one account.

    If this fails, a flooder with a few addresses (or a shift key) multiplies the emails.
    """
    for number, email in enumerate(["editor@example.gov", " EDITOR@example.gov", "Editor@Example.gov "] * 2):
        ask(Client(REMOTE_ADDR=f"198.51.100.{number + 1}"), email)
    assert len(mail.outbox) == limit(settings, "PASSWORD_RESET_ACCOUNT_RATE_LIMIT")


def test_one_address_asking_about_many_accounts_is_limited(django_user_model, settings):
    """One address asking for resets of many accounts is stopped at the address limit.

    If this fails, one client can send a reset email to every editor, over and over.
    """
    for number in range(8):
        django_user_model.objects.create_user(
            username=f"editor{number}", email=f"editor{number}@example.gov", password="a-long-password"
        )
    client = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [ask(client, f"editor{number}@example.gov").status_code for number in range(8)]
    allowed = limit(settings, "PASSWORD_RESET_ADDRESS_RATE_LIMIT")
    assert len(mail.outbox) == allowed < 8
    assert statuses.count(429) == 8 - allowed


def test_the_answers_do_not_say_whether_an_account_exists(editor):
    """The same answers, request after request, for an editor's address and for one nobody has.

    If this fails, the limit itself tells an outsider which addresses belong to editors.
    """

    def answers(email, address):
        client = Client(REMOTE_ADDR=address)
        return [
            (response.status_code, response.get("Location"), without_tokens(response).replace(email, "EMAIL"))
            for response in (ask(client, email) for _ in range(5))
        ]

    assert answers("editor@example.gov", "203.0.113.20") == answers("nobody@example.gov", "203.0.113.21")
