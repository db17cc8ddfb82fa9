"""Adding and changing listings on the facilitators' pages, and "still running?",
through HTTP: each test checks the response and the database."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone

from assetmap.models import Asset, Category, Frequency, Postcode, RecurringSession, Status
from tests.factories import AssetFactory, NetworkFactory, square

pytestmark = pytest.mark.django_db

# Bromley-by-Bow (in network A) and Watney Market (in network B).
BOW = (51.524, -0.011)
WATNEY = (51.505, -0.065)


@pytest.fixture
def network(facilitator):
    network = NetworkFactory(name="Bromley-by-Bow", slug="bromley-by-bow")
    network.facilitators.add(facilitator)
    return network


@pytest.fixture
def other_network():
    return NetworkFactory(
        name="Watney Market", slug="watney", boundary=square(-0.08, 51.50, -0.05, 51.51)
    )


def form_data(sessions=(), initial_sessions=0, **fields):
    data = {
        "name": "Knit and natter",
        "description": "Knitting and a chat.",
        "kind": "association",
        "cost": "free",
        "status": "published",
        "latitude": str(BOW[0]),
        "longitude": str(BOW[1]),
        "sessions-TOTAL_FORMS": str(len(sessions)),
        "sessions-INITIAL_FORMS": str(initial_sessions),
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "30",
    }
    for index, session in enumerate(sessions):
        data.update({f"sessions-{index}-{key}": value for key, value in session.items()})
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def test_signed_out_person_is_sent_to_sign_in(client):
    response = client.get(reverse("asset-add"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["link_worker", "outsider", "coordinator"])
def test_people_who_do_not_edit_listings_are_refused(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("asset-add")).status_code == 403
    response = client.post(reverse("asset-add"), form_data())
    assert response.status_code == 403
    assert not Asset.objects.exists()


def test_facilitator_adds_a_group_in_their_network(client, facilitator, network):
    client.force_login(facilitator)
    walking = Category.objects.filter(parent__isnull=False).first()
    response = client.post(
        reverse("asset-add"),
        form_data(
            categories=[str(walking.pk)],
            languages=["en", "bn"],
            accessibility=["step_free"],
            sessions=[
                {"weekday": "3", "repeats": "weekly", "opens_at": "10:00", "closes_at": "12:00"},
                {"weekday": "0", "repeats": "-1", "opens_at": "18:00", "closes_at": "19:30"},
                {},
            ],
        ),
    )
    asset = Asset.objects.get()
    assert response.status_code == 302
    assert response.url == asset.get_absolute_url()
    assert (asset.status, asset.network, asset.created_by) == (
        Status.PUBLISHED,
        network,
        facilitator,
    )
    assert list(asset.categories.all()) == [walking]
    assert asset.languages == ["en", "bn"]
    sessions = list(asset.sessions.order_by("weekday"))
    assert [(s.weekday, s.frequency, s.week_of_month) for s in sessions] == [
        (0, Frequency.MONTHLY, -1),
        (3, Frequency.WEEKLY, None),
    ]


def test_form_shows_categories_grouped_by_heading(client, facilitator):
    client.force_login(facilitator)
    response = client.get(reverse("asset-add"))
    assert response.status_code == 200
    top = Category.objects.filter(parent__isnull=True, children__isnull=False).first()
    child = top.children.first()
    html = response.content.decode()
    assert f"<summary>{top.name}" in html
    assert html.index(f"<summary>{top.name}") < html.index(f">{child.name}</label>")


def test_postcode_places_the_group_when_the_map_is_not_used(client, facilitator, network):
    Postcode.objects.create(postcode="E3 3ES", location=Point(BOW[1], BOW[0], srid=4326))
    client.force_login(facilitator)
    response = client.post(
        reverse("asset-add"), form_data(latitude="", longitude="", postcode="e33es")
    )
    assert response.status_code == 302
    asset = Asset.objects.get()
    assert (asset.postcode, asset.network) == ("E3 3ES", network)
    assert asset.location.equals_exact(Point(BOW[1], BOW[0], srid=4326), 1e-9)


def test_unknown_postcode_is_refused_beside_the_field(client, facilitator, network):
    client.force_login(facilitator)
    response = client.post(
        reverse("asset-add"), form_data(latitude="", longitude="", postcode="E1 9ZZ")
    )
    assert response.status_code == 200
    assert "We do not know the postcode E1 9ZZ" in response.content.decode()
    assert not Asset.objects.exists()


def test_online_group_needs_no_place(client, facilitator):
    client.force_login(facilitator)
    response = client.post(
        reverse("asset-add"), form_data(latitude="", longitude="", online_only="on")
    )
    assert response.status_code == 302
    asset = Asset.objects.get()
    assert asset.online_only and asset.location is None and asset.network is None


def test_a_group_with_no_place_is_refused(client, facilitator):
    client.force_login(facilitator)
    response = client.post(reverse("asset-add"), form_data(latitude="", longitude=""))
    assert response.status_code == 200
    assert "Tap the map to place it" in response.content.decode()
    assert not Asset.objects.exists()


def test_invalid_session_refuses_the_whole_listing(client, facilitator, network):
    client.force_login(facilitator)
    response = client.post(
        reverse("asset-add"),
        form_data(
            sessions=[
                {"weekday": "3", "repeats": "weekly", "opens_at": "10:00", "closes_at": "09:00"}
            ]
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "A session must end after it starts." in html
    assert not Asset.objects.exists()
    assert not RecurringSession.objects.exists()


def test_validation_errors_come_back_on_the_form(client, facilitator, network):
    client.force_login(facilitator)
    response = client.post(
        reverse("asset-add"), form_data(name="", age_min="60", age_max="18", kind="")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"name", "kind"} <= set(form.errors)
    assert not Asset.objects.exists()


def test_facilitator_cannot_place_a_group_in_another_network(
    client, facilitator, network, other_network
):
    client.force_login(facilitator)
    response = client.post(
        reverse("asset-add"), form_data(latitude=str(WATNEY[0]), longitude=str(WATNEY[1]))
    )
    assert response.status_code == 200
    assert "only in the GP networks they work in" in response.content.decode()
    assert not Asset.objects.exists()


def test_facilitator_cannot_edit_a_listing_in_another_network(client, facilitator, other_network):
    asset = AssetFactory(network=other_network, location=Point(WATNEY[1], WATNEY[0], srid=4326))
    client.force_login(facilitator)
    assert client.get(reverse("asset-edit", args=[asset.slug])).status_code == 403
    response = client.post(reverse("asset-edit", args=[asset.slug]), form_data(name="Taken over"))
    assert response.status_code == 403
    asset.refresh_from_db()
    assert asset.name != "Taken over"


def test_network_lead_edits_anywhere(client, network_lead, other_network):
    asset = AssetFactory(network=other_network, location=Point(WATNEY[1], WATNEY[0], srid=4326))
    client.force_login(network_lead)
    response = client.post(
        reverse("asset-edit", args=[asset.slug]),
        form_data(name="Watney walkers", latitude=str(WATNEY[0]), longitude=str(WATNEY[1])),
    )
    assert response.status_code == 302
    asset.refresh_from_db()
    assert (asset.name, asset.updated_by) == ("Watney walkers", network_lead)


def test_editing_keeps_removes_and_adds_sessions(client, facilitator, network):
    asset = AssetFactory(name="Bow walk", network=network)
    keep = RecurringSession.objects.create(
        asset=asset, weekday=1, opens_at=dt.time(10), closes_at=dt.time(11)
    )
    drop = RecurringSession.objects.create(
        asset=asset, weekday=4, opens_at=dt.time(14), closes_at=dt.time(15)
    )
    client.force_login(facilitator)
    page = client.get(reverse("asset-edit", args=[asset.slug]))
    assert page.context["form"].initial["latitude"] == BOW[0]
    response = client.post(
        reverse("asset-edit", args=[asset.slug]),
        form_data(
            name="Bow walk",
            initial_sessions=2,
            sessions=[
                {
                    "id": str(keep.pk),
                    "weekday": "1",
                    "repeats": "weekly",
                    "opens_at": "10:00",
                    "closes_at": "11:00",
                },
                {
                    "id": str(drop.pk),
                    "weekday": "4",
                    "repeats": "weekly",
                    "opens_at": "14:00",
                    "closes_at": "15:00",
                    "DELETE": "on",
                },
                {"weekday": "5", "repeats": "2", "opens_at": "09:00", "closes_at": "10:00"},
            ],
        ),
    )
    assert response.status_code == 302
    days = sorted(asset.sessions.values_list("weekday", "week_of_month"))
    assert days == [(1, None), (5, 2)]


def test_similar_group_nearby_is_warned_about_and_saved_only_when_confirmed(
    client, facilitator, network
):
    existing = AssetFactory(name="Knit & Natter Club", network=network)
    client.force_login(facilitator)

    warned = client.post(reverse("asset-add"), form_data())
    assert warned.status_code == 200
    assert list(warned.context["duplicates"]) == [existing]
    assert "This group may be on the map already" in warned.content.decode()
    assert Asset.objects.count() == 1

    saved = client.post(reverse("asset-add"), form_data(save_anyway="on"))
    assert saved.status_code == 302
    assert Asset.objects.count() == 2


def test_similar_group_far_away_is_not_a_duplicate(client, facilitator, network):
    AssetFactory(name="Knit and natter", location=Point(-0.02, 51.53, srid=4326))  # ~1 km
    client.force_login(facilitator)
    assert client.post(reverse("asset-add"), form_data()).status_code == 302


def test_editing_a_listing_does_not_warn_about_itself(client, facilitator, network):
    asset = AssetFactory(name="Knit and natter", network=network)
    client.force_login(facilitator)
    response = client.post(
        reverse("asset-edit", args=[asset.slug]), form_data(description="Now on Fridays.")
    )
    assert response.status_code == 302


def test_archived_is_offered_only_when_changing_a_listing(client, facilitator, network):
    client.force_login(facilitator)
    choices = dict(client.get(reverse("asset-add")).context["form"].fields["status"].choices)
    assert set(choices) == {"draft", "published"}
    asset = AssetFactory(network=network)
    edit = client.get(reverse("asset-edit", args=[asset.slug]))
    assert "archived" in dict(edit.context["form"].fields["status"].choices)


# Still running? ---------------------------------------------------------------------


def test_still_running_sets_the_assured_date(client, facilitator, network):
    asset = AssetFactory(network=network, assured_date=None)
    client.force_login(facilitator)
    response = client.post(
        reverse("asset-still-running", args=[asset.slug]), {"next": reverse("moderation")}
    )
    assert response.status_code == 302
    assert response.url == reverse("moderation")
    asset.refresh_from_db()
    assert (asset.assured_date, asset.assured_by) == (timezone.localdate(), facilitator)


def test_still_running_refuses_other_networks_and_get(client, facilitator, other_network):
    asset = AssetFactory(network=other_network, assured_date=None)
    client.force_login(facilitator)
    assert client.get(reverse("asset-still-running", args=[asset.slug])).status_code == 405
    assert client.post(reverse("asset-still-running", args=[asset.slug])).status_code == 403
    asset.refresh_from_db()
    assert asset.assured_date is None


def test_still_running_never_redirects_off_site(client, network_lead):
    asset = AssetFactory(assured_date=None)
    client.force_login(network_lead)
    response = client.post(
        reverse("asset-still-running", args=[asset.slug]), {"next": "https://evil.example/"}
    )
    assert response.url == asset.get_absolute_url()


def test_link_worker_cannot_mark_still_running(client, link_worker):
    asset = AssetFactory(assured_date=None)
    client.force_login(link_worker)
    assert client.post(reverse("asset-still-running", args=[asset.slug])).status_code == 403
