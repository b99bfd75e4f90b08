"""Hostile input: thousands of generated inputs to the public forms and query parameters.

Hypothesis generates text from every Unicode category (control characters and NUL included),
very long strings, HTML and JavaScript, SQL-like text and junk query parameters, and sends them
to the nomination steps, the suggestion and report forms, the listing, search, exports, feeds,
the Wagtail API and the Open Referral API. None may answer with a server error, and text that
is stored is shown escaped wherever it is displayed.
"""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from directory.forms import SuggestionForm, initial_from_details
from directory.forum_details import details_from_forum
from directory.models import EditSuggestion, ForumPage, Nomination, ProblemReport
from directory.nominations import submit_nomination
from directory.suggestions import submit_problem_report
from directory.tests.factories import ForumPageFactory
from directory.tests.nomination_helpers import (
    STEP_PATHS,
    approve,
    nominate,
    nomination_answers,
    sample_details,
    signed_in,
    started_long_ago,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits", "no_rate_limits")]

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "javascript:alert(1)",
    "'; DROP TABLE directory_forumpage; --",
    "1 OR 1=1",
    "' UNION SELECT password FROM auth_user --",
    "\x00",
    "a\x00b",
    "\r\nSet-Cookie: evil=1",
    "%00%0d%0a",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "../../../../etc/passwd",
    "\u202eevil\u202c",
    "\ufeff",
    "𝕿𝖊𝖘𝖙 👩‍👩‍👧",
    "Ｓｃｈｏｏｌ",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "",
    " ",
    "*",
    "%",
    "_",
    "\\",
]

# Any Unicode except lone surrogates (which cannot be sent as UTF-8 at all).
any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200)
long_text = st.builds(
    lambda piece, times: piece * times, st.sampled_from(["a", "é", "<", "'", "\x00", "💥"]), st.integers(300, 20_000)
)
hostile_text = st.one_of(
    any_text,
    st.sampled_from(PAYLOADS),
    long_text,
    st.builds(lambda a, b: a + b, st.sampled_from(PAYLOADS), any_text),
)
hostile_value = st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=4))

HYPOTHESIS = hypothesis_settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture
def no_rate_limits(settings):
    """Thousands of posts from one address: the limits are tested in test_floods.py, not here."""
    settings.RATELIMIT_ENABLE = False


@pytest.fixture
def forum(directory_index):
    page = ForumPageFactory(parent=directory_index, title="Money Talk", slug="money-talk", topics=["money"])
    page.save_revision().publish()
    return ForumPage.objects.get(pk=page.pk)


def suggestion_answers(forum):
    """The suggestion form as a reader receives it (prefilled with the entry), with a reason given."""
    form = SuggestionForm(initial=initial_from_details(details_from_forum(forum)))
    answers = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "", [])}
    answers.update(reason="Their about page says so.", started=started_long_ago(), nickname="")
    return answers


def hostile_form(valid, fields):
    """Valid answers with some fields (and maybe some unknown ones) replaced by hostile values."""
    return st.builds(
        lambda replaced, junk: {**valid, **replaced, **junk},
        st.dictionaries(st.sampled_from(sorted(fields)), hostile_value, min_size=1),
        st.dictionaries(hostile_text.filter(lambda key: key.strip()), hostile_value, max_size=2),
    )


def assert_no_server_error(response, what):
    assert response.status_code < 500, f"{what} answered {response.status_code}"


# --- Forms ------------------------------------------------------------------------------------


@pytest.mark.parametrize("step", list(STEP_PATHS))
@HYPOTHESIS
@given(data=st.data())
def test_nomination_steps_survive_hostile_answers(client, site_tree, step, data):
    """Whatever is typed into a nomination step, the person gets the form back with errors or the next step.

    If this fails, some text a person can type (an emoji, a NUL byte, a very long name) crashes the
    nomination form with a server error.
    """
    answers = nomination_answers()
    for earlier in list(STEP_PATHS)[: list(STEP_PATHS).index(step)]:
        client.post(STEP_PATHS[earlier], answers[earlier])
    posted = data.draw(hostile_form(answers[step], answers[step].keys() - {"started", "nickname"}))
    assert_no_server_error(client.post(STEP_PATHS[step], posted), STEP_PATHS[step])


@hypothesis_settings(HYPOTHESIS, max_examples=100)
@given(title=hostile_text, summary=hostile_text, name=hostile_text, message=hostile_text, number=st.uuids())
def test_a_nomination_with_odd_but_valid_text_is_stored_or_refused_never_crashes(
    site_tree, title, summary, name, message, number
):
    """Unusual text that passes the form's checks goes all the way to the database without an error.

    If this fails, a nomination in some language or script is lost to a server error at the last step.
    """
    client = Client()
    answers = nomination_answers(
        title=title, summary=summary, contact_name=name, message=message, website=f"https://{number}.example.org/"
    )
    for step, path in STEP_PATHS.items():
        response = client.post(path, answers[step])
        assert_no_server_error(response, path)
        if response.status_code != 302:
            return
    before = Nomination.objects.count()
    response = client.post("/nominate/check/", {"nickname": ""})
    assert_no_server_error(response, "/nominate/check/")
    assert response.status_code == 302 and Nomination.objects.count() == before + 1


@hypothesis_settings(HYPOTHESIS, max_examples=200)
@given(data=st.data())
def test_the_suggestion_form_survives_hostile_answers(client, forum, data):
    """Whatever is typed into "suggest an edit", the reader gets the form back or a thank-you page.

    If this fails, a reader's suggestion crashes the site instead of reaching the editors.
    """
    valid = suggestion_answers(forum)
    posted = data.draw(hostile_form(valid, set(SuggestionForm.base_fields) - {"started", "nickname"}))
    before = EditSuggestion.objects.count()
    response = client.post(f"{forum.url}suggest/", posted)
    assert_no_server_error(response, "suggest")
    stored = EditSuggestion.objects.count() - before
    assert stored == (1 if response.status_code == 200 and "Thank you" in response.content.decode() else 0)


@hypothesis_settings(HYPOTHESIS, max_examples=200)
@given(data=st.data())
def test_the_problem_report_form_survives_hostile_answers(client, forum, data):
    """Whatever is typed into "report a problem", the reader gets the form back or a thank-you page.

    If this fails, reports of broken or harmful entries are lost to server errors.
    """
    valid = {"kind": "other", "details": "It moved.", "reporter_email": "", "started": started_long_ago()}
    posted = data.draw(hostile_form(valid, {"kind", "details", "reporter_email"}))
    before = ProblemReport.objects.count()
    response = client.post(f"{forum.url}report/", posted)
    assert_no_server_error(response, "report")
    stored = ProblemReport.objects.count() - before
    assert stored == (1 if response.status_code == 200 and "Thank you" in response.content.decode() else 0)


# --- Query parameters -------------------------------------------------------------------------

LISTING_PARAMETERS = ["q", "page", "sort", "topic", "audience", "region", "type", "preference", "department"]
API_PARAMETERS = [
    "search",
    "search_operator",
    "limit",
    "offset",
    "order",
    "type",
    "fields",
    "topic",
    "child_of",
    "descendant_of",
    "locale",
    "title",
    "slug",
    "translation_of",
    "id",
]
OPEN_REFERRAL_PARAMETERS = [
    "search",
    "page",
    "per_page",
    "taxonomy_id",
    "taxonomy_term_id",
    "organization_id",
    "modified_after",
    "full",
    "parent_id",
    "vocabulary",
]
GET_TARGETS = {
    "/directory/": LISTING_PARAMETERS,
    "/cy/directory/": LISTING_PARAMETERS,
    "/search/": ["q", "page"],
    "/directory/export.json": LISTING_PARAMETERS,
    "/directory/export.csv": LISTING_PARAMETERS,
    "/feeds/latest.atom": ["page", "q"],
    "/api/v2/pages/": API_PARAMETERS,
    "/api/v2/pages/find/": ["html_path"],
    "/openreferral/services": OPEN_REFERRAL_PARAMETERS,
    "/openreferral/organizations": OPEN_REFERRAL_PARAMETERS,
    "/openreferral/taxonomies": OPEN_REFERRAL_PARAMETERS,
    "/openreferral/taxonomy_terms": OPEN_REFERRAL_PARAMETERS,
    "/departments/": LISTING_PARAMETERS,
}


def query_for(names):
    return st.dictionaries(
        st.one_of(st.sampled_from(names), hostile_text.filter(lambda key: key.strip())), hostile_value, max_size=5
    )


@pytest.mark.parametrize("path", list(GET_TARGETS))
@hypothesis_settings(HYPOTHESIS, max_examples=100)
@given(data=st.data())
def test_search_listing_and_api_parameters_never_cause_a_server_error(client, forum, path, data):
    """Junk in any query parameter (negative pages, unknown sorts, repeated facets, huge or NUL-laden
    text) gets a page, an empty result or a 4xx answer, never a server error.

    If this fails, a mistyped or malicious link crashes the directory, its search or its open data.
    """
    query = data.draw(query_for(GET_TARGETS[path]))
    assert_no_server_error(client.get(path, query), f"{path}?{query!r}")


@hypothesis_settings(HYPOTHESIS, max_examples=100)
@given(slug=hostile_text)
def test_odd_addresses_get_a_not_found_page_not_a_server_error(client, forum, slug):
    """Any text in the path of a feed, an entry, an Open Referral record or a private link is a 404 at worst.

    If this fails, robots probing odd addresses fill the error log and may take pages down.
    """
    part = quote(slug.replace("/", ""), safe="")[:2000] or "x"
    for path in (
        f"/feeds/topic/{part}.atom",
        f"/feeds/department/{part}.rss",
        f"/directory/{part}/",
        f"/openreferral/services/{part}",
        f"/listing/{part}/",
        f"/cy/directory/{part}/history/",
    ):
        assert_no_server_error(client.get(path), path)


def test_a_nul_character_in_an_address_is_a_bad_request(client, forum):
    """An address with a NUL character is refused with a friendly 400 before it reaches the database;
    in a query the character is dropped and the page answers as usual.

    If this fails, on PostgreSQL (which cannot compare text containing NUL) such a probe is a 500.
    """
    for path in ("/feeds/topic/a%00b.atom", "/cy/feeds/department/%00.rss"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "govuk-heading-l" in response.content.decode(), path  # our page, in either language
    assert client.get("/api/v2/pages/find/?html_path=%00").status_code in (302, 404)
    assert client.get("/directory/?q=%00parenting").status_code == 200


# --- Stored text is shown escaped -------------------------------------------------------------

ATTRIBUTE_BREAKOUT = 'Tom & Jerry\'s "club" onfocus="alert(1)" x=\'1\' <3 >_<'


def test_text_people_typed_is_escaped_on_the_published_page(
    client, site_tree, editor, django_capture_on_commit_callbacks
):
    """Quotes, ampersands and angle brackets typed in a nomination show as text once published, in the
    page and in the open data, and never break out of the HTML.

    If this fails, a nomination could inject script into the public site once an editor approves it.
    """
    response = nominate(
        client, django_capture_on_commit_callbacks, summary=ATTRIBUTE_BREAKOUT, description=ATTRIBUTE_BREAKOUT
    )
    assert response.status_code == 302
    forum = ForumPage.objects.get(title="Parents Together")
    assert forum.summary == ATTRIBUTE_BREAKOUT
    approve(forum, editor)
    page = client.get(ForumPage.objects.get(pk=forum.pk).url).content.decode()
    assert ATTRIBUTE_BREAKOUT not in page
    assert (
        "Tom &amp; Jerry&#x27;s &quot;club&quot; onfocus=&quot;alert(1)&quot; x=&#x27;1&#x27; &lt;3 &gt;_&lt;" in page
    )


def test_html_reaching_the_database_by_other_routes_is_escaped_everywhere(client, site_tree, editor):
    """Script in an entry's stored text (say, from an import) shows as text on the page, the listing,
    search, the feed and the editors' moderation screens.

    If this fails, anyone who gets HTML into the database can run script in readers' or editors' browsers.
    """
    script = "<script>alert('xss')</script>"
    nomination, _token = submit_nomination(
        sample_details(title=f"Scripted {script}", summary=f"Summary {script}", description=f"About {script}"),
        {"contact_name": f"Name {script}", "contact_email": "scripted@example.org", "message": script},
    )
    approve(nomination.forum, editor)
    forum = ForumPage.objects.get(pk=nomination.forum.pk)
    report = submit_problem_report(forum, "other", f"Report {script}", "")
    escaped = "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;"
    for path in (forum.url, "/directory/", "/search/?q=Scripted", "/feeds/latest.atom"):
        body = client.get(path).content.decode()
        assert script not in body, f"{path} shows raw script"
        assert escaped in body or "&lt;script&gt;" in body, f"{path} does not show the stored text at all"
    signed_in(client, editor)
    for path in (
        reverse("nominations:inspect", args=[nomination.pk]),
        reverse("problem_reports:inspect", args=[report.pk]),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert script not in body and "&lt;script&gt;" in body, path
