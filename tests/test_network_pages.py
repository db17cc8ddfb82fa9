"""Neighbourhood pages over HTTP: the list, a network's page, its map GeoJSON and its
connections JSON, who sees what, and the Content-Security-Policy."""

import datetime as dt
import json

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assetmap.models import Category, Status
from networks.models import (
    Connection,
    ConnectionKind,
    Consent,
    ListeningEvent,
    Story,
    WishKind,
    WishlistItem,
)
from tests.factories import (
    AssetFactory,
    NetworkFactory,
    OrganisationFactory,
    PracticeFactory,
    RecurringSessionFactory,
    square,
)

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"


@pytest.fixture
def bow():
    network = NetworkFactory(name="Bow", slug="bow")
    PracticeFactory(network=network, name="Roman Road Surgery", ods_code="F84001")
    walking = Category.objects.get(slug="walking-groups")
    meals = Category.objects.get(slug="community-meals")
    walk = AssetFactory(name="Bow Health Walk", slug="walk", network=network, categories=[walking])
    AssetFactory(name="Lunch Club", slug="lunch", network=network, categories=[meals])
    AssetFactory(name="Tea Dance", slug="tea", network=network, categories=[meals, walking])
    draft = AssetFactory(name="Draft Group", slug="draft", network=network, status=Status.DRAFT)
    RecurringSessionFactory(asset=walk)
    Connection.objects.create(
        network=network,
        from_asset=walk,
        kind=ConnectionKind.REFERS_TO,
        to_organisation=OrganisationFactory(name="Bow Trust"),
    )
    Connection.objects.create(
        network=network, from_asset=walk, kind=ConnectionKind.PARTNERS_WITH, to_asset=draft
    )
    return network


@pytest.fixture
def assigned_facilitator(facilitator, bow):
    bow.facilitators.add(facilitator)
    return facilitator


def test_the_list_page_lists_networks_and_the_places_outside_them(client, bow):
    NetworkFactory(name="Mile End", slug="mile-end", boundary=square(-0.05, 51.51, -0.04, 51.52))
    AssetFactory(name="Far Away Club", network=None, location=Point(0.004, 51.541, srid=4326))
    AssetFactory(name="Hidden Away", network=None, status=Status.DRAFT)

    page = client.get("/networks/").content.decode()

    assert 'href="/networks/bow/"' in page
    assert 'href="/networks/mile-end/"' in page
    assert "3 places on the map" in page
    assert "Outside the mapped networks" in page
    assert "Far Away Club" in page
    assert "Hidden Away" not in page


def test_the_network_page_shows_only_published_things_to_residents(client, bow):
    ListeningEvent.objects.create(
        title="Market day",
        date=dt.date(2025, 5, 1),
        network=bow,
        place_name="Roman Road",
        people_count=40,
        is_published=True,
    )
    ListeningEvent.objects.create(
        title="Private meeting",
        date=dt.date(2025, 5, 2),
        network=bow,
        place_name="Hall",
        people_count=5,
    )
    Story.objects.create(
        network=bow,
        title="A good walk",
        text="Rahima found friends.",
        storyteller_name="Rahima Begum",
        consent=Consent.ANONYMOUS,
        is_published=True,
    )
    Story.objects.create(network=bow, title="Unpublished story", text="Not yet.")

    page = client.get("/networks/bow/").content.decode()

    assert "Bow Health Walk" in page
    assert "Draft Group" not in page
    assert "Market day" in page
    assert "Private meeting" not in page
    assert "[name withheld] found friends." in page
    assert "Rahima" not in page
    assert "Unpublished story" not in page
    assert "Roman Road Surgery" in page


def test_the_network_page_shows_drafts_to_a_link_worker(client, bow, link_worker):
    Story.objects.create(network=bow, title="Unpublished story", text="Not yet.")
    client.force_login(link_worker)

    page = client.get("/networks/bow/").content.decode()

    assert "Draft Group" in page
    assert "Unpublished story" in page


def test_the_network_page_counts_places_by_category_and_kind(client, bow):
    page = client.get("/networks/bow/").content.decode()
    counts = page.split('id="counts-heading"')[1].split("</section>")[0]

    # The tea dance is in both top-level categories, so it counts in each.
    assert counts.count("Physical activity") == 1
    physical = counts.split("Physical activity")[1]
    assert physical.split('class="number">')[1].startswith("2<")
    food = counts.split("Food</td>")[1]
    assert food.split('class="number">')[1].startswith("2<")
    kinds = counts.split("Association or voluntary group")[1]
    assert kinds.split('class="number">')[1].startswith("3<")


def test_the_network_page_lists_the_wishlist_with_visible_assets_only(client, bow):
    item = WishlistItem.objects.create(network=bow, kind=WishKind.CONNECTION, title="More walks")
    item.assets.set(bow.assets.all())

    page = client.get("/networks/bow/").content.decode()
    wishlist = page.split('id="wishlist-heading"')[1].split("</section>")[0]

    assert "More walks" in wishlist
    assert "Idea" in wishlist
    assert "Bow Health Walk" in wishlist
    assert "Draft Group" not in wishlist


def test_an_assigned_facilitator_sees_the_action_links(client, bow, assigned_facilitator):
    client.force_login(assigned_facilitator)

    page = client.get("/networks/bow/").content.decode()

    assert 'href="/networks/bow/events/add/"' in page
    assert 'href="/networks/bow/stories/add/"' in page
    assert 'href="/networks/bow/connections/add/"' in page
    assert 'href="/networks/bow/wishlist/add/"' in page


def test_staff_see_the_action_links(client, bow, network_lead):
    client.force_login(network_lead)

    assert 'href="/networks/bow/events/add/"' in client.get("/networks/bow/").content.decode()


def test_facilitator_of_another_network_sees_no_action_links(client, bow, facilitator):
    NetworkFactory(slug="elsewhere").facilitators.add(facilitator)
    client.force_login(facilitator)

    page = client.get("/networks/bow/").content.decode()

    assert "/events/add/" not in page
    assert "/wishlist/add/" not in page


def test_residents_see_no_action_links(client, bow, outsider):
    client.force_login(outsider)

    assert "/events/add/" not in client.get("/networks/bow/").content.decode()


def test_an_unknown_network_is_not_found(client):
    assert client.get("/networks/nowhere/").status_code == 404
    assert client.get("/networks/nowhere/map.geojson").status_code == 404
    assert client.get("/networks/nowhere/connections.json").status_code == 404


def test_an_asset_name_with_html_is_escaped(client, bow):
    AssetFactory(name=XSS, slug="xss", network=bow)

    page = client.get("/networks/bow/").content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert XSS not in page


def test_map_data_is_geojson_with_the_boundary_practices_and_published_assets(client, bow):
    response = client.get("/networks/bow/map.geojson")

    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    layers = [f["properties"]["layer"] for f in data["features"]]
    assert layers == ["boundary", "practice", "asset", "asset", "asset"]
    boundary, practice, *assets = data["features"]
    assert boundary["geometry"]["type"] == "MultiPolygon"
    assert practice["properties"] == {
        "layer": "practice",
        "name": "Roman Road Surgery",
        "ods_code": "F84001",
    }
    assert [a["properties"]["name"] for a in assets] == [
        "Bow Health Walk",
        "Lunch Club",
        "Tea Dance",
    ]
    walk = assets[0]
    assert walk["geometry"] == {"type": "Point", "coordinates": [-0.011, 51.524]}
    assert walk["properties"]["url"] == "#asset-walk"
    assert walk["properties"]["kind"] == "association"
    assert walk["properties"]["category"] == "Walking groups"
    assert walk["properties"]["colour"] == "c0"


def test_map_data_holds_drafts_for_a_link_worker(client, bow, link_worker):
    client.force_login(link_worker)

    data = client.get("/networks/bow/map.geojson").json()

    names = [f["properties"]["name"] for f in data["features"]]
    assert "Draft Group" in names


def test_map_data_and_the_list_hold_the_same_assets(client, bow):
    data = client.get("/networks/bow/map.geojson").json()
    page = client.get("/networks/bow/").content.decode()

    on_map = {
        f["properties"]["slug"] for f in data["features"] if f["properties"]["layer"] == "asset"
    }
    listed = {chunk.split('"')[0] for chunk in page.split('<li id="asset-')[1:]}
    assert on_map == listed == {"walk", "lunch", "tea"}


def test_map_data_takes_two_queries_however_many_assets(client, bow):
    AssetFactory.create_batch(20, network=bow)

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/networks/bow/map.geojson").status_code == 200

    assert len(queries) <= 2


def test_the_network_page_query_count_does_not_grow_with_assets(client, bow):
    with CaptureQueriesContext(connection) as few:
        client.get("/networks/bow/")
    for asset in AssetFactory.create_batch(15, network=bow):
        RecurringSessionFactory(asset=asset)
        asset.categories.set([Category.objects.get(slug="dance")])

    with CaptureQueriesContext(connection) as many:
        client.get("/networks/bow/")

    assert len(many) == len(few) <= 16


def test_connections_data_hides_connections_to_unpublished_assets(client, bow):
    data = client.get("/networks/bow/connections.json").json()

    assert [e["label"] for e in data["edges"]] == ["refers people to"]
    labels = {n["label"]: n for n in data["nodes"]}
    assert set(labels) == {"Bow Health Walk", "Bow Trust"}
    assert labels["Bow Health Walk"]["url"] == "#asset-walk"
    assert labels["Bow Health Walk"]["colour"] == "c0"
    assert labels["Bow Trust"]["kind"] == "organisation"


def test_connections_data_shows_everything_to_a_link_worker(client, bow, link_worker):
    client.force_login(link_worker)

    data = client.get("/networks/bow/connections.json").json()

    assert len(data["edges"]) == 2
    assert {n["label"] for n in data["nodes"]} == {"Bow Health Walk", "Bow Trust", "Draft Group"}


def test_connections_data_takes_three_queries(client, bow):
    with CaptureQueriesContext(connection) as queries:
        client.get("/networks/bow/connections.json")

    assert len(queries) <= 4


def test_the_page_lists_the_connections_beside_the_graph(client, bow):
    page = client.get("/networks/bow/").content.decode()
    connections = page.split('id="connections-heading"')[1].split("</section>")[0]

    assert "Bow Health Walk" in connections
    assert "refers people to" in connections
    assert "Bow Trust" in connections
    assert "Draft Group" not in connections


def test_pages_send_a_strict_content_security_policy(client, bow, settings):
    policy = client.get("/networks/bow/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))

    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == f"'self' data: {settings.TILES_ORIGIN}"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'self'"
    assert directives["object-src"] == "'none'"


def test_the_admin_is_left_out_of_the_policy(client, network_lead):
    client.force_login(network_lead)

    assert "Content-Security-Policy" not in client.get("/admin/")


def test_the_page_has_no_inline_scripts_or_styles(client, bow):
    page = client.get("/networks/bow/").content.decode()

    assert "<style" not in page
    assert " style=" not in page
    for tag in page.split("<script")[1:]:
        assert ' src="' in tag.split(">")[0] or 'type="application/json"' in tag.split(">")[0]


def test_the_sign_in_page_shows_errors(client):
    response = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_a_list_entry_shows_the_next_session_and_only_published_events_it_was_found_at(client, bow):
    walk = bow.assets.get(slug="walk")
    shown = ListeningEvent.objects.create(
        title="Market day",
        date=dt.date(2025, 5, 1),
        network=bow,
        place_name="Roman Road",
        people_count=40,
        is_published=True,
    )
    hidden = ListeningEvent.objects.create(
        title="Private meeting",
        date=dt.date(2025, 5, 2),
        network=bow,
        place_name="Hall",
        people_count=5,
    )
    walk.discoveries.create(event=shown)
    walk.discoveries.create(event=hidden)

    page = client.get("/networks/bow/").content.decode()
    entry = page.split('<li id="asset-walk"')[1].split("</li>")[0]

    assert "Next session" in entry
    assert "Tuesday" in entry
    assert "Market day" in entry
    assert "Private meeting" not in entry


def test_a_signed_in_resident_sees_no_drafts_on_the_map(client, bow, outsider):
    client.force_login(outsider)

    data = client.get("/networks/bow/map.geojson").json()

    assert "Draft Group" not in {f["properties"]["name"] for f in data["features"]}


def test_archived_listings_are_not_places_on_the_map_even_for_professionals(
    client, bow, link_worker
):
    AssetFactory(name="Closed Knitting Circle", network=bow, status=Status.ARCHIVED)
    client.force_login(link_worker)

    page = client.get(bow.get_absolute_url()).content.decode()
    data = client.get(f"/networks/{bow.slug}/map.geojson").json()

    assert "Draft Group" in page
    assert "Closed Knitting Circle" not in page
    assert "Closed Knitting Circle" not in json.dumps(data)


def test_an_assigned_facilitator_can_reach_wish_edits_and_connection_removal(
    client, bow, assigned_facilitator, outsider
):
    wish = WishlistItem.objects.create(
        network=bow, kind=WishKind.CAPACITY, title="More walk leaders"
    )
    edit = f"/networks/{bow.slug}/wishlist/{wish.pk}/edit/"
    remove = f"/networks/{bow.slug}/connections/{Connection.objects.first().pk}/delete/"

    client.force_login(assigned_facilitator)
    page = client.get(bow.get_absolute_url()).content.decode()
    assert edit in page and remove in page

    client.force_login(outsider)
    page = client.get(bow.get_absolute_url()).content.decode()
    assert edit not in page and remove not in page
