"""Link workers' search page: who may use it, what it finds, in which order, and how it
says what is wrong with a search."""

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from assetmap.models import AccessibilityFeature, Category, Cost, Postcode, Status, Weekday
from assetmap.search_forms import TIME_NEEDS_DAY
from assetmap.shortlists import format_distance
from tests.factories import AssetFactory, RecurringSessionFactory

pytestmark = pytest.mark.django_db

SEARCH = "/search/"
# The postcode's point, and places due north of it (a degree of latitude ~111.25 km).
HERE = Point(-0.011, 51.524, srid=4326)


def north(metres: float) -> Point:
    return Point(HERE.x, HERE.y + metres / 111_250, srid=4326)


@pytest.fixture
def postcode(db):
    return Postcode.objects.create(postcode="E3 3ES", location=HERE)


@pytest.fixture
def places(postcode):
    walking = Category.objects.get(slug="walking-groups")
    near = AssetFactory(
        name="Lunch club",
        slug="lunch-club",
        description="Hot lunch after a short walk round the park.",
        location=north(850),
        internal_notes="The organiser is away in August.",
        cost=Cost.LOW_COST,
    )
    far = AssetFactory(
        name="Walking group",
        slug="walking-group",
        description="Walking for health, every week.",
        location=north(1200),
        categories=[walking],
        accessibility=[AccessibilityFeature.STEP_FREE],
        languages=["bn"],
    )
    RecurringSessionFactory(asset=far, weekday=Weekday.TUESDAY)
    AssetFactory(
        name="Walking draft", slug="walking-draft", location=north(100), status=Status.DRAFT
    )
    AssetFactory(name="Far away walk", slug="far-away-walk", location=north(9000))
    return near, far


def names(response) -> list[str]:
    return [asset.name for asset in response.context["results"]]


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(SEARCH)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["outsider", "facilitator", "coordinator"])
def test_people_without_the_link_worker_role_are_refused(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(SEARCH).status_code == 403


@pytest.mark.parametrize("persona", ["link_worker", "network_lead"])
def test_link_workers_and_staff_may_search(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(SEARCH)
    assertContains(response, "Find support for a patient")
    assert response.context["results"] is None


def test_near_a_postcode_nearest_comes_first_with_its_distance(client, link_worker, places):
    client.force_login(link_worker)
    response = client.get(SEARCH, {"postcode": "e33es", "radius_m": "2000"})
    assert names(response) == ["Lunch club", "Walking group"]
    assertContains(response, "850 m away")
    assertContains(response, "1.2 km away")
    assertContains(response, "Nearest first.")


def test_with_words_the_best_match_comes_first(client, link_worker, places):
    client.force_login(link_worker)
    response = client.get(SEARCH, {"q": "walking", "postcode": "E3 3ES"})
    assert names(response)[0] == "Walking group"
    assertContains(response, "Best matches first.")


def test_drafts_are_never_among_the_results(client, link_worker, places):
    client.force_login(link_worker)
    response = client.get(SEARCH, {"q": "walking"})
    assert "Walking draft" not in names(response)


def test_internal_notes_are_shown_to_link_workers(client, link_worker, places):
    client.force_login(link_worker)
    response = client.get(SEARCH, {"postcode": "E3 3ES"})
    assertContains(response, "The organiser is away in August.")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"day": "1"}, ["Walking group"]),
        ({"day": "1", "time": "11:00"}, ["Walking group"]),
        ({"day": "1", "time": "15:00"}, []),
        ({"free": "on"}, ["Walking group"]),
        ({"step_free": "on"}, ["Walking group"]),
        ({"language": "bn"}, ["Walking group"]),
        ({"category": "physical-activity"}, ["Walking group"]),
    ],
)
def test_filters_narrow_the_results(client, link_worker, places, query, expected):
    client.force_login(link_worker)
    response = client.get(SEARCH, {"postcode": "E3 3ES", **query})
    assert names(response) == expected


def test_an_unknown_postcode_is_a_form_error(client, link_worker, postcode):
    client.force_login(link_worker)
    response = client.get(SEARCH, {"postcode": "E1 1AA"})
    assert response.context["results"] is None
    assert "We do not know the postcode E1 1AA" in response.context["form"].errors["postcode"][0]
    assertContains(response, "There is a problem with the search")
    assertContains(response, 'href="#id_postcode"')


def test_a_malformed_postcode_is_a_form_error(client, link_worker, postcode):
    client.force_login(link_worker)
    response = client.get(SEARCH, {"postcode": "not a postcode"})
    assert "postcode" in response.context["form"].errors


def test_a_time_needs_a_day(client, link_worker):
    client.force_login(link_worker)
    response = client.get(SEARCH, {"time": "14:00"})
    assert response.context["form"].errors["day"] == [TIME_NEEDS_DAY]


def test_the_map_asks_the_api_for_the_same_published_places(client, link_worker, places):
    client.force_login(link_worker)
    response = client.get(SEARCH, {"q": "walking", "postcode": "E3 3ES"})
    url = response.context["config"]["mapDataUrl"]
    assert url.startswith("/api/v1/assets/map/?")
    features = client.get(url).json()["features"]
    assert {f["properties"]["name"] for f in features} == set(names(response))


def test_results_offer_add_to_shortlist_until_added(client, link_worker, places):
    near, _far = places
    client.force_login(link_worker)
    query = {"postcode": "E3 3ES"}
    assertContains(client.get(SEARCH, query), "Add to shortlist", count=2)
    client.post(reverse("shortlist_add"), {"asset": near.pk})
    response = client.get(SEARCH, query)
    assertContains(response, "Add to shortlist", count=1)
    assertContains(response, "On your shortlist")


def test_a_name_written_as_html_is_shown_as_text(client, link_worker, postcode):
    AssetFactory(name="<script>alert(1)</script>", location=north(100))
    client.force_login(link_worker)
    response = client.get(SEARCH, {"postcode": "E3 3ES"})
    assertNotContains(response, "<script>alert(1)</script>")
    assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")


@pytest.mark.parametrize(
    ("metres", "text"), [(42, "40 m"), (850.4, "850 m"), (999, "1.0 km"), (1249, "1.2 km")]
)
def test_distances_read_in_metres_then_kilometres(metres, text):
    assert format_distance(metres) == text


def test_the_header_links_to_search_for_link_workers_only(client, link_worker, facilitator):
    assert b"Find support" not in client.get("/suggest/").content
    client.force_login(facilitator)
    assert b"Find support" not in client.get("/suggest/").content
    client.force_login(link_worker)
    assert b"Find support" in client.get("/suggest/").content
