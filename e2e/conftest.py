"""Fixtures for the browser tests: one Debian Chromium for the whole session driven by Playwright,
a fresh browser context per test against pytest-django's live server, demo-like directory
content built with the factories, and the two checks every page goes through: axe-core at
WCAG 2.2 A/AA (zero violations) and screenshots at desktop and mobile widths.

Chromium comes from Debian (``apt-get install chromium``), never from a download. Without it the
browser tests are skipped on a developer's machine and fail in CI (``CI=true``).
"""

import datetime
import os
import re
import threading
import time
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop in this thread, so Django would refuse ORM
# calls from the test code (SynchronousOnlyOperation). Nothing here runs concurrently with the
# loop, so lifting the guard is safe; it is lifted only when the browser tests are collected.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Nothing outside this machine: any host but the live server's fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DESKTOP_WIDTH = 1280
MOBILE_WIDTH = 375
VIEWPORT_HEIGHT = 900
TIMEOUT_MS = 10_000
EDITOR_PASSWORD = "a long editor passphrase"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the browser tests after all the others (after pytest-django's own ordering): while
    Playwright's event loop runs in this thread, other code cannot call ``asyncio.run()``."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def pytest_runtest_makereport(item, call):
    """Remember whether the test body failed, so the page fixture can keep a screenshot of it."""
    if call.when == "call":
        item.e2e_failed = call.excinfo is not None


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (Playwright gives it a fresh temporary profile,
    its own ``--user-data-dir``, and deletes it on close)."""
    if not CHROMIUM.exists():
        reason = f"Browser tests need Debian's Chromium at {CHROMIUM}: run `apt-get install chromium`."
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from django.db import connections
    from playwright.sync_api import expect, sync_playwright

    # A loaded two-core CI machine can take a few seconds over a page; waits are generous.
    expect.set_options(timeout=TIMEOUT_MS)
    test_connections = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        # While Playwright's event loop runs in this thread, Django looks its connections up in a
        # separate per-context store. Hand that store the connections the test database was set up
        # on, or tests after the first would lose its saved contents (serialized_rollback) and, on
        # SQLite, the in-memory database shared with the live server.
        for alias, connection in test_connections.items():
            connections[alias] = connection
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, live_server, request):
    """Open a page in a new browser context against the live server.

    ``open_page(java_script_enabled=False)`` gives a browser with JavaScript switched off.
    Relative URLs in ``page.goto("/directory/")`` go to the live server.
    """
    from django.core.cache import cache

    # Wagtail caches site root paths and the rate limiter counts in the cache; both must start
    # empty because every test rebuilds the database.
    cache.clear()
    contexts = []

    def open_new_page(*, width=DESKTOP_WIDTH, java_script_enabled=True, **options):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": VIEWPORT_HEIGHT},
            java_script_enabled=java_script_enabled,
            locale="en-GB",
            **options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_new_page
    if getattr(request.node, "e2e_failed", False):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        for number, context in enumerate(contexts):
            for tab, page in enumerate(context.pages):
                page.screenshot(path=ARTIFACTS / f"failed-{name}-{number}-{tab}.png", full_page=True)
    for context in contexts:
        context.close()
    # A closing page can still send a request (the page editor releases its editing session); on
    # SQLite the live server shares the test's database, so let it finish before the next test.
    wait_until_the_live_server_is_quiet()


class InFlightRequests:
    """Counts the live server's requests in progress, from Django's request signals."""

    def __init__(self):
        self.count = 0
        self.last_change = time.monotonic()
        self.lock = threading.Lock()

    def started(self, **kwargs):
        with self.lock:
            self.count += 1
            self.last_change = time.monotonic()

    def finished(self, **kwargs):
        with self.lock:
            self.count = max(0, self.count - 1)
            self.last_change = time.monotonic()


IN_FLIGHT = InFlightRequests()


def wait_until_the_live_server_is_quiet(quiet_seconds=0.3, timeout_seconds=10):
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        with IN_FLIGHT.lock:
            if IN_FLIGHT.count == 0 and time.monotonic() - IN_FLIGHT.last_change >= quiet_seconds:
                return
        time.sleep(0.05)


@pytest.fixture(scope="session", autouse=True)
def count_live_server_requests():
    from django.core.signals import request_finished, request_started

    request_started.connect(IN_FLIGHT.started, dispatch_uid="e2e.in_flight.started")
    request_finished.connect(IN_FLIGHT.finished, dispatch_uid="e2e.in_flight.finished")
    yield
    request_started.disconnect(dispatch_uid="e2e.in_flight.started")
    request_finished.disconnect(dispatch_uid="e2e.in_flight.finished")


@pytest.fixture
def page(open_page):
    """A desktop-sized page with JavaScript on."""
    return open_page()


def format_violations(url, violations):
    """Say what axe found in a way a developer can act on without opening a report."""
    lines = [f"{len(violations)} accessibility violation(s) at {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(str(target) for target in node['target'])}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


def check_accessibility(page):
    """Run axe-core (bundled with axe-playwright-python, nothing fetched) on the page as it is now
    and fail on any WCAG 2.2 A or AA violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
    violations = results.response["violations"]
    if violations:
        raise AssertionError(format_violations(page.url, violations))


@pytest.fixture
def axe():
    """``axe(page)``: assert the page has no WCAG 2.2 A/AA violations."""
    return check_accessibility


# Leaf elements sticking out past the right edge. A wide table may scroll sideways inside its
# own region (WCAG 1.4.10 allows it for content that needs two dimensions), but never the page.
OVERFLOWING_ELEMENTS = """() => {
    const width = document.documentElement.clientWidth;
    const overflows = element => element.getBoundingClientRect().right > width + 1;
    if (document.documentElement.scrollWidth <= width) return [];
    const culprits = [...document.querySelectorAll("body *")]
        .filter(element => overflows(element) && !element.closest(".app-table-scroll"))
        .filter(element => ![...element.children].some(overflows))
        .slice(0, 5)
        .map(element => element.outerHTML.slice(0, 150));
    return culprits.length ? culprits : [`the page is ${document.documentElement.scrollWidth}px wide`];
}"""
NARROWEST_WIDTH = 320  # the smallest phone WCAG 1.4.10 asks for


def check_reflow(page):
    """WCAG 1.4.10 Reflow: on a phone-sized screen nothing may make the page scroll sideways (a
    data table scrolls in its own region). axe cannot see this, so the page is measured instead."""
    overflowing = page.evaluate(OVERFLOWING_ELEMENTS)
    if overflowing:
        raise AssertionError(
            f"{page.url} scrolls sideways at {page.viewport_size['width']}px; elements past the edge:\n"
            + "\n".join(f"  {html}" for html in overflowing)
        )


def at_each_width(page, check):
    """Call ``check(page, width)`` with the page at desktop and then at mobile width, and put the
    viewport back as it was."""
    original = page.viewport_size
    try:
        for width in (DESKTOP_WIDTH, MOBILE_WIDTH):
            page.set_viewport_size({"width": width, "height": VIEWPORT_HEIGHT})
            check(page, width)
    finally:
        page.set_viewport_size(original)


def save_screenshot(page, name, width):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}-{width}.png", full_page=True)


def take_screenshots(page, name):
    """Save full-page screenshots as ``e2e/artifacts/<name>-1280.png`` and ``<name>-375.png``."""
    at_each_width(page, lambda page, width: save_screenshot(page, name, width))


@pytest.fixture
def screenshot():
    """``screenshot(page, "name")``: desktop and mobile screenshots into e2e/artifacts/."""
    return take_screenshots


def check_page(page, name):
    """Axe at desktop and at mobile width (the layout differs), with a screenshot of each; at 375
    and 320 px the page must also fit without sideways scrolling."""

    def check(page, width):
        check_accessibility(page)
        save_screenshot(page, name, width)
        if width == MOBILE_WIDTH:
            check_reflow(page)

    at_each_width(page, check)
    original = page.viewport_size
    page.set_viewport_size({"width": NARROWEST_WIDTH, "height": VIEWPORT_HEIGHT})
    try:
        check_reflow(page)
    finally:
        page.set_viewport_size(original)


@pytest.fixture
def check_public_page():
    """``check_public_page(page, "name")``: zero axe violations at both widths, plus screenshots."""
    return check_page


@pytest.fixture
def directory_content(site_tree):
    """A small directory like the demo: six communities across topics, audiences, regions, types
    and engagement preferences, and two departments, one engaging with a community."""
    from directory.models import (
        Audience,
        CommunityType,
        EngagementMode,
        EngagementPreference,
        EngagementStatus,
        OperatorKind,
        Region,
    )
    from directory.tests.factories import DepartmentPageFactory, EngagementFactory, ForumPageFactory

    directory = site_tree["directory"]
    departments = site_tree["departments"]
    audience = {item.slug: item for item in Audience.objects.all()}
    region = {item.slug: item for item in Region.objects.all()}
    kind = {item.slug: item for item in CommunityType.objects.all()}

    def community(title, slug, topics, audiences, regions, community_type, **fields):
        return ForumPageFactory(
            parent=directory,
            title=title,
            slug=slug,
            website=f"https://{slug}.example.org/",
            topics=topics,
            audiences=[audience[name] for name in audiences],
            regions=[region[name] for name in regions],
            community_type=kind[community_type],
            operator_kind=OperatorKind.COMPANY,
            operator_name=f"{title} Ltd",
            members=12000,
            is_moderated=True,
            **fields,
        )

    forums = {
        "parents": community(
            "Parents Together",
            "parents-together",
            ["parenting", "childcare", "schools"],
            ["parents"],
            ["uk"],
            "forum",
            summary="A busy forum where parents and carers swap advice on everything from sleep to schools.",
            welcomes_expert_answers=True,
            welcomes_hosted_qa=True,
        ),
        "students": community(
            "Student Money Board",
            "student-money-board",
            ["money", "student finance"],
            ["students", "young-people"],
            ["england"],
            "forum",
            summary="Students help each other with loans, budgets and part-time work.",
            engagement_preference=EngagementPreference.BY_ARRANGEMENT,
            cost="free",
            registration="to_post",
            how_to_join="contact_first",
            contact_route="Message the board's volunteers through the contact form on its home page.",
            minimum_age=16,
            activity="100_to_1000",
            activity_checked=datetime.date(2026, 11, 2),
        ),
        "veterans": community(
            "Veterans Mess Deck",
            "veterans-mess-deck",
            ["veterans", "housing"],
            ["veterans"],
            ["uk"],
            "social-media-group",
            summary="Service leavers and their families help each other with civilian life.",
        ),
        "sheffield": community(
            "Sheffield Forum",
            "sheffield-forum",
            ["local services", "housing"],
            ["residents"],
            ["sheffield"],
            "forum",
            summary="People in Sheffield talk about their city, its services and what is on.",
        ),
        "carers": community(
            "Carers Circle",
            "carers-circle",
            ["caring", "mental health"],
            ["carers"],
            ["wales"],
            "webchat",
            summary="Unpaid carers support each other in a weekly webchat.",
            engagement_preference=EngagementPreference.DOES_NOT_WELCOME,
        ),
        "practice": community(
            "Social Work Practice Network",
            "social-work-practice-network",
            ["social work"],
            ["professionals"],
            ["uk"],
            "community-of-practice",
            summary="Social workers share practice, research and questions with peers.",
        ),
    }
    education = DepartmentPageFactory(
        parent=departments,
        title="Department for Education",
        slug="department-for-education",
        acronym="DfE",
        remit="Children's services and education in England.",
    )
    education.topics.add("schools", "childcare")
    education.save()
    EngagementFactory(
        department=education,
        forum=forums["parents"],
        mode=EngagementMode.HOSTED_QA,
        status=EngagementStatus.ACTIVE,
        team="Schools policy team",
        outcome="Monthly question-and-answer sessions on school admissions.",
    )
    education.save_revision().publish()
    council = DepartmentPageFactory(
        parent=departments,
        title="Sheffield City Council",
        slug="sheffield-city-council",
        acronym="SCC",
        remit="Local services for the people of Sheffield.",
    )
    return {**site_tree, "forums": forums, "public_bodies": {"education": education, "council": council}}


@pytest.fixture
def quick_forms(settings):
    """The spam guard refuses a form sent back within seconds of being served; a test types faster
    than a person, so the minimum is lifted (the live server runs in this process)."""
    settings.PUBLIC_FORM_MIN_SECONDS = 0


@pytest.fixture
def editor(django_user_model):
    """An editor who can sign in to the admin and moderate every page."""
    return django_user_model.objects.create_superuser("editor", "editor@example.org", EDITOR_PASSWORD)


@pytest.fixture
def nomination(directory_content):
    """A community an operator has nominated, waiting for an editor: ``nomination``, its draft
    ``forum`` and the ``token`` of the operator's private link (as emailed to them)."""
    from directory.models import CommunityType
    from directory.nominations import submit_nomination

    details = {
        "title": "Allotment Growers Forum",
        "website": "https://allotment-growers.example.org/",
        "summary": "Plot holders share tips on growing food and running allotment sites.",
        "description": "Friendly advice for new and old plot holders.",
        "languages": "English",
        "operator_name": "Sheffield Allotment Federation",
        "operator_kind": "volunteers",
        "house_rules_url": "",
        "engagement_preference": "welcomes",
        "members": 3500,
        "monthly_visitors": None,
        "posts": None,
        "volunteer_moderators": 4,
        "is_moderated": True,
        "community_type": CommunityType.objects.get(slug="forum").pk,
        "topics": ["gardening", "food growing"],
        "audiences": [],
        "regions": [],
        "welcomed_modes": ["expert_answers"],
    }
    contact = {"contact_name": "Sam Grower", "contact_email": "sam@allotments.example.org", "message": ""}
    nomination, token = submit_nomination(details, contact)
    return {"nomination": nomination, "forum": nomination.forum, "token": token}


@pytest.fixture
def approved_nomination(nomination, editor):
    """The nominated community after an editor approved it: live in the directory."""
    forum = nomination["forum"]
    task_state = forum.current_workflow_task_state
    task_state.task.specific.on_action(task_state, editor, "approve")
    forum.refresh_from_db()
    nomination["nomination"].refresh_from_db()
    assert forum.live
    return nomination


@pytest.fixture
def welsh_content(directory_content):
    """The same directory published in Welsh under /cy/: each page copied for translation (the
    text stays as the editors wrote it until a translator changes it) and published."""
    from wagtail.models import Locale, Page

    welsh = Locale.objects.get(language_code="cy")

    def publish_in_welsh(page):
        translation = page.copy_for_translation(welsh, copy_parents=True)
        translation.save_revision().publish()
        return Page.objects.get(pk=translation.pk).specific

    home = directory_content["directory"].get_parent().specific
    pages = [home] + [directory_content[slug] for slug in ("directory", "departments", "nominate", "progress")]
    pages += list(directory_content["forums"].values()) + list(directory_content["public_bodies"].values())
    return {page.pk: publish_in_welsh(page) for page in pages}
