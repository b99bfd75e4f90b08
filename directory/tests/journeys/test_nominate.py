"""The nomination journey over HTTP, as an operator and an editor live it.

Nominate through the steps → the entry is nowhere public → an editor approves it in the admin →
it is public everywhere and the operator is emailed. Also: request changes and resubmit,
duplicates and claims, spam and flood protection, and what the forms do with bad input.
"""

import re
import time

import pytest
from django.core import mail, signing
from django.utils import timezone
from wagtail.models import WorkflowState

from directory.journeys.spam_guard import START_SALT, signed_start_time
from directory.models import EditSuggestion, ForumPage, Nomination, OutboundEmail, ProblemReport
from directory.nominations import approve_claim, submit_nomination
from directory.tests.factories import ForumPageFactory
from directory.tests.nomination_helpers import (
    SAMPLE_CONTACT,
    as_sent_again,
    nominate,
    nomination_answers,
    nomination_for,
    operator_token_from_email,
    pending_forum,
    post_steps,
    redis_available,
    sample_details,
    started_long_ago,
    unlisted_entries,
    workflow_action,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

TITLE = "Parents Together"


def public_surfaces(client):
    """Every public place a community could show up, with the text each one returns."""
    surfaces = {
        "directory": client.get("/directory/"),
        "search": client.get("/search/", {"q": "Parents"}),
        "sitemap": client.get("/sitemap.xml"),
        "api": client.get("/api/v2/pages/", {"type": "directory.ForumPage", "fields": "website"}),
        "feed": client.get("/feeds/latest.atom"),
        "export": client.get("/directory/export.json"),
        "openreferral": client.get("/openreferral/services"),
    }
    for name, response in surfaces.items():
        assert response.status_code == 200, f"{name} answered {response.status_code}"
    return {name: response_text(response) for name, response in surfaces.items()}


def response_text(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode()


def test_the_whole_journey_nominate_hidden_approve_public_emailed(
    client, site_tree, editor, django_capture_on_commit_callbacks
):
    """An operator nominates; nothing is public until an editor approves; then it is public and they are told.

    If this fails, either unmoderated content leaks onto the site, or approved communities never appear,
    or operators never hear back.
    """
    response = nominate(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"].endswith("/nominate/thanks/")
    nomination = nomination_for(TITLE)
    thanks = client.get(response["Location"])
    assert nomination.reference in thanks.content.decode()

    forum = pending_forum()
    assert not forum.live
    assert forum.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert nomination.status == Nomination.Status.PENDING
    assert forum.contact_email == "pat.private@example.net"
    assert forum.members == 12000 and forum.welcomes_expert_answers and not forum.welcomes_official_posts
    assert sorted(tag.name for tag in forum.topics.all()) == ["parenting", "sleep"]

    [receipt] = [message for message in mail.outbox if message.to == ["pat.private@example.net"]]
    assert nomination.reference in receipt.body
    token = operator_token_from_email(mail.outbox)
    assert client.get(f"/listing/{token}/").status_code == 200

    anonymous = client.__class__()
    assert anonymous.get("/directory/parents-together/").status_code == 404
    for name, text in public_surfaces(anonymous).items():
        assert TITLE not in text and "parents-together" not in text, f"draft visible in {name}"

    client.force_login(editor)
    dashboard = client.get("/admin/")
    assert TITLE in dashboard.content.decode(), "the editor's dashboard lists the nomination awaiting review"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow_action(client, forum, "approve")

    forum.refresh_from_db()
    assert forum.live
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.APPROVED
    assert anonymous.get("/directory/parents-together/").status_code == 200
    surfaces = public_surfaces(anonymous)
    for name in ("directory", "search", "sitemap", "api", "export"):
        assert TITLE in surfaces[name] or "parents-together" in surfaces[name], f"approved entry missing in {name}"
    approved_emails = [message for message in mail.outbox if message.to == ["pat.private@example.net"]]
    assert approved_emails and "approved" in approved_emails[-1].body
    assert "http://testserver/directory/parents-together/" in approved_emails[-1].body
    for text in surfaces.values():
        assert "pat.private@example.net" not in text and "Pat Private" not in text


def test_request_changes_reaches_the_operator_who_corrects_and_resubmits(
    client, site_tree, editor, django_capture_on_commit_callbacks
):
    """The editor's comment reaches the operator; their correction goes back to the editor, then goes live.

    If this fails, a nomination with a small mistake is stuck forever.
    """
    nominate(client, django_capture_on_commit_callbacks)
    token = operator_token_from_email(mail.outbox)
    forum = pending_forum()
    editor_client = client.__class__()
    editor_client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow_action(editor_client, forum, "reject", comment="Please add your house rules link with https.")

    nomination = nomination_for(TITLE)
    assert nomination.status == Nomination.Status.CHANGES_REQUESTED
    assert nomination.editor_comment == "Please add your house rules link with https."
    assert "Please add your house rules link with https." in mail.outbox[-1].body
    listing = client.get(f"/listing/{token}/")
    assert "Please add your house rules link with https." in listing.content.decode()

    update_page = client.get(f"/listing/{token}/update/")
    assert update_page.status_code == 200 and "Parents Together" in update_page.content.decode()
    answers = nomination_answers(summary="Parents of babies and toddlers help each other.")
    data = {**answers["community"], **answers["suitability"], **answers["operator"]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/listing/{token}/update/", data)
    assert response.status_code == 302

    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.PENDING
    forum.refresh_from_db()
    assert forum.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert not forum.live
    with django_capture_on_commit_callbacks(execute=True):
        workflow_action(editor_client, forum, "approve")
    forum.refresh_from_db()
    assert forum.live and forum.summary == "Parents of babies and toddlers help each other."


def test_an_update_to_a_live_entry_waits_for_the_editor(client, site_tree, editor, django_capture_on_commit_callbacks):
    """Operator corrections never change the live entry until an editor approves them.

    If this fails, anyone holding a private link could publish anything.
    """
    nominate(client, django_capture_on_commit_callbacks)
    token = operator_token_from_email(mail.outbox)
    forum = pending_forum()
    editor_client = client.__class__()
    editor_client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow_action(editor_client, forum, "approve")
    answers = nomination_answers(summary="Now completely different.")
    data = {**answers["community"], **answers["suitability"], **answers["operator"]}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/listing/{token}/update/", data)
    live = client.__class__().get("/directory/parents-together/")
    assert "Now completely different." not in live.content.decode()
    forum.refresh_from_db()
    assert forum.summary == "Parents of young children help each other."
    assert forum.has_unpublished_changes and forum.current_workflow_state is not None


def test_typed_answers_are_kept_and_errors_shown_in_a_summary_and_beside_fields(client, site_tree):
    """Bad input gets a GOV.UK error summary and inline errors, and what the person typed stays.

    If this fails, people lose their answers or cannot see what to fix.
    """
    answers = nomination_answers(title="<b>Shouty</b> forum", website="ftp://files.example.org")
    response = client.post("/nominate/", answers["community"])
    text = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in text
    assert "Use plain text only" in text and "govuk-error-message" in text
    assert "http:// or https://" in text or "Enter a valid URL" in text
    assert "Parents of young children help each other." in text, "the summary typed is kept"
    assert ForumPage.objects.count() == 0


def test_missing_confirmation_is_an_error_not_a_nomination(client, site_tree, django_capture_on_commit_callbacks):
    """The person must confirm they run or moderate the community.

    If this fails, anyone could list any community in someone else's name.
    """
    response = nominate(client, django_capture_on_commit_callbacks, confirm="")
    assert response.status_code == 200
    assert "Confirm that you run or moderate this community" in response.content.decode()
    assert Nomination.objects.count() == 0


def test_check_answers_lists_what_was_typed_with_change_links(client, site_tree):
    """Check your answers shows each answer and a link back to its step, and submitting is the only store.

    If this fails, people cannot review their nomination before sending it.
    """
    post_steps(client, nomination_answers())
    response = client.get("/nominate/check/")
    text = response.content.decode()
    assert "Parents Together CIC" in text and "pat.private@example.net" in text
    assert "/nominate/suitability/?change=1" in text
    assert Nomination.objects.count() == 0 and ForumPage.objects.count() == 0
    changed = client.post("/nominate/suitability/?change=1", nomination_answers(members="500")["suitability"])
    assert changed["Location"].endswith("/nominate/check/")


def test_steps_cannot_be_skipped(client, site_tree):
    """Going straight to a later step sends the person back to the first unanswered one.

    If this fails, half-filled nominations could be submitted.
    """
    response = client.get("/nominate/check/")
    assert response.status_code == 302 and response["Location"].endswith("/nominate/")


def test_pages_showing_typed_answers_are_private(client, site_tree):
    """Form steps with personal details are not cached or indexed.

    If this fails, a shared cache could show one person's answers to another.
    """
    response = client.get("/nominate/")
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]


def test_a_listed_address_is_not_nominated_twice_and_a_claim_is_offered(
    client, site_tree, directory_index, django_capture_on_commit_callbacks
):
    """A nomination of a listed community's address (written differently) tells the person and offers a claim.

    If this fails, the directory fills with duplicates.
    """
    existing = ForumPageFactory(parent=directory_index, title="Parents Together", website="https://parents.example.org")
    answers = nomination_answers(website="HTTP://WWW.Parents.Example.org/")
    response = client.post("/nominate/", answers["community"])
    text = response.content.decode()
    assert "already in the directory" in text
    assert f"/nominate/claim/{existing.pk}/" in text and f"{existing.url}suggest/" in text
    assert ForumPage.objects.count() == 1

    claim = {
        "contact_name": "Real Owner",
        "contact_email": "owner@parents.example.org",
        "message": "I am the site administrator; see the About page.",
        "confirm": "on",
        "started": started_long_ago(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/nominate/claim/{existing.pk}/", claim)
    assert response.status_code == 302
    stored = Nomination.objects.get(kind=Nomination.Kind.CLAIM)
    assert stored.forum_id == existing.pk and stored.status == Nomination.Status.PENDING
    assert stored.reference in client.get("/nominate/thanks/").content.decode()
    assert "/listing/" not in mail.outbox[-1].body, "no private link before an editor approves the claim"


def test_a_pending_nomination_blocks_a_second_one(client, site_tree, django_capture_on_commit_callbacks):
    """A second nomination of an address waiting for review is told it is already nominated.

    If this fails, editors review the same community twice.
    """
    nominate(client, django_capture_on_commit_callbacks)
    second = client.__class__()
    response = second.post("/nominate/", nomination_answers()["community"])
    text = response.content.decode()
    assert "An entry with this web address already exists." in text and "Parents Together" not in text
    assert ForumPage.objects.count() == 1 and Nomination.objects.count() == 1


def test_honeypot_refuses_and_stores_nothing(client, site_tree, django_capture_on_commit_callbacks):
    """A robot that fills the hidden field is refused kindly and leaves nothing in the database.

    If this fails, spam fills the editors' queue (or the sessions table).
    """
    from django.contrib.sessions.models import Session

    response = nominate(client, django_capture_on_commit_callbacks, nickname="http://spam.example")
    assert response.status_code == 400
    assert "could not accept" in response.content.decode()
    assert Nomination.objects.count() == 0 and ForumPage.objects.count() == 0
    assert OutboundEmail.objects.count() == 0 and Session.objects.count() == 0


SEND_AGAIN = "Your answers have not been sent yet. Check them and send the form again."


def hidden_start_token(response):
    """The ``started`` token in the form a response shows."""
    return re.search(r'name="started" value="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture
def listed_forum(directory_index):
    page = ForumPageFactory(parent=directory_index, title="Money Talk", website="https://money.example.org")
    page.save_revision().publish()
    return ForumPage.objects.get(pk=page.pk)


def public_forms(client, forum):
    """Each timed public form: (address, answers as typed, whether it kept them, a typed answer to find)."""
    form = client.get(f"{forum.url}suggest/").context["form"]
    suggestion = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "", [])}
    suggestion.update(summary="Money and debt help.", reason="Their about page says so.", nickname="")
    claim = {"contact_name": "Real Owner", "contact_email": "owner@example.org", "message": "Mine.", "confirm": "on"}
    nomination = nomination_answers()["community"]
    report = {"kind": "broken_link", "details": "Gone missing."}
    return {
        "nomination": (
            "/nominate/",
            nomination,
            lambda: "directory_nomination" in client.session,
            nomination["summary"],
        ),
        "claim": (f"/nominate/claim/{forum.pk}/", claim, Nomination.objects.filter(kind="claim").exists, "Real Owner"),
        "suggestion": (f"{forum.url}suggest/", suggestion, EditSuggestion.objects.exists, "Money and debt help."),
        "report": (f"{forum.url}report/", report, ProblemReport.objects.exists, "Gone missing."),
    }


def forget_submissions(client):
    """Nothing kept any more, so that a second submission that is kept shows."""
    for model in (Nomination, EditSuggestion, ProblemReport):
        model.objects.all().delete()
    client.session.flush()


@pytest.mark.parametrize("surface", ["nomination", "claim", "suggestion", "report"])
def test_a_start_token_is_good_for_one_submission_only(client, site_tree, listed_forum, surface):
    """Posting a form again with a token already used stores nothing and shows the form again, as typed,
    asking to send it again (with a fresh token that then works).

    If this fails, a robot fetches one form and posts it thousands of times.
    """
    path, answers, stored, typed = public_forms(client, listed_forum)[surface]
    token = started_long_ago()
    first = client.post(path, {**answers, "started": token})
    assert SEND_AGAIN not in first.content.decode() and stored()
    forget_submissions(client)

    again = client.post(path, {**answers, "started": token})
    text = again.content.decode()
    assert again.status_code == 200 and "govuk-error-summary" in text and SEND_AGAIN in text
    assert not stored(), "a used token stored a second submission"
    assert typed in text, "what was typed is shown again"
    fresh = hidden_start_token(again)
    assert fresh != token
    resent = client.post(path, {**answers, "started": fresh})
    assert resent.status_code in (200, 302) and SEND_AGAIN not in resent.content.decode() and stored()


@pytest.mark.parametrize(
    "started",
    [
        pytest.param(lambda: signed_start_time(time.time() - 7 * 3600), id="expired"),
        pytest.param(lambda: "12345:forged", id="forged"),
        pytest.param(lambda: "", id="missing"),
        pytest.param(lambda: signing.dumps(int(time.time()) - 60, salt=START_SALT), id="old-kind"),
    ],
)
def test_a_stale_or_forged_token_asks_to_send_again_and_keeps_the_answers(client, site_tree, listed_forum, started):
    """A form posted with an expired, forged, missing or old-style token is shown again with everything
    typed and a request to send it again; nothing is stored until it is.

    If this fails, tokens harvested once work for ever, or a person who left a form open loses it.
    """
    report = {"kind": "broken_link", "details": "The link is dead.", "started": started()}
    response = client.post(f"{listed_forum.url}report/", report)
    text = response.content.decode()
    assert response.status_code == 200 and SEND_AGAIN in text and "The link is dead." in text
    assert not ProblemReport.objects.exists()
    resent = client.post(f"{listed_forum.url}report/", {**report, "started": hidden_start_token(response)})
    assert "Thank you" in resent.content.decode() and ProblemReport.objects.count() == 1


def test_a_form_sent_back_within_seconds_is_kept_and_flagged_for_editors(
    client, site_tree, listed_forum, admin_client, django_capture_on_commit_callbacks
):
    """A nomination, claim, suggestion or report sent back within PUBLIC_FORM_MIN_SECONDS (autofill, or a
    robot) is kept and marked "Sent quickly" in the editors' lists and record pages; one that took
    longer is not marked.

    If this fails, people who use autofill lose what they sent, or editors cannot tell likely robots apart.
    """
    now = signed_start_time()
    assert nominate(client, django_capture_on_commit_callbacks, started=now).status_code == 302
    forms_now = public_forms(client, listed_forum)
    for surface in ("claim", "suggestion", "report"):
        path, answers, stored, _typed = forms_now[surface]
        client.post(path, {**answers, "started": signed_start_time()})
        assert stored(), surface
    nomination = Nomination.objects.get(kind="new")
    assert nomination.sent_quickly and Nomination.objects.get(kind="claim").sent_quickly
    assert EditSuggestion.objects.get().sent_quickly and ProblemReport.objects.get().sent_quickly
    for listing in ("nominations", "claims", "suggestions", "problem_reports"):
        assert "Sent quickly" in admin_client.get(f"/admin/{listing}/").content.decode(), listing
    record = admin_client.get(f"/admin/nominations/inspect/{nomination.pk}/").content.decode()
    assert "Yes: sent within seconds of the form opening" in record

    ProblemReport.objects.all().delete()
    client.post(f"{listed_forum.url}report/", {"kind": "other", "details": "Slow.", "started": started_long_ago()})
    assert not ProblemReport.objects.get().sent_quickly
    assert "Sent quickly" not in admin_client.get("/admin/problem_reports/").content.decode()


def test_too_many_nominations_from_one_address_get_a_friendly_429(
    client, site_tree, settings, django_capture_on_commit_callbacks
):
    """After the limit, the next submission from the same address gets a GOV.UK-styled 429 page.

    If this fails, one address can flood the editors, or people see a server error.
    """
    settings.NOMINATION_RATE_LIMIT = "1/h"
    assert nominate(client, django_capture_on_commit_callbacks).status_code == 302
    response = nominate(client, django_capture_on_commit_callbacks, website="https://another.example.org")
    assert response.status_code == 429
    assert "too many" in response.content.decode().lower()
    assert int(response["Retry-After"]) > 0
    assert Nomination.objects.count() == 1


def test_claims_are_not_blocked_by_nominations_from_the_same_address(
    client, site_tree, directory_index, settings, django_capture_on_commit_callbacks
):
    """A library or office connection that has used up its nominations must still be able to
    claim an entry: claims are counted on their own.
    """
    settings.NOMINATION_RATE_LIMIT = "1/h"
    settings.CLAIM_RATE_LIMIT = "1/h"
    existing = ForumPageFactory(parent=directory_index, title="Parents Together", website="https://parents.example.org")
    assert nominate(client, django_capture_on_commit_callbacks).status_code == 302
    assert nominate(client, django_capture_on_commit_callbacks, website="https://b.example.org").status_code == 429
    claim = {"contact_name": "Real Owner", "contact_email": "owner@example.org", "message": "Mine.", "confirm": "on"}
    response = client.post(f"/nominate/claim/{existing.pk}/", {**claim, "started": started_long_ago()})
    assert response.status_code == 302
    response = client.post(f"/nominate/claim/{existing.pk}/", {**claim, "started": started_long_ago()})
    assert response.status_code == 429, "claims have a limit of their own"


def test_every_community_page_offers_a_claim(client, site_tree, directory_index):
    """Whoever runs a listed community must find "Claim this entry" on its page, leading to the
    claim form, without first trying to nominate it again."""
    forum = ForumPageFactory(parent=directory_index, title="Parents Together")
    html = client.get(forum.url).content.decode()
    assert "Is this your community?" in html
    assert f'href="/nominate/claim/{forum.pk}/" id="claim-entry"' in html
    assert client.get(f"/nominate/claim/{forum.pk}/").status_code == 200


def test_a_huge_post_is_refused_before_it_is_read(client, site_tree, settings):
    """Posts larger than the public form limit get a 413 page, not a 500.

    If this fails, anyone can tie up the server with huge bodies.
    """
    settings.PUBLIC_FORM_MAX_BYTES = 1000
    answers = nomination_answers(description="x" * 5000)["community"]
    response = client.post("/nominate/", answers)
    assert response.status_code == 413


def test_suggest_and_report_pages_keep_submissions_for_editors(
    client, site_tree, directory_index, django_capture_on_commit_callbacks
):
    """Anyone can suggest an edit or report a problem on a listed entry; both wait for the editors.

    If this fails, readers cannot help keep the directory true.
    """
    forum = ForumPageFactory(parent=directory_index, title="Money Talk", summary="Money help.")
    page = client.get(f"{forum.url}suggest/")
    assert page.status_code == 200 and "Money help." in page.content.decode()
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "")}
    data.update(summary="Money and debt help.", reason="Their about page says so.", started=started_long_ago())
    data["audiences"], data["regions"] = [], []
    data["welcomed_modes"] = form["welcomed_modes"].value() or []
    data["topics"] = ""
    response = client.post(f"{forum.url}suggest/", data)
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    suggestion = EditSuggestion.objects.get(forum=forum)
    assert suggestion.proposed == {"summary": "Money and debt help."}
    forum.refresh_from_db()
    assert forum.summary == "Money help."

    report = client.post(
        f"{forum.url}report/", {"kind": "broken_link", "details": "404", "started": started_long_ago()}
    )
    assert report.status_code == 200
    assert ProblemReport.objects.get(forum=forum).kind == "broken_link"


def test_contribution_pages_are_only_for_listed_entries(client, site_tree, directory_index):
    """A draft or delisted entry has no suggest, report or history page.

    If this fails, the existence of unpublished entries leaks.
    """
    draft = ForumPageFactory(parent=directory_index, live=False)
    for suffix in ("suggest/", "report/", "history/"):
        assert client.get(f"/directory/{draft.slug}/{suffix}").status_code == 404


def test_the_welsh_form_stays_in_welsh(client, site_tree):
    """Starting at /cy/nominate/ keeps every step under /cy/, even before a Welsh copy of the page exists.

    If this fails, Welsh speakers are dropped into the English site half way through.
    """
    response = client.post("/cy/nominate/", nomination_answers()["community"])
    assert response.status_code == 302 and response["Location"] == "/cy/nominate/suitability/"


def test_welsh_check_your_answers_answers_each_question_in_its_own_person(client, site_tree):
    """In Welsh "yes" takes the question's verb: "I run or moderate this community" is answered
    "Ydw" (I do), "Are posts moderated?" "Ydyn" (they are). A single "Ydyn" for both reads wrong
    to every Welsh speaker."""
    assert post_steps(client, nomination_answers(), prefix="/cy").status_code == 302
    html = client.get("/cy/nominate/check/").content.decode()
    rows = dict(
        re.findall(
            r'summary-list__key">\s*(.*?)\s*</dt>\s*<dd class="govuk-summary-list__value">\s*(.*?)\s*</dd>', html, re.S
        )
    )
    assert "Ydw" in rows.values() and "Ydyn" in rows.values()
    assert sorted(rows.values()).count("Ydyn") == 1


@pytest.mark.skipif(not redis_available(), reason="needs Redis on 127.0.0.1:6379")
def test_the_limit_is_shared_through_redis(client, site_tree, settings):
    """With the production cache (Redis), the per-address count is kept there and the limit holds.

    If this fails, several web containers each allow the full limit, or Redis breaks the forms.
    """
    import uuid

    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        },
    }
    settings.CONTRIBUTION_RATE_LIMIT = "2/h"
    forum = ForumPageFactory(parent=site_tree["directory"])
    report = {"kind": "broken_link", "started": started_long_ago()}
    statuses = [client.post(f"{forum.url}report/", as_sent_again(report)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_a_cache_outage_does_not_break_the_forms(client, site_tree, settings):
    """If the rate-limit cache cannot be reached, people can still send forms (the limit fails open).

    If this fails, a Redis outage turns every nomination into a server error.
    """
    settings.CACHES = {
        **settings.CACHES,
        "unreachable": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    settings.RATELIMIT_USE_CACHE = "unreachable"
    forum = ForumPageFactory(parent=site_tree["directory"])
    response = client.post(f"{forum.url}report/", {"kind": "broken_link", "started": started_long_ago()})
    assert response.status_code == 200
    assert ProblemReport.objects.filter(forum=forum).exists()


@pytest.mark.parametrize("kind", ["draft", "delisted", "restricted"])
def test_nominating_an_unlisted_entrys_address_does_not_name_it(client, site_tree, directory_index, kind):
    """Nominating the address of a draft, delisted or password-protected entry says only that an entry
    with that address exists: no name, no link, no claim.

    If this fails, anyone can read the names of unpublished nominations (and of entries editors took
    down or restricted) by nominating web addresses.
    """
    hidden = unlisted_entries(directory_index)[kind]
    response = client.post("/nominate/", nomination_answers(website=hidden.website)["community"])
    text = response.content.decode()
    assert "An entry with this web address already exists." in text
    assert hidden.title not in text and f"/claim/{hidden.pk}/" not in text and hidden.slug not in text
    assert Nomination.objects.count() == 0


@pytest.mark.parametrize("kind", ["draft", "delisted", "restricted"])
def test_suggesting_an_unlisted_entrys_address_does_not_name_it(client, site_tree, directory_index, kind):
    """A suggested edit giving a listed entry the address of an entry nobody may see names nothing.

    If this fails, the suggestion form is another way to read hidden entries' names by address.
    """
    hidden = unlisted_entries(directory_index)[kind]
    forum = ForumPageFactory(parent=directory_index, title="Money Talk", website="https://money.example.org")
    form = client.get(f"{forum.url}suggest/").context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "", [])}
    data.update(website=hidden.website, reason="They moved.", started=started_long_ago(), nickname="")
    response = client.post(f"{forum.url}suggest/", data)
    assert response.status_code == 200 and hidden.title not in response.content.decode()


def assert_refused_beside_the_field(response, field_id, message):
    """The GOV.UK error summary links to the field, and the message sits beside it."""
    text = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in text
    assert f'<a href="#{field_id}">{message}</a>' in text
    assert f'id="{field_id}-error"' in text or "govuk-error-message" in text


def test_line_breaks_in_single_line_fields_are_refused_on_every_public_form(client, site_tree, directory_index):
    """A name, title or topic with a line break (of any kind) is refused on the nomination steps, the
    claim, suggest-an-edit and report forms, with the message linked from the error summary.

    If this fails, a title with a line break is stored and every email about the entry fails.
    """
    response = client.post("/nominate/", nomination_answers(title="Parents\u2028Together")["community"])
    assert_refused_beside_the_field(
        response, "id_title", "Enter “Name of the community” on one line, without line breaks"
    )
    assert "Parents of young children help each other." in response.content.decode(), "the rest is kept"

    answers = nomination_answers(contact_name="Pat\rPrivate", operator_name="Parents\x85CIC")
    response = post_steps(client, answers)
    assert_refused_beside_the_field(response, "id_contact_name", "Enter “Your name” on one line, without line breaks")
    assert_refused_beside_the_field(
        response, "id_operator_name", "Enter “Who runs the community?” on one line, without line breaks"
    )

    forum = ForumPageFactory(parent=directory_index, title="Money Talk", website="https://money.example.org")
    claim = {"contact_name": "Real\nOwner", "contact_email": "owner@example.org", "message": "Mine.", "confirm": "on"}
    response = client.post(f"/nominate/claim/{forum.pk}/", {**claim, "started": started_long_ago()})
    assert_refused_beside_the_field(response, "id_contact_name", "Enter “Your name” on one line, without line breaks")

    form = client.get(f"{forum.url}suggest/").context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "", [])}
    data.update(topics="money,\u2029debt", reason="New topics.", started=started_long_ago(), nickname="")
    response = client.post(f"{forum.url}suggest/", data)
    assert_refused_beside_the_field(response, "id_topics", "Enter “Topics” on one line, without line breaks")
    assert Nomination.objects.count() == 0 and EditSuggestion.objects.count() == 0


def test_the_thanks_page_says_where_the_email_went(client, site_tree, django_capture_on_commit_callbacks):
    """Someone who mistyped their address must see it on the thanks page, not wait for an email
    that never comes; no figure for the review time is shown before there are decisions to take it from."""
    assert nominate(client, django_capture_on_commit_callbacks).status_code == 302
    html = client.get("/nominate/thanks/").content.decode()
    email = Nomination.objects.get().contact_email
    assert f'We have sent a confirmation email to <strong class="govuk-!-text-break-word">{email}</strong>.' in html
    assert 'id="review-time"' not in html


def test_a_member_can_suggest_a_community_they_use_and_its_operator_claims_it_later(
    client, site_tree, editor, django_capture_on_commit_callbacks
):
    """Someone who only uses a community nominates it without the operator's declaration; editors see
    it is a member's suggestion; the published entry has no contact; the operator claims it later.

    If this fails, members cannot share communities they value, or a member is handed the keys to an
    entry that is not theirs."""
    response = nominate(
        client, django_capture_on_commit_callbacks, connection="member", confirm="", contact_name="Mo Member"
    )
    assert response.status_code == 302
    nomination = nomination_for(TITLE)
    assert nomination.from_member and nomination.contact_email == "pat.private@example.net"
    forum = pending_forum()
    assert forum.contact_name == "" and forum.contact_email == "" and forum.last_verified is None
    thanks = client.get("/nominate/thanks/").content.decode()
    assert nomination.reference in thanks and 'id="member-suggestion"' in thanks
    [receipt] = [message for message in mail.outbox if message.to == ["pat.private@example.net"]]
    assert nomination.reference in receipt.body and "/listing/" not in receipt.body

    client.force_login(editor)
    assert "Member&#x27;s suggestion" in client.get("/admin/nominations/").content.decode()
    assert "Member&#x27;s suggestion" in client.get("/admin/nominations/?from_member=true").content.decode()
    editor_page = client.get(f"/admin/pages/{forum.pk}/edit/").content.decode()
    assert "A member's suggestion: sent by someone who uses the community" in editor_page
    with django_capture_on_commit_callbacks(execute=True):
        workflow_action(client, forum, "approve")
    [approved] = [message for message in mail.outbox if message.to == ["pat.private@example.net"]][1:]
    assert "approved" in approved.body and "/listing/" not in approved.body
    client.logout()

    html = client.get("/directory/parents-together/").content.decode()
    assert "pat.private@example.net" not in html and "Mo Member" not in html
    claim = {
        "contact_name": "Real Owner",
        "contact_email": "owner@example.org",
        "message": "I run it.",
        "confirm": "on",
        "started": started_long_ago(),
    }
    assert client.post(f"/nominate/claim/{forum.pk}/", claim).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        token = approve_claim(Nomination.objects.get(kind=Nomination.Kind.CLAIM), editor)
    assert client.get(f"/listing/{token}/").status_code == 200
    forum.refresh_from_db()
    assert forum.contact_email == "owner@example.org"


def test_a_members_suggestion_has_no_private_link(client, site_tree, django_capture_on_commit_callbacks):
    """The link a member's nomination was made with never opens the operator's page.

    If this fails, a member could rewrite an entry they do not run."""
    with django_capture_on_commit_callbacks(execute=True):
        _nomination, token = submit_nomination(sample_details(), SAMPLE_CONTACT, from_member=True)
    assert client.get(f"/listing/{token}/").status_code == 404


def test_before_you_join_answers_reach_the_draft_entry(client, site_tree, django_capture_on_commit_callbacks):
    """What the operator says about joining is kept on the entry for editors to check, with the
    date how active it is was given.

    If this fails, the answers people give are lost or the activity looks older than it is."""
    response = nominate(
        client,
        django_capture_on_commit_callbacks,
        cost="free_with_paid_options",
        registration="to_post",
        how_to_join="contact_first",
        contact_route="Message @admins on the board.",
        minimum_age="16",
        activity="100_to_1000",
    )
    assert response.status_code == 302
    forum = pending_forum()
    assert (forum.cost, forum.registration, forum.how_to_join) == ("free_with_paid_options", "to_post", "contact_first")
    assert forum.contact_route == "Message @admins on the board." and forum.minimum_age == 16
    assert forum.activity == "100_to_1000" and forum.activity_checked == timezone.localdate()


def test_a_bad_minimum_age_keeps_every_answer_on_the_step(client, site_tree):
    """An age of 200 is refused beside the field with the other answers of the step as typed.

    If this fails, people retype the whole step or see a server error."""
    answers = nomination_answers(minimum_age="200", members="3,500", cost="paid")
    client.post("/nominate/", answers["community"])
    response = client.post("/nominate/suitability/", answers["suitability"])
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "The minimum age must be 120 or less" in html
    assert 'value="200"' in html and 'value="3,500"' in html
    assert re.search(r'value="paid"\s+checked', html)
