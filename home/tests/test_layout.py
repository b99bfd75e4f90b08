"""The base layout and the shared GOV.UK components: error pages, form fields, error summary,
pagination, the fixed pages, and the rule that templates carry no inline script or style
(the Content-Security-Policy forbids both)."""

import re

import pytest
from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.template.loader import get_template, render_to_string
from django.test import Client

from home import pages

TEMPLATE_DIRS = [settings.BASE_DIR / "templates", *sorted(settings.BASE_DIR.glob("*/templates"))]
# A <script> with no src runs inline code, except for data blocks such as JSON-LD, which never run.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=[\"']application/(?:ld\+)?json[\"'])[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)


class NominationLikeForm(forms.Form):
    """A form with the kinds of field the site's public forms use."""

    name = forms.CharField(label="Community name", help_text="As its members know it")
    email = forms.EmailField(label="Your email address")
    kind = forms.ChoiceField(
        label="Type of community", choices=[("forum", "Forum"), ("blog", "Blog")], widget=forms.RadioSelect
    )
    topics = forms.MultipleChoiceField(
        label="Topics", choices=[("money", "Money"), ("health", "Health")], widget=forms.CheckboxSelectMultiple
    )


def template_files():
    """Every template in the project (not the virtualenv or node_modules)."""
    for directory in TEMPLATE_DIRS:
        yield from (path for path in directory.rglob("*") if path.suffix in {".html", ".txt", ".xml"})


def test_templates_have_no_inline_script_or_style_attribute():
    """If this fails, the browser blocks part of a page under our Content-Security-Policy: a script
    silently does not run or a style is not applied, so something looks or works wrong."""
    offenders = []
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, STYLE_ATTRIBUTE):
            for match in pattern.finditer(text):
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}")
    assert list(template_files()), "no templates found to check"
    assert offenders == []


@pytest.mark.django_db
def test_missing_page_shows_404_page_with_skip_link(client, home_page):
    """If this fails, someone following a broken link gets a bare error or a page without our
    header, heading and skip link, and does not know what to do next."""
    response = client.get("/no-such-page-here/")

    assert response.status_code == 404
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert 'id="main-content"' in html
    assert 'src="/static/js/init.js"' in html
    assert "Peer Support Directory" in html  # the service name in the header and title


@pytest.mark.django_db
def test_home_page_has_search_form_and_navigation(client, home_page):
    """If this fails, visitors land on a home page without the search box or the header links."""
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<form action="/directory/" method="get" role="search"' in html
    assert 'name="q"' in html
    assert 'href="/nominate/"' in html
    assert "This is a new service" in html
    assert "Open Government Licence v3.0" in html
    assert "GOV.UK" not in html  # this is not a GOV.UK site


@pytest.mark.django_db
def test_500_page_renders_without_context_or_database(django_assert_num_queries):
    """If this fails, a server error shows the browser's blank error page (or a second error)
    instead of our apology, because the 500 page needs the database or a request to render."""
    with django_assert_num_queries(0):
        html = get_template("500.html").render({})

    assert "Sorry, there is a problem with the service" in html
    assert 'href="#main-content"' in html
    assert "/static/css/site.css" in html


@pytest.mark.django_db
@pytest.mark.parametrize("page_cache", [False, True])
@pytest.mark.parametrize(
    "path, language",
    [
        ("/", "en"),
        ("/cy/", "cy"),
        ("/directory/?q=money", "en"),
        ("/cy/directory/money-talk/history/", "cy"),
        ("/api/v2/pages/", "en"),
        ("/openreferral/services", "en"),
        ("/feeds/latest.atom", "en"),
        ("/admin/", "en"),
        ("/healthz", "en"),
    ],
)
def test_a_host_not_allowed_gets_the_bad_request_page(site_tree, settings, page_cache, path, language):
    """A request naming a host we do not serve is a 400 with our page, in the address's language, never a 500.

    If this fails, the 400 page itself asks the request for its (refused) host, and every robot sending
    a forged Host header fills the error log with server errors.
    """
    settings.PAGE_CACHE_ENABLED = page_cache
    client = Client(raise_request_exception=True)
    for host in ("evil.example", "evil.example:8000", "a b", "testserver.evil.example", "[::1", "xn--e1a.example"):
        response = client.get(path, HTTP_HOST=host)
        assert response.status_code == 400, (path, host)
        html = response.content.decode()
        assert f'<html lang="{language}"' in html and 'class="govuk-heading-l"' in html, (path, host)
        assert "evil.example" not in html


@pytest.mark.django_db
def test_field_with_error_shows_message_and_describes_input():
    """If this fails, someone who makes a mistake in a form does not see (or a screen reader
    does not announce) what is wrong next to the field, or loses what they typed."""
    form = NominationLikeForm(data={"name": "", "email": "not-an-email"})

    name_html = render_to_string("includes/field.html", {"field": form["name"]})
    email_html = render_to_string("includes/field.html", {"field": form["email"]})

    assert "govuk-form-group--error" in name_html
    assert '<p id="id_name-error" class="govuk-error-message">' in name_html
    assert '<span class="govuk-visually-hidden">Error:</span> This field is required.' in name_html
    assert '<div id="id_name-hint" class="govuk-hint">As its members know it</div>' in name_html
    assert 'aria-describedby="id_name-hint id_name-error"' in name_html
    assert "govuk-input govuk-input--error" in name_html
    assert 'aria-describedby="id_email-error"' in email_html
    assert 'value="not-an-email"' in email_html


@pytest.mark.django_db
def test_field_without_error_has_no_error_markup():
    """If this fails, people see red error styling on fields they filled in correctly."""
    form = NominationLikeForm(data={"name": "Mumsnet", "email": "a@example.org", "kind": "forum"})
    form.is_valid()

    html = render_to_string("includes/field.html", {"field": form["name"]})

    assert "govuk-form-group--error" not in html
    assert "govuk-error-message" not in html
    assert 'aria-describedby="id_name-hint"' in html
    assert 'value="Mumsnet"' in html


@pytest.mark.django_db
def test_radios_and_checkboxes_are_grouped_with_legend_and_keep_choices():
    """If this fails, screen-reader users hear options without the question they answer, or a
    re-shown form forgets the options someone ticked."""
    form = NominationLikeForm(data={"kind": "blog", "topics": ["health"]})

    radios = render_to_string("includes/field.html", {"field": form["kind"]})
    checkboxes = render_to_string("includes/field.html", {"field": form["topics"]})

    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">' in radios
    assert '<div class="govuk-radios" data-module="govuk-radios">' in radios
    assert re.search(r'<input class="govuk-radios__input" id="id_kind_1" [^>]*value="blog" checked', radios)
    assert re.search(r'<input class="govuk-checkboxes__input" id="id_topics_1" [^>]*value="health" checked', checkboxes)
    assert 'value="money" checked' not in checkboxes


@pytest.mark.django_db
def test_error_summary_links_each_error_to_its_field():
    """If this fails, the "There is a problem" box at the top of a form does not take people to
    the field they need to fix."""
    form = NominationLikeForm(data={"email": "not-an-email"})
    form.is_valid()

    summary = render_to_string("includes/error_summary.html", {"form": form})
    fields = "".join(render_to_string("includes/field.html", {"field": field}) for field in form)

    assert 'role="alert"' in summary
    assert "There is a problem" in summary
    links = re.findall(r'<a href="#([^"]+)">', summary)
    assert links == ["id_name", "id_email", "id_kind", "id_topics"]
    for field_id in links:
        assert f'id="{field_id}"' in fields, f"the summary links to #{field_id}, which no field has"


def test_error_summary_is_empty_for_a_valid_form():
    """If this fails, people who filled in a form correctly are told there is a problem."""
    form = NominationLikeForm(data={"name": "A", "email": "a@example.org", "kind": "forum", "topics": ["money"]})
    assert form.is_valid()

    assert render_to_string("includes/error_summary.html", {"form": form}).strip() == ""


def test_pagination_keeps_the_search_and_marks_the_current_page():
    """If this fails, going to the next page of results loses the search or filters people chose,
    or the current page is not announced."""
    page_obj = Paginator(list(range(100)), 10).page(5)

    html = render_to_string(
        "includes/pagination.html", {"page_obj": page_obj, "querystring_without_page": "q=money&topic=debt"}
    )

    assert 'href="?q=money&amp;topic=debt&amp;page=4" rel="prev"' in html
    assert 'href="?q=money&amp;topic=debt&amp;page=6" rel="next"' in html
    assert 'aria-current="page">5</a>' in html
    assert "govuk-pagination__item--ellipses" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("view", "heading", "must_say"),
    [
        (pages.accessibility, "Accessibility statement", "Equality and Human Rights Commission"),
        (pages.privacy, "Privacy notice", "never published"),
        (pages.open_data, "Open data", "/directory/export.csv"),
    ],
)
def test_fixed_pages_render(rf, home_page, view, heading, must_say):
    """If this fails, a footer link leads to a broken accessibility statement, privacy notice or
    open data page, which the service is required to publish."""
    request = rf.get("/")
    response = view(request).render()

    html = response.content.decode()
    assert f'<h1 class="govuk-heading-xl">{heading}</h1>' in html
    assert must_say in html
    assert "mailto:" in html  # the footer's contact link, from the site settings
    assert "GOV.UK" not in html
