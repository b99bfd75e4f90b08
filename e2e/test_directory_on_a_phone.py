"""The directory on a phone and on a desktop, in English and Welsh: results come before the
folded filters, the search box has its own button, chosen filters are removable tags, and a page
number past the last says so. Run without JavaScript on the phone, as the folding must not need it."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import DESKTOP_WIDTH, MOBILE_WIDTH, VIEWPORT_HEIGHT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# What each language calls the controls: found by visible text, as a person would.
WORDS = {
    "": {
        "filter": "Filter",
        "apply": "Apply filters",
        "search": "Search",
        "remove": "Remove filter",
        "region": "Region",
    },
    "/cy": {
        "filter": "Hidlo",
        "apply": "Rhoi'r hidlyddion ar waith",
        "search": "Chwilio",
        "remove": "Tynnu'r hidlydd",
        "region": "Rhanbarth",
    },
}


@pytest.mark.parametrize("prefix", ["", "/cy"], ids=["english", "welsh"])
def test_results_come_first_on_a_phone(open_page, welsh_content, prefix):
    """On a 375 px phone without JavaScript the first result is on the first screen, not below
    dozens of checkboxes; the filters open from "Filter", and a chosen one shows as a tag that
    removes it."""
    words = WORDS[prefix]
    page = open_page(width=MOBILE_WIDTH, java_script_enabled=False)
    page.goto(f"{prefix}/directory/")
    # Without JavaScript GOV.UK's header shows its menu unfolded, so allow a little over one screen;
    # with JavaScript (the next test) the first result is on the first screen.
    first_result = page.locator('[aria-labelledby="results-count"] h3').first
    assert first_result.bounding_box()["y"] < VIEWPORT_HEIGHT + 100, "the first result is far down the page"
    expect(page.locator("#directory-filter-panel")).not_to_have_attribute("open", "")
    expect(page.get_by_role("group", name=re.compile(words["region"]))).to_be_hidden()

    page.get_by_text(words["filter"], exact=True).click()
    region = page.get_by_role("group", name=re.compile(words["region"]))
    region.get_by_role("checkbox", name=re.compile(r"^Sheffield")).check()
    page.get_by_role("button", name=words["apply"]).click()

    expect(page.locator("#directory-filter-panel summary")).to_contain_text("(1 ")
    assert page.locator('[aria-labelledby="results-count"] h3').all_inner_texts() == ["Sheffield Forum"]
    # axe needs JavaScript: the folded state is checked with it in the next test.
    page.get_by_role("link", name=re.compile(f"^{words['remove']}.*Sheffield")).click()
    expect(page.locator('[aria-labelledby="results-count"] h3')).to_have_count(6)


@pytest.mark.parametrize("prefix", ["", "/cy"], ids=["english", "welsh"])
def test_search_button_beside_the_box_and_the_page_past_the_end(open_page, welsh_content, monkeypatch, axe, prefix):
    """At both widths the search box is sent by its own Search button; an old link to a page past
    the last shows the last page with a message, and answers 404."""
    words = WORDS[prefix]
    monkeypatch.setattr("directory.listing.results.PAGE_SIZE", 2)
    for width in (DESKTOP_WIDTH, MOBILE_WIDTH):
        page = open_page(width=width)
        page.goto(f"{prefix}/directory/?region=sheffield")
        axe(page)  # at 375 px the filters are folded; at 1280 px unfolded, with a tag above the results
        page.goto(f"{prefix}/directory/")
        first_result = page.locator('[aria-labelledby="results-count"] h3').first
        assert first_result.bounding_box()["y"] < VIEWPORT_HEIGHT, (
            f"the first result is below the first screen at {width}px"
        )
        page.get_by_label(re.compile("^(Search the directory|Chwilio’r cyfeiriadur|Chwilio'r cyfeiriadur)")).fill(
            "housing"
        )
        page.locator("#directory-filters").get_by_role("button", name=words["search"], exact=True).click()
        expect(page).to_have_url(re.compile(r"\?q=housing"))
        expect(page.locator('[aria-labelledby="results-count"] h3')).to_have_count(2)

        response = page.goto(f"{prefix}/directory/?page=7")
        assert response.status == 404
        expect(page.locator("#missing-page")).to_contain_text("7")
        expect(page.get_by_role("navigation", name=re.compile("^(Pagination|Tudalennu)$"))).to_be_visible()
        axe(page)
