"""Staff manage everything in the admin, with a map to place points and the history."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from assetmap.models import Asset, Category, Status
from networks.models import Discovery, ListeningEvent
from tests.factories import AssetFactory, NetworkFactory, PracticeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:assetmap_asset_changelist",
        "admin:assetmap_asset_add",
        "admin:assetmap_category_changelist",
        "admin:assetmap_organisation_changelist",
        "admin:assetmap_recurringsession_changelist",
        "admin:networks_network_changelist",
        "admin:networks_network_add",
        "admin:networks_practice_changelist",
    ],
)
def test_a_network_lead_can_open_every_admin_page(client, network_lead, url_name):
    AssetFactory()
    NetworkFactory()
    PracticeFactory()
    client.force_login(network_lead)

    response = client.get(reverse(url_name))

    assert response.status_code == 200


def test_the_asset_form_has_a_leaflet_map_served_locally(client, network_lead):
    client.force_login(network_lead)

    page = client.get(reverse("admin:assetmap_asset_add")).content.decode()

    assert "leaflet" in page.lower()
    assert 'src="/static/leaflet/leaflet.js"' in page
    assert "unpkg.com" not in page and "cdnjs" not in page


def test_the_changelist_searches_and_filters(client, network_lead):
    AssetFactory(name="Limehouse Food Pantry", status=Status.PUBLISHED)
    AssetFactory(name="Bow Walking Group", status=Status.DRAFT)
    client.force_login(network_lead)
    url = reverse("admin:assetmap_asset_changelist")

    found = client.get(url, {"q": "pantry"}).content.decode()
    drafts = client.get(url, {"status__exact": "draft"}).content.decode()

    assert "Limehouse Food Pantry" in found and "Bow Walking Group" not in found
    assert "Bow Walking Group" in drafts and "Limehouse Food Pantry" not in drafts


def asset_form(**overrides) -> dict:
    data = {
        "name": "Mile End Chess Club",
        "slug": "mile-end-chess-club",
        "description": "Chess for all levels.",
        "kind": "association",
        "categories": [Category.objects.get(slug="social-clubs").pk],
        "focus": ["helping_themselves"],
        "location": json.dumps({"type": "Point", "coordinates": [-0.0205, 51.5249]}),
        "address": "Mile End Road",
        "postcode": "e1 4ns",
        "cost": "free",
        "languages": ["en", "bn"],
        "accessibility": ["step_free"],
        "status": "published",
        "provenance": "staff",
        "sessions-TOTAL_FORMS": "1",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
        "sessions-0-frequency": "weekly",
        "sessions-0-weekday": "3",
        "sessions-0-opens_at": "18:00",
        "sessions-0-closes_at": "20:00",
    }
    return data | overrides


def test_a_network_lead_adds_an_asset_with_a_point_and_a_session(client, network_lead):
    mile_end = NetworkFactory(name="Mile End")
    client.force_login(network_lead)

    response = client.post(reverse("admin:assetmap_asset_add"), asset_form())

    assert response.status_code == 302, response.context["errors"]
    asset = Asset.objects.get(slug="mile-end-chess-club")
    assert asset.network == mile_end
    assert asset.postcode == "E1 4NS"
    assert asset.created_by == network_lead
    assert asset.sessions.get().weekday == 3
    history = asset.history.order_by("history_date")
    assert history.first().history_type == "+"
    assert {record.history_user for record in history} == {network_lead}


def test_a_session_ending_before_it_starts_is_refused_and_nothing_is_saved(client, network_lead):
    client.force_login(network_lead)

    response = client.post(
        reverse("admin:assetmap_asset_add"), asset_form(**{"sessions-0-closes_at": "17:00"})
    )

    assert response.status_code == 200
    assert "A session must end after it starts." in response.content.decode()
    assert not Asset.objects.exists()


def test_a_point_outside_the_uk_is_refused_in_the_admin(client, network_lead):
    client.force_login(network_lead)
    paris = json.dumps({"type": "Point", "coordinates": [2.35, 48.85]})

    response = client.post(reverse("admin:assetmap_asset_add"), asset_form(location=paris))

    assert response.status_code == 200
    assert "outside the United Kingdom" in response.content.decode()
    assert not Asset.objects.exists()


def test_staff_see_the_change_history_but_a_facilitator_does_not(client, network_lead, facilitator):
    asset = AssetFactory()
    url = reverse("admin:assetmap_asset_history", args=[asset.pk])

    client.force_login(network_lead)
    assert client.get(url).status_code == 200
    client.force_login(facilitator)
    assert client.get(url).status_code == 403


def test_a_facilitator_can_edit_assets_but_not_networks(client, facilitator):
    client.force_login(facilitator)

    assert client.get(reverse("admin:assetmap_asset_add")).status_code == 200
    assert client.get(reverse("admin:networks_network_add")).status_code == 403


@pytest.mark.parametrize("persona", ["link_worker", "coordinator", "outsider"])
def test_people_without_staff_access_are_sent_to_the_login_page(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("admin:assetmap_asset_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_asset_found_at_a_listening_event_says_so_in_the_admin(client, network_lead):
    asset = AssetFactory()
    event = ListeningEvent.objects.create(
        title="Roman Road market day",
        date=dt.date(2026, 10, 3),
        network=NetworkFactory(),
        place_name="Roman Road",
        people_count=40,
    )
    Discovery.objects.create(event=event, asset=asset)
    client.force_login(network_lead)

    page = client.get(reverse("admin:assetmap_asset_change", args=[asset.pk])).content.decode()

    assert "Roman Road market day (3 Oct 2026)" in page
