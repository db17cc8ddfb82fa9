"""'Open now' and 'next session', in UK local time, across days, months and clock changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from assetmap.models import Asset, Frequency, RecurringSession, Weekday, WeekOfMonth
from tests.factories import AssetFactory, RecurringSessionFactory

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def test_a_weekly_session_is_open_during_its_hours_only():
    session = RecurringSessionFactory(weekday=Weekday.TUESDAY, opens_at="10:00", closes_at="12:00")
    asset = session.asset
    tuesday = (2026, 11, 24)

    assert asset.is_open_at(at(*tuesday, 10, 0))
    assert asset.is_open_at(at(*tuesday, 11, 59))
    assert not asset.is_open_at(at(*tuesday, 12, 0))
    assert not asset.is_open_at(at(*tuesday, 9, 59))
    assert not asset.is_open_at(at(2026, 11, 25, 10, 30))


def test_open_now_reads_the_clock_in_uk_time_whatever_zone_it_is_given():
    asset = RecurringSessionFactory(weekday=Weekday.TUESDAY, opens_at="10:00").asset
    # 10:30 in London in British Summer Time is 09:30 UTC.
    summer_morning_utc = dt.datetime(2026, 7, 7, 9, 30, tzinfo=dt.UTC)

    assert asset.is_open_at(summer_morning_utc)
    assert Asset.objects.open_at(summer_morning_utc).get() == asset


def test_next_session_later_the_same_day():
    asset = RecurringSessionFactory(
        weekday=Weekday.MONDAY, opens_at="18:00", closes_at="20:00"
    ).asset

    occurrence = asset.next_session(at(2026, 11, 23, 9, 0))

    assert occurrence.start == at(2026, 11, 23, 18, 0)
    assert occurrence.end == at(2026, 11, 23, 20, 0)


def test_next_session_skips_the_one_in_progress_and_wraps_to_next_week():
    asset = RecurringSessionFactory(weekday=Weekday.SUNDAY, opens_at="10:00").asset

    # Sunday 29 November, mid-session: the next one is the following Sunday.
    assert asset.next_session(at(2026, 11, 29, 10, 30)).start == at(2026, 12, 6, 10, 0)
    assert asset.current_session(at(2026, 11, 29, 10, 30)).start == at(2026, 11, 29, 10, 0)


def test_next_session_crosses_the_year_end():
    asset = RecurringSessionFactory(weekday=Weekday.FRIDAY, opens_at="09:00").asset

    assert asset.next_session(at(2026, 12, 31, 12, 0)).start == at(2027, 1, 1, 9, 0)


def test_the_first_tuesday_of_the_month_after_it_has_passed_is_next_month():
    asset = RecurringSessionFactory(
        frequency=Frequency.MONTHLY,
        week_of_month=WeekOfMonth.FIRST,
        weekday=Weekday.TUESDAY,
        opens_at="14:00",
        closes_at="16:00",
    ).asset

    # First Tuesday of November 2026 is the 3rd; of December, the 1st.
    assert asset.next_session(at(2026, 11, 3, 13, 0)).start == at(2026, 11, 3, 14, 0)
    assert asset.next_session(at(2026, 11, 3, 16, 0)).start == at(2026, 12, 1, 14, 0)
    assert asset.is_open_at(at(2026, 11, 3, 15, 0))
    assert not asset.is_open_at(at(2026, 11, 10, 15, 0))


def test_the_last_friday_of_the_month_in_a_month_with_five_fridays():
    asset = RecurringSessionFactory(
        frequency=Frequency.MONTHLY,
        week_of_month=WeekOfMonth.LAST,
        weekday=Weekday.FRIDAY,
        opens_at="19:00",
        closes_at="21:00",
    ).asset

    # January 2027 has five Fridays: the 1st, 8th, 15th, 22nd and 29th.
    assert asset.next_session(at(2027, 1, 1, 0, 0)).start == at(2027, 1, 29, 19, 0)
    # February 2027's last Friday is the 26th, its fourth.
    assert asset.next_session(at(2027, 1, 30, 0, 0)).start == at(2027, 2, 26, 19, 0)
    assert asset.is_open_at(at(2027, 1, 29, 20, 0))
    assert not asset.is_open_at(at(2027, 1, 22, 20, 0))


def test_a_fourth_weekday_is_not_the_last_when_there_is_a_fifth():
    session = RecurringSessionFactory(
        frequency=Frequency.MONTHLY, week_of_month=WeekOfMonth.FOURTH, weekday=Weekday.FRIDAY
    )

    assert session.occurs_on(dt.date(2027, 1, 22))
    assert not session.occurs_on(dt.date(2027, 1, 29))


def test_a_session_outside_its_dates_is_neither_open_nor_next():
    asset = RecurringSessionFactory(
        weekday=Weekday.WEDNESDAY,
        valid_from=dt.date(2027, 1, 6),
        valid_to=dt.date(2027, 1, 27),
    ).asset

    assert asset.next_session(at(2026, 11, 23, 9, 0)).start == at(2027, 1, 6, 10, 0)
    assert not asset.is_open_at(at(2026, 12, 30, 11, 0))
    assert asset.is_open_at(at(2027, 1, 27, 11, 0))
    assert asset.next_session(at(2027, 1, 27, 11, 0)) is None


def test_the_earliest_of_several_sessions_is_next():
    asset = AssetFactory()
    RecurringSessionFactory(asset=asset, weekday=Weekday.THURSDAY, opens_at="10:00")
    RecurringSessionFactory(
        asset=asset, weekday=Weekday.TUESDAY, opens_at="18:00", closes_at="19:00"
    )

    assert asset.next_session(at(2026, 11, 23, 9, 0)).start == at(2026, 11, 24, 18, 0)
    assert AssetFactory().next_session(at(2026, 11, 23, 9, 0)) is None


def test_sessions_keep_their_wall_clock_time_across_the_clocks_going_back():
    asset = RecurringSessionFactory(weekday=Weekday.SUNDAY, opens_at="10:00").asset

    # Clocks go back on Sunday 25 October 2026.
    occurrence = asset.next_session(at(2026, 10, 24, 12, 0))

    assert occurrence.start == at(2026, 10, 25, 10, 0)
    assert occurrence.start.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    "moment",
    [
        at(2027, 1, 29, 19, 30),
        at(2027, 1, 22, 19, 30),
        at(2026, 11, 3, 14, 30),
        at(2026, 11, 24, 11),
    ],
)
def test_the_sql_open_at_filter_agrees_with_the_python_rule(moment):
    assets = [
        RecurringSessionFactory(
            frequency=Frequency.MONTHLY,
            week_of_month=WeekOfMonth.LAST,
            weekday=Weekday.FRIDAY,
            opens_at="19:00",
            closes_at="21:00",
        ).asset,
        RecurringSessionFactory(
            frequency=Frequency.MONTHLY,
            week_of_month=WeekOfMonth.FOURTH,
            weekday=Weekday.FRIDAY,
            opens_at="19:00",
            closes_at="21:00",
        ).asset,
        RecurringSessionFactory(
            frequency=Frequency.MONTHLY,
            week_of_month=WeekOfMonth.FIRST,
            weekday=Weekday.TUESDAY,
            opens_at="14:00",
            closes_at="16:00",
        ).asset,
        RecurringSessionFactory(weekday=Weekday.TUESDAY).asset,
    ]

    in_python = {asset for asset in assets if asset.is_open_at(moment)}
    assert set(Asset.objects.open_at(moment)) == in_python
    assert in_python, "each moment is chosen so that something is open"


@pytest.mark.parametrize(
    ("fields", "field_in_error"),
    [
        ({"opens_at": "12:00", "closes_at": "10:00"}, "closes_at"),
        ({"opens_at": "12:00", "closes_at": "12:00"}, "closes_at"),
        ({"frequency": Frequency.MONTHLY, "week_of_month": None}, "week_of_month"),
        ({"frequency": Frequency.WEEKLY, "week_of_month": WeekOfMonth.FIRST}, "week_of_month"),
        ({"valid_from": dt.date(2027, 2, 1), "valid_to": dt.date(2027, 1, 1)}, "valid_to"),
        ({"weekday": 7}, "weekday"),
    ],
)
def test_an_impossible_session_is_refused(fields, field_in_error):
    session = RecurringSession(
        asset=AssetFactory(), weekday=Weekday.MONDAY, opens_at="10:00", closes_at="12:00"
    )
    for name, value in fields.items():
        setattr(session, name, value)

    with pytest.raises(ValidationError) as refused:
        session.full_clean()

    assert field_in_error in refused.value.message_dict
