"""The time-credit ledger: earned by approved hours, spent at partners, gifted between
volunteers and from a group's bank, adjusted by staff; balances derived, never stored."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from assetmap.roles import Role
from tests.factories import (
    AssetFactory,
    CoordinatorAssignmentFactory,
    SpendPartnerFactory,
    UserFactory,
    VolunteerFactory,
)
from volunteers import services
from volunteers.models import CreditEntry, CreditKind

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


@pytest.fixture
def asset(coordinator):
    asset = AssetFactory(name="Bromley-by-Bow walking group")
    CoordinatorAssignmentFactory(user=coordinator, asset=asset)
    return asset


@pytest.fixture
def cafe(db):
    return SpendPartnerFactory(asset=AssetFactory(name="Community cafe")).asset


@pytest.fixture
def volunteer_user(db):
    return UserFactory(username="val")


@pytest.fixture
def volunteer(volunteer_user, asset):
    return VolunteerFactory(display_name="Val", user=volunteer_user, assets=[asset])


@pytest.fixture
def friend(asset):
    return VolunteerFactory(display_name="Femi", user=UserFactory(username="femi"), assets=[asset])


def fund(volunteer, amount, by):
    return services.credit_adjust(
        volunteer=volunteer, amount=Decimal(amount), reason="Opening", by=by
    )


def balance(volunteer=None, bank_asset=None):
    return services.credit_balance(volunteer=volunteer, bank_asset=bank_asset)


@pytest.mark.django_db
def test_balance_is_the_sum_of_the_ledger(volunteer, volunteer_user, asset, coordinator, cafe):
    assert balance(volunteer) == 0
    for hours in ("2", "1.5"):
        entry = services.hours_log(
            volunteer=volunteer,
            asset=asset,
            date=YESTERDAY,
            hours=Decimal(hours),
            description="",
            by=volunteer_user,
        )
        services.hours_approve(entry=entry, by=coordinator)
    services.credit_spend(
        volunteer=volunteer,
        partner_asset=cafe,
        amount=Decimal("1"),
        what_bought="Lunch",
        by=volunteer_user,
    )
    assert balance(volunteer) == Decimal("2.5")
    assert sorted(CreditEntry.objects.values_list("amount", flat=True)) == [
        Decimal("-1"),
        Decimal("1.5"),
        Decimal("2"),
    ]


# --- Spending --------------------------------------------------------------------------


@pytest.mark.django_db
def test_volunteer_spends_credits_at_a_spend_partner(volunteer, volunteer_user, cafe, network_lead):
    fund(volunteer, 5, network_lead)
    spent = services.credit_spend(
        volunteer=volunteer,
        partner_asset=cafe,
        amount=Decimal("2"),
        what_bought="Swim session",
        by=volunteer_user,
    )
    assert (spent.kind, spent.amount, spent.spend_partner, spent.what_bought) == (
        CreditKind.SPEND,
        Decimal("-2"),
        cafe,
        "Swim session",
    )
    assert balance(volunteer) == Decimal("3")


@pytest.mark.django_db
def test_spending_more_than_the_balance_is_refused(volunteer, volunteer_user, cafe, network_lead):
    fund(volunteer, 5, network_lead)
    with pytest.raises(ValidationError) as error:
        services.credit_spend(
            volunteer=volunteer,
            partner_asset=cafe,
            amount=Decimal("5.5"),
            what_bought="Lunch",
            by=volunteer_user,
        )
    assert services.NOT_ENOUGH_CREDITS in error.value.messages
    assert balance(volunteer) == Decimal("5")
    assert CreditEntry.objects.count() == 1


@pytest.mark.django_db
def test_the_whole_balance_can_be_spent(volunteer, volunteer_user, cafe, network_lead):
    fund(volunteer, 5, network_lead)
    services.credit_spend(
        volunteer=volunteer,
        partner_asset=cafe,
        amount=Decimal("5"),
        what_bought="Lunch",
        by=volunteer_user,
    )
    assert balance(volunteer) == 0


@pytest.mark.django_db
def test_credits_are_spent_only_at_a_spend_partner(volunteer, volunteer_user, asset, network_lead):
    fund(volunteer, 5, network_lead)
    with pytest.raises(ValidationError) as error:
        services.credit_spend(
            volunteer=volunteer,
            partner_asset=asset,
            amount=Decimal("1"),
            what_bought="Tea",
            by=volunteer_user,
        )
    assert services.NOT_SPEND_PARTNER in error.value.messages
    assert balance(volunteer) == Decimal("5")


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["0", "-3"])
def test_spending_needs_a_positive_amount(volunteer, volunteer_user, cafe, network_lead, amount):
    fund(volunteer, 5, network_lead)
    with pytest.raises(ValidationError):
        services.credit_spend(
            volunteer=volunteer,
            partner_asset=cafe,
            amount=Decimal(amount),
            what_bought="Tea",
            by=volunteer_user,
        )
    assert balance(volunteer) == Decimal("5")


@pytest.mark.django_db
def test_a_spend_records_what_was_bought(volunteer, volunteer_user, cafe, network_lead):
    fund(volunteer, 5, network_lead)
    with pytest.raises(ValidationError):
        services.credit_spend(
            volunteer=volunteer,
            partner_asset=cafe,
            amount=Decimal("1"),
            what_bought="",
            by=volunteer_user,
        )
    assert balance(volunteer) == Decimal("5")


@pytest.mark.django_db
def test_nobody_else_spends_a_volunteers_credits(
    volunteer, friend, cafe, network_lead, coordinator
):
    fund(volunteer, 5, network_lead)
    for user in (friend.user, coordinator):
        with pytest.raises(PermissionDenied, match=str(services.NOT_YOUR_CREDITS)):
            services.credit_spend(
                volunteer=volunteer,
                partner_asset=cafe,
                amount=Decimal("1"),
                what_bought="Tea",
                by=user,
            )
    assert balance(volunteer) == Decimal("5")


@pytest.mark.django_db
def test_the_partners_coordinator_can_record_a_spend(volunteer, cafe, network_lead, coordinator):
    CoordinatorAssignmentFactory(user=coordinator, asset=cafe)
    fund(volunteer, 5, network_lead)
    services.credit_spend(
        volunteer=volunteer,
        partner_asset=cafe,
        amount=Decimal("1"),
        what_bought="Tea",
        by=coordinator,
    )
    assert balance(volunteer) == Decimal("4")


# --- Gifts -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_gift_moves_credits_from_one_volunteer_to_another(
    volunteer, volunteer_user, friend, network_lead
):
    fund(volunteer, 5, network_lead)
    received = services.credit_gift(
        from_volunteer=volunteer, to_volunteer=friend, amount=Decimal("2"), by=volunteer_user
    )
    assert (balance(volunteer), balance(friend)) == (Decimal("3"), Decimal("2"))
    assert received.kind == CreditKind.GIFT
    assert received.counterpart.volunteer == volunteer
    assert received.counterpart.amount == Decimal("-2")


@pytest.mark.django_db
def test_gifting_more_than_the_balance_is_refused(volunteer, volunteer_user, friend, network_lead):
    fund(volunteer, 1, network_lead)
    with pytest.raises(ValidationError) as error:
        services.credit_gift(
            from_volunteer=volunteer, to_volunteer=friend, amount=Decimal("2"), by=volunteer_user
        )
    assert services.NOT_ENOUGH_CREDITS in error.value.messages
    assert (balance(volunteer), balance(friend)) == (Decimal("1"), 0)


@pytest.mark.django_db
def test_a_volunteer_cannot_gift_someone_elses_credits(
    volunteer, volunteer_user, friend, network_lead
):
    fund(friend, 5, network_lead)
    with pytest.raises(PermissionDenied):
        services.credit_gift(
            from_volunteer=friend, to_volunteer=volunteer, amount=Decimal("2"), by=volunteer_user
        )
    assert balance(friend) == Decimal("5")


@pytest.mark.django_db
def test_a_volunteer_cannot_gift_to_themselves(volunteer, volunteer_user, network_lead):
    fund(volunteer, 5, network_lead)
    with pytest.raises(ValidationError, match=str(services.SAME_VOLUNTEER)):
        services.credit_gift(
            from_volunteer=volunteer,
            to_volunteer=volunteer,
            amount=Decimal("2"),
            by=volunteer_user,
        )
    assert CreditEntry.objects.count() == 1


# --- A group's bank --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_coordinator_gives_credits_from_their_groups_bank(
    asset, volunteer, coordinator, network_lead
):
    services.credit_adjust(bank_asset=asset, amount=Decimal(20), reason="Grant", by=network_lead)
    services.credit_give_from_bank(
        bank_asset=asset, to_volunteer=volunteer, amount=Decimal(5), by=coordinator
    )
    assert balance(bank_asset=asset) == Decimal(15)
    assert balance(volunteer) == Decimal(5)


@pytest.mark.django_db
def test_a_bank_cannot_give_more_than_it_holds(asset, volunteer, coordinator, network_lead):
    services.credit_adjust(bank_asset=asset, amount=Decimal(3), reason="Grant", by=network_lead)
    with pytest.raises(ValidationError):
        services.credit_give_from_bank(
            bank_asset=asset, to_volunteer=volunteer, amount=Decimal(5), by=coordinator
        )
    assert (balance(bank_asset=asset), balance(volunteer)) == (Decimal(3), 0)


@pytest.mark.django_db
def test_coordinator_of_another_asset_cannot_give_from_the_bank(asset, volunteer, network_lead):
    carl = UserFactory(username="carl")
    carl.groups.add(Group.objects.get(name=Role.COORDINATOR.value))
    CoordinatorAssignmentFactory(user=carl)
    services.credit_adjust(bank_asset=asset, amount=Decimal(20), reason="Grant", by=network_lead)
    with pytest.raises(PermissionDenied, match=str(services.NOT_COORDINATOR)):
        services.credit_give_from_bank(
            bank_asset=asset, to_volunteer=volunteer, amount=Decimal(5), by=carl
        )
    assert balance(bank_asset=asset) == Decimal(20)


# --- Adjustments -----------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_adjust_a_balance_with_a_reason(volunteer, network_lead):
    fund(volunteer, 5, network_lead)
    services.credit_adjust(
        volunteer=volunteer, amount=Decimal("-1.5"), reason="Double counted", by=network_lead
    )
    assert balance(volunteer) == Decimal("3.5")
    assert CreditEntry.objects.filter(kind=CreditKind.ADJUST).count() == 2


@pytest.mark.django_db
def test_an_adjustment_needs_a_reason(volunteer, network_lead):
    with pytest.raises(ValidationError):
        services.credit_adjust(volunteer=volunteer, amount=Decimal(1), reason=" ", by=network_lead)
    assert not CreditEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["coordinator", "link_worker", "facilitator", "outsider"])
def test_only_staff_adjust_a_balance(volunteer, persona, request):
    with pytest.raises(PermissionDenied, match=str(services.STAFF_ONLY)):
        services.credit_adjust(
            volunteer=volunteer,
            amount=Decimal(1),
            reason="Because",
            by=request.getfixturevalue(persona),
        )
    assert not CreditEntry.objects.exists()


@pytest.mark.django_db
def test_volunteer_cannot_adjust_their_own_balance(volunteer, volunteer_user):
    with pytest.raises(PermissionDenied):
        fund(volunteer, 100, volunteer_user)
    assert balance(volunteer) == 0


# --- The ledger is append-only ----------------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_a_ledger_row_held_by_nobody_or_by_two(volunteer, asset):
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditEntry.objects.create(kind=CreditKind.ADJUST, amount=1, reason="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditEntry.objects.create(
            volunteer=volunteer, bank_asset=asset, kind=CreditKind.ADJUST, amount=1, reason="x"
        )


@pytest.mark.django_db
def test_the_admin_shows_the_ledger_read_only(admin_client, volunteer, network_lead):
    entry = fund(volunteer, 5, network_lead)
    assert admin_client.get("/admin/volunteers/creditentry/").status_code == 200
    page = admin_client.get(f"/admin/volunteers/creditentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert admin_client.get(f"/admin/volunteers/creditentry/{entry.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/volunteers/creditentry/add/").status_code == 403


# --- Races -----------------------------------------------------------------------------


def test_two_concurrent_spends_cannot_overdraw_a_balance(committed_db):
    """Each thread has its own connection and transaction; the barrier starts them
    together. The payer's row lock makes the second wait and then see the first debit."""
    staff = UserFactory(username="root", is_superuser=True, is_staff=True)
    user = UserFactory(username="val")
    volunteer = VolunteerFactory(user=user)
    cafe = SpendPartnerFactory().asset
    fund(volunteer, 10, staff)

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def spend():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                services.credit_spend(
                    volunteer=volunteer,
                    partner_asset=cafe,
                    amount=Decimal(7),
                    what_bought="Theatre ticket",
                    by=user,
                )
            outcomes.append("spent")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=spend) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["refused", "spent"]
    assert balance(volunteer) == Decimal(3)
    assert CreditEntry.objects.filter(kind=CreditKind.SPEND).count() == 1


def test_two_concurrent_gifts_cannot_overdraw_a_balance(committed_db):
    staff = UserFactory(username="root", is_superuser=True, is_staff=True)
    user = UserFactory(username="val")
    volunteer = VolunteerFactory(user=user)
    friends = [VolunteerFactory(), VolunteerFactory()]
    fund(volunteer, 10, staff)

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def gift(friend):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                services.credit_gift(
                    from_volunteer=volunteer, to_volunteer=friend, amount=Decimal(7), by=user
                )
            outcomes.append("given")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=gift, args=(friend,)) for friend in friends]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["given", "refused"]
    assert balance(volunteer) == Decimal(3)
    assert sum(balance(friend) for friend in friends) == Decimal(7)
