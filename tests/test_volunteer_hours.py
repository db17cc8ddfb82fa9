"""Logging, approving, rejecting and correcting volunteer hours; the survey after them;
safeguarding checks due for renewal."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tests.factories import (
    AssetFactory,
    CoordinatorAssignmentFactory,
    HoursEntryFactory,
    OpportunityFactory,
    SafeguardingCheckFactory,
    UserFactory,
    VolunteerFactory,
)
from volunteers import services
from volunteers.models import CreditEntry, CreditKind, HoursEntry, HoursStatus, SurveyResponse

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture
def asset(coordinator):
    asset = AssetFactory(name="Bromley-by-Bow walking group")
    CoordinatorAssignmentFactory(user=coordinator, asset=asset)
    return asset


@pytest.fixture
def other_coordinator(db):
    from django.contrib.auth.models import Group

    from assetmap.roles import Role

    user = UserFactory(username="carl")
    user.groups.add(Group.objects.get(name=Role.COORDINATOR.value))
    CoordinatorAssignmentFactory(user=user, asset=AssetFactory(name="Watney Market lunch club"))
    return user


@pytest.fixture
def volunteer_user(db):
    return UserFactory(username="val")


@pytest.fixture
def volunteer(volunteer_user, asset):
    return VolunteerFactory(display_name="Val", user=volunteer_user, assets=[asset])


def log(volunteer, asset, by, hours="2", date=YESTERDAY, **extra):
    return services.hours_log(
        volunteer=volunteer,
        asset=asset,
        date=date,
        hours=Decimal(hours),
        description="Led the walk.",
        by=by,
        **extra,
    )


# --- Logging ---------------------------------------------------------------------------


def test_volunteer_can_log_their_own_hours_which_start_pending(volunteer, asset, volunteer_user):
    entry = log(volunteer, asset, volunteer_user, hours="2.75")
    entry.refresh_from_db()
    assert entry.status == HoursStatus.PENDING
    assert entry.hours == Decimal("2.75")
    assert entry.logged_by == volunteer_user


def test_coordinator_of_the_asset_can_log_hours_for_a_volunteer(volunteer, asset, coordinator):
    entry = log(volunteer, asset, coordinator)
    assert entry.logged_by == coordinator


def test_hours_can_name_an_opportunity_at_the_asset(volunteer, asset, volunteer_user):
    opportunity = OpportunityFactory(asset=asset)
    entry = log(volunteer, asset, volunteer_user, opportunity=opportunity)
    assert entry.opportunity == opportunity


def test_hours_cannot_name_an_opportunity_at_another_asset(volunteer, asset, volunteer_user):
    with pytest.raises(ValidationError):
        log(volunteer, asset, volunteer_user, opportunity=OpportunityFactory())
    assert not HoursEntry.objects.exists()


@pytest.mark.parametrize("hours", ["0.25", "0.5", "0.75", "1", "7.5", "24"])
def test_quarter_hour_steps_up_to_24_are_accepted(volunteer, asset, volunteer_user, hours):
    assert log(volunteer, asset, volunteer_user, hours=hours).hours == Decimal(hours)


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", services.NOT_POSITIVE),
        ("-1", services.NOT_POSITIVE),
        ("0.1", services.NOT_QUARTER),
        ("1.3", services.NOT_QUARTER),
        ("2.05", services.NOT_QUARTER),
        ("24.25", services.OVER_DAY_LIMIT),
    ],
)
def test_hours_that_are_not_positive_quarter_hours_are_refused(
    volunteer, asset, volunteer_user, hours, message
):
    with pytest.raises(ValidationError) as error:
        log(volunteer, asset, volunteer_user, hours=hours)
    assert message in error.value.messages
    assert not HoursEntry.objects.exists()


def test_hours_today_are_accepted_but_tomorrow_is_refused(volunteer, asset, volunteer_user):
    log(volunteer, asset, volunteer_user, date=TODAY)
    with pytest.raises(ValidationError) as error:
        log(volunteer, asset, volunteer_user, date=TODAY + dt.timedelta(days=1))
    assert services.FUTURE_DATE in error.value.messages
    assert HoursEntry.objects.count() == 1


def test_more_than_24_hours_in_a_day_across_entries_is_refused(volunteer, asset, volunteer_user):
    log(volunteer, asset, volunteer_user, hours="20")
    log(volunteer, AssetFactory(), volunteer_user, hours="3.75")
    with pytest.raises(ValidationError) as error:
        log(volunteer, asset, volunteer_user, hours="0.5")
    assert services.OVER_DAY_LIMIT in error.value.messages
    assert HoursEntry.objects.count() == 2


def test_rejected_hours_do_not_count_towards_the_day(volunteer, asset, volunteer_user, coordinator):
    entry = log(volunteer, asset, volunteer_user, hours="20")
    services.hours_reject(entry=entry, by=coordinator, reason="Logged twice")
    log(volunteer, asset, volunteer_user, hours="20")


def test_another_day_has_its_own_24_hours(volunteer, asset, volunteer_user):
    log(volunteer, asset, volunteer_user, hours="24")
    log(volunteer, asset, volunteer_user, hours="24", date=YESTERDAY - dt.timedelta(days=1))


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_logs_cannot_make_a_day_longer_than_24_hours(committed_db):
    """Two 14-hour entries for the same day, started together in their own
    transactions: the volunteer's row lock lets exactly one through."""
    user = UserFactory(username="val")
    volunteer = VolunteerFactory(user=user)
    assets = [AssetFactory(), AssetFactory()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def log_14_hours(asset):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                log(volunteer, asset, user, hours="14")
            outcomes.append("logged")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=log_14_hours, args=(asset,)) for asset in assets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["logged", "refused"]
    assert HoursEntry.objects.get().hours == Decimal(14)


def test_database_refuses_hours_that_are_not_quarter_steps(volunteer, asset):
    with pytest.raises(IntegrityError), transaction.atomic():
        HoursEntry.objects.create(volunteer=volunteer, asset=asset, date=YESTERDAY, hours="1.1")


@pytest.mark.parametrize("hours", ["0", "24.25"])
def test_database_refuses_hours_out_of_range(volunteer, asset, hours):
    with pytest.raises(IntegrityError), transaction.atomic():
        HoursEntry.objects.create(volunteer=volunteer, asset=asset, date=YESTERDAY, hours=hours)


def test_volunteer_cannot_log_hours_for_someone_else(volunteer, asset, volunteer_user):
    someone = VolunteerFactory(assets=[asset])
    with pytest.raises(PermissionDenied, match=str(services.NOT_YOUR_HOURS)):
        log(someone, asset, volunteer_user)
    assert not HoursEntry.objects.exists()


@pytest.mark.parametrize("persona", ["other_coordinator", "link_worker", "facilitator", "outsider"])
def test_only_the_volunteer_or_their_coordinator_can_log_hours(volunteer, asset, persona, request):
    with pytest.raises(PermissionDenied):
        log(volunteer, asset, request.getfixturevalue(persona))
    assert not HoursEntry.objects.exists()


def test_staff_can_log_hours(volunteer, asset, network_lead):
    assert log(volunteer, asset, network_lead).logged_by == network_lead


# --- Bulk logging ----------------------------------------------------------------------


def test_coordinator_logs_a_sessions_hours_in_bulk(asset, coordinator):
    first, second = VolunteerFactory(assets=[asset]), VolunteerFactory(assets=[asset])
    entries = services.hours_log_bulk(
        asset=asset,
        date=YESTERDAY,
        entries=[(first, Decimal("2"), "Setting up"), (second, Decimal("1.5"), "Teas")],
        by=coordinator,
    )
    assert [e.volunteer for e in entries] == [first, second]
    assert HoursEntry.objects.filter(status=HoursStatus.PENDING).count() == 2


def test_bulk_logging_saves_nothing_if_one_entry_is_refused(asset, coordinator):
    first, second = VolunteerFactory(assets=[asset]), VolunteerFactory(assets=[asset])
    with pytest.raises(ValidationError):
        services.hours_log_bulk(
            asset=asset,
            date=YESTERDAY,
            entries=[(first, Decimal("2"), "Setting up"), (second, Decimal("1.1"), "Teas")],
            by=coordinator,
        )
    assert not HoursEntry.objects.exists()


def test_bulk_logging_is_for_coordinators_of_the_asset(
    asset, other_coordinator, volunteer, volunteer_user
):
    for user in (other_coordinator, volunteer_user):
        with pytest.raises(PermissionDenied, match=str(services.NOT_COORDINATOR)):
            services.hours_log_bulk(
                asset=asset, date=YESTERDAY, entries=[(volunteer, Decimal(1), "")], by=user
            )
    assert not HoursEntry.objects.exists()


# --- Approval and rejection ------------------------------------------------------------


def test_approval_creates_exactly_one_earn_entry_of_one_credit_per_hour(
    volunteer, asset, volunteer_user, coordinator
):
    entry = log(volunteer, asset, volunteer_user, hours="2.5")
    services.hours_approve(entry=entry, by=coordinator)
    entry.refresh_from_db()
    assert entry.status == HoursStatus.APPROVED
    assert entry.decided_by == coordinator
    assert entry.decided_at is not None
    earned = CreditEntry.objects.get()
    assert (earned.kind, earned.amount, earned.hours_entry) == (
        CreditKind.EARN,
        Decimal("2.5"),
        entry,
    )
    assert services.credit_balance(volunteer=volunteer) == Decimal("2.5")


def test_approving_twice_is_refused_and_earns_nothing_more(
    volunteer, asset, volunteer_user, coordinator
):
    entry = log(volunteer, asset, volunteer_user)
    services.hours_approve(entry=entry, by=coordinator)
    with pytest.raises(ValidationError, match=str(services.NOT_PENDING)):
        services.hours_approve(entry=entry, by=coordinator)
    assert CreditEntry.objects.count() == 1


def test_volunteer_can_log_but_not_approve_their_own_hours(volunteer, asset, volunteer_user):
    entry = log(volunteer, asset, volunteer_user)
    with pytest.raises(PermissionDenied):
        services.hours_approve(entry=entry, by=volunteer_user)
    entry.refresh_from_db()
    assert entry.status == HoursStatus.PENDING
    assert not CreditEntry.objects.exists()


def test_coordinator_cannot_approve_hours_they_gave_themselves(volunteer, asset, coordinator):
    own = VolunteerFactory(user=coordinator, assets=[asset])
    entry = log(own, asset, coordinator)
    with pytest.raises(PermissionDenied, match=str(services.NOT_OWN_APPROVAL)):
        services.hours_approve(entry=entry, by=coordinator)


@pytest.mark.parametrize("persona", ["other_coordinator", "link_worker", "facilitator", "outsider"])
def test_only_a_coordinator_of_the_asset_can_approve_or_reject(
    volunteer, asset, volunteer_user, persona, request
):
    entry = log(volunteer, asset, volunteer_user)
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied, match=str(services.NOT_COORDINATOR)):
        services.hours_approve(entry=entry, by=user)
    with pytest.raises(PermissionDenied, match=str(services.NOT_COORDINATOR)):
        services.hours_reject(entry=entry, by=user, reason="No")
    entry.refresh_from_db()
    assert entry.status == HoursStatus.PENDING
    assert not CreditEntry.objects.exists()


def test_rejection_records_the_reason_and_earns_nothing(
    volunteer, asset, volunteer_user, coordinator
):
    entry = log(volunteer, asset, volunteer_user)
    services.hours_reject(entry=entry, by=coordinator, reason="  Session was cancelled ")
    entry.refresh_from_db()
    assert entry.status == HoursStatus.REJECTED
    assert entry.rejection_reason == "Session was cancelled"
    assert not CreditEntry.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_rejection_needs_a_reason(volunteer, asset, volunteer_user, coordinator, reason):
    entry = log(volunteer, asset, volunteer_user)
    with pytest.raises(ValidationError) as error:
        services.hours_reject(entry=entry, by=coordinator, reason=reason)
    assert services.REASON_NEEDED in error.value.messages
    entry.refresh_from_db()
    assert entry.status == HoursStatus.PENDING


def test_database_refuses_a_rejection_without_a_reason(volunteer, asset):
    entry = HoursEntryFactory(volunteer=volunteer, asset=asset)
    with pytest.raises(IntegrityError), transaction.atomic():
        HoursEntry.objects.filter(pk=entry.pk).update(status=HoursStatus.REJECTED)


def test_approved_hours_cannot_then_be_rejected(volunteer, asset, volunteer_user, coordinator):
    entry = log(volunteer, asset, volunteer_user)
    services.hours_approve(entry=entry, by=coordinator)
    with pytest.raises(ValidationError, match=str(services.NOT_PENDING)):
        services.hours_reject(entry=entry, by=coordinator, reason="Changed my mind")
    entry.refresh_from_db()
    assert entry.status == HoursStatus.APPROVED


# --- Corrections -----------------------------------------------------------------------


@pytest.fixture
def approved(volunteer, asset, volunteer_user, coordinator):
    entry = log(volunteer, asset, volunteer_user, hours="3")
    return services.hours_approve(entry=entry, by=coordinator)


def test_a_correction_is_a_new_pending_entry_and_the_original_is_unchanged(
    approved, volunteer_user
):
    correction = services.hours_correct(
        entry=approved, hours=Decimal("2"), description="Left early", by=volunteer_user
    )
    assert correction.pk != approved.pk
    assert correction.corrects == approved
    assert correction.status == HoursStatus.PENDING
    assert (correction.date, correction.asset) == (approved.date, approved.asset)
    approved.refresh_from_db()
    assert (approved.hours, approved.status) == (Decimal("3"), HoursStatus.APPROVED)


def test_approving_a_correction_earns_the_difference_and_replaces_the_original(
    approved, volunteer, volunteer_user, coordinator
):
    correction = services.hours_correct(
        entry=approved, hours=Decimal("2"), description="Left early", by=volunteer_user
    )
    services.hours_approve(entry=correction, by=coordinator)
    assert services.credit_balance(volunteer=volunteer) == Decimal("2")
    assert list(HoursEntry.objects.counted()) == [correction]
    approved.refresh_from_db()
    assert approved.hours == Decimal("3")


def test_a_correction_replaces_the_original_in_the_day_total(approved, volunteer_user):
    services.hours_correct(entry=approved, hours=Decimal("24"), description="", by=volunteer_user)


def test_a_correction_still_keeps_to_24_hours_a_day(approved, volunteer, asset, volunteer_user):
    log(volunteer, asset, volunteer_user, hours="20")
    with pytest.raises(ValidationError) as error:
        services.hours_correct(
            entry=approved, hours=Decimal("4.25"), description="", by=volunteer_user
        )
    assert services.OVER_DAY_LIMIT in error.value.messages


def test_hours_are_corrected_once_at_a_time(approved, volunteer_user, coordinator):
    correction = services.hours_correct(
        entry=approved, hours=Decimal("2"), description="", by=volunteer_user
    )
    with pytest.raises(ValidationError, match=str(services.ALREADY_CORRECTED)):
        services.hours_correct(entry=approved, hours=Decimal("1"), description="", by=coordinator)
    services.hours_reject(entry=correction, by=coordinator, reason="It was 3 hours")
    services.hours_correct(entry=approved, hours=Decimal("1"), description="", by=coordinator)


def test_pending_hours_are_not_corrected(volunteer, asset, volunteer_user):
    entry = log(volunteer, asset, volunteer_user)
    with pytest.raises(ValidationError, match=str(services.ONLY_APPROVED_CORRECTED)):
        services.hours_correct(entry=entry, hours=Decimal("1"), description="", by=volunteer_user)
    assert HoursEntry.objects.count() == 1


def test_coordinator_of_another_asset_cannot_correct_hours(approved, other_coordinator):
    with pytest.raises(PermissionDenied):
        services.hours_correct(
            entry=approved, hours=Decimal("1"), description="", by=other_coordinator
        )
    assert HoursEntry.objects.count() == 1


# --- Survey ----------------------------------------------------------------------------


def answer(entry, by, **extra):
    fields = {"satisfaction": 5, "felt_valued": 4, "would_recommend": True, "comment": "Lovely"}
    return services.survey_answer(entry=entry, by=by, **(fields | extra))


def test_volunteer_answers_the_survey_after_approved_hours(approved, volunteer_user):
    response = answer(approved, volunteer_user)
    assert SurveyResponse.objects.get() == response
    assert (response.satisfaction, response.felt_valued, response.would_recommend) == (5, 4, True)


def test_the_survey_is_answered_once_per_entry(approved, volunteer_user):
    answer(approved, volunteer_user)
    with pytest.raises(ValidationError, match=str(services.SURVEY_ANSWERED)):
        answer(approved, volunteer_user, satisfaction=1)
    assert SurveyResponse.objects.get().satisfaction == 5


def test_the_survey_is_for_approved_hours_only(volunteer, asset, volunteer_user):
    entry = log(volunteer, asset, volunteer_user)
    with pytest.raises(ValidationError, match=str(services.SURVEY_NOT_APPROVED)):
        answer(entry, volunteer_user)
    assert not SurveyResponse.objects.exists()


def test_only_the_volunteer_answers_their_survey(approved, coordinator):
    with pytest.raises(PermissionDenied, match=str(services.NOT_YOUR_SURVEY)):
        answer(approved, coordinator)


@pytest.mark.parametrize("field", ["satisfaction", "felt_valued"])
@pytest.mark.parametrize("score", [0, 6])
def test_survey_scores_run_from_1_to_5(approved, volunteer_user, field, score):
    with pytest.raises(ValidationError):
        answer(approved, volunteer_user, **{field: score})
    assert not SurveyResponse.objects.exists()


# --- Safeguarding ----------------------------------------------------------------------


def test_safeguarding_checks_due_within_30_days_are_listed_with_overdue_ones():
    today = dt.date(2026, 6, 1)
    overdue = SafeguardingCheckFactory(recheck_due=dt.date(2026, 5, 1))
    soon = SafeguardingCheckFactory(recheck_due=dt.date(2026, 7, 1))
    SafeguardingCheckFactory(recheck_due=dt.date(2026, 7, 2))
    from volunteers.models import SafeguardingCheck

    assert list(SafeguardingCheck.objects.due_within(days=30, today=today)) == [overdue, soon]


def test_a_safeguarding_check_must_be_rechecked_after_it_was_issued():
    with pytest.raises(IntegrityError), transaction.atomic():
        SafeguardingCheckFactory(issued_on=dt.date(2026, 1, 1), recheck_due=dt.date(2026, 1, 1))
