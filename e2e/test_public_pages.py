"""Every public page type, in each language, passes axe-core at WCAG 2.2 A and AA with zero
violations, at desktop and at mobile width; each visit leaves screenshots in e2e/artifacts/.

The pages share one database per language (building it is the slow part), and each page is a
subtest, so one failing page does not hide the others.
"""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# (screenshot name, path, expected HTTP status) for pages a citizen reaches with a plain GET.
PUBLIC_PAGES = [
    ("home", "/", 200),
    ("directory", "/directory/", 200),
    ("directory-filtered", "/directory/?topic=housing&region=uk", 200),
    ("directory-no-results", "/directory/?q=zebra+xylophone", 200),
    ("forum", "/directory/parents-together/", 200),
    ("forum-history", "/directory/parents-together/history/", 200),
    ("suggest", "/directory/parents-together/suggest/", 200),
    ("report", "/directory/parents-together/report/", 200),
    ("departments", "/departments/", 200),
    ("department", "/departments/department-for-education/", 200),
    ("progress", "/progress/", 200),
    ("nominate", "/nominate/", 200),
    ("search", "/search/?q=parents", 200),
    ("search-no-results", "/search/?q=zebra+xylophone", 200),
    ("search-empty", "/search/", 200),
    ("not-found", "/no-such-page/", 404),
    ("accessibility", "/accessibility/", 200),
    ("privacy", "/privacy/", 200),
    ("open-data", "/open-data/", 200),
]


def check_pages(page, subtests, check_public_page, pages):
    for name, path, status in pages:
        with subtests.test(page=name, path=path):
            response = page.goto(path)
            assert response.status == status, f"{path} answered {response.status}"
            expect(page.get_by_role("heading", level=1)).to_have_count(1)
            check_public_page(page, name)


def test_public_pages_in_english(page, directory_content, subtests, check_public_page, monkeypatch):
    """Each English page type is usable with assistive technology: a failure names the page, the
    WCAG rule broken and the element that breaks it."""
    check_pages(page, subtests, check_public_page, PUBLIC_PAGES)
    # Two communities a page, so the six make a middle page with both pagination links.
    monkeypatch.setattr("directory.listing.results.PAGE_SIZE", 2)
    check_pages(page, subtests, check_public_page, [("directory-page-2", "/directory/?page=2", 200)])
    expect(page.get_by_role("navigation", name="Pagination")).to_be_visible()


def test_form_states_in_english(page, directory_content, quick_forms, subtests, check_public_page):
    """Every state of the public forms — errors, each nomination step, check your answers and the
    confirmation pages — is as accessible as the pages around it."""
    with subtests.test(page="nominate-errors"):
        page.goto("/nominate/")
        page.get_by_role("button", name="Continue").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        check_public_page(page, "nominate-errors")

    with subtests.test(page="nominate-steps"):
        page.goto("/nominate/")
        page.get_by_label("Name of the community").fill("Allotment Growers Forum")
        page.get_by_label("Web address").fill("https://allotment-growers.example.org/")
        page.get_by_label("Summary").fill("Plot holders share tips on growing food.")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1, name="Moderation and public servants")).to_be_visible()
        page.get_by_role("button", name="Continue").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        check_public_page(page, "nominate-suitability-errors")
        page.get_by_role("radio", name="Yes").check()
        page.get_by_role("radio", name="Welcomes public servants").check()
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1, name="Who runs it and how we contact you")).to_be_visible()
        check_public_page(page, "nominate-operator")
        page.get_by_label("Your name").fill("Sam Grower")
        page.get_by_label("Your email address").fill("sam@allotments.example.org")
        page.get_by_role("radio", name="I run or moderate it").check()
        page.get_by_role("checkbox", name="I run or moderate this community").check()
        page.get_by_role("button", name="Continue to check your answers").click()
        expect(page.get_by_role("button", name="Accept and send")).to_be_visible()
        check_public_page(page, "nominate-check")
        page.get_by_role("button", name="Accept and send").click()
        expect(page.get_by_role("heading", level=1, name="Nomination received")).to_be_visible()
        check_public_page(page, "nominate-thanks")

    with subtests.test(page="suggest-errors"):
        page.goto("/directory/parents-together/suggest/")
        page.get_by_role("button", name="Send suggestion").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        check_public_page(page, "suggest-errors")

    with subtests.test(page="report-errors"):
        page.goto("/directory/parents-together/report/")
        page.get_by_role("button", name="Send report").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        check_public_page(page, "report-errors")
        page.get_by_role("radio", name="The community has closed").check()
        page.get_by_role("button", name="Send report").click()
        expect(page.get_by_role("heading", level=1, name="Thank you for telling us")).to_be_visible()
        check_public_page(page, "contribution-thanks")


def test_operator_pages_in_english(page, approved_nomination, subtests, check_public_page):
    """The operator's private pages — status, update form with an error, removal request — are as
    accessible as the public ones."""
    listing = f"/listing/{approved_nomination['token']}/"
    with subtests.test(page="operator-listing"):
        page.goto(listing)
        expect(page.get_by_role("heading", level=1, name="Allotment Growers Forum")).to_be_visible()
        check_public_page(page, "operator-listing")

    with subtests.test(page="operator-update-errors"):
        page.goto(listing + "update/")
        page.get_by_label("Web address").fill("not a web address")
        page.get_by_role("button", name="Send to the editors").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        check_public_page(page, "operator-update-errors")

    with subtests.test(page="operator-removal"):
        page.goto(listing + "remove/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_public_page(page, "operator-removal")


def test_public_pages_in_welsh(page, welsh_content, quick_forms, subtests, check_public_page):
    """The Welsh site (/cy/) is as accessible as the English one: the same page types, with the
    page language set to Welsh."""
    welsh_pages = [(f"{name}-cy", f"/cy{path}", status) for name, path, status in PUBLIC_PAGES]
    check_pages(page, subtests, check_public_page, welsh_pages)
    expect(page.locator("html")).to_have_attribute("lang", "cy")

    # Error states, found by structure rather than by wording, which the translators own.
    error_pages = [("nominate-errors-cy", "/cy/nominate/"), ("report-errors-cy", "/cy/directory/carers-circle/report/")]
    for name, path in error_pages:
        with subtests.test(page=name, path=path):
            page.goto(path)
            page.locator("main form[method=post]").get_by_role("button").click()
            expect(page.locator(".govuk-error-summary")).to_be_visible()
            check_public_page(page, name)
