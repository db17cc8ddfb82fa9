"""The time-credit ledger through the API: read-only rows, new rows only through the
actions (spend, gift, give from a bank, adjust), balances that never go below zero."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from tests.factories import AssetFactory, SpendPartnerFactory, UserFactory, VolunteerFactory
from volunteers import services
from volunteers.models import CreditEntry, CreditKind
from volunteers.serializers import ONE_HOLDER

pytestmark = pytest.mark.django_db

API = "/api/v1/"
NOBODY_FOR_VAL = ["outsider", "link_worker", "facilitator", "other_coordinator"]


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def balance(volunteer=None, bank_asset=None) -> Decimal:
    return services.credit_balance(volunteer=volunteer, bank_asset=bank_asset)


@pytest.fixture
def cafe(db):
    return SpendPartnerFactory(asset=AssetFactory(name="Community cafe")).asset


@pytest.fixture
def funded(volunteer, network_lead):
    """Val holds 10 credits."""
    services.credit_adjust(
        volunteer=volunteer, amount=Decimal(10), reason="Opening", by=network_lead
    )
    return volunteer


@pytest.fixture
def friend(coordinated_asset):
    return VolunteerFactory(display_name="Femi", user=UserFactory(), assets=[coordinated_asset])


@pytest.fixture
def bank(coordinated_asset, network_lead):
    """The walking group's bank holds 20 credits."""
    services.credit_adjust(
        bank_asset=coordinated_asset, amount=Decimal(20), reason="Grant", by=network_lead
    )
    return coordinated_asset


# --- Reading -------------------------------------------------------------------------------


def test_volunteer_lists_their_own_ledger_rows_only(volunteer_user, funded, friend, network_lead):
    services.credit_adjust(volunteer=friend, amount=Decimal(5), reason="Opening", by=network_lead)

    rows = results(client_for(volunteer_user).get(f"{API}credits/"))

    assert [(row["volunteer"], row["amount"], row["kind"]) for row in rows] == [
        (funded.pk, "10.00", "adjust")
    ]


def test_coordinator_lists_their_volunteers_rows_and_their_groups_bank(coordinator, funded, bank):
    rows = results(client_for(coordinator).get(f"{API}credits/"))

    assert {(row["volunteer"], row["bank_asset"]) for row in rows} == {
        (funded.pk, None),
        (None, bank.pk),
    }


@pytest.mark.parametrize("persona", NOBODY_FOR_VAL)
def test_people_who_do_not_coordinate_a_volunteer_see_none_of_their_credits(
    funded, bank, persona, request
):
    client = client_for(request.getfixturevalue(persona))
    row = CreditEntry.objects.get(volunteer=funded)

    assert results(client.get(f"{API}credits/")) == []
    assert client.get(f"{API}credits/{row.pk}/").status_code == 404


def test_the_ledger_filters_by_volunteer_bank_and_kind(network_lead, funded, bank, friend):
    client = client_for(network_lead)

    def holders(query):
        rows = results(client.get(f"{API}credits/?{query}"))
        return [(row["volunteer"], row["bank_asset"]) for row in rows]

    assert holders(f"volunteer={funded.pk}") == [(funded.pk, None)]
    assert holders(f"bank_asset={bank.pk}") == [(None, bank.pk)]
    assert holders("kind=earn") == []
    assert client.get(f"{API}credits/?kind=stolen").status_code == 400


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_ledger_rows_cannot_be_changed_or_deleted(network_lead, funded, method):
    row = CreditEntry.objects.get()

    response = getattr(client_for(network_lead), method)(
        f"{API}credits/{row.pk}/", {"amount": "1000"}
    )

    assert response.status_code == 405
    row.refresh_from_db()
    assert row.amount == 10


def test_ledger_rows_cannot_be_posted_directly(network_lead, funded):
    response = client_for(network_lead).post(
        f"{API}credits/", {"volunteer": funded.pk, "kind": "earn", "amount": "100"}
    )

    assert response.status_code == 405
    assert CreditEntry.objects.count() == 1


# --- Spending ------------------------------------------------------------------------------


def test_volunteer_spends_their_credits_at_a_partner(volunteer_user, funded, cafe):
    response = client_for(volunteer_user).post(
        f"{API}credits/spend/",
        {"partner_asset": cafe.pk, "amount": "4", "what_bought": "Lunch"},
    )

    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "-4.00"
    spend = CreditEntry.objects.get(kind=CreditKind.SPEND)
    assert (spend.volunteer, spend.spend_partner, spend.what_bought) == (funded, cafe, "Lunch")
    assert balance(funded) == 6


def test_spending_more_than_the_balance_is_refused_and_the_ledger_stays_at_zero(
    volunteer_user, funded, cafe
):
    client = client_for(volunteer_user)
    spend = {"partner_asset": cafe.pk, "amount": "10", "what_bought": "Swim"}
    assert client.post(f"{API}credits/spend/", spend).status_code == 201

    response = client.post(f"{API}credits/spend/", {**spend, "amount": "0.5"})

    assert response.status_code == 400
    assert response.json() == {"amount": [services.NOT_ENOUGH_CREDITS]}
    assert balance(funded) == 0
    assert CreditEntry.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"amount": "0"}, {"amount": [services.AMOUNT_NOT_POSITIVE]}),
        ({"amount": "-3"}, {"amount": [services.AMOUNT_NOT_POSITIVE]}),
        ({"amount": "lots"}, {"amount": ["A valid number is required."]}),
        ({"what_bought": ""}, {"what_bought": ["This field may not be blank."]}),
    ],
)
def test_a_bad_spend_is_refused_with_a_field_message(volunteer_user, funded, cafe, change, errors):
    body = {"partner_asset": cafe.pk, "amount": "1", "what_bought": "Tea", **change}

    response = client_for(volunteer_user).post(f"{API}credits/spend/", body)

    assert response.status_code == 400
    assert response.json() == errors
    assert balance(funded) == 10


def test_credits_are_spent_only_at_spend_partners(volunteer_user, funded):
    response = client_for(volunteer_user).post(
        f"{API}credits/spend/",
        {"partner_asset": AssetFactory().pk, "amount": "1", "what_bought": "Tea"},
    )

    assert response.status_code == 400
    assert response.json() == {"partner_asset": [services.NOT_SPEND_PARTNER]}
    assert balance(funded) == 10


def test_a_coordinator_cannot_spend_their_volunteers_credits_elsewhere(coordinator, funded, cafe):
    response = client_for(coordinator).post(
        f"{API}credits/spend/",
        {"volunteer": funded.pk, "partner_asset": cafe.pk, "amount": "1", "what_bought": "Tea"},
    )

    assert response.status_code == 403
    assert response.json() == {"detail": services.NOT_YOUR_CREDITS}
    assert balance(funded) == 10


def test_the_partners_coordinator_records_a_spend_by_a_volunteer_of_another_group(
    other_coordinator, funded
):
    # Carl runs the lunch club, a spend partner; Val belongs to Cora's walking group.
    club = other_coordinator.coordinator_assignments.get().asset
    SpendPartnerFactory(asset=club)

    response = client_for(other_coordinator).post(
        f"{API}credits/spend/",
        {"volunteer": funded.pk, "partner_asset": club.pk, "amount": "2", "what_bought": "Lunch"},
    )

    assert response.status_code == 201, response.content
    assert balance(funded) == 8
    assert "Val" not in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "link_worker", "facilitator", "other_coordinator"])
def test_nobody_else_spends_a_volunteers_credits(funded, cafe, persona, request):
    response = client_for(request.getfixturevalue(persona)).post(
        f"{API}credits/spend/",
        {"volunteer": funded.pk, "partner_asset": cafe.pk, "amount": "1", "what_bought": "Tea"},
    )

    assert response.status_code == 403
    assert response.json() == {"detail": services.NOT_YOUR_CREDITS}
    assert balance(funded) == 10


# --- Gifts and banks -----------------------------------------------------------------------


def test_volunteer_gifts_credits_to_another(volunteer_user, funded, friend):
    response = client_for(volunteer_user).post(
        f"{API}credits/gift/", {"to_volunteer": friend.pk, "amount": "3"}
    )

    assert response.status_code == 201, response.content
    assert (response.json()["volunteer"], response.json()["amount"]) == (friend.pk, "3.00")
    assert (balance(funded), balance(friend)) == (7, 3)


def test_a_volunteer_cannot_gift_credits_to_themselves(volunteer_user, funded):
    response = client_for(volunteer_user).post(
        f"{API}credits/gift/", {"to_volunteer": funded.pk, "amount": "3"}
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [services.SAME_VOLUNTEER]}
    assert CreditEntry.objects.count() == 1


def test_gifting_more_than_the_balance_is_refused(volunteer_user, funded, friend):
    response = client_for(volunteer_user).post(
        f"{API}credits/gift/", {"to_volunteer": friend.pk, "amount": "10.25"}
    )

    assert response.status_code == 400
    assert response.json() == {"amount": [services.NOT_ENOUGH_CREDITS]}
    assert (balance(funded), balance(friend)) == (10, 0)


def test_a_coordinator_cannot_gift_their_volunteers_credits(coordinator, funded, friend):
    response = client_for(coordinator).post(
        f"{API}credits/gift/",
        {"from_volunteer": funded.pk, "to_volunteer": friend.pk, "amount": "1"},
    )

    assert response.status_code == 403
    assert response.json() == {"detail": services.NOT_YOUR_CREDITS}
    assert balance(friend) == 0


def test_gifting_to_nobody_names_the_field(volunteer_user, funded):
    response = client_for(volunteer_user).post(
        f"{API}credits/gift/", {"to_volunteer": 999999, "amount": "1"}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["to_volunteer"]


def test_coordinator_gives_credits_from_their_groups_bank(coordinator, bank, volunteer):
    response = client_for(coordinator).post(
        f"{API}credits/give-from-bank/",
        {"bank_asset": bank.pk, "to_volunteer": volunteer.pk, "amount": "5"},
    )

    assert response.status_code == 201, response.content
    assert (balance(bank_asset=bank), balance(volunteer)) == (15, 5)


def test_a_bank_cannot_give_more_than_it_holds(coordinator, bank, volunteer):
    response = client_for(coordinator).post(
        f"{API}credits/give-from-bank/",
        {"bank_asset": bank.pk, "to_volunteer": volunteer.pk, "amount": "21"},
    )

    assert response.status_code == 400
    assert response.json() == {"amount": [services.NOT_ENOUGH_CREDITS]}
    assert balance(bank_asset=bank) == 20


@pytest.mark.parametrize("persona", ["other_coordinator", "volunteer_user", "link_worker"])
def test_only_the_groups_coordinators_give_from_its_bank(bank, volunteer, persona, request):
    response = client_for(request.getfixturevalue(persona)).post(
        f"{API}credits/give-from-bank/",
        {"bank_asset": bank.pk, "to_volunteer": volunteer.pk, "amount": "5"},
    )

    assert response.status_code == 403
    assert response.json() == {"detail": services.NOT_COORDINATOR}
    assert balance(bank_asset=bank) == 20


# --- Adjustments and balances --------------------------------------------------------------


def test_network_lead_adjusts_a_balance_with_a_reason(network_lead, funded):
    response = client_for(network_lead).post(
        f"{API}credits/adjust/",
        {"volunteer": funded.pk, "amount": "-2", "reason": "Logged twice"},
    )

    assert response.status_code == 201, response.content
    assert balance(funded) == 8
    assert CreditEntry.objects.filter(kind=CreditKind.ADJUST, reason="Logged twice").exists()


@pytest.mark.parametrize("persona", ["coordinator", "volunteer_user"])
def test_only_staff_adjust_balances(funded, persona, request):
    response = client_for(request.getfixturevalue(persona)).post(
        f"{API}credits/adjust/", {"volunteer": funded.pk, "amount": "5", "reason": "Because"}
    )

    assert response.status_code == 403
    assert response.json() == {"detail": services.STAFF_ONLY}
    assert balance(funded) == 10


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "5", "reason": "Both"}, "non_field_errors"),
        ({"amount": "5", "reason": ""}, "reason"),
    ],
)
def test_an_adjustment_needs_one_holder_and_a_reason(network_lead, funded, bank, body, field):
    both = {"volunteer": funded.pk, "bank_asset": bank.pk} if field != "reason" else {}
    holder = both or {"volunteer": funded.pk}

    response = client_for(network_lead).post(f"{API}credits/adjust/", {**holder, **body})

    assert response.status_code == 400
    assert list(response.json()) == [field]
    if field == "non_field_errors":
        assert response.json()[field] == [ONE_HOLDER]
    assert CreditEntry.objects.count() == 2


def test_volunteer_asks_for_their_balance(volunteer_user, funded):
    response = client_for(volunteer_user).get(f"{API}credits/balance/?volunteer={funded.pk}")

    assert response.status_code == 200
    assert response.json() == {"volunteer": funded.pk, "bank_asset": None, "balance": "10.00"}


def test_coordinator_asks_for_their_groups_bank_balance(coordinator, bank):
    response = client_for(coordinator).get(f"{API}credits/balance/?bank_asset={bank.pk}")

    assert response.status_code == 200
    assert response.json()["balance"] == "20.00"


def test_another_coordinator_cannot_see_a_groups_bank_balance(other_coordinator, bank):
    response = client_for(other_coordinator).get(f"{API}credits/balance/?bank_asset={bank.pk}")

    assert response.status_code == 403


@pytest.mark.parametrize("persona", NOBODY_FOR_VAL)
def test_people_who_cannot_see_a_volunteer_cannot_ask_for_their_balance(funded, persona, request):
    client = client_for(request.getfixturevalue(persona))

    response = client.get(f"{API}credits/balance/?volunteer={funded.pk}")

    assert response.status_code == 400
    assert "10.00" not in response.content.decode()


def test_a_balance_needs_exactly_one_holder(network_lead, funded, bank):
    client = client_for(network_lead)

    assert client.get(f"{API}credits/balance/").status_code == 400
    both = client.get(f"{API}credits/balance/?volunteer={funded.pk}&bank_asset={bank.pk}")
    assert both.json() == {"non_field_errors": [ONE_HOLDER]}
