"""The API's shared behaviour, through real HTTP: token and session sign-in, paging,
error bodies, what link workers and residents can reach (no volunteer's personal data,
from any endpoint) and the number of queries each list takes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assetmap.rest import PAGE_SIZE_INVALID, PAGE_SIZE_TOO_LARGE
from tests.factories import (
    AssetFactory,
    OpportunityFactory,
    SafeguardingCheckFactory,
    SpendPartnerFactory,
    SurveyResponseFactory,
    VolunteerFactory,
)
from volunteers import services

pytestmark = pytest.mark.django_db

API = "/api/v1/"
YESTERDAY = timezone.localdate() - dt.timedelta(days=1)
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
PRIVATE_LISTS = ["volunteers", "safeguarding-checks", "hours", "credits", "surveys", "indicators"]


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


# --- Signing in ----------------------------------------------------------------------------


def test_a_token_obtained_with_a_password_opens_the_api(coordinator, volunteer):
    client = APIClient()

    response = client.post(f"{API}auth/token/", {"username": "cora", "password": PASSWORD})

    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=coordinator).key
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    listed = client.get(f"{API}volunteers/")
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [volunteer.pk]


def test_a_wrong_password_gets_no_token(coordinator):
    response = APIClient().post(f"{API}auth/token/", {"username": "cora", "password": "guess"})

    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not Token.objects.exists()


def test_an_unknown_token_is_refused_with_401(volunteer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    response = client.get(f"{API}volunteers/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_a_browser_session_opens_the_api(coordinator, volunteer):
    client = APIClient()
    client.login(username="cora", password=PASSWORD)

    response = client.get(f"{API}volunteers/{volunteer.pk}/")

    assert response.status_code == 200
    assert response.json()["email"] == "val@example.org"


@pytest.mark.parametrize("endpoint", PRIVATE_LISTS)
def test_anonymous_requests_for_private_lists_get_401_asking_for_a_token(endpoint):
    response = client_for(None).get(f"{API}{endpoint}/")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


# --- Paging and errors ---------------------------------------------------------------------


def test_lists_come_fifty_to_a_page(link_worker):
    OpportunityFactory.create_batch(55, asset=AssetFactory())

    response = client_for(link_worker).get(f"{API}opportunities/")

    body = response.json()
    assert body["count"] == 55
    assert len(body["results"]) == 50
    assert body["next"].endswith("?page=2")


def test_a_smaller_or_larger_page_can_be_asked_for_up_to_200(link_worker):
    OpportunityFactory.create_batch(7, asset=AssetFactory())
    client = client_for(link_worker)

    assert len(client.get(f"{API}opportunities/?page_size=5").json()["results"]) == 5
    assert len(client.get(f"{API}opportunities/?page_size=200").json()["results"]) == 7


@pytest.mark.parametrize(
    ("size", "message"),
    [("201", PAGE_SIZE_TOO_LARGE), ("0", PAGE_SIZE_INVALID), ("x", PAGE_SIZE_INVALID)],
)
def test_a_page_size_over_200_or_not_a_number_is_refused_not_silently_changed(
    link_worker, size, message
):
    OpportunityFactory(asset=AssetFactory())

    response = client_for(link_worker).get(f"{API}opportunities/?page_size={size}")

    assert response.status_code == 400
    assert response.json() == {"page_size": [message]}


def test_a_bad_filter_is_refused_with_a_message_for_the_parameter(coordinator):
    response = client_for(coordinator).get(f"{API}hours/?date_from=yesterday")

    assert response.status_code == 400
    assert list(response.json()) == ["date_from"]


def test_a_missing_row_is_a_404_with_a_detail(coordinator):
    response = client_for(coordinator).get(f"{API}hours/999999/")

    assert response.status_code == 404
    assert list(response.json()) == ["detail"]


# --- No personal data for link workers and residents -------------------------------------


SECRETS = [
    "Valentina Secretname",
    "valentina@example.org",
    "07700 900999",
    "Trapeze and juggling",
    "A comment that names Mrs Khan",
    "Swimming for Valentina",
    # The `volunteer` fixture's, and her login's:
    '"Val"',
    "val@example.org",
    "07700 900123",
    "Valerie",
    "Okafor",
]


@pytest.fixture
def everything(volunteer, coordinated_asset, coordinator, network_lead):
    """A volunteer of every kind of record, with data that must not leak."""
    valentina = VolunteerFactory(
        display_name="Valentina Secretname",
        email="valentina@example.org",
        phone="07700 900999",
        skills="Trapeze and juggling",
        assets=[coordinated_asset],
    )
    cafe = SpendPartnerFactory(asset=AssetFactory(name="Community cafe")).asset
    OpportunityFactory(asset=coordinated_asset)
    OpportunityFactory(asset=coordinated_asset, is_public=False)
    SafeguardingCheckFactory(volunteer=valentina)
    for person in (volunteer, valentina):
        entry = services.hours_log(
            volunteer=person,
            asset=coordinated_asset,
            date=YESTERDAY,
            hours=Decimal(3),
            description="Walk",
            by=coordinator,
        )
        services.hours_approve(entry=entry, by=coordinator)
        SurveyResponseFactory(hours_entry=entry, comment="A comment that names Mrs Khan")
    services.credit_spend(
        volunteer=valentina,
        partner_asset=cafe,
        amount=Decimal(1),
        what_bought="Swimming for Valentina",
        by=network_lead,
    )
    services.credit_gift(
        from_volunteer=valentina, to_volunteer=volunteer, amount=Decimal(1), by=network_lead
    )


def _every_response(client):
    """Every list the API root names, and every row's detail route under it."""
    from volunteers.models import (
        CreditEntry,
        HoursEntry,
        Opportunity,
        SafeguardingCheck,
        SurveyResponse,
        Volunteer,
    )

    rows = {
        "volunteers": Volunteer,
        "opportunities": Opportunity,
        "safeguarding-checks": SafeguardingCheck,
        "hours": HoursEntry,
        "credits": CreditEntry,
        "surveys": SurveyResponse,
    }
    root = client.get(API)
    assert root.status_code == 200
    yield root
    for name, url in root.json().items():
        yield client.get(url)
        for pk in rows[name].objects.values_list("pk", flat=True) if name in rows else []:
            yield client.get(f"{url}{pk}/")


@pytest.mark.parametrize("persona", ["link_worker", "anonymous"])
def test_link_workers_and_residents_get_no_volunteer_personal_data_from_any_endpoint(
    everything, persona, request
):
    client = client_for(None if persona == "anonymous" else request.getfixturevalue(persona))
    seen = 0

    for response in _every_response(client):
        seen += 1
        assert response.status_code in (200, 401, 404)
        for secret in SECRETS:
            assert secret not in response.content.decode(), (response.request["PATH_INFO"], secret)

    assert seen > 20  # the walk reached the detail routes


def test_link_workers_list_no_volunteers_hours_credits_surveys_or_checks(everything, link_worker):
    client = client_for(link_worker)

    for endpoint in ["volunteers", "safeguarding-checks", "hours", "credits", "surveys"]:
        response = client.get(f"{API}{endpoint}/")
        assert response.status_code == 200
        assert response.json()["count"] == 0, endpoint


# --- Queries per list ------------------------------------------------------------------------


@pytest.fixture
def busy(everything, coordinated_asset, coordinator):
    """Eight more volunteers with hours, surveys, checks, credits and opportunities."""
    for n in range(8):
        person = VolunteerFactory(assets=[coordinated_asset])
        OpportunityFactory(asset=coordinated_asset)
        SafeguardingCheckFactory(volunteer=person, recheck_due=YESTERDAY + dt.timedelta(days=n))
        entry = services.hours_log(
            volunteer=person,
            asset=coordinated_asset,
            date=YESTERDAY,
            hours=Decimal(2),
            description="",
            by=coordinator,
        )
        services.hours_approve(entry=entry, by=coordinator)
        SurveyResponseFactory(hours_entry=entry, comment="Lovely")


@pytest.mark.parametrize(
    "endpoint",
    [
        "volunteers/",
        "opportunities/",
        "safeguarding-checks/",
        "safeguarding-checks/?due_within=30",
        "hours/",
        "credits/",
        "surveys/",
    ],
)
@pytest.mark.parametrize("persona", ["coordinator", "network_lead"])
def test_a_list_takes_a_few_queries_however_many_rows(
    busy, endpoint, persona, request, django_assert_max_num_queries
):
    client = client_for(request.getfixturevalue(persona))

    with django_assert_max_num_queries(7):
        response = client.get(f"{API}{endpoint}")

    assert response.status_code == 200
    assert response.json()["count"] >= 8
