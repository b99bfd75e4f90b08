"""Hostile input: thousands of generated inputs to the public forms and query parameters.

Hypothesis generates text from every Unicode category (control characters and NUL included),
very long strings, HTML and JavaScript, SQL-like text and junk query parameters, and sends them
to the nomination steps, the suggestion and report forms, the listing, search, exports, feeds,
the Wagtail API and the Open Referral API. None may answer with a server error, and text that
is stored is shown escaped wherever it is displayed. Ids beyond the database's 64-bit range (which
SQLite and PostgreSQL refuse) are sent to every id-valued field and parameter in every run, not by
chance; so are Host headers we do not serve and API filters with values of the wrong type.
"""

import json
from urllib.parse import quote

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from wagtail.models import Page

from directory import nominations
from directory.forum_details import details_from_forum
from directory.journeys.forms import SuggestionForm, initial_from_details
from directory.models import DepartmentPage, EditSuggestion, ForumPage, Nomination, ProblemReport
from directory.nominations import submit_nomination
from directory.opendata.api import DirectoryPagesAPIViewSet
from directory.opendata.api_parameters import PAGE_ID_PARAMETERS
from directory.suggestions import submit_problem_report
from directory.tests.factories import ForumPageFactory
from directory.tests.nomination_helpers import (
    SAMPLE_CONTACT,
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
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
]

# Whole numbers the database cannot hold (beyond 64 bits, either sign), and ids that can never exist.
out_of_range_ids = st.one_of(
    st.integers(min_value=2**63, max_value=2**130),
    st.integers(min_value=-(2**130), max_value=-(2**63) - 1),
    st.sampled_from([2**63, 2**64, -(2**63) - 1, 10**40]),
).map(str)
impossible_ids = st.one_of(out_of_range_ids, st.sampled_from(["0", "-1", "9223372036854775807", "١", "1_0", "²"]))

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
    out_of_range_ids,
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


# The form fields whose values are database ids (model choices), by nomination step.
ID_FIELDS = {"community": {"audiences", "regions", "community_type"}}


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
    fields = (answers[step].keys() | ID_FIELDS.get(step, set())) - {"started", "nickname"}
    posted = data.draw(hostile_form(answers[step], fields))
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


@pytest.fixture
def operator_token(site_tree, editor):
    """The private link of an approved entry, for its update form."""
    nomination, token = nominations.submit_nomination(sample_details(title="Operator's Own"), SAMPLE_CONTACT)
    approve(nomination.forum, editor)
    return token


def prefilled(client, path):
    """A form's answers as a person receives them (every field with a value)."""
    form = client.get(path).context["form"]
    return {name: form[name].value() for name in form.fields if form[name].value() not in (None, "", [])}


@pytest.mark.parametrize("target", ["nominate", "suggest", "update"])
@hypothesis_settings(HYPOTHESIS, max_examples=40)
@given(field=st.sampled_from(sorted(ID_FIELDS["community"])), ids=st.lists(impossible_ids, min_size=1, max_size=3))
def test_every_id_field_refuses_ids_the_database_cannot_hold(client, forum, operator_token, target, field, ids):
    """Audience, region and community-type choices beyond 64 bits (or otherwise impossible) are invalid
    choices with a message next to the field, on every form that has them.

    If this fails, a tampered checkbox value such as 9223372036854775808 is a server error on SQLite
    (OverflowError) or PostgreSQL (out of range) instead of the form coming back with an error.
    """
    if target == "nominate":
        path, answers = STEP_PATHS["community"], nomination_answers()["community"]
    elif target == "suggest":
        path, answers = f"{forum.url}suggest/", suggestion_answers(forum)
    else:
        path = f"/listing/{operator_token}/update/"
        answers = prefilled(client, path)
    response = client.post(path, {**answers, field: ids})
    assert_no_server_error(response, f"{path} {field}={ids!r}")
    assert response.status_code == 200 and field in response.context["form"].errors, (path, field, ids)


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
    "ancestor_of",
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


@pytest.mark.parametrize("path", list(GET_TARGETS))
@hypothesis_settings(HYPOTHESIS, max_examples=25)
@given(data=st.data())
def test_numbers_beyond_64_bits_in_any_parameter_never_cause_a_server_error(client, forum, path, data):
    """Every parameter (page numbers, ids, departments, offsets) given only numbers the database cannot
    hold gets a page, an empty result or a 400, every run.

    If this fails, ?page=, ?department=, ?offset= or ?child_of= with a 20-digit number is a server error.
    """
    values = st.one_of(out_of_range_ids, st.lists(out_of_range_ids, min_size=2, max_size=3))
    query = data.draw(st.dictionaries(st.sampled_from(GET_TARGETS[path]), values, min_size=1, max_size=4))
    assert_no_server_error(client.get(path, query), f"{path}?{query!r}")


@hypothesis_settings(HYPOTHESIS, max_examples=40)
@given(number=impossible_ids)
def test_ids_in_addresses_beyond_the_database_are_not_found(client, forum, number):
    """A claim link, an API page or a private link with an impossible id is "not found", never a 500.

    If this fails, /nominate/claim/9223372036854775808/ (an id SQLite cannot compare) is a server error.
    """
    part = quote(number, safe="")
    for path in (
        f"/nominate/claim/{part}/",
        f"/cy/nominate/claim/{part}/",
        f"/api/v2/pages/{part}/",
        f"/api/v2/pages/find/?id={part}",
        f"/openreferral/services/{part}",
        f"/listing/{part}/",
    ):
        response = client.get(path)
        assert response.status_code in (400, 404), (path, response.status_code)


# --- The Wagtail API: every parameter checked before it reaches the database ------------------

API = "/api/v2/pages/"
API_MODELS = {"directory.ForumPage": ForumPage, "directory.DepartmentPage": DepartmentPage, None: Page}
BAD_DATES = ["notadate", "2024-13-01", "2024-02-30", "0000-00-00", "99999-01-01", "2024-01-01T25:00", "1e309"]
BAD_NUMBERS = ["1.5", "1e309", "NaN", "Infinity", "--1", "0x10", "1" * 400, "9223372036854775808"]
BAD_BOOLEANS = ["maybe", "2", "yes", "TRUE ", "null", ""]
BAD_DECIMALS = ["1,5", "1.2.3", "NaN", "-Infinity", "1e309", "9" * 100, ".", "0x1p3"]
wrongly_typed = st.one_of(
    st.sampled_from(BAD_DATES + BAD_NUMBERS + BAD_BOOLEANS + BAD_DECIMALS),
    out_of_range_ids,
    hostile_text.filter(lambda v: v),
)
SEARCH_OPERATORS = st.one_of(st.sampled_from(["xor", "AND", "Or", "not", "and ", ""]), any_text)


def api_filter_fields(model):
    return sorted(DirectoryPagesAPIViewSet.get_available_fields(model, db_fields_only=True))


def bad_values_for(model, name):
    """Values that are wrong for the type of ``model``'s field ``name`` (and junk of every kind)."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return wrongly_typed
    if field.is_relation or isinstance(field, models.IntegerField):
        typed = st.one_of(out_of_range_ids, impossible_ids, st.sampled_from(BAD_NUMBERS))
    elif isinstance(field, models.DateField):
        typed = st.one_of(st.sampled_from(BAD_DATES), st.dates().map(lambda day: f"{day.isoformat()}x"))
    elif isinstance(field, models.DecimalField | models.FloatField):
        typed = st.sampled_from(BAD_DECIMALS)
    elif isinstance(field, models.BooleanField):
        typed = st.sampled_from(BAD_BOOLEANS)
    else:
        typed = hostile_text
    return st.one_of(typed, wrongly_typed)


def api_query(model):
    """A query of one to three parameters: field filters with values wrong for their type, paging, operators."""
    names = [*api_filter_fields(model), "offset", "limit", "search_operator", *API_PARAMETERS]

    def value_for(name):
        if name == "search_operator":
            return SEARCH_OPERATORS
        if name in ("offset", "limit") or name in PAGE_ID_PARAMETERS:
            return st.one_of(out_of_range_ids, impossible_ids, wrongly_typed)
        return bad_values_for(model, name)

    pairs = st.sampled_from(names).flatmap(lambda name: value_for(name).map(lambda value: (name, value)))
    return st.lists(pairs, min_size=1, max_size=3).map(dict)


def assert_json_answer(response, what):
    """A success or a 400 whose body is JSON with a message; nothing else."""
    assert response.status_code in (200, 400, 404), f"{what} answered {response.status_code}"
    body = json.loads(response.content)
    if response.status_code != 200:
        assert body["message"], what


@pytest.mark.parametrize(
    "query",
    [
        {"offset": "9223372036854775808"},
        {"offset": "-9223372036854775809"},
        {"limit": "9223372036854775808"},
        {"id": "9223372036854775808"},
        {"child_of": "9223372036854775808"},
        {"descendant_of": "18446744073709551616"},
        {"ancestor_of": "9223372036854775808"},
        {"translation_of": "9223372036854775808"},
        {"search_operator": "xor", "search": "a"},
        {"search_operator": "AND", "search": "a"},
        {"type": "directory.ForumPage", "figures_as_of": "notadate"},
        {"type": "directory.ForumPage", "last_verified": "2024-02-30"},
        {"type": "directory.ForumPage", "members": "9223372036854775808"},
        {"type": "directory.ForumPage", "audiences": "9223372036854775808"},
        {"type": "directory.ForumPage", "community_type": "abc"},
        {"type": "directory.DepartmentPage", "plan_next_review": "soon"},
        {"type": "directory.DepartmentPage", "engagement_plan": "1"},
        {"type": "directory.ForumPage", "is_moderated": "maybe"},
    ],
    ids=lambda query: "&".join(f"{key}={value[:12]}" for key, value in query.items()),
)
def test_api_parameters_the_database_cannot_take_are_a_json_400(client, forum, query):
    """Huge numbers, unknown search operators and values of the wrong type for a field are a 400 naming the
    parameter, in JSON like the API's other errors.

    If this fails, such a request to the open-data API is a server error (an HTML page a program cannot read).
    """
    response = client.get(API, query)
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    message = json.loads(response.content)["message"]
    assert any(name in message for name in query if name not in ("type", "search")), message


@pytest.mark.parametrize("model_type", list(API_MODELS), ids=str)
@hypothesis_settings(HYPOTHESIS, max_examples=60)
@given(data=st.data())
def test_api_filters_of_the_wrong_type_get_a_json_answer(client, forum, model_type, data):
    """Any field filter with a value of the wrong type (bad dates, decimals, booleans, huge ids, junk),
    with unknown search operators and huge offsets, gets JSON results or a JSON 400, never a server error.

    If this fails, a program using the open-data API gets an HTML error page it cannot read.
    """
    query = data.draw(api_query(API_MODELS[model_type]))
    if "search_operator" in query:
        query.setdefault("search", "money")
    if model_type:
        query["type"] = model_type
    assert_json_answer(client.get(API, query), f"{API}?{query!r}")


# --- Host headers -----------------------------------------------------------------------------

odd_hosts = st.one_of(
    st.sampled_from(["evil.example", "evil.example:80", "testserver.evil.example", "a b", "[::1", ":", "é.example"]),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r\n"), min_size=1, max_size=80),
)


@hypothesis_settings(HYPOTHESIS, max_examples=60)
@given(host=odd_hosts, path=st.sampled_from(["/", "/cy/", "/directory/", "/api/v2/pages/", "/openreferral/services"]))
def test_any_host_header_gets_an_answer_not_a_server_error(forum, host, path):
    """A Host header we do not serve (or cannot parse) is a 400 with our page, never a 500.

    If this fails, robots forging Host headers fill the error log, and the 400 page itself breaks.
    """
    response = Client(raise_request_exception=True).get(path, HTTP_HOST=host)
    assert_no_server_error(response, f"Host: {host!r} {path}")
    if response.status_code == 400:
        assert "govuk-heading-l" in response.content.decode()


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
