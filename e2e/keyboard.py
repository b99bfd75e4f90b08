"""Keyboard-only steps for the browser tests: move with Tab and the arrow keys, act with Space and
Enter. No step clicks, so a journey built from these proves it works without a mouse."""

from playwright.sync_api import expect

MAX_TABS = 200


def is_focused(page, element):
    return page.evaluate("element => element === document.activeElement", element)


def tab_to(page, locator, limit=MAX_TABS):
    """Press Tab until ``locator`` has focus; fail if it is not in the tab order."""
    element = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(page, element):
            return
    raise AssertionError(f"Tab never reached {locator} (pressed {limit} times)")


def press_enter(page):
    """Press Enter on the focused link or button and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def replace_text(page, text):
    """Replace the text of the focused field, as a person would: select all, then type."""
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def tick(page, checkbox):
    """Tab to a checkbox and tick it with Space."""
    tab_to(page, checkbox)
    page.keyboard.press("Space")
    expect(checkbox).to_be_checked()


def choose_radio(page, radio):
    """Tab into the radio group (one tab stop for the whole group), then arrow down to ``radio``
    and select it with Space."""
    element = radio.element_handle()
    name = element.get_attribute("name")
    in_group = "name => document.activeElement.type === 'radio' && document.activeElement.name === name"
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(in_group, name):
            break
    else:
        raise AssertionError(f"Tab never reached the radio group {name!r}")
    for _ in range(page.locator(f'input[type="radio"][name="{name}"]').count()):
        if is_focused(page, element):
            page.keyboard.press("Space")
            expect(radio).to_be_checked()
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"The arrow keys never reached {radio} in {name!r}")
