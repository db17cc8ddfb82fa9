"""Residents suggest a group (/suggest/) and report a problem with a listing
(/assets/<slug>/report/): both wait for moderation, keep nothing from robots, and are
limited per hour like the API's suggestions."""

import datetime as dt
import uuid

import pytest
from django.contrib.gis.geos import Point

from assetmap import services
from assetmap.api import SuggestionThrottle
from assetmap.models import (
    UNKNOWN_POSTCODE,
    Asset,
    Category,
    Frequency,
    Postcode,
    ProblemKind,
    ProblemReport,
    Provenance,
    ReportStatus,
    Status,
)
from assetmap.resident_forms import NOWHERE, ONLINE_AND_PLACE, SESSION_ENDS_BEFORE_IT_STARTS
from assetmap.resident_views import REPORT_THANKS
from tests.factories import AssetFactory, NetworkFactory

SUGGEST = "/suggest/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_throttle_counters(settings):
    # Throttle counts live in Redis, shared with other test runs: count in a key space
    # of this test's own, so every test starts at zero.
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


@pytest.fixture
def bromley_by_bow(db):
    return NetworkFactory(name="Bromley-by-Bow", slug="bromley-by-bow")


@pytest.fixture
def e3_3bt(db):
    return Postcode.objects.create(postcode="E3 3BT", location=Point(-0.0125, 51.5235, srid=4326))


def suggestion(**overrides) -> dict:
    """A complete suggestion, as the form posts it, placed by a tap on the map."""
    data = {
        "name": "Knit and natter",
        "description": "Knitting and a chat at the library.",
        "category": "",
        "kind": "association",
        "latitude": "51.524000",
        "longitude": "-0.011000",
        "address": "",
        "postcode": "",
        "email": "",
        "homepage": "",
        "sessions-TOTAL_FORMS": "3",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "3",
    }
    for row in range(3):
        data |= {
            f"sessions-{row}-weekday": "",
            f"sessions-{row}-how_often": "weekly",
            f"sessions-{row}-opens_at": "",
            f"sessions-{row}-closes_at": "",
        }
    return data | overrides


def test_it_shows_the_form_with_categories_grouped_by_their_parent(client):
    response = client.get(SUGGEST)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<optgroup label="Physical activity">' in html
    walking = Category.objects.get(slug="walking-groups")
    assert f'<option value="{walking.pk}">Walking groups</option>' in html
    assert 'name="homepage"' in html
    assert "Individuals" not in html  # nobody suggests a person's skills


def test_a_resident_suggests_a_group_placed_by_a_tap_on_the_map(client, bromley_by_bow):
    walking = Category.objects.get(slug="walking-groups")
    data = suggestion(
        category=walking.pk,
        email="resident@example.org",
        **{
            "sessions-0-weekday": "1",
            "sessions-0-opens_at": "10:00",
            "sessions-0-closes_at": "11:30",
            "sessions-1-weekday": "4",
            "sessions-1-how_often": "-1",
            "sessions-1-opens_at": "14:00",
            "sessions-1-closes_at": "16:00",
        },
    )

    response = client.post(SUGGEST, data)

    assert response.status_code == 302
    assert response["Location"] == "/suggest/thanks/"
    asset = Asset.objects.get()
    assert (asset.status, asset.provenance) == (
        Status.PENDING_REVIEW,
        Provenance.RESIDENT_SUGGESTION,
    )
    assert (asset.name, asset.kind) == ("Knit and natter", "association")
    assert (round(asset.location.x, 6), round(asset.location.y, 6)) == (-0.011, 51.524)
    assert asset.network == bromley_by_bow
    assert list(asset.categories.all()) == [walking]
    assert asset.suggester_email == "resident@example.org"
    assert asset.email == ""  # never published as the group's contact
    assert asset.created_by is None
    weekly, monthly = asset.sessions.order_by("weekday")
    assert (weekly.frequency, weekly.weekday, weekly.opens_at) == (
        Frequency.WEEKLY,
        1,
        dt.time(10),
    )
    assert (monthly.frequency, monthly.week_of_month, monthly.closes_at) == (
        Frequency.MONTHLY,
        -1,
        dt.time(16),
    )


def test_a_typed_postcode_places_the_group(client, e3_3bt):
    data = suggestion(latitude="", longitude="", postcode="e33bt", address="Bromley by Bow Centre")

    response = client.post(SUGGEST, data)

    assert response.status_code == 302
    asset = Asset.objects.get()
    assert asset.location.equals(e3_3bt.location)
    assert (asset.postcode, asset.address) == ("E3 3BT", "Bromley by Bow Centre")
    assert not asset.sessions.exists()
    assert asset.suggester_email == ""


def test_an_online_group_needs_no_place(client):
    response = client.post(SUGGEST, suggestion(latitude="", longitude="", online_only="on"))

    assert response.status_code == 302
    asset = Asset.objects.get()
    assert asset.online_only
    assert asset.location is None


def test_a_signed_in_link_worker_suggests_through_moderation_too(client, link_worker):
    client.force_login(link_worker)

    client.post(SUGGEST, suggestion())

    asset = Asset.objects.get()
    assert (asset.status, asset.created_by) == (Status.PENDING_REVIEW, link_worker)


def test_the_thank_you_page_says_what_happens_next(client):
    response = client.get("/suggest/thanks/")

    assert response.status_code == 200
    assert "What happens next" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Give the name of the group."),
        ({"description": ""}, "description", "Say in a few words what it does."),
        ({"latitude": "", "longitude": ""}, "postcode", str(NOWHERE)),
        ({"latitude": "", "longitude": "", "address": "1 High St"}, "postcode", str(NOWHERE)),
        ({"online_only": "on"}, "online_only", str(ONLINE_AND_PLACE)),
        ({"latitude": "", "longitude": "", "postcode": "not one"}, "postcode", "Enter a full"),
        ({"email": "nope"}, "email", "Enter a valid email address."),
    ],
)
def test_a_refused_suggestion_shows_the_error_and_saves_nothing(client, overrides, field, message):
    response = client.post(SUGGEST, suggestion(**overrides))

    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    assert "There is a problem" in response.content.decode()
    assert not Asset.objects.exists()


def test_an_unknown_postcode_is_an_error_beside_the_postcode(client):
    response = client.post(SUGGEST, suggestion(latitude="", longitude="", postcode="E1 1AA"))

    assert response.context["form"].errors["postcode"] == [
        str(UNKNOWN_POSTCODE) % {"postcode": "E1 1AA"}
    ]
    assert not Asset.objects.exists()


def test_a_half_filled_or_backwards_time_is_refused_and_saves_nothing(client):
    data = suggestion(
        **{
            "sessions-0-weekday": "2",
            "sessions-0-opens_at": "11:00",
            "sessions-0-closes_at": "10:00",
            "sessions-1-opens_at": "09:00",
        }
    )

    response = client.post(SUGGEST, data)

    assert response.status_code == 200
    first, second, third = response.context["sessions"]
    assert first.errors["closes_at"] == [str(SESSION_ENDS_BEFORE_IT_STARTS)]
    assert second.errors["weekday"] == ["Choose the day it meets."]
    assert not third.errors
    assert "Time 2: Day: Choose the day it meets." in response.content.decode()
    assert not Asset.objects.exists()


def test_a_robot_that_fills_the_honeypot_is_thanked_and_nothing_is_saved(client):
    response = client.post(SUGGEST, suggestion(homepage="http://spam.example"))

    assert response.status_code == 302
    assert response["Location"] == "/suggest/thanks/"
    assert not Asset.objects.exists()


def test_suggestions_are_limited_per_hour_with_the_api_counter(monkeypatch, client):
    monkeypatch.setattr(SuggestionThrottle, "rate", "3/hour", raising=False)

    statuses = [client.post(SUGGEST, suggestion(name=f"Group {n}")).status_code for n in range(4)]

    assert statuses == [302, 302, 302, 429]
    assert Asset.objects.count() == 3
    # The same counter as the API's: a suggestion there is now refused too.
    assert client.post("/api/v1/assets/", {}, content_type="application/json").status_code == 429


def test_too_many_suggestions_keeps_what_was_typed_and_says_why(monkeypatch, client):
    monkeypatch.setattr(SuggestionThrottle, "rate", "1/hour", raising=False)
    client.post(SUGGEST, suggestion())

    response = client.post(SUGGEST, suggestion(name="Second group"))

    assert response.status_code == 429
    assert "You have sent a lot in the last hour" in response.content.decode()
    assert 'value="Second group"' in response.content.decode()
    assert Asset.objects.count() == 1


def test_refused_suggestions_do_not_count_against_the_limit(monkeypatch, client):
    monkeypatch.setattr(SuggestionThrottle, "rate", "1/hour", raising=False)
    for _ in range(3):
        client.post(SUGGEST, suggestion(name=""))

    assert client.post(SUGGEST, suggestion()).status_code == 302


# --- Reporting a problem -------------------------------------------------------------


def report_url(asset) -> str:
    return f"/assets/{asset.slug}/report/"


def test_a_resident_reports_a_problem_with_a_listing(client):
    asset = AssetFactory(name="Bow Health Walk")

    form = client.get(report_url(asset))
    response = client.post(
        report_url(asset), {"kind": "wrong_times", "details": " Now Thursdays. ", "homepage": ""}
    )

    assert form.status_code == 200
    assert "It has closed or stopped running" in form.content.decode()
    assert response.status_code == 302
    assert response["Location"] == asset.get_absolute_url()
    report = ProblemReport.objects.get()
    assert (report.asset, report.kind, report.details, report.status) == (
        asset,
        ProblemKind.WRONG_TIMES,
        "Now Thursdays.",
        ReportStatus.OPEN,
    )
    page = client.get(response["Location"])
    assert str(REPORT_THANKS) in page.content.decode()


def test_a_report_must_say_what_is_wrong(client):
    asset = AssetFactory()

    response = client.post(report_url(asset), {"kind": "", "details": "?"})

    assert response.status_code == 200
    assert response.context["form"].errors["kind"] == ["Choose what is wrong."]
    assert not ProblemReport.objects.exists()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.PENDING_REVIEW, Status.ARCHIVED])
def test_a_listing_not_on_the_map_cannot_be_reported(client, network_lead, status):
    asset = AssetFactory(status=status)
    client.force_login(network_lead)  # even by someone who can see it

    assert client.get(report_url(asset)).status_code == 404
    assert client.post(report_url(asset), {"kind": "closed"}).status_code == 404
    assert not ProblemReport.objects.exists()


def test_the_service_refuses_a_report_about_an_unpublished_listing(db):
    with pytest.raises(services.ValidationError):
        services.problem_report(asset=AssetFactory(status=Status.DRAFT), kind="closed")


def test_a_robot_reporting_a_problem_is_thanked_and_nothing_is_saved(client):
    asset = AssetFactory()

    response = client.post(report_url(asset), {"kind": "closed", "homepage": "buy now"})

    assert response.status_code == 302
    assert not ProblemReport.objects.exists()


def test_reports_are_limited_per_hour_apart_from_suggestions(monkeypatch, client):
    monkeypatch.setattr(SuggestionThrottle, "rate", "2/hour", raising=False)
    asset = AssetFactory()

    statuses = [client.post(report_url(asset), {"kind": "closed"}).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert ProblemReport.objects.count() == 2
    assert client.post(SUGGEST, suggestion()).status_code == 302
