"""The board's indicators through the API: who may read them, the parameters and the
shape of the answer (the figures themselves are tested with volunteers.indicators)."""

import dataclasses

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import NetworkFactory
from volunteers import indicators
from volunteers.serializers import FROM_AFTER_TO, MONTH_FORMAT, TOO_MANY_MONTHS

pytestmark = pytest.mark.django_db

URL = "/api/v1/indicators/"
THIS_MONTH = timezone.localdate().replace(day=1)


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def asked(monkeypatch):
    """Records what the endpoint asks board_indicators for, and still answers."""
    calls = []
    real = indicators.board_indicators

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(indicators, "board_indicators", spy)
    return calls


@pytest.mark.parametrize("persona", ["link_worker", "facilitator", "coordinator", "network_lead"])
def test_professionals_read_the_indicators(persona, request):
    response = client_for(request.getfixturevalue(persona)).get(URL)

    assert response.status_code == 200


def test_anonymous_is_asked_to_sign_in_for_the_indicators():
    response = client_for(None).get(URL)

    assert response.status_code == 401


@pytest.mark.parametrize("persona", ["outsider", "volunteer_user"])
def test_people_without_a_working_role_cannot_read_the_indicators(persona, request):
    response = client_for(request.getfixturevalue(persona)).get(URL)

    assert response.status_code == 403
    assert list(response.json()) == ["detail"]


def test_by_default_the_indicators_cover_the_last_twelve_months(network_lead, asked):
    body = client_for(network_lead).get(URL).json()

    first = asked[0]["first_month"]
    assert asked == [{"first_month": first, "last_month": THIS_MONTH, "network": None}]
    assert (THIS_MONTH.year - first.year) * 12 + THIS_MONTH.month - first.month == 11
    assert body["to"] == THIS_MONTH.strftime("%Y-%m")
    assert body["from"] == first.strftime("%Y-%m")
    assert body["network"] is None
    assert len({row["month"] for row in body["months"]}) == 12


def test_a_network_and_months_are_asked_for_by_slug_and_yyyy_mm(network_lead, asked):
    network = NetworkFactory(slug="bromley-by-bow")

    body = client_for(network_lead).get(f"{URL}?network=bromley-by-bow&from=2025-11&to=2026-02")

    assert asked[0]["network"] == network
    assert (str(asked[0]["first_month"]), str(asked[0]["last_month"])) == (
        "2025-11-01",
        "2026-02-01",
    )
    assert (body.json()["network"], body.json()["from"], body.json()["to"]) == (
        "bromley-by-bow",
        "2025-11",
        "2026-02",
    )


def test_each_month_has_every_figure_and_the_indicators_are_described(network_lead):
    body = client_for(network_lead).get(f"{URL}?from=2026-01&to=2026-01").json()

    fields = [f.name for f in dataclasses.fields(indicators.MonthFigures)]
    assert [list(row) for row in body["months"]] == [fields]
    assert body["months"][0]["month"] == "2026-01-01"
    assert [item["key"] for item in body["indicators"]] == [i.key for i in indicators.INDICATORS]
    assert all(item["label"] for item in body["indicators"])


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("from=2026-13", {"from": [MONTH_FORMAT]}),
        ("to=January", {"to": [MONTH_FORMAT]}),
        ("from=2026-03&to=2026-01", {"from": [FROM_AFTER_TO]}),
        ("from=2023-01&to=2026-01", {"to": [TOO_MANY_MONTHS]}),
    ],
)
def test_bad_months_are_refused_with_a_message_for_the_parameter(network_lead, query, errors):
    response = client_for(network_lead).get(f"{URL}?{query}")

    assert response.status_code == 400
    assert response.json() == errors


def test_thirty_six_months_is_the_most_asked_for_at_once(network_lead):
    response = client_for(network_lead).get(f"{URL}?from=2023-02&to=2026-01")

    assert response.status_code == 200
    assert len({row["month"] for row in response.json()["months"]}) == 36


def test_an_unknown_network_is_refused(network_lead):
    response = client_for(network_lead).get(f"{URL}?network=atlantis")

    assert response.status_code == 400
    assert list(response.json()) == ["network"]
