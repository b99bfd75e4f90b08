"""The editors' admin: tabbed edit forms with help text, edits, revision compare and rollback,
the Communities and Departments listings, admin search, the vocabulary snippets and the topics' Welsh names."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from taggit.models import Tag
from wagtail import hooks
from wagtail.test.utils.form_data import querydict_from_html, rich_text

from directory.admin import translation_buttons
from directory.models import DepartmentPage, EngagementMode, EngagementPreference, ForumPage, TopicName
from directory.tests.factories import DepartmentPageFactory, EngagementFactory, ForumPageFactory

FORUM_TABS = ["About", "Audience and topics", "Figures", "Engagement", "Before you join", "Private", "Promote"]
LISTING_BUTTONS_HOOK = "register_page_listing_more_buttons"
DEPARTMENT_TABS = ["About", "Engagement plan", "Engagements", "Promote"]
PLAN = [
    {"type": "heading", "value": "Why we take part"},
    {"type": "paragraph", "value": "<p>Parents help each other online.</p>"},
    {"type": "commitments", "value": {"heading": "Our commitments", "items": ["Answer questions weekly."]}},
    {"type": "review_schedule", "value": {"frequency": "Every six months", "next_review": "2010-03-31", "notes": ""}},
]


def published(page):
    """The page with a first published revision, as the loader and the admin leave it."""
    page.save_revision().publish()
    return page.specific_class.objects.get(pk=page.pk)


@pytest.fixture
def netmums(directory_index):
    return published(
        ForumPageFactory(
            parent=directory_index,
            title="Netmums",
            slug="netmums",
            website="https://www.netmums.com/",
            summary="Parents share information and tips.",
            members=1000,
        )
    )


@pytest.fixture
def department(departments_index, netmums):
    page = DepartmentPageFactory(
        parent=departments_index, title="Department for Education", acronym="DfE", engagement_plan=PLAN
    )
    EngagementFactory(department=page, forum=netmums, mode=EngagementMode.EXPERT_ANSWERS, team="Parenting team")
    return published(page)


def tab_labels(response):
    soup = BeautifulSoup(response.content, "html.parser")
    tabs = soup.select("#page-edit-form [role=tab]")
    return [next(tab.stripped_strings) for tab in tabs]  # the title, before the error-count badge


def edit_form_data(response):
    """What the browser would post back from the edit form as rendered (without JavaScript)."""
    return querydict_from_html(response.content.decode(), form_id="page-edit-form")


def plan_form_data(plan):
    """StreamField post data for an engagement plan, in the format Wagtail's JavaScript sends."""
    data = {"engagement_plan-count": str(len(plan))}
    for index, block in enumerate(plan):
        prefix = f"engagement_plan-{index}"
        data.update({f"{prefix}-type": block["type"], f"{prefix}-order": str(index), f"{prefix}-deleted": ""})
        value = block["value"]
        if block["type"] == "heading":
            data[f"{prefix}-value"] = value
        elif block["type"] == "paragraph":
            data[f"{prefix}-value"] = rich_text(value)
        elif block["type"] == "commitments":
            data[f"{prefix}-value-heading"] = value["heading"]
            data[f"{prefix}-value-items-count"] = str(len(value["items"]))
            for item_index, item in enumerate(value["items"]):
                item_prefix = f"{prefix}-value-items-{item_index}"
                data.update({f"{item_prefix}-value": item, f"{item_prefix}-order": str(item_index)})
                data[f"{item_prefix}-deleted"] = ""
        else:
            data.update({f"{prefix}-value-{name}": field_value for name, field_value in value.items()})
    return data


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def help_text_by_field(model):
    form_class = model.get_edit_handler().get_form_class()
    texts = {name: str(field.help_text) for name, field in form_class.base_fields.items()}
    for name, formset in form_class.formsets.items():
        texts.update({f"{name}.{field}": str(f.help_text) for field, f in formset.form.base_fields.items()})
    return texts


@pytest.mark.parametrize("model", [ForumPage, DepartmentPage])
def test_every_field_in_the_edit_form_has_help_text(model):
    """Without this, an editor would meet a field with no hint of what belongs in it."""
    panel_help = {panel.field_name: str(panel.help_text or "") for panel in _field_panels(model.get_edit_handler())}
    missing = [
        name
        for name, text in help_text_by_field(model).items()
        if not (text.strip() or panel_help.get(name, "").strip())
    ]
    assert missing == ["comment_notifications"]  # Wagtail's own switch beside the comments, not a field


def _field_panels(panel):
    if hasattr(panel, "field_name"):
        yield panel
    for child in getattr(panel, "children", []):
        yield from _field_panels(child)


@pytest.mark.django_db
def test_forum_edit_view_shows_every_tab_and_keeps_private_fields_in_their_tab(admin_client, netmums):
    """Without this, editors could not reach part of a community's entry, or would find the
    operator's contact details mixed in with the public fields."""
    response = admin_client.get(edit_url(netmums))
    assert response.status_code == 200
    assert tab_labels(response) == FORUM_TABS
    soup = BeautifulSoup(response.content, "html.parser")
    private_tab = soup.select_one("#tab-private")
    assert private_tab.select_one("[name=contact_email]") is not None
    assert soup.select_one("#tab-about [name=contact_email]") is None


@pytest.mark.django_db
def test_department_edit_view_shows_every_tab(admin_client, department):
    """Without this, department editors could not reach their plan or engagement records."""
    response = admin_client.get(edit_url(department))
    assert response.status_code == 200
    assert tab_labels(response) == DEPARTMENT_TABS
    assert b"Parenting team" in response.content


@pytest.mark.django_db
def test_editor_publishes_a_forum_edit_through_the_admin(admin_client, netmums):
    """Without this, the admin edit form would not save: editors could not correct an entry."""
    data = edit_form_data(admin_client.get(edit_url(netmums)))
    data["summary"] = "Parents help each other with pregnancy, babies and family life."
    data["action-publish"] = "action-publish"
    response = admin_client.post(edit_url(netmums), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    netmums = ForumPage.objects.get(pk=netmums.pk)
    assert netmums.summary == "Parents help each other with pregnancy, babies and family life."
    assert netmums.live and netmums.revisions.count() == 2
    assert netmums.members == 1000
    assert netmums.contact_email.endswith("@private.example")


@pytest.mark.django_db
def test_admin_edit_shows_a_clear_message_for_a_duplicate_address(admin_client, directory_index, netmums):
    """Without this, an editor could give two entries the same website, or get a server error."""
    other = published(ForumPageFactory(parent=directory_index, title="Other forum"))
    data = edit_form_data(admin_client.get(edit_url(other)))
    data["website"] = "http://NETMUMS.com"
    data["members"] = "-5"
    data["action-publish"] = "action-publish"
    response = admin_client.post(edit_url(other), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["website"] == ["“Netmums” already has this web address."]
    assert errors["members"] == ["Ensure this value is greater than or equal to 0."]
    assert ForumPage.objects.get(pk=other.pk).website != "http://NETMUMS.com"


@pytest.mark.django_db
def test_editor_publishes_a_department_edit_with_its_plan_and_engagements(admin_client, department, netmums):
    """Without this, department editors could not update their plan or engagement records in the admin."""
    data = edit_form_data(admin_client.get(edit_url(department)))
    data.update(plan_form_data(PLAN))
    data["remit"] = "Children's services and education."
    data["engagements-0-status"] = "paused"
    data["action-publish"] = "action-publish"
    response = admin_client.post(edit_url(department), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    department = DepartmentPage.objects.get(pk=department.pk)
    assert department.remit == "Children's services and education."
    assert department.engagements.get().status == "paused"
    assert department.engagements.get().forum_id == netmums.pk
    assert [block.block_type for block in department.engagement_plan] == [block["type"] for block in PLAN]
    assert department.revisions.count() == 2


def change_and_publish(page, **fields):
    page = page.get_latest_revision_as_object()
    for name, value in fields.items():
        setattr(page, name, value)
    revision = page.save_revision()
    revision.publish()
    return revision


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page_fixture", "field", "label", "old", "new"),
    [
        ("netmums", "summary", "Summary", "Parents share information and tips.", "A changed summary."),
        ("department", "remit", "Remit", "Looks after things.", "A changed remit."),
    ],
)
def test_revision_compare_and_rollback(admin_client, request, page_fixture, field, label, old, new):
    """Without this, editors could not see what changed between versions or put back an earlier one."""
    page = request.getfixturevalue(page_fixture)
    old_revision = page.latest_revision
    new_revision = change_and_publish(page, **{field: new})
    assert getattr(type(page).objects.get(pk=page.pk), field) == new

    compare = admin_client.get(
        reverse("wagtailadmin_pages:revisions_compare", args=[page.pk, old_revision.pk, new_revision.pk])
    )
    assert compare.status_code == 200
    soup = BeautifulSoup(compare.content, "html.parser")
    assert label in soup.get_text()
    assert old in str(soup.select(".deletion")) and new in str(soup.select(".addition"))

    revert_url = reverse("wagtailadmin_pages:revisions_revert", args=[page.pk, old_revision.pk])
    revert = admin_client.get(revert_url)
    assert revert.status_code == 200
    assert edit_form_data(revert)[field].strip() == old
    data = edit_form_data(revert)
    if page_fixture == "department":
        data.update(plan_form_data(PLAN))
    data["action-publish"] = "action-publish"
    response = admin_client.post(revert_url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    restored = type(page).objects.get(pk=page.pk)
    assert getattr(restored, field) == old
    assert restored.revisions.count() == 3
    assert restored.live_revision_id == restored.latest_revision_id


@pytest.mark.django_db
def test_communities_listing_shows_editors_columns_and_filters(admin_client, directory_index, netmums):
    """Without this, editors could not see at a glance which entries are delisted, unwelcoming or unverified."""
    published(
        ForumPageFactory(
            parent=directory_index,
            title="New Mums Circle",
            engagement_preference=EngagementPreference.DOES_NOT_WELCOME,
            last_verified=datetime.date(2009, 2, 1),
        )
    )
    response = admin_client.get(reverse("communities:index"))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    headings = [next(th.stripped_strings, "") for th in soup.select("thead th")]
    for heading in ["Title", "Community status", "Public servants", "Last verified", "Link check", "Status"]:
        assert heading in headings
    assert "Does not welcome public servants" in soup.select_one("tbody").get_text()

    filtered = admin_client.get(reverse("communities:index"), {"engagement_preference": "does_not_welcome"})
    assert [page.title for page in filtered.context["pages"]] == ["New Mums Circle"]


@pytest.mark.django_db
def test_admin_search_finds_a_community_by_name(admin_client, directory_index, netmums):
    """Without this, an editor looking for "Netmums" in the admin would not find it."""
    published(ForumPageFactory(parent=directory_index, title="Sheffield Forum"))
    response = admin_client.get(reverse("wagtailadmin_pages:search"), {"q": "Netmums"})
    assert response.status_code == 200
    assert [page.pk for page in response.context["pages"]] == [netmums.pk]
    listing = admin_client.get(reverse("communities:index"), {"q": "Netmums"})
    assert [page.pk for page in listing.context["pages"]] == [netmums.pk]


@pytest.mark.django_db
def test_explorer_under_the_directory_uses_the_community_columns(admin_client, directory_index, netmums):
    """Without this, the page tree under /directory/ would hide the columns editors work from."""
    response = admin_client.get(reverse("wagtailadmin_explore", args=[directory_index.pk]))
    assert response.status_code == 200
    assert "Public servants" in [
        th.get_text(" ", strip=True) for th in BeautifulSoup(response.content, "html.parser").select("thead th")
    ]


@pytest.mark.django_db
def test_departments_listing_shows_plan_status(admin_client, department):
    """Without this, editors could not see which department's plan is in draft or due for review."""
    response = admin_client.get(reverse("departments:index"))
    assert response.status_code == 200
    assert b"Department for Education" in response.content
    assert b"Plan status" in response.content and b"Published" in response.content


@pytest.fixture
def without_localize_listing_buttons(monkeypatch):
    """wagtail-localize's "Translate this page" button costs two queries per row in every Wagtail page
    listing (upstream; in the explorer directory.admin.translation_buttons answers it from the listing
    query); take it out so the test measures our columns and filters."""
    hooks.get_hooks(LISTING_BUTTONS_HOOK)  # load every app's hooks first
    kept = [
        (fn, order)
        for fn, order in hooks._hooks[LISTING_BUTTONS_HOOK]
        if "wagtail_localize" not in fn.__module__ and fn is not translation_buttons.translation_buttons
    ]
    monkeypatch.setitem(hooks._hooks, LISTING_BUTTONS_HOOK, kept)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [20, 100])
@pytest.mark.parametrize("listing", ["communities", "explorer"])
def test_community_listings_do_not_query_per_row(
    admin_client, directory_index, without_localize_listing_buttons, django_assert_max_num_queries, count, listing
):
    """Without this, the Communities listing and the explorer would slow down as the directory grows."""
    ForumPageFactory.create_batch(count, parent=directory_index)
    url = (
        reverse("communities:index")
        if listing == "communities"
        else reverse("wagtailadmin_explore", args=[directory_index.pk])
    )
    with django_assert_max_num_queries(40):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert len(response.context["pages"]) == min(count, 50)
    assert b"Public servants" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("model_name", ["audience", "region", "communitytype"])
def test_vocabulary_snippets_are_listed(admin_client, model_name):
    """Without this, editors could not correct or add audiences, regions or community types."""
    response = admin_client.get(reverse(f"wagtailsnippets_directory_{model_name}:list"))
    assert response.status_code == 200
    assert b"Welsh name" in response.content


@pytest.mark.django_db
def test_vocabulary_search_finds_welsh_names(admin_client):
    """Without this, an editor searching for a Welsh term would find nothing: the seeded terms are not indexed."""
    response = admin_client.get(reverse("wagtailsnippets_directory_audience:list"), {"q": "Myfyrwyr"})
    assert [audience.slug for audience in response.context["object_list"]] == ["students"]


@pytest.mark.django_db
def test_vocabularies_are_grouped_in_the_admin_menu(admin_client):
    """Without this, the vocabularies would be buried under the generic Snippets menu."""
    response = admin_client.get(reverse("wagtailadmin_home"))
    assert b"Directory vocabularies" in response.content


OUT_OF_RANGE_IDS = ["9223372036854775808", "-9223372036854775809", "1" + "0" * 30]


@pytest.mark.django_db
@pytest.mark.parametrize("value", OUT_OF_RANGE_IDS)
def test_an_out_of_range_id_in_the_edit_form_is_a_form_error(admin_client, netmums, value):
    """A tampered audience, region or community type id beyond the database's range is an invalid choice.

    If this fails, a crafted post to the edit form (or a browser extension filling it in) is a server
    error on SQLite and PostgreSQL alike, instead of a message next to the field.
    """
    for name in ("audiences", "regions", "community_type"):
        data = edit_form_data(admin_client.get(edit_url(netmums)))
        data.setlist(name, [value])
        data["action-publish"] = "action-publish"
        response = admin_client.post(edit_url(netmums), data)
        assert response.status_code == 200, name
        assert name in response.context["form"].errors


@pytest.mark.django_db
@pytest.mark.parametrize("value", OUT_OF_RANGE_IDS)
def test_out_of_range_ids_in_admin_addresses_and_filters_are_not_found(admin_client, netmums, value):
    """Admin addresses and listing filters taking an id answer 404 or ignore a huge one, never a 500.

    If this fails, an editor following a mangled link sees a server error instead of "not found".
    """
    if not value.startswith("-"):
        for path in (
            f"/admin/pages/{value}/edit/",
            f"/admin/nominations/inspect/{value}/",
            f"/admin/snippets/directory/audience/edit/{value}/",
        ):
            assert admin_client.get(path).status_code == 404, path
    response = admin_client.get(reverse("communities:index"), {"community_type": value})
    assert response.status_code == 200


@pytest.mark.django_db
def test_an_editor_gives_a_topic_its_welsh_name(client, editor, directory_index):
    """An editor (not a superuser) opens "Topic names in Welsh", picks a topic, types its Welsh name
    and saves; the listing then shows it. If this fails, topics stay English on the Welsh site."""
    ForumPageFactory(parent=directory_index, topics=["parenting"])
    Tag.objects.create(name="Wildlife", slug="wildlife")  # an image's tag, say
    client.force_login(editor)
    listing = reverse("wagtailsnippets_directory_topicname:list")
    assert client.get(reverse("wagtailadmin_home")).content.count(listing.encode()) == 1  # in the menu
    add = client.get(reverse("wagtailsnippets_directory_topicname:add"))
    assert add.status_code == 200
    offered = {label for _value, label in add.context["form"].fields["tag"].choices}
    assert "parenting" in offered
    assert "Wildlife" not in offered  # a tag that no community or body has is not a topic
    data = querydict_from_html(add.content.decode(), form_id="w-editor-form")
    data["tag"] = str(Tag.objects.get(name="parenting").pk)
    data["name_cy"] = "magu plant"
    response = client.post(reverse("wagtailsnippets_directory_topicname:add"), data)
    assert response.status_code == 302, response.context["form"].errors
    assert TopicName.objects.get().name_cy == "magu plant"
    response = client.get(listing, {"q": "magu"})
    assert [str(name) for name in response.context["object_list"]] == ["parenting – magu plant"]
