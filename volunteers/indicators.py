"""The board's indicators: per GP network and per month, and for the whole area.

`board_indicators()` returns one `MonthFigures` row for every month in the range, for
each network (or the one asked for) and for the whole area, with zeros where nothing
happened. It runs five SQL statements (volunteering, survey answers, credits, assets,
listening events), each grouped by network and month with GROUPING SETS so that the
whole area comes from the same pass; nothing loops over entries in Python.

Definitions (the page shows the same in plain words, see `Indicator.definition`):

- Months are calendar months in UK time (settings.TIME_ZONE). Activity belongs to the
  network of the group (asset) it happened at, as the group is mapped *now*; the whole
  area counts everything, including groups outside every network.
- **Approved volunteer hours**: hours of counted entries (`HoursEntry.objects.counted()`:
  approved and not replaced by an approved correction) in the month of their date.
- **Active volunteers**: distinct volunteers with counted hours in the month (in the
  network, or anywhere for the whole area). Months cannot be added up: somebody active
  in March and April is one person.
- **New volunteers**: volunteers whose first counted hours ever fall in the month. Each
  is new once, in the network of the group of that first entry (the earliest date, then
  the entry logged first), so the networks (and the groups outside them) add up to the
  whole area.
- **Satisfaction**: every survey answer (1-5), in the month and network of the hours
  it is about; the mean and how many answers gave each score. None when nobody answered.
- **Credits**, in the month the ledger row was written (a credit is earned when the
  hours are approved, which may be a month after they were given):
  earned = the sum of `earn` rows, including the negative differences of corrections,
  in the network of the hours' group; spent = the credits taken by `spend` rows, in the
  network of the spend partner; gifted = the credits received through gifts, in the
  network of the group whose bank gave them. A gift from one volunteer to another
  belongs to no group, so it counts for the whole area only. Adjustments (filling a
  bank, staff corrections) are not counted.
- **Assets published**: listings published at the end of the month, reconstructed from
  their change history (`HistoricalAsset`), so past months do not change when a
  listing changes today; deleted listings count while they were published. A listing
  with no history at all (bulk-loaded) counts as it is now from the day it was created.
- **New assets**: listings created in the month, whatever their status (drafts and
  residents' suggestions included), that are still on record.
- **Verified in the last 12 months**: the share of the listings published at the end of
  the month whose last check (`assured_date`, as it was then) fell within the 12
  calendar months ending with that month. None when nothing was published.
- **Listening events** held in the month (by their date), and the **people reached**:
  the sum of their head counts.
"""

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.functions import Now
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from assetmap.models import Asset, Status
from networks.models import ListeningEvent, Network
from volunteers.models import (
    CreditEntry,
    CreditKind,
    HoursEntry,
    HoursStatus,
    IndicatorMonth,
    SurveyResponse,
)

ZERO = Decimal("0.00")
# The months the page and API show when not asked for others.
DEFAULT_MONTHS = 12
REFRESH_QUEUED = "indicators:refresh-queued"
REFRESH_DELAY_SECONDS = 30
SCORES = range(1, 6)


@dataclass(frozen=True)
class Indicator:
    """What one column of the figures is: for table headers, CSV columns, chart titles."""

    key: str
    label: str | Promise
    unit: str  # "hours", "people", "credits", "%", "score", "answers", "assets", "events"
    definition: str | Promise = ""


INDICATORS: list[Indicator] = [
    Indicator(
        "approved_hours",
        _("Approved volunteer hours"),
        "hours",
        _(
            "Hours given in the month and approved by a coordinator "
            "(a corrected entry counts once)."
        ),
    ),
    Indicator(
        "active_volunteers",
        _("Active volunteers"),
        "people",
        _("People with approved hours in the month."),
    ),
    Indicator(
        "new_volunteers",
        _("New volunteers"),
        "people",
        _(
            "People whose first approved hours ever were in the month, "
            "counted where they gave them."
        ),
    ),
    Indicator(
        "satisfaction_mean",
        _("Satisfaction"),
        "score",
        _(
            "Average answer (1 = very dissatisfied, 5 = very satisfied) "
            "about hours given in the month."
        ),
    ),
    Indicator(
        "satisfaction_counts",
        _("Satisfaction answers"),
        "answers",
        _("How many answers gave each score from 1 to 5."),
    ),
    Indicator(
        "credits_earned",
        _("Time credits earned"),
        "credits",
        _("Credits earned for hours approved in the month (less any corrections)."),
    ),
    Indicator(
        "credits_spent",
        _("Time credits spent"),
        "credits",
        _("Credits spent at partner venues in the neighbourhood in the month."),
    ),
    Indicator(
        "credits_gifted",
        _("Time credits gifted"),
        "credits",
        _(
            "Credits given in the month by a group's bank (in the group's neighbourhood) "
            "or by one volunteer to another (whole area only)."
        ),
    ),
    Indicator(
        "assets_published",
        _("Assets published"),
        "assets",
        _("Listings on the public map at the end of the month."),
    ),
    Indicator(
        "new_assets",
        _("New assets"),
        "assets",
        _("Listings added in the month, published or not yet."),
    ),
    Indicator(
        "verified_share",
        _("Checked in the last 12 months"),
        "%",
        _(
            "Share of the published listings whose details were checked "
            "in the 12 months to the end of the month."
        ),
    ),
    Indicator(
        "events_held",
        _("Listening events held"),
        "events",
        _("Listening events held in the month."),
    ),
    Indicator(
        "people_reached",
        _("People reached"),
        "people",
        _("People who came to the listening events held in the month."),
    ),
]


@dataclass
class MonthFigures:
    network_id: int | None  # None = the whole area
    network_name: str
    month: dt.date  # first day of the month
    approved_hours: Decimal = ZERO
    active_volunteers: int = 0
    new_volunteers: int = 0
    satisfaction_mean: float | None = None
    satisfaction_counts: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])
    credits_earned: Decimal = ZERO
    credits_spent: Decimal = ZERO
    credits_gifted: Decimal = ZERO
    assets_published: int = 0
    new_assets: int = 0
    verified_share: float | None = None
    events_held: int = 0
    people_reached: int = 0

    @property
    def is_whole_area(self) -> bool:
        return self.network_id is None

    @property
    def satisfaction_answers(self) -> int:
        return sum(self.satisfaction_counts)


WHOLE_AREA = _("Whole area")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first_month: dt.date, last_month: dt.date) -> list[dt.date]:
    """First days of the months from `first_month` to `last_month`, both included."""
    months, month = [], month_start(first_month)
    while month <= last_month:
        months.append(month)
        month = add_months(month, 1)
    return months


def board_indicators(
    *, first_month: dt.date, last_month: dt.date, network: Network | None = None
) -> list[MonthFigures]:
    """The figures for every month from `first_month` to `last_month` (any day in a
    month stands for the month), for each network (or only `network`) and for the
    whole area: whole-area rows first, then each network by name, months in order.

    Months already computed and still fresh are read from `IndicatorMonth`; the others
    are computed (`compute_indicators`) and stored for next time."""
    first, last = month_start(first_month), month_start(last_month)
    if last < first:
        raise ValueError("last_month is before first_month")
    months = months_between(first, last)
    stored, stale = _stored_and_stale(months)
    by_month: dict[dt.date, list[MonthFigures]] = {
        month: [_figures_from_json(row) for row in stored[month].rows]
        for month in months
        if month not in stale
    }
    if stale:
        by_month.update(_compute_and_store(stale[0], stale[-1]))
    rows = [row for month in months for row in by_month[month]]
    if network is not None:
        rows = [row for row in rows if row.network_id in (None, network.pk)]
    # Whole area first, then the networks by name; months in order within each.
    order = {None: ""}
    order.update(Network.objects.values_list("pk", "name"))
    rows = [row for row in rows if row.network_id in order]
    return sorted(rows, key=lambda r: (r.network_id is not None, order[r.network_id], r.month))


def _stored_and_stale(months: list[dt.date]) -> tuple[dict, list[dt.date]]:
    """The stored `IndicatorMonth`s of `months`, and the months to compute again (stale
    or never computed), in order."""
    stored = {m.month: m for m in IndicatorMonth.objects.filter(month__in=months)}
    stale = [month for month in months if not (month in stored and stored[month].is_fresh)]
    return stored, stale


def _compute_and_store(first: dt.date, last: dt.date) -> dict[dt.date, list[MonthFigures]]:
    """Compute every month from `first` to `last` for all networks, and store them
    unless a write made them stale while they were being computed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        (started,) = cursor.fetchone()
    rows = compute_indicators(first_month=first, last_month=last)
    by_month: dict[dt.date, list[MonthFigures]] = {}
    for row in rows:
        by_month.setdefault(row.month, []).append(row)
    IndicatorMonth.objects.bulk_create(
        [
            IndicatorMonth(
                month=month,
                rows=[_figures_to_json(row) for row in month_rows],
                computed_from=started,
            )
            for month, month_rows in by_month.items()
        ],
        update_conflicts=True,
        unique_fields=["month"],
        update_fields=["rows", "computed_from"],
    )
    return by_month


def indicators_stale_from(day: dt.date | None) -> None:
    """After the current transaction commits, mark the month of `day` and every later
    month stale (every month when `day` is None): the writes that change the figures
    call this (see volunteers.signals)."""

    def mark():
        months = IndicatorMonth.objects.all()
        if day is not None:
            months = months.filter(month__gte=month_start(day))
        if months.update(invalidated_at=Now()) and cache.add(
            REFRESH_QUEUED, True, timeout=REFRESH_DELAY_SECONDS
        ):
            # One refresh for a burst of writes: a coordinator approving a session's
            # hours makes one recomputation, a little later, not twenty.
            from volunteers.tasks import refresh_indicators

            refresh_indicators.apply_async(countdown=REFRESH_DELAY_SECONDS)

    transaction.on_commit(mark)


def refresh(*, first_month: dt.date, last_month: dt.date) -> int:
    """Compute and store the stale or missing months in the range; return how many."""
    _stored, stale = _stored_and_stale(
        months_between(month_start(first_month), month_start(last_month))
    )
    if stale:
        _compute_and_store(stale[0], stale[-1])
    return len(stale)


_DECIMAL_FIELDS = ("approved_hours", "credits_earned", "credits_spent", "credits_gifted")


def _figures_to_json(row: "MonthFigures") -> dict:
    data = asdict(row)
    data["month"] = row.month.isoformat()
    for name in _DECIMAL_FIELDS:
        data[name] = str(data[name])
    return data


def _figures_from_json(data: dict) -> "MonthFigures":
    data = dict(data)
    data["month"] = dt.date.fromisoformat(data["month"])
    for name in _DECIMAL_FIELDS:
        data[name] = Decimal(data[name])
    return MonthFigures(**data)


def compute_indicators(
    *, first_month: dt.date, last_month: dt.date, network: Network | None = None
) -> list[MonthFigures]:
    """`board_indicators`, computed from the entries themselves (seconds at a million
    hour entries; the dashboard reads stored months instead)."""
    first, last = month_start(first_month), month_start(last_month)
    if last < first:
        raise ValueError("last_month is before first_month")
    networks = [network] if network is not None else list(Network.objects.order_by("name"))
    months = months_between(first, last)
    rows: dict[tuple[int | None, dt.date], MonthFigures] = {}
    for net_id, name in [(None, str(WHOLE_AREA)), *((n.pk, n.name) for n in networks)]:
        for month in months:
            rows[net_id, month] = MonthFigures(network_id=net_id, network_name=name, month=month)

    params = {
        "first": first,
        "after": add_months(last, 1),
        "last": last,
        "tz": settings.TIME_ZONE,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        # Planned and run in a few milliseconds, these queries lose more to JIT
        # compilation than they gain; their sorts and hashes fit in 64 MB.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        for sql, apply in (
            (_VOLUNTEERING_SQL, _apply_volunteering),
            (_SURVEY_SQL, _apply_survey),
            (_CREDITS_SQL, _apply_credits),
            (_EVENTS_SQL, _apply_events),
        ):
            cursor.execute(sql, params)
            for whole_area, net_id, month, *values in cursor.fetchall():
                row = rows.get((None if whole_area else net_id, month))
                if row is not None:
                    apply(row, *values)
        cursor.execute(_ASSETS_SQL, params)
        _apply_assets(rows, months, cursor.fetchall())
    return list(rows.values())


def _apply_volunteering(row: MonthFigures, hours, active, new) -> None:
    row.approved_hours, row.active_volunteers, row.new_volunteers = hours, active, new


def _apply_survey(row: MonthFigures, mean, *counts) -> None:
    row.satisfaction_mean = float(mean) if mean is not None else None
    row.satisfaction_counts = list(counts)


def _apply_credits(row: MonthFigures, earned, spent, gifted) -> None:
    row.credits_earned, row.credits_spent, row.credits_gifted = earned, spent, gifted


def _apply_events(row: MonthFigures, held, people) -> None:
    row.events_held, row.people_reached = held, people


def _apply_assets(rows, months, changes) -> None:
    """The assets query gives, per network and month, how the number of published (and
    recently checked) listings changed and how many were created; totals run on from
    the first month."""
    by_key = {}
    for whole_area, net_id, month, published, verified, created in changes:
        by_key[None if whole_area else net_id, month] = (published, verified, created)
    for net_id in {key[0] for key in rows}:
        published = verified = 0
        for month in months:
            change_published, change_verified, created = by_key.get((net_id, month), (0, 0, 0))
            published += change_published
            verified += change_verified
            row = rows[net_id, month]
            row.assets_published = published
            row.new_assets = created
            row.verified_share = 100 * verified / published if published else None


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


_TABLES = {
    "hours": _table(HoursEntry),
    "asset": _table(Asset),
    "survey": _table(SurveyResponse),
    "credit": _table(CreditEntry),
    "event": _table(ListeningEvent),
    "history": _table(Asset.history.model),
}
_VALUES = {
    "approved": f"'{HoursStatus.APPROVED.value}'",
    "published": f"'{Status.PUBLISHED.value}'",
    "earn": f"'{CreditKind.EARN.value}'",
    "spend": f"'{CreditKind.SPEND.value}'",
    "gift": f"'{CreditKind.GIFT.value}'",
}


# An entry counts unless an approved correction replaced it (HoursEntryQuerySet.counted).
_NOT_REPLACED = (
    "NOT EXISTS (SELECT 1 FROM {hours} c WHERE c.corrects_id = {alias}.id"
    " AND c.status = {approved})"
)


def _sql(template: str) -> str:
    # Only table names and fixed choice values are put into the SQL; dates and the
    # time zone go as parameters.
    for alias in ("h", "e"):
        template = template.replace(
            f"{{{alias}_not_replaced}}", _NOT_REPLACED.replace("{alias}", alias)
        )
    return template.format(**_TABLES, **_VALUES)


_VOLUNTEERING_SQL = _sql(
    """
WITH counted AS MATERIALIZED (
    SELECT h.id, h.volunteer_id, h.date, h.hours, a.network_id,
           date_trunc('month', h.date)::date AS month
    FROM {hours} h JOIN {asset} a ON a.id = h.asset_id
    WHERE h.status = {approved} AND h.date >= %(first)s AND h.date < %(after)s
      AND {h_not_replaced}
),
-- Each volunteer's first counted entry in the range: they are new if nothing of
-- theirs counted before the range (one index probe per volunteer, not a full scan).
firsts AS (
    SELECT DISTINCT ON (volunteer_id) id, volunteer_id
    FROM counted ORDER BY volunteer_id, date, id
),
newcomers AS (
    SELECT f.id FROM firsts f
    WHERE NOT EXISTS (
        SELECT 1 FROM {hours} e
        WHERE e.volunteer_id = f.volunteer_id AND e.date < %(first)s
          AND e.status = {approved} AND {e_not_replaced}
    )
)
SELECT GROUPING(counted.network_id) = 1, counted.network_id, counted.month,
       sum(counted.hours), count(DISTINCT counted.volunteer_id), count(newcomers.id)
FROM counted LEFT JOIN newcomers ON newcomers.id = counted.id
GROUP BY GROUPING SETS ((counted.network_id, counted.month), (counted.month))
"""
)

_SURVEY_SQL = _sql(
    """
SELECT GROUPING(a.network_id) = 1, a.network_id, date_trunc('month', h.date)::date AS month,
       avg(s.satisfaction),
       count(*) FILTER (WHERE s.satisfaction = 1), count(*) FILTER (WHERE s.satisfaction = 2),
       count(*) FILTER (WHERE s.satisfaction = 3), count(*) FILTER (WHERE s.satisfaction = 4),
       count(*) FILTER (WHERE s.satisfaction = 5)
FROM {survey} s
JOIN {hours} h ON h.id = s.hours_entry_id
JOIN {asset} a ON a.id = h.asset_id
WHERE h.date >= %(first)s AND h.date < %(after)s
GROUP BY GROUPING SETS ((a.network_id, month), (month))
"""
)

# Ledger rows by their month in UK time; each row belongs to one network (or none).
_CREDITS_SQL = _sql(
    """
WITH rows AS (
    SELECT c.kind, c.amount,
           date_trunc('month', c.created_at AT TIME ZONE %(tz)s)::date AS month,
           CASE c.kind WHEN {earn} THEN ha.network_id
                       WHEN {spend} THEN sa.network_id
                       ELSE ba.network_id END AS network_id
    FROM {credit} c
    LEFT JOIN {hours} h ON c.kind = {earn} AND h.id = c.hours_entry_id
    LEFT JOIN {asset} ha ON ha.id = h.asset_id
    LEFT JOIN {asset} sa ON sa.id = c.spend_partner_id
    LEFT JOIN {credit} giver ON giver.id = c.counterpart_id
    LEFT JOIN {asset} ba ON ba.id = giver.bank_asset_id
    WHERE c.created_at >= (%(first)s::timestamp AT TIME ZONE %(tz)s)
      AND c.created_at < (%(after)s::timestamp AT TIME ZONE %(tz)s)
      AND (c.kind IN ({earn}, {spend}) OR (c.kind = {gift} AND c.counterpart_id IS NOT NULL))
)
SELECT GROUPING(network_id) = 1, network_id, month,
       coalesce(sum(amount) FILTER (WHERE kind = {earn}), 0),
       coalesce(-sum(amount) FILTER (WHERE kind = {spend}), 0),
       coalesce(sum(amount) FILTER (WHERE kind = {gift}), 0)
FROM rows
GROUP BY GROUPING SETS ((network_id, month), (month))
"""
)

_EVENTS_SQL = _sql(
    """
SELECT GROUPING(network_id) = 1, network_id, date_trunc('month', date)::date AS month,
       count(*), sum(people_count)
FROM {event}
WHERE date >= %(first)s AND date < %(after)s
GROUP BY GROUPING SETS ((network_id, month), (month))
"""
)

# Each state a listing was in (a history row, valid until the next one; or, with no
# history, the listing as it is now since it was created) is the state at the end of
# a run of months: from the month it began to the month before the next state began.
# A state adds 1 to "published" over that run (and to "checked" over the part of it
# within 12 months of the check), so the query returns only the changes, +1 where a
# run starts and -1 after it ends, and `_apply_assets` adds them up month by month.
_ASSETS_SQL = _sql(
    """
WITH history AS (
    SELECT h.id, h.history_type, h.status, h.assured_date, h.network_id,
           date_trunc('month', h.history_date AT TIME ZONE %(tz)s)::date AS starts,
           (date_trunc('month', lead(h.history_date) OVER (
                PARTITION BY h.id ORDER BY h.history_date, h.history_id) AT TIME ZONE %(tz)s)
            - interval '1 month')::date AS ends
    FROM {history} h
    WHERE h.history_date < (%(after)s::timestamp AT TIME ZONE %(tz)s)
),
states AS (
    -- A listing counts in the network it is in now; a deleted one where it last was
    -- (history rows may lag: the network is set by an UPDATE after each save).
    SELECT CASE WHEN a.id IS NULL THEN h.network_id ELSE a.network_id END AS network_id,
           h.starts, h.ends, h.assured_date
    FROM history h LEFT JOIN {asset} a ON a.id = h.id
    WHERE h.history_type <> '-' AND h.status = {published}
      AND (h.ends IS NULL OR h.ends >= h.starts)
    UNION ALL
    SELECT a.network_id, date_trunc('month', a.created_at AT TIME ZONE %(tz)s)::date, NULL,
           a.assured_date
    FROM {asset} a
    WHERE a.status = {published}
      AND a.created_at < (%(after)s::timestamp AT TIME ZONE %(tz)s)
      AND NOT EXISTS (SELECT 1 FROM {history} h WHERE h.id = a.id)
),
runs AS (
    SELECT network_id, 1 AS published, 0 AS checked, starts, ends FROM states
    UNION ALL
    SELECT network_id, 0, 1, greatest(starts, date_trunc('month', assured_date)::date),
           least(ends, (date_trunc('month', assured_date) + interval '11 months')::date)
    FROM states WHERE assured_date IS NOT NULL
),
clipped AS (
    SELECT network_id, published, checked, greatest(starts, %(first)s) AS starts, ends
    FROM runs
    WHERE greatest(starts, %(first)s) <= %(last)s
      AND (ends IS NULL OR ends >= greatest(starts, %(first)s))
),
changes AS (
    SELECT network_id, starts AS month, published, checked, 0 AS created FROM clipped
    UNION ALL
    SELECT network_id, (ends + interval '1 month')::date, -published, -checked, 0
    FROM clipped WHERE ends < %(last)s
    UNION ALL
    SELECT network_id, date_trunc('month', created_at AT TIME ZONE %(tz)s)::date, 0, 0, 1
    FROM {asset}
    WHERE created_at >= (%(first)s::timestamp AT TIME ZONE %(tz)s)
      AND created_at < (%(after)s::timestamp AT TIME ZONE %(tz)s)
)
SELECT GROUPING(network_id) = 1, network_id, month,
       sum(published), sum(checked), sum(created)
FROM changes
GROUP BY GROUPING SETS ((network_id, month), (month))
"""
)
