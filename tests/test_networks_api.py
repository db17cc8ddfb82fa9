"""The GP-network API through real HTTP: networks and practices as GeoJSON, connections
and the wishlist, the `?network=` filter, and the number of queries each list takes.
Events and stories are in test_networks_api_programme.py, which shares these fixtures.

Fran facilitates Bromley-by-Bow, Fred facilitates Watney Market, Lee leads (staff),
Alice is a link worker; anonymous residents read what the network pages show them."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.test import APIClient

from assetmap.models import Status
from assetmap.roles import Role
from networks import api, services
from networks import serializers as s
from networks.models import Connection, ConnectionKind, Network, WishlistItem, WishStatus
from tests.factories import (
    AssetFactory,
    NetworkFactory,
    OrganisationFactory,
    PracticeFactory,
    UserFactory,
    square,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/"
YESTERDAY = timezone.localdate() - dt.timedelta(days=1)
# Bromley-by-Bow's square in GeoJSON (tests.factories.NetworkFactory's default).
RING = [[-0.03, 51.51], [0.0, 51.51], [0.0, 51.54], [-0.03, 51.54], [-0.03, 51.51]]
WRITERS_REFUSED = [("link_worker", 403), ("other_facilitator", 403), (None, 401)]


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def persona(request, name):
    return None if name is None else request.getfixturevalue(name)


def results(response) -> list:
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def other_facilitator(db):
    user = UserFactory(username="fred")
    user.groups.add(Group.objects.get(name=Role.FACILITATOR.value))
    return user


@pytest.fixture
def network(facilitator):
    network = NetworkFactory(name="Bromley-by-Bow", slug="bromley-by-bow")
    network.facilitators.add(facilitator)
    return network


@pytest.fixture
def other_network(other_facilitator):
    network = NetworkFactory(
        name="Watney Market", slug="watney", boundary=square(-0.08, 51.50, -0.05, 51.51)
    )
    network.facilitators.add(other_facilitator)
    return network


@pytest.fixture
def walking_group(network):
    return AssetFactory(name="Walking group", network=network)


@pytest.fixture
def draft_group(network):
    return AssetFactory(name="Secret supper club", network=network, status=Status.DRAFT)


# --- Networks ---------------------------------------------------------------------------


def test_anybody_lists_networks_as_a_geojson_feature_collection(network, other_network):
    body = client_for(None).get(f"{API}networks/").json()

    assert body["type"] == "FeatureCollection"
    assert body["count"] == 2
    feature = body["features"][0]
    assert feature["type"] == "Feature"
    assert feature["id"] == network.pk
    assert feature["geometry"] == {"type": "MultiPolygon", "coordinates": [[RING]]}
    assert feature["properties"]["slug"] == "bromley-by-bow"
    assert feature["properties"]["can_edit"] is False


def test_networks_come_in_pages_like_every_list(network, other_network):
    body = client_for(None).get(f"{API}networks/?page_size=1").json()

    assert body["count"] == 2
    assert len(body["features"]) == 1
    assert body["next"].endswith("?page=2&page_size=1")


def test_a_network_reads_as_one_feature(network):
    response = client_for(None).get(f"{API}networks/{network.pk}/")

    assert response.status_code == 200
    assert response.json()["properties"]["name"] == "Bromley-by-Bow"


@pytest.mark.parametrize(
    ("who", "editable"),
    [
        ("facilitator", {"bromley-by-bow"}),
        ("other_facilitator", {"watney"}),
        ("link_worker", set()),
        ("network_lead", {"bromley-by-bow", "watney"}),
    ],
)
def test_can_edit_says_where_the_caller_may_record_work(
    network, other_network, request, who, editable
):
    features = client_for(persona(request, who)).get(f"{API}networks/").json()["features"]

    assert {f["properties"]["slug"] for f in features if f["properties"]["can_edit"]} == editable


def _feature(name="Poplar", slug="poplar", geometry=None):
    geometry = geometry or {"type": "MultiPolygon", "coordinates": [[RING]]}
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"name": name, "slug": slug, "description": "Around Chrisp Street."},
    }


def test_network_lead_creates_a_network_and_assets_are_reassigned_after_commit(
    network_lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = client_for(network_lead).post(f"{API}networks/", _feature(), format="json")

    assert response.status_code == 201, response.content
    created = Network.objects.get(slug="poplar")
    assert created.boundary.geom_type == "MultiPolygon"
    assert response.json()["id"] == created.pk
    assert any("recompute_asset_networks" in repr(callback) for callback in queued)


def test_a_polygon_boundary_is_taken_as_a_multipolygon_of_one(network_lead):
    feature = _feature(geometry={"type": "Polygon", "coordinates": [RING]})

    response = client_for(network_lead).post(f"{API}networks/", feature, format="json")

    assert response.status_code == 201, response.content
    assert Network.objects.get(slug="poplar").boundary.geom_type == "MultiPolygon"


def test_altitudes_in_a_boundary_are_dropped(network_lead):
    ring = [[x, y, 12.5] for x, y in RING]
    feature = _feature(geometry={"type": "MultiPolygon", "coordinates": [[ring]]})

    response = client_for(network_lead).post(f"{API}networks/", feature, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["geometry"]["coordinates"] == [[RING]]
    assert not Network.objects.get(slug="poplar").boundary.hasz


def test_network_lead_moves_a_boundary(network_lead, network):
    moved = [[[[-0.02, 51.52], [0.0, 51.52], [0.0, 51.53], [-0.02, 51.52]]]]

    response = client_for(network_lead).patch(
        f"{API}networks/{network.pk}/",
        {"geometry": {"type": "MultiPolygon", "coordinates": moved}},
        format="json",
    )

    assert response.status_code == 200, response.content
    network.refresh_from_db()
    assert network.boundary.extent == (-0.02, 51.52, 0.0, 51.53)


@pytest.mark.parametrize(
    ("who", "status"), [("facilitator", 403), ("link_worker", 403), (None, 401)]
)
def test_only_network_leads_create_or_change_networks(network, request, who, status):
    client = client_for(persona(request, who))

    created = client.post(f"{API}networks/", _feature(), format="json")
    changed = client.patch(
        f"{API}networks/{network.pk}/", {"properties": {"name": "Renamed"}}, format="json"
    )

    assert (created.status_code, changed.status_code) == (status, status)
    if status == 403:
        assert created.json() == {"detail": api.STAFF_ONLY}
    assert list(Network.objects.values_list("name", flat=True)) == ["Bromley-by-Bow"]


BOWTIE = [[[0.0, 51.5], [0.01, 51.51], [0.01, 51.5], [0.0, 51.51], [0.0, 51.5]]]


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Point", "coordinates": [-0.01, 51.52]}, s.BOUNDARY_NOT_AREA),
        ({"type": "LineString", "coordinates": RING}, s.BOUNDARY_NOT_AREA),
        ({"type": "Polygon", "coordinates": "not coordinates"}, s.GEOJSON_INVALID),
        ({"type": "Blob", "coordinates": [RING]}, s.GEOJSON_INVALID),
        ("POLYGON((0 0, 1 0, 1 1, 0 0))", s.GEOJSON_INVALID),
        ({"type": "MultiPolygon", "coordinates": [BOWTIE]}, "The boundary is not a valid polygon."),
    ],
)
def test_a_boundary_that_is_not_a_valid_geojson_area_is_refused_and_nothing_saved(
    network_lead, geometry, message
):
    response = client_for(network_lead).post(
        f"{API}networks/", _feature(geometry=geometry), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"boundary": [message]}
    assert not Network.objects.exists()


def test_networks_are_not_deleted_through_the_api(network_lead, network):
    response = client_for(network_lead).delete(f"{API}networks/{network.pk}/")

    assert response.status_code == 405
    assert Network.objects.filter(pk=network.pk).exists()


# --- Practices --------------------------------------------------------------------------


@pytest.fixture
def practices(network, other_network):
    return [
        PracticeFactory(ods_code="F84003", name="Bromley by Bow Health", network=network),
        PracticeFactory(ods_code="F84717", name="Watney Market Practice", network=other_network),
    ]


def test_anybody_lists_practices_as_geojson(practices):
    body = client_for(None).get(f"{API}practices/").json()

    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["ods_code"] for f in body["features"]] == ["F84003", "F84717"]
    assert body["features"][0]["geometry"] == {"type": "Point", "coordinates": [-0.011, 51.524]}


@pytest.mark.parametrize("key", ["pk", "slug"])
def test_practices_are_filtered_by_network_id_or_slug(practices, other_network, key):
    response = client_for(None).get(f"{API}practices/?network={getattr(other_network, key)}")

    assert [f["properties"]["ods_code"] for f in response.json()["features"]] == ["F84717"]


@pytest.mark.parametrize("endpoint", ["practices", "events", "stories", "connections", "wishes"])
@pytest.mark.parametrize("value", ["999999", "nowhere", "-1"])
def test_an_unknown_network_filter_is_a_400_naming_the_parameter(
    network_lead, network, endpoint, value
):
    response = client_for(network_lead).get(f"{API}{endpoint}/?network={value}")

    assert response.status_code == 400
    assert response.json() == {"network": [api.NO_SUCH_NETWORK]}


def test_practices_are_read_only(network_lead, practices):
    client = client_for(network_lead)

    assert client.post(f"{API}practices/", {}, format="json").status_code == 405
    assert client.delete(f"{API}practices/{practices[0].pk}/").status_code == 405


# --- Connections ------------------------------------------------------------------------


@pytest.fixture
def connections(network, walking_group, draft_group, facilitator):
    council = OrganisationFactory(name="Tower Hamlets Council")
    public = Connection.objects.create(
        network=network,
        from_asset=walking_group,
        kind=ConnectionKind.REFERS_TO,
        to_organisation=council,
        note="Jo at the council refers people.",
    )
    hidden = Connection.objects.create(
        network=network,
        from_asset=draft_group,
        kind=ConnectionKind.SHARES_VENUE,
        to_asset=walking_group,
    )
    return public, hidden


def test_residents_see_connections_between_public_things_without_the_note(connections):
    public, _hidden = connections

    rows = results(client_for(None).get(f"{API}connections/"))

    assert [row["id"] for row in rows] == [public.pk]
    assert rows[0]["source"] == {
        "type": "asset",
        "id": public.from_asset_id,
        "name": "Walking group",
    }
    assert rows[0]["target"]["name"] == "Tower Hamlets Council"
    assert "note" not in rows[0]


def test_residents_get_404_for_a_connection_to_a_draft(connections):
    _public, hidden = connections

    assert client_for(None).get(f"{API}connections/{hidden.pk}/").status_code == 404


def test_professionals_see_every_connection_with_its_note(connections, link_worker):
    rows = results(client_for(link_worker).get(f"{API}connections/"))

    assert len(rows) == 2
    assert {row["note"] for row in rows} == {"Jo at the council refers people.", ""}


@pytest.mark.parametrize("who", ["facilitator", "network_lead"])
def test_facilitator_of_the_network_and_staff_record_a_connection(
    network, walking_group, request, who
):
    trust = OrganisationFactory(name="Bromley by Bow Centre")
    body = {
        "network": network.pk,
        "from_organisation": trust.pk,
        "kind": ConnectionKind.GREW_OUT_OF,
        "to_asset": walking_group.pk,
        "note": "Started by the centre's health trainers.",
    }

    response = client_for(persona(request, who)).post(f"{API}connections/", body, format="json")

    assert response.status_code == 201, response.content
    saved = Connection.objects.get()
    assert (saved.from_organisation, saved.to_asset) == (trust, walking_group)
    assert saved.created_by == persona(request, who)
    assert response.json()["source"] == {"type": "organisation", "id": trust.pk, "name": trust.name}


@pytest.mark.parametrize(("who", "status"), WRITERS_REFUSED)
def test_others_cannot_record_a_connection(
    network, other_network, walking_group, request, who, status
):
    body = {
        "network": network.pk,
        "from_organisation": OrganisationFactory().pk,
        "kind": ConnectionKind.PARTNERS_WITH,
        "to_asset": walking_group.pk,
    }

    response = client_for(persona(request, who)).post(f"{API}connections/", body, format="json")

    assert response.status_code == status
    if who == "other_facilitator":
        assert response.json() == {"detail": services.NOT_YOUR_NETWORK}
    assert not Connection.objects.exists()


def test_a_connection_to_an_asset_of_another_network_is_refused(
    facilitator, network, other_network, walking_group
):
    elsewhere = AssetFactory(network=other_network)
    body = {
        "network": network.pk,
        "from_asset": walking_group.pk,
        "kind": ConnectionKind.PARTNERS_WITH,
        "to_asset": elsewhere.pk,
    }

    response = client_for(facilitator).post(f"{API}connections/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"to_asset": [s.NOT_LINKABLE]}
    assert not Connection.objects.exists()


def test_a_connection_needs_one_thing_at_each_end(facilitator, network, walking_group):
    body = {
        "network": network.pk,
        "from_asset": walking_group.pk,
        "from_organisation": OrganisationFactory().pk,
        "kind": ConnectionKind.PARTNERS_WITH,
        "to_organisation": OrganisationFactory().pk,
    }

    response = client_for(facilitator).post(f"{API}connections/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Choose one asset or one organisation on each side."]
    }
    assert not Connection.objects.exists()


def test_facilitator_of_the_network_removes_a_connection(facilitator, connections):
    public, _hidden = connections

    response = client_for(facilitator).delete(f"{API}connections/{public.pk}/")

    assert response.status_code == 204
    assert not Connection.objects.filter(pk=public.pk).exists()


@pytest.mark.parametrize(("who", "status"), WRITERS_REFUSED)
def test_others_cannot_remove_a_connection(connections, other_network, request, who, status):
    public, _hidden = connections

    response = client_for(persona(request, who)).delete(f"{API}connections/{public.pk}/")

    assert response.status_code == status
    assert Connection.objects.filter(pk=public.pk).exists()


def test_connections_are_not_edited_but_recorded_again(facilitator, connections):
    public, _hidden = connections

    response = client_for(facilitator).patch(
        f"{API}connections/{public.pk}/", {"note": "x"}, format="json"
    )

    assert response.status_code == 405


# --- The wishlist -----------------------------------------------------------------------


@pytest.fixture
def wish(network, walking_group, draft_group):
    item = WishlistItem.objects.create(
        network=network, kind="connection", title="A lunch club for carers"
    )
    item.assets.set([walking_group, draft_group])
    return item


def test_anybody_reads_the_wishlist_with_only_the_assets_they_may_see(wish, walking_group):
    rows = results(client_for(None).get(f"{API}wishes/"))

    assert [row["title"] for row in rows] == ["A lunch club for carers"]
    assert rows[0]["assets"] == [walking_group.pk]


def test_professionals_see_every_asset_involved(wish, link_worker, walking_group, draft_group):
    row = client_for(link_worker).get(f"{API}wishes/{wish.pk}/").json()

    assert sorted(row["assets"]) == sorted([walking_group.pk, draft_group.pk])


def test_the_wishlist_is_filtered_by_status(wish, network):
    WishlistItem.objects.create(
        network=network, kind="capacity", title="Done already", status=WishStatus.DONE
    )

    rows = results(client_for(None).get(f"{API}wishes/?status=done"))

    assert [row["title"] for row in rows] == ["Done already"]


@pytest.mark.parametrize("who", ["facilitator", "network_lead"])
def test_facilitator_of_the_network_and_staff_add_a_wish(network, walking_group, request, who):
    body = {
        "network": network.pk,
        "kind": "capacity",
        "title": "Somewhere to meet on Sundays",
        "assets": [walking_group.pk],
    }

    response = client_for(persona(request, who)).post(f"{API}wishes/", body, format="json")

    assert response.status_code == 201, response.content
    item = WishlistItem.objects.get()
    assert list(item.assets.all()) == [walking_group]
    assert response.json()["assets"] == [walking_group.pk]


def test_facilitator_moves_a_wish_on_and_keeps_its_assets(facilitator, wish, walking_group):
    response = client_for(facilitator).patch(
        f"{API}wishes/{wish.pk}/", {"status": WishStatus.IN_PROGRESS}, format="json"
    )

    assert response.status_code == 200, response.content
    wish.refresh_from_db()
    assert wish.status == WishStatus.IN_PROGRESS
    assert wish.assets.count() == 2


@pytest.mark.parametrize(("who", "status"), WRITERS_REFUSED)
def test_others_cannot_add_change_or_delete_a_wish(
    wish, network, other_network, request, who, status
):
    client = client_for(persona(request, who))

    added = client.post(
        f"{API}wishes/", {"network": network.pk, "kind": "capacity", "title": "X"}, format="json"
    )
    changed = client.patch(f"{API}wishes/{wish.pk}/", {"title": "Changed"}, format="json")
    deleted = client.delete(f"{API}wishes/{wish.pk}/")

    assert {added.status_code, changed.status_code, deleted.status_code} == {status}
    assert list(WishlistItem.objects.values_list("title", flat=True)) == [wish.title]


def test_a_wish_involving_an_asset_of_another_network_is_refused(
    facilitator, network, other_network
):
    body = {
        "network": network.pk,
        "kind": "capacity",
        "title": "Borrowed",
        "assets": [AssetFactory(network=other_network).pk],
    }

    response = client_for(facilitator).post(f"{API}wishes/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"assets": [s.NOT_LINKABLE]}
    assert not WishlistItem.objects.exists()


def test_a_wish_stays_in_its_network(facilitator, wish, other_network):
    response = client_for(facilitator).patch(
        f"{API}wishes/{wish.pk}/", {"network": other_network.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"network": [s.NETWORK_FIXED]}
    wish.refresh_from_db()
    assert wish.network_id != other_network.pk


# --- Queries per list -------------------------------------------------------------------


@pytest.fixture
def busy(network, other_network, facilitator):
    """Several rows of everything, each with its related rows."""
    from networks.models import ListeningEvent, Story

    council = OrganisationFactory()
    for n in range(6):
        PracticeFactory(network=network)
        group = AssetFactory(network=network)
        Connection.objects.create(
            network=network, from_asset=group, kind="refers_to", to_organisation=council
        )
        item = WishlistItem.objects.create(network=network, kind="capacity", title=f"Wish {n}")
        item.assets.set([group])
        event = ListeningEvent(
            network=network,
            title=f"Event {n}",
            date=YESTERDAY,
            place_name="Market",
            people_count=10,
            is_published=True,
        )
        services.event_save(
            event=event,
            user=facilitator,
            theme_names=["food", f"theme {n}"],
            existing_assets=[group],
        )
        Story.objects.create(
            network=network,
            event=event,
            title=f"Story {n}",
            text="Anne told us about the market.",
            storyteller_name="Anne",
            consent="anonymous",
            is_published=True,
        )


@pytest.mark.parametrize(
    "endpoint",
    [
        "networks/",
        "practices/",
        "events/",
        "events/?network=bromley-by-bow",
        "stories/",
        "connections/",
        "wishes/",
    ],
)
@pytest.mark.parametrize("who", [None, "link_worker", "network_lead"])
def test_a_list_takes_a_few_queries_however_many_rows(
    busy, endpoint, request, who, django_assert_max_num_queries
):
    client = client_for(persona(request, who))

    # Signing in (3), the network filter (1), count, rows and prefetches.
    with django_assert_max_num_queries(9):
        response = client.get(f"{API}{endpoint}")

    assert response.status_code == 200
    assert response.json()["count"] >= 2
