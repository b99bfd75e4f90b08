"""The Welsh site as a Welsh speaker sees it on a desktop: the header on one line, as in English."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("prefix", ["", "/cy"], ids=["english", "welsh"])
def test_the_header_stays_on_one_line_at_desktop_width(page, welsh_content, axe, prefix):
    """At 1280 px the service name and every menu item sit on one line; the longer Welsh names
    ("Cyfeiriadur Cymorth gan Gymheiriaid", "Enwebu cymuned") must not push the menu under it."""
    page.goto(f"{prefix}/")
    name = page.locator(".govuk-service-navigation__service-name").bounding_box()
    items = [item.bounding_box() for item in page.locator(".govuk-service-navigation__item").all()]
    assert items, "the header has a menu"
    assert all(abs(item["y"] - name["y"]) < name["height"] for item in items), "the menu wraps under the name"
    axe(page)
