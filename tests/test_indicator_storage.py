"""The board's figures are computed once per month and read back after; any write that
changes a month makes it (and the months after it) stale, so the page never shows an
old number."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import AssetFactory, NetworkFactory, VolunteerFactory
from volunteers import services
from volunteers.indicators import board_indicators, compute_indicators
from volunteers.models import IndicatorMonth

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH = (THIS_MONTH - dt.timedelta(days=1)).replace(day=1)


@pytest.fixture
def group(coordinator):
    from tests.factories import CoordinatorAssignmentFactory

    asset = AssetFactory(name="Walking group", network=NetworkFactory(name="Bow"))
    CoordinatorAssignmentFactory(user=coordinator, asset=asset)
    return asset


def _hours(rows, month):
    [row] = [r for r in rows if r.network_id is None and r.month == month]
    return row.approved_hours


def _approve(volunteer, group, coordinator, day, amount):
    entry = services.hours_log(
        volunteer=volunteer, asset=group, date=day, hours=amount, description="", by=coordinator
    )
    return services.hours_approve(entry=entry, by=coordinator)


def test_stored_months_are_read_back_without_computing_again(
    group, coordinator, django_assert_max_num_queries
):
    volunteer = VolunteerFactory(assets=[group])
    _approve(volunteer, group, coordinator, TODAY, Decimal(2))
    first = board_indicators(first_month=LAST_MONTH, last_month=THIS_MONTH)
    assert IndicatorMonth.objects.count() == 2
    with django_assert_max_num_queries(2):
        again = board_indicators(first_month=LAST_MONTH, last_month=THIS_MONTH)
    assert again == first


def test_stored_figures_equal_the_figures_computed_from_the_entries(group, coordinator):
    volunteer = VolunteerFactory(assets=[group])
    _approve(volunteer, group, coordinator, TODAY, Decimal("2.25"))
    board_indicators(first_month=LAST_MONTH, last_month=THIS_MONTH)
    stored = board_indicators(first_month=LAST_MONTH, last_month=THIS_MONTH)
    assert stored == compute_indicators(first_month=LAST_MONTH, last_month=THIS_MONTH)


def test_approving_hours_makes_their_month_stale_and_the_page_shows_them(
    group, coordinator, django_capture_on_commit_callbacks
):
    volunteer = VolunteerFactory(assets=[group])
    assert _hours(board_indicators(first_month=LAST_MONTH, last_month=THIS_MONTH), THIS_MONTH) == 0
    with django_capture_on_commit_callbacks(execute=True):
        _approve(volunteer, group, coordinator, TODAY, Decimal(3))
    rows = board_indicators(first_month=LAST_MONTH, last_month=THIS_MONTH)
    assert _hours(rows, THIS_MONTH) == Decimal(3)


def test_a_write_leaves_earlier_months_stored(
    group, coordinator, django_capture_on_commit_callbacks
):
    board_indicators(first_month=LAST_MONTH, last_month=THIS_MONTH)
    volunteer = VolunteerFactory(assets=[group])
    with django_capture_on_commit_callbacks(execute=True):
        _approve(volunteer, group, coordinator, TODAY, Decimal(1))
    fresh = {m.month: m.is_fresh for m in IndicatorMonth.objects.all()}
    assert fresh == {LAST_MONTH: True, THIS_MONTH: False}


def test_figures_computed_before_a_write_committed_are_not_trusted(group):
    board_indicators(first_month=THIS_MONTH, last_month=THIS_MONTH)
    stored = IndicatorMonth.objects.get()
    # A write that committed after the computation started (its data possibly unseen).
    stored.invalidated_at = stored.computed_from + dt.timedelta(microseconds=1)
    stored.save()
    stored.refresh_from_db()
    assert not stored.is_fresh


def test_a_new_network_appears_in_every_month(group, django_capture_on_commit_callbacks):
    board_indicators(first_month=LAST_MONTH, last_month=THIS_MONTH)
    with django_capture_on_commit_callbacks(execute=True):
        poplar = NetworkFactory(name="Poplar")
    rows = board_indicators(first_month=LAST_MONTH, last_month=THIS_MONTH, network=poplar)
    assert {(row.network_id, row.month) for row in rows} == {
        (None, LAST_MONTH),
        (None, THIS_MONTH),
        (poplar.pk, LAST_MONTH),
        (poplar.pk, THIS_MONTH),
    }


def test_the_refresh_task_computes_the_stale_months_of_the_default_window(
    group, coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    from volunteers.tasks import refresh_indicators

    monkeypatch.setattr(refresh_indicators, "apply_async", lambda **kwargs: None)
    assert refresh_indicators() == 12
    assert refresh_indicators() == 0
    volunteer = VolunteerFactory(assets=[group])
    with django_capture_on_commit_callbacks(execute=True):
        _approve(volunteer, group, coordinator, TODAY, Decimal(1))
    IndicatorMonth.objects.update(invalidated_at=dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
    assert refresh_indicators() == 12


def test_a_burst_of_writes_queues_one_refresh(
    group, coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.cache import cache

    from volunteers import indicators, tasks

    queued = []
    monkeypatch.setattr(
        tasks.refresh_indicators, "apply_async", lambda **kwargs: queued.append(kwargs)
    )
    cache.delete(indicators.REFRESH_QUEUED)
    board_indicators(first_month=THIS_MONTH, last_month=THIS_MONTH)
    volunteer = VolunteerFactory(assets=[group])
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            _approve(volunteer, group, coordinator, TODAY, Decimal(1))
    assert queued == [{"countdown": indicators.REFRESH_DELAY_SECONDS}]
    cache.delete(indicators.REFRESH_QUEUED)
