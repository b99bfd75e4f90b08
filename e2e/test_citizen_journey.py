"""A citizen looks for a community: searches from the home page, narrows the results with the
filters, opens an entry, reads how it treats public servants, follows it to a department, and
switches to Welsh."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def result_titles(page):
    """The titles in the results list (the list is labelled by the results count)."""
    return page.locator('[aria-labelledby="results-count"]').get_by_role("heading", level=3).all_inner_texts()


def test_citizen_searches_filters_and_opens_an_entry(page, directory_content):
    """Someone who has never seen the directory can get from the home page to the community they
    need: search, filter, remove a filter and open the entry, all by links and forms that keep
    their state in the address."""
    page.goto("/")
    page.get_by_label("Search the directory").fill("housing")
    page.get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(r"/directory/\?q=housing"))
    expect(page.get_by_role("heading", name="2 communities match “housing”")).to_be_visible()
    assert sorted(result_titles(page)) == ["Sheffield Forum", "Veterans Mess Deck"]
    expect(page.get_by_label("Search the directory")).to_have_value("housing")

    region = page.get_by_role("group", name="Region")
    region.get_by_role("checkbox", name=re.compile(r"^Sheffield")).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="1 community matches “housing”")).to_be_visible()
    assert result_titles(page) == ["Sheffield Forum"]
    expect(
        page.get_by_role("group", name=re.compile(r"^Region")).get_by_role("checkbox", name=re.compile(r"^Sheffield"))
    ).to_be_checked()

    page.get_by_role("link", name="Remove filter Region: Sheffield").click()
    expect(page.get_by_role("heading", name="2 communities match “housing”")).to_be_visible()

    page.get_by_label("Search the directory").fill("")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="6 communities", exact=True)).to_be_visible()
    page.get_by_role("group", name="Public servants").get_by_role(
        "checkbox", name=re.compile(r"^Does not welcome public servants")
    ).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="1 community", exact=True)).to_be_visible()
    page.get_by_role("link", name="Carers Circle").click()

    expect(page.get_by_role("heading", level=1, name="Carers Circle")).to_be_visible()
    expect(page.locator("#engagement-preference")).to_contain_text("does not welcome public servants")
    expect(page.get_by_role("link", name=re.compile(r"^Visit Carers Circle"))).to_have_attribute(
        "href", "https://carers-circle.example.org/"
    )

    page.goto("/directory/parents-together/")
    expect(page.locator("#engagement-preference")).to_contain_text("welcomes public servants")
    page.get_by_role("link", name="Department for Education").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Department for Education"))).to_be_visible()
    expect(page.get_by_role("link", name="Parents Together")).to_be_visible()


def test_citizen_switches_to_welsh_and_keeps_their_place(page, welsh_content):
    """A Welsh speaker who lands on an English page can switch language from the header and stay on
    the same page, filters and all, then switch back."""
    page.goto("/directory/?topic=housing")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switcher = page.get_by_role("navigation", name="Language")
    switcher.get_by_role("link", name="Cymraeg").click()

    expect(page).to_have_url(re.compile(r"/cy/directory/\?topic=housing$"))
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert sorted(result_titles(page)) == ["Sheffield Forum", "Veterans Mess Deck"]

    page.get_by_role("link", name="Sheffield Forum").click()
    expect(page).to_have_url(re.compile(r"/cy/directory/sheffield-forum/$"))
    expect(page.get_by_role("heading", level=1, name="Sheffield Forum")).to_be_visible()

    page.get_by_role("navigation", name=re.compile("^(Language|Iaith)$")).get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/directory/sheffield-forum/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
