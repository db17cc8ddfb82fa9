"""The neighbourhood map at /: the filter form, and the list holding the same places as
the map (the map's data comes from the API with the same query)."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.gis.geos import Point
from pytest_django.asserts import assertContains, assertNotContains

from assetmap.models import Category, Cost, Postcode, Status
from assetmap.views import RESULTS_PER_PAGE
from tests.factories import AssetFactory, NetworkFactory, RecurringSessionFactory

pytestmark = pytest.mark.django_db

BOW_CHURCH = Point(-0.0207, 51.5275, srid=4326)  # E3 3ES, near Bromley-by-Bow


def listed(response) -> list[str]:
    return [asset.name for asset in response.context["page"].object_list]


def json_script(response, element_id: str):
    page = response.content.decode()
    script = page.split(f'<script id="{element_id}" type="application/json">')[1]
    return json.loads(script.split("</script>")[0])


def map_config(response) -> dict:
    return json_script(response, "map-config")


@pytest.fixture
def walking():
    return Category.objects.get(slug="walking-groups")


def test_it_lists_published_assets_and_never_drafts(client):
    AssetFactory(name="Bow Health Walk")
    AssetFactory(name="Secret draft", status=Status.DRAFT)
    AssetFactory(name="Waiting for review", status=Status.PENDING_REVIEW)
    AssetFactory(name="Closed down", status=Status.ARCHIVED)

    response = client.get("/")

    assert listed(response) == ["Bow Health Walk"]
    assertContains(response, "1 place found")
    for hidden in ("Secret draft", "Waiting for review", "Closed down"):
        assertNotContains(response, hidden)


def test_professionals_also_see_only_published_assets_in_the_list_and_map(client, link_worker):
    AssetFactory(name="Bow Health Walk")
    AssetFactory(name="Secret draft", status=Status.DRAFT)
    client.force_login(link_worker)

    response = client.get("/")

    assert listed(response) == ["Bow Health Walk"]
    markers = client.get(map_config(response)["markersUrl"]).json()
    assert [f["properties"]["name"] for f in markers["features"]] == ["Bow Health Walk"]


def test_filters_by_category_and_cost_in_the_list_and_on_the_map(client, walking):
    AssetFactory(name="Free walk", categories=[walking], cost=Cost.FREE)
    AssetFactory(name="Paid walk", categories=[walking], cost=Cost.PAID)
    AssetFactory(name="Free lunch", cost=Cost.FREE)

    response = client.get("/", {"category": "walking-groups", "free": "true"})

    assert listed(response) == ["Free walk"]
    markers = client.get(map_config(response)["markersUrl"]).json()
    assert [f["properties"]["name"] for f in markers["features"]] == ["Free walk"]


def test_a_top_level_category_includes_its_sub_categories(client, walking):
    AssetFactory(name="Bow Health Walk", categories=[walking])
    AssetFactory(name="Lunch club")

    response = client.get("/", {"category": walking.parent.slug})

    assert listed(response) == ["Bow Health Walk"]


def test_several_checked_access_features_are_all_required(client):
    AssetFactory(name="Both", accessibility=["step_free", "hearing_loop"])
    AssetFactory(name="Step-free only", accessibility=["step_free"])

    response = client.get("/?accessibility=step_free&accessibility=hearing_loop")

    assert listed(response) == ["Both"]
    assert 'value="hearing_loop" checked' in response.content.decode()


def test_filters_by_day_language_and_kind(client):
    tuesday_bengali = AssetFactory(name="Tuesday Bengali group", languages=["bn"])
    RecurringSessionFactory(asset=tuesday_bengali)  # Tuesdays
    AssetFactory(name="Bengali, no sessions", languages=["bn"])
    AssetFactory(name="Bengali institution", languages=["bn"], kind="institution")

    response = client.get("/", {"open_at": "tuesday", "language": "bn", "kind": "association"})

    assert listed(response) == ["Tuesday Bengali group"]


def test_open_now_is_a_choice_of_the_when_filter(client):
    response = client.get("/", {"open_at": "now"})

    assert response.context["filters"].errors == {}
    assert parse_qs(urlsplit(map_config(response)["markersUrl"]).query)["open_now"] == ["true"]
    assertContains(response, '<option value="now" selected>', html=False)


def test_blank_fields_and_a_radius_without_a_place_are_ignored(client):
    AssetFactory(name="Bow Health Walk")

    response = client.get("/?q=&postcode=&radius_m=2000&category=&free=")

    assert response.context["filters"].errors == {}
    assert listed(response) == ["Bow Health Walk"]


def test_near_a_postcode_it_lists_the_nearest_first_with_their_distance(client):
    Postcode.objects.create(postcode="E3 3ES", location=BOW_CHURCH)
    AssetFactory(name="Next door", location=Point(-0.0207, 51.5284, srid=4326))
    AssetFactory(name="Down the road", location=Point(-0.0207, 51.5400, srid=4326))
    AssetFactory(name="Far away", location=Point(-0.0700, 51.5100, srid=4326))

    response = client.get("/", {"postcode": "e33es", "radius_m": "2000"})

    assert listed(response) == ["Next door", "Down the road"]
    assertContains(response, "100 m away")
    assertContains(response, "1.4 km away")
    config = map_config(response)
    assert config["near"] == [pytest.approx(51.5275), pytest.approx(-0.0207)]
    assert config["radius"] == 2000


def test_an_unknown_postcode_is_a_form_error_and_nothing_is_listed(client):
    AssetFactory(name="Bow Health Walk")

    response = client.get("/", {"postcode": "E1 1ZZ", "radius_m": "1000"})

    assert listed(response) == []
    errors = response.context["filters"].errors
    assert list(errors) == ["postcode"]
    assertContains(response, "Check the filters")
    assertContains(response, 'aria-invalid="true"')
    assert map_config(response)["markersUrl"] is None


def test_an_unknown_category_is_a_form_error(client):
    AssetFactory(name="Bow Health Walk")

    response = client.get("/", {"category": "no-such-thing"})

    assert listed(response) == []
    assertContains(response, "Unknown category: no-such-thing.")
    assertNotContains(response, "No places match these filters")


def test_a_malformed_day_is_a_form_error(client):
    response = client.get("/", {"open_at": "someday"})

    assert "open_at" in response.context["filters"].errors
    assertContains(response, "Give a day and time")


def test_the_list_is_paged_and_pages_keep_the_filters(client, walking):
    for n in range(RESULTS_PER_PAGE + 3):
        AssetFactory(name=f"Walk {n:02d}", categories=[walking])
    AssetFactory(name="Not a walk")

    first = client.get("/", {"category": "walking-groups"})
    assert len(listed(first)) == RESULTS_PER_PAGE
    assertContains(first, f"{RESULTS_PER_PAGE + 3} places found")
    assertContains(first, "?category=walking-groups&amp;page=2")

    second = client.get("/", {"category": "walking-groups", "page": "2"})
    assert listed(second) == ["Walk 20", "Walk 21", "Walk 22"]
    assertContains(second, 'start="21"')


def test_popups_get_each_place_category_and_next_session(client, walking):
    walk = AssetFactory(name="Bow Health Walk", categories=[walking])
    RecurringSessionFactory(asset=walk)

    popups = json_script(client.get("/"), "map-popups")

    assert popups[str(walk.pk)]["category"] == "Walking groups"
    assert popups[str(walk.pk)]["next"].startswith("Tuesday")


def test_names_are_escaped_in_the_list_and_the_popup_data(client):
    AssetFactory(name="<img src=x onerror=alert(1)>")
    bow = NetworkFactory(name="Bow <script>alert(1)</script>")
    AssetFactory(network=bow)

    page = client.get("/").content.decode()

    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<img src=x" not in page
    assert "Bow &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_the_neighbourhoods_are_counted_and_linked(client):
    bow = NetworkFactory(name="Bow", slug="bow")
    AssetFactory.create_batch(3, network=bow)
    AssetFactory(network=bow, status=Status.DRAFT)
    AssetFactory(network=None, location=None, online_only=True)

    response = client.get("/")

    assertContains(response, '<a href="/networks/bow/">Bow</a> <span class="meta">3 places</span>')
    assertContains(response, 'Online only <span class="meta">1 place</span>')
    assertContains(response, "4 places found")
