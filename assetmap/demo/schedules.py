"""Invented but realistic meeting times for demo listings."""

import datetime as dt
import random

from assetmap.demo.listings import Listing
from assetmap.models import Frequency, RecurringSession, WeekOfMonth

# Start times and lengths (minutes) for each part of the day; nothing ends after 21:00.
SLOTS: dict[str, tuple[list[str], list[int]]] = {
    "early": (["07:00", "07:30", "08:00"], [60, 90]),
    "am": (["09:30", "10:00", "10:30", "11:00"], [90, 120]),
    "pm": (["12:30", "13:00", "13:30", "14:00"], [90, 120, 150]),
    "after": (["15:30", "16:00"], [90, 120]),
    "eve": (["18:00", "18:30", "19:00"], [60, 90, 120]),
}
# Opening hours for places and services open on several days.
OPENING_HOURS = [("09:00", "17:00"), ("10:00", "16:00"), ("09:30", "19:00"), ("10:00", "18:00")]
# Most groups meet on weekdays.
WEEKDAY_WEIGHTS = [17, 18, 18, 18, 15, 10, 4]
NOTES = [
    "",
    "",
    "",
    "",
    "Term time only",
    "Booking needed",
    "Drop in, no need to book",
    "Ring the bell at the side door",
]
WEEKS_OF_MONTH = [
    WeekOfMonth.FIRST,
    WeekOfMonth.SECOND,
    WeekOfMonth.THIRD,
    WeekOfMonth.FOURTH,
    WeekOfMonth.LAST,
    WeekOfMonth.LAST,
]


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def _plus(start: dt.time, minutes: int) -> dt.time:
    total = min(start.hour * 60 + start.minute + minutes, 21 * 60)
    return dt.time(total // 60, total % 60)


def _weekdays(rng: random.Random, count: int) -> list[int]:
    days: list[int] = []
    while len(days) < count:
        day = rng.choices(range(7), weights=WEEKDAY_WEIGHTS)[0]
        if day not in days:
            days.append(day)
    return sorted(days)


def sessions_for(rng: random.Random, listing: Listing, today: dt.date) -> list[RecurringSession]:
    """Unsaved sessions (no asset yet) for one listing: weekly or monthly, 1-3 of them."""
    if listing.when is None:
        return []
    if listing.when == "open":
        opens, closes = rng.choice(OPENING_HOURS)
        return [
            RecurringSession(weekday=day, opens_at=_time(opens), closes_at=_time(closes))
            for day in _weekdays(rng, 3)
        ]
    starts, lengths = SLOTS[listing.when]
    if listing.monthly:
        count = 2 if rng.random() < 0.15 else 1
    else:
        count = rng.choices([1, 2, 3], weights=[60, 28, 12])[0]
    sessions = []
    for day in _weekdays(rng, count):
        start = _time(rng.choice(starts))
        session = RecurringSession(
            weekday=day,
            opens_at=start,
            closes_at=_plus(start, rng.choice(lengths)),
            note=rng.choice(NOTES),
        )
        if listing.monthly:
            session.frequency = Frequency.MONTHLY
            session.week_of_month = rng.choice(WEEKS_OF_MONTH)
        sessions.append(session)
    if not listing.monthly and rng.random() < 0.08:
        # A weekly group with an extra monthly get-together.
        day = rng.choice([5, 6])
        sessions.append(
            RecurringSession(
                frequency=Frequency.MONTHLY,
                week_of_month=rng.choice(WEEKS_OF_MONTH),
                weekday=day,
                opens_at=_time("11:00"),
                closes_at=_time("14:00"),
                note="Family day once a month",
            )
        )
    _set_dates(rng, listing, sessions, today)
    return sessions


def _set_dates(
    rng: random.Random, listing: Listing, sessions: list[RecurringSession], today: dt.date
) -> None:
    """Courses run for a term; a few other groups are starting soon or ending."""
    if listing.course:
        start = today - dt.timedelta(days=rng.randint(0, 50))
        end = start + dt.timedelta(weeks=rng.choice([4, 6, 8, 10, 12]))
    else:
        chance = rng.random()
        if chance < 0.05:
            start, end = today + dt.timedelta(days=rng.randint(10, 45)), None
        elif chance < 0.10:
            start, end = None, today + dt.timedelta(days=rng.randint(20, 120))
        else:
            return
    for session in sessions:
        session.valid_from, session.valid_to = start, end
