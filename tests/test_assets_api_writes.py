"""Adding, changing and archiving listings through the API: facilitators within their
networks, network leads anywhere; everyone else's new listing is a throttled
suggestion for moderation. Bad input is a 400 with field messages and saves nothing."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from assetmap import services
from assetmap.api import SuggestionThrottle
from assetmap.models import Asset, Organisation, Provenance, RecurringSession, Status
from tests.factories import AssetFactory, CategoryFactory, NetworkFactory, square

pytestmark = pytest.mark.django_db

ASSETS = "/api/v1/assets/"
INSIDE = {"type": "Point", "coordinates": [-0.011, 51.524]}  # in Bromley-by-Bow
ELSEWHERE = {"type": "Point", "coordinates": [-0.07, 51.52]}  # in Whitechapel


@pytest.fixture(autouse=True)
def _fresh_throttle():
    # Throttle counts live in Redis, shared with every other test.
    cache.delete_many([f"throttle_suggestions_{ident}" for ident in ("127.0.0.1", *range(1, 2000))])


@pytest.fixture
def bromley_by_bow(facilitator):
    network = NetworkFactory(name="Bromley-by-Bow", slug="bromley-by-bow")
    network.facilitators.add(facilitator)
    return network


@pytest.fixture
def whitechapel(db):
    return NetworkFactory(
        name="Whitechapel", slug="whitechapel", boundary=square(-0.09, 51.51, -0.05, 51.53)
    )


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def new_listing(**changes) -> dict:
    listing = {
        "name": "Tuesday Tai Chi",
        "description": "Slow movement in the park.",
        "kind": "association",
        "location": INSIDE,
        "postcode": "e3 3es",
        "cost": "free",
        "languages": ["en", "bn"],
        "accessibility": ["step_free"],
        "sessions": [
            {"weekday": 1, "opens_at": "10:00", "closes_at": "11:00"},
            {
                "frequency": "monthly",
                "week_of_month": -1,
                "weekday": 4,
                "opens_at": "18:00",
                "closes_at": "20:00",
            },
        ],
    }
    listing.update(changes)
    return listing


# --- Facilitators and network leads ---------------------------------------------------------


def test_a_facilitator_adds_a_listing_in_their_network(facilitator, bromley_by_bow):
    CategoryFactory(name="Exercise", slug="exercise")

    response = client_for(facilitator).post(
        ASSETS, new_listing(status="published", categories=["exercise"]), format="json"
    )

    assert response.status_code == 201, response.content
    asset = Asset.objects.get(pk=response.json()["id"])
    assert (asset.name, asset.status, asset.network, asset.postcode) == (
        "Tuesday Tai Chi",
        Status.PUBLISHED,
        bromley_by_bow,
        "E3 3ES",
    )
    assert asset.provenance == Provenance.STAFF
    assert asset.created_by == facilitator
    assert [c.slug for c in asset.categories.all()] == ["exercise"]
    assert [str(session) for session in asset.sessions.all()] == [
        "Tuesday, 10:00–11:00",
        "Last Friday of the month, 18:00–20:00",
    ]
    assert response.json()["network"] == "bromley-by-bow"
    assert response.json()["slug"] == "tuesday-tai-chi"


def test_a_facilitator_cannot_add_a_listing_in_another_network(
    facilitator, bromley_by_bow, whitechapel
):
    response = client_for(facilitator).post(ASSETS, new_listing(location=ELSEWHERE), format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": services.NOT_YOUR_NETWORK}
    assert not Asset.objects.exists()
    assert not RecurringSession.objects.exists()


def test_a_facilitator_changes_listings_in_their_network_only(
    facilitator, bromley_by_bow, whitechapel
):
    ours = AssetFactory(name="Ours", network=bromley_by_bow)
    theirs = AssetFactory(name="Theirs", location=None, network=whitechapel)
    client = client_for(facilitator)

    changed = client.patch(f"{ASSETS}{ours.pk}/", {"name": "Ours, renamed"}, format="json")
    refused = client.patch(f"{ASSETS}{theirs.pk}/", {"name": "Taken over"}, format="json")
    moved = client.patch(f"{ASSETS}{ours.pk}/", {"location": ELSEWHERE}, format="json")

    assert changed.status_code == 200
    assert refused.status_code == 403
    assert refused.json() == {"detail": services.NOT_YOUR_NETWORK}
    # Moving a listing into someone else's network is a change there too.
    assert moved.status_code == 403
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.name, ours.location.coords) == ("Ours, renamed", (-0.011, 51.524))
    assert ours.network == bromley_by_bow
    assert theirs.name == "Theirs"


def test_a_network_lead_changes_any_listing(network_lead, whitechapel):
    theirs = AssetFactory(name="Theirs", location=None, network=whitechapel)

    response = client_for(network_lead).patch(
        f"{ASSETS}{theirs.pk}/", {"status": "draft", "internal_notes": "Check"}, format="json"
    )

    assert response.status_code == 200
    theirs.refresh_from_db()
    assert (theirs.status, theirs.internal_notes) == (Status.DRAFT, "Check")


def test_changing_sessions_replaces_them_and_leaving_them_out_keeps_them(
    facilitator, bromley_by_bow
):
    created = client_for(facilitator).post(ASSETS, new_listing(), format="json").json()
    url = f"{ASSETS}{created['id']}/"

    client_for(facilitator).patch(url, {"description": "New words"}, format="json")
    assert RecurringSession.objects.filter(asset_id=created["id"]).count() == 2

    client_for(facilitator).patch(
        url,
        {"sessions": [{"weekday": 2, "opens_at": "09:00", "closes_at": "09:30"}]},
        format="json",
    )
    assert [str(s) for s in RecurringSession.objects.filter(asset_id=created["id"])] == [
        "Wednesday, 09:00–09:30"
    ]


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"location": {"type": "Point"}}, "location", ""),
        ({"location": "not geojson"}, "location", ""),
        (
            {"location": {"type": "Point", "coordinates": [51.524, -0.011]}},
            "location",
            "outside the United Kingdom",
        ),
        ({"online_only": True}, "online_only", "An online-only group has no location"),
        ({"age_min": 60, "age_max": 18}, "age_max", "must not be below the minimum age"),
        ({"kind": "castle"}, "kind", "not a valid choice"),
        ({"languages": ["xx"]}, "languages", "not a valid choice"),
        ({"categories": ["no-such"]}, "categories", "does not exist"),
        ({"postcode": "nonsense"}, "postcode", "Enter a full UK postcode"),
        ({"name": ""}, "name", "may not be blank"),
        (
            {"sessions": [{"weekday": 1, "opens_at": "11:00", "closes_at": "10:00"}]},
            "sessions",
            "Session 1: A session must end after it starts.",
        ),
        (
            {"sessions": [{"weekday": 1, "opens_at": "10:00", "closes_at": "11:00"}, {}]},
            "sessions",
            "required",
        ),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(
    facilitator, bromley_by_bow, changes, field, message
):
    response = client_for(facilitator).post(ASSETS, new_listing(**changes), format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert message in str(response.json()[field])
    assert not Asset.objects.exists()
    assert not RecurringSession.objects.exists()


def test_archiving_takes_a_listing_off_the_list_and_keeps_it(
    facilitator, link_worker, bromley_by_bow
):
    asset = AssetFactory(name="Closed group", network=bromley_by_bow)

    assert client_for(link_worker).post(f"{ASSETS}{asset.pk}/archive/").status_code == 403
    assert client_for().post(f"{ASSETS}{asset.pk}/archive/").status_code == 401
    response = client_for(facilitator).post(f"{ASSETS}{asset.pk}/archive/")

    assert response.status_code == 200
    assert response.json()["status"] == "archived"
    assert client_for().get(ASSETS).json()["count"] == 0
    assert client_for().get(f"{ASSETS}{asset.pk}/").status_code == 404
    assert client_for(facilitator).get(f"{ASSETS}{asset.pk}/").status_code == 200
    assert asset.history.count() >= 1


def test_verifying_records_today_and_who(facilitator, link_worker, bromley_by_bow):
    asset = AssetFactory(network=bromley_by_bow, assured_date=None)

    assert client_for(link_worker).post(f"{ASSETS}{asset.pk}/verify/").status_code == 403
    response = client_for(facilitator).post(f"{ASSETS}{asset.pk}/verify/")

    assert response.status_code == 200
    asset.refresh_from_db()
    assert asset.assured_by == facilitator
    assert response.json()["assured_date"] == asset.assured_date.isoformat()
    assert response.json()["is_stale"] is False


# --- Suggestions --------------------------------------------------------------------------------


def test_a_resident_suggests_a_group_which_waits_for_moderation():
    response = client_for().post(
        ASSETS,
        new_listing(status="published", internal_notes="Sneaky"),
        format="json",
    )

    assert response.status_code == 201, response.content
    asset = Asset.objects.get()
    assert (asset.status, asset.provenance, asset.internal_notes) == (
        Status.PENDING_REVIEW,
        Provenance.RESIDENT_SUGGESTION,
        "",
    )
    assert asset.created_by is None
    # It is not public until a facilitator publishes it.
    assert client_for().get(ASSETS).json()["count"] == 0


def test_a_link_worker_suggests_too(link_worker):
    response = client_for(link_worker).post(ASSETS, new_listing(status="published"), format="json")

    assert response.status_code == 201
    asset = Asset.objects.get()
    assert (asset.status, asset.created_by) == (Status.PENDING_REVIEW, link_worker)


def test_suggestions_are_throttled_but_editors_are_not(monkeypatch, facilitator, bromley_by_bow):
    monkeypatch.setattr(SuggestionThrottle, "rate", "3/hour", raising=False)

    suggested = [
        client_for().post(ASSETS, new_listing(name=f"Group {n}"), format="json") for n in range(4)
    ]
    added = [
        client_for(facilitator).post(ASSETS, new_listing(name=f"Staff group {n}"), format="json")
        for n in range(4)
    ]

    assert [response.status_code for response in suggested] == [201, 201, 201, 429]
    assert "detail" in suggested[-1].json()
    assert [response.status_code for response in added] == [201, 201, 201, 201]
    assert Asset.objects.filter(status=Status.PENDING_REVIEW).count() == 3


def test_nobody_but_editors_changes_a_listing(link_worker, coordinator, outsider):
    asset = AssetFactory(name="Unchanged")

    assert client_for().patch(f"{ASSETS}{asset.pk}/", {"name": "X"}).status_code == 401
    for user in (link_worker, coordinator, outsider):
        response = client_for(user).patch(f"{ASSETS}{asset.pk}/", {"name": "X"}, format="json")
        assert response.status_code == 403
        assert response.json() == {"detail": services.CANNOT_EDIT}
    asset.refresh_from_db()
    assert asset.name == "Unchanged"


def test_there_is_no_delete(network_lead):
    asset = AssetFactory()

    assert client_for(network_lead).delete(f"{ASSETS}{asset.pk}/").status_code == 405
    assert Asset.objects.filter(pk=asset.pk).exists()


# --- Categories and organisations -----------------------------------------------------------


def test_anyone_reads_the_categories_with_their_parents():
    health = CategoryFactory(name="Health", slug="health")
    CategoryFactory(name="Walking", slug="walking", parent=health)

    rows = {row["slug"]: row["parent"] for row in client_for().get("/api/v1/categories/").json()}

    assert rows["health"] is None
    assert rows["walking"] == "health"


def test_facilitators_add_organisations_and_others_read_them(facilitator, link_worker):
    body = {"name": "Bromley by Bow Centre", "website": "https://www.example.org/"}

    refused = client_for(link_worker).post("/api/v1/organisations/", body, format="json")
    anonymous = client_for().post("/api/v1/organisations/", body, format="json")
    added = client_for(facilitator).post("/api/v1/organisations/", body, format="json")
    bad = client_for(facilitator).post(
        "/api/v1/organisations/", {"name": "X", "website": "not a url"}, format="json"
    )

    assert (refused.status_code, anonymous.status_code, added.status_code) == (403, 401, 201)
    assert bad.status_code == 400 and "website" in bad.json()
    assert Organisation.objects.get().slug == "bromley-by-bow-centre"
    listed = client_for().get("/api/v1/organisations/").json()["results"]
    assert [row["name"] for row in listed] == ["Bromley by Bow Centre"]
