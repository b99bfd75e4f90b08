"""Search that finds what citizens mean, through the pages people use: stems, any-word ranking,
synonyms editors keep, typo suggestions, Welsh labels, a no-results page that helps, and one ranking
for the listing, site search, the Wagtail API and Open Referral.

Run on SQLite by default and on PostgreSQL with ``DATABASE_URL``: both must behave the same.
"""

import json

import pytest
from django.urls import reverse
from wagtail.models import Locale

from directory.listing.query import Thesaurus, plan_search
from directory.models import SearchSynonyms
from directory.tests.factories import AudienceFactory, ForumPageFactory
from directory.tests.nomination_helpers import signed_in
from directory.translation import create_translation_aliases, ensure_welsh_tree

EVERYDAY = [
    # title, summary, topics
    ("Backyard Keepers", "Keepers of chickens, ducks and geese swap tips on housing and feeding.", ["poultry"]),
    ("Mums Together", "Mums share the ups and downs of the first year with a baby.", ["parenting"]),
    ("Family Flock", "Mums who keep chickens with their children.", ["family life"]),
    ("Quiet Streets", "Help with noisy neighbours and late-night parties.", ["neighbours"]),
    ("Bill Busters", "Cut your energy bills and get out of debt.", ["money"]),
]


@pytest.fixture
def everyday(directory_index):
    return {
        title: ForumPageFactory(parent=directory_index, title=title, summary=summary, description="", topics=topics)
        for title, summary, topics in EVERYDAY
    }


def listed(client, querystring, prefix=""):
    response = client.get(f"{prefix}/directory/?{querystring}")
    assert response.status_code == 200
    return response, [forum.title for forum in response.context["listing"].forums]


# --- 1. Stems ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "expected"), [("chicken", "Backyard Keepers"), ("mum", "Mums Together")])
def test_a_word_finds_pages_with_its_other_forms(client, everyday, query, expected):
    """A citizen typing "chicken" or "mum" would otherwise be told nothing matches while
    "chickens" and "mums" are right there in the list."""
    _response, titles = listed(client, f"q={query}")
    assert expected in titles


# --- 2. Any word, ranked by how many match --------------------------------------------------------


@pytest.mark.django_db
def test_every_word_matched_comes_first_then_fewer(client, everyday):
    """People type several words; a community with all of them must lead, and those with only
    some must still be listed rather than an empty page."""
    _response, titles = listed(client, "q=mums+chickens")
    assert titles[0] == "Family Flock"
    assert set(titles) == {"Family Flock", "Backyard Keepers", "Mums Together"}
    _response, titles = listed(client, "q=quiet+zebras")  # one word matching nothing empties nothing
    assert titles == ["Quiet Streets"]


# --- 3. Synonyms editors keep -------------------------------------------------------------------


@pytest.mark.django_db
def test_an_editors_new_synonym_takes_effect_on_the_next_request(client, everyday, editor):
    """An editor adds "bantams" to the poultry words in the admin; the very next search for
    "bantams" must find the poultry community, without a reindex or a restart."""
    _response, titles = listed(client, "q=bantams")
    assert titles == []
    admin = signed_in(type(client)(), editor)
    add = reverse(f"wagtailsnippets_{SearchSynonyms._meta.app_label}_searchsynonyms:add")
    assert admin.get(add).status_code == 200  # "Directory editors" may add groups
    response = admin.post(add, {"language": "en", "terms": "poultry, hens, bantams"})
    assert response.status_code == 302, response.content.decode()[:2000]
    _response, titles = listed(client, "q=bantams")
    assert titles == ["Backyard Keepers"]
    group = SearchSynonyms.objects.get()
    edit = reverse("wagtailsnippets_directory_searchsynonyms:edit", args=[group.pk])
    admin.post(edit, {"language": "en", "terms": "poultry, hens"})
    _response, titles = listed(client, "q=bantams")
    assert titles == []  # and taking it out takes effect as soon


@pytest.mark.django_db
def test_synonyms_belong_to_their_language(client, everyday):
    """A Welsh group must not change English searches (a Welsh word can be an English one)."""
    SearchSynonyms.objects.create(language="cy", terms="ieir, chickens")
    _response, titles = listed(client, "q=ieir")
    assert titles == []


def test_a_group_is_matched_by_the_stems_of_its_phrases():
    """ "mum" finds the group that lists "mums"; a phrase of the group is one concept, not two words."""
    thesaurus = Thesaurus([["parents", "mums"], ["local government", "council"], ["lonely"]])
    plan = plan_search("mum local government", thesaurus)
    assert [concept.words for concept in plan.concepts] == [("mum",), ("local", "government")]
    assert ("parents",) in plan.concepts[0].alternatives
    assert ("council",) in plan.concepts[1].alternatives
    assert plan_search("lonely", thesaurus).concepts[0].alternatives == (("lonely",),)  # a group of one is none
    assert len(plan_search("mum mum", thesaurus).concepts) == 1


# --- 4. Typos -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_typo_gets_did_you_mean_and_the_corrected_matches(client, everyday):
    """ "poultyr" must not leave the citizen with nothing: the poultry community is shown, and a
    "Did you mean poultry?" link runs the corrected search."""
    response, titles = listed(client, "q=poultyr")
    assert titles == ["Backyard Keepers"]
    html = response.content.decode()
    assert 'href="?q=poultry"' in html and "Did you mean" in html
    _response, titles = listed(client, "q=poultry")
    assert titles == ["Backyard Keepers"]
    html = client.get("/search/?q=Backyrd").content.decode()
    assert 'href="?q=backyard"' in html and "Backyard Keepers" in html


@pytest.mark.django_db
def test_no_suggestion_when_every_word_matched(client, everyday):
    """Correct words must not be "corrected" into others."""
    response, _titles = listed(client, "q=chickens")
    assert "Did you mean" not in response.content.decode()


# --- 5. Welsh -----------------------------------------------------------------------------------


@pytest.fixture
def welsh_copies(site_tree):
    ensure_welsh_tree()
    students = AudienceFactory(slug="students")  # seeded: "Students", Welsh "Myfyrwyr"
    forum = ForumPageFactory(
        parent=site_tree["directory"],
        title="Study Hall",
        summary="Learners help each other through exams.",
        audiences=[students],
    )
    create_translation_aliases(forum)
    return forum


@pytest.mark.django_db
def test_a_welsh_label_finds_the_welsh_copies(client, welsh_copies):
    """On /cy/, "myfyrwyr" is the facet's own label ("Myfyrwyr (1)"): searching for it must find
    the community the facet counts, and the Welsh site must find what the English site finds."""
    _response, titles = listed(client, "q=myfyrwyr", prefix="/cy")
    assert titles == ["Study Hall"]
    welsh = Locale.objects.get(language_code="cy")
    response, _titles = listed(client, "q=students", prefix="/cy")
    assert [forum.locale_id for forum in response.context["listing"].forums] == [welsh.pk]
    _response, titles = listed(client, "q=students")
    assert titles == ["Study Hall"]


# --- 6. No results ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_no_results_page_helps(client, everyday):
    """A search that finds nothing must say what to try next: no empty "Filter" heading, topics
    to browse, a way to remove filters and to nominate a community; all plain links."""
    response, titles = listed(client, "q=zebras")
    assert titles == []
    html = response.content.decode()
    assert "There are no communities that match your search." in html
    assert '<h2 class="govuk-heading-m">Filter</h2>' not in html and "Apply filters" not in html
    assert "Browse by topic" in html and "?topic=poultry" in html
    assert 'href="/nominate/"' in html
    html = client.get("/directory/?q=zebras&topic=poultry").content.decode()
    assert "removing filters" in html and 'href="/directory/?q=zebras"' in html
    html = client.get("/search/?q=zebras").content.decode()
    assert "Browse by topic" in html and 'href="/nominate/"' in html


@pytest.mark.django_db
def test_the_no_results_page_speaks_welsh(client, site_tree, everyday):
    ensure_welsh_tree()
    html = client.get("/cy/directory/?q=zebras").content.decode()
    assert "Pori yn ôl pwnc" in html and "Browse by topic" not in html


# --- 7. One ranking everywhere -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_and_open_referral_rank_as_people_see(client, everyday):
    """Clients of the open data must get the communities a person sees, in the same order."""
    _response, titles = listed(client, "q=mums+chickens+debt")
    site = [forum.title for forum in client.get("/search/?q=mums+chickens+debt").context["results"].communities]
    api = client.get("/api/v2/pages/?type=directory.ForumPage&search=mums+chickens+debt").json()
    services = client.get("/openreferral/services?search=mums+chickens+debt").json()
    assert titles[0] == "Family Flock"
    assert site == titles[: len(site)]
    assert [item["title"] for item in api["items"]] == titles
    assert [item["name"] for item in services["contents"]] == titles
    every_word = client.get("/api/v2/pages/?type=directory.ForumPage&search=mums+chickens&search_operator=and").json()
    assert [item["title"] for item in every_word["items"]] == ["Family Flock"]
    export = json.loads(b"".join(client.get("/directory/export.json?q=mums+chickens+debt").streaming_content))
    assert sorted(row["name"] for row in export["forums"]) == sorted(titles)
