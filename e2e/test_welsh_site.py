"""The Welsh site as a Welsh speaker sees it: the header on one line at desktop width, as in English;
topics and public bodies in Welsh on a phone and a desktop; and an editor naming a topic in Welsh."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import DESKTOP_WIDTH, MOBILE_WIDTH

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


@pytest.fixture
def welsh_names(directory_content, welsh_content):
    """Three topics named in Welsh (the rest not yet) and the Department for Education translated."""
    from taggit.models import Tag

    from directory.models import TopicName

    for name, welsh in (("parenting", "magu plant"), ("housing", "tai"), ("childcare", "gofal plant")):
        TopicName.objects.create(tag=Tag.objects.get(name=name), name_cy=welsh)
    education = welsh_content[directory_content["public_bodies"]["education"].pk]
    education.title = "Yr Adran Addysg"
    education.remit = "Gwasanaethau plant ac addysg yn Lloegr."
    education.save_revision().publish()
    return education


@pytest.mark.parametrize("width", [MOBILE_WIDTH, DESKTOP_WIDTH], ids=["phone", "desktop"])
def test_topics_and_public_bodies_read_in_welsh(open_page, welsh_names, axe, width):
    """A Welsh reader filtering the directory sees the topics' Welsh names ("Magu plant"), a topic not
    yet translated marked as English for their screen reader, and a public body's page in Welsh."""
    page = open_page(width=width)
    page.goto("/cy/directory/")
    if width == MOBILE_WIDTH:
        page.get_by_text("Hidlo", exact=True).click()
    topics = page.get_by_role("group", name=re.compile("^Pwnc"))
    for welsh in ("Magu plant", "Tai", "Gofal plant"):
        expect(topics.get_by_role("checkbox", name=re.compile(f"^{welsh} \\("))).to_be_visible()
    expect(topics.locator('label[lang="en"]', has_text="Schools")).to_have_count(1)
    expect(topics.locator('label[lang="en"]', has_text="Magu plant")).to_have_count(0)
    topics.get_by_role("checkbox", name=re.compile("^Tai \\(")).check()
    page.get_by_role("button", name="Rhoi'r hidlyddion ar waith").click()
    assert "topic=housing" in page.url  # the address keeps the slug, in either language
    expect(page.locator('[aria-labelledby="results-count"] h3')).to_have_count(2)
    axe(page)

    page.goto("/cy/departments/department-for-education/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Yr Adran Addysg")
    expect(page.get_by_text("Gofal plant", exact=True)).to_be_visible()
    expect(page.get_by_text("Schools", exact=True)).to_have_attribute("lang", "en")
    expect(page.get_by_text("Schools policy team")).to_have_attribute("lang", "en")  # kept in English
    axe(page)


def test_an_editor_names_a_topic_in_welsh(open_page, directory_content, welsh_content, django_user_model):
    """An editor (of the "Directory editors" group, not a superuser) signs in, opens Directory
    vocabularies → Topic names in Welsh, names "veterans" in Welsh and saves; the Welsh directory's
    Topic filter then shows the Welsh name."""
    from django.contrib.auth.models import Group

    from directory.site_tree import EDITORS_GROUP

    user = django_user_model.objects.create_user("cymro", "cymro@example.org", "a long pass phrase")
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    page = open_page()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("cymro")
    page.get_by_label("Password").fill("a long pass phrase")
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("button", name="Directory vocabularies").click()
    page.get_by_role("link", name="Topic names in Welsh").click()
    page.get_by_role("link", name="Add topic name in Welsh").first.click()
    page.get_by_label(re.compile("^Topic")).select_option(label="veterans")
    page.get_by_label(re.compile("^Welsh name")).fill("cyn-filwyr")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("row").filter(has=page.get_by_role("link", name="veterans"))).to_contain_text("cyn-filwyr")

    page.goto("/cy/directory/")
    expect(page.get_by_role("checkbox", name=re.compile("^Cyn-filwyr \\("))).to_be_visible()
