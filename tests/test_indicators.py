"""The board's indicators: every figure of a small hand-computed fixture, and the page
and CSV download (who may see them, filters, form errors).

The fixture covers January to March 2026 in two networks, Bow and Poplar, with an
online group outside every network. The comments beside each entry say where it counts;
the expected figures below are worked out by hand from them."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assetmap.models import Asset, Status
from tests.factories import (
    AssetFactory,
    CreditEntryFactory,
    HoursEntryFactory,
    ListeningEventFactory,
    NetworkFactory,
    SurveyResponseFactory,
    VolunteerFactory,
)
from volunteers.indicators import INDICATORS, board_indicators
from volunteers.models import CreditKind, HoursStatus

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
APPROVED, REJECTED, PENDING = HoursStatus.APPROVED, HoursStatus.REJECTED, HoursStatus.PENDING


def at(year, month, day, hour=12, minute=0):
    """A moment in UTC (London is on GMT until 29 March 2026, then BST)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def backdate(asset, when):
    """Move the asset's newest history row (the one its last save wrote) to `when`."""
    newest = asset.history.order_by("-history_date", "-history_id").first()
    asset.history.filter(history_id=newest.history_id).update(history_date=when)


def change(asset, when, **fields):
    for name, value in fields.items():
        setattr(asset, name, value)
    asset.save()
    backdate(asset, when)


def hours(volunteer, asset, date, amount, status=APPROVED, **extra):
    if status == REJECTED:
        extra.setdefault("rejection_reason", "Logged twice.")
    return HoursEntryFactory(
        volunteer=volunteer, asset=asset, date=date, hours=Decimal(amount), status=status, **extra
    )


@pytest.fixture
def area():
    bow = NetworkFactory(name="Bow", slug="bow")
    poplar = NetworkFactory(name="Poplar", slug="poplar")

    # --- Assets and their history --------------------------------------------------
    # Walk (Bow): published since June 2025, checked 10 Feb 2025 then 15 Feb 2026. Its
    # history rows say "no network" (the network is set by an UPDATE after each save,
    # which history does not see): it counts in Bow, where it is now.
    walk = AssetFactory(name="Walk", network=bow, assured_date=dt.date(2025, 2, 10))
    backdate(walk, at(2025, 6, 1))
    change(walk, at(2026, 2, 15), assured_date=dt.date(2026, 2, 15))
    walk.history.update(network=None)
    # Lunch (Poplar): published since March 2025, last checked 20 Jan 2025 (stale in
    # every month), archived on 10 March 2026.
    lunch = AssetFactory(name="Lunch", network=poplar, assured_date=dt.date(2025, 1, 20))
    backdate(lunch, at(2025, 3, 1))
    change(lunch, at(2026, 3, 10), status=Status.ARCHIVED)
    # Online (outside every network): created 5 Feb 2026 as a draft, published and
    # checked on 2 March.
    online = AssetFactory(name="Online", network=None, location=None, status=Status.DRAFT)
    backdate(online, at(2026, 2, 5))
    change(online, at(2026, 3, 2), status=Status.PUBLISHED, assured_date=dt.date(2026, 3, 2))
    # A Bow draft created 15 Jan 2026, never published.
    draft = AssetFactory(name="Draft", network=bow, status=Status.DRAFT)
    backdate(draft, at(2026, 1, 15))
    # Bulk-loaded (Bow): no history at all; created 1 Dec 2025, published, checked
    # 20 Feb 2026, so counted as published from December and checked from February.
    bulk = AssetFactory(name="Bulk", network=bow, assured_date=dt.date(2026, 2, 20))
    bulk.history.all().delete()
    # Gone (Poplar): published 1 Oct 2025 and checked that day; deleted 20 Feb 2026.
    gone = AssetFactory(name="Gone", network=poplar, assured_date=dt.date(2025, 10, 1))
    backdate(gone, at(2025, 10, 1))
    gone_id = gone.pk
    gone.delete()
    Asset.history.filter(id=gone_id, history_type="-").update(history_date=at(2026, 2, 20))
    created = {walk: at(2025, 6, 1), lunch: at(2025, 3, 1), online: at(2026, 2, 5)}
    created |= {draft: at(2026, 1, 15), bulk: at(2025, 12, 1)}
    for asset, when in created.items():
        Asset.objects.filter(pk=asset.pk).update(created_at=when)

    # --- Hours ----------------------------------------------------------------------
    amina, tom, rehana = (VolunteerFactory(display_name=n) for n in ("Amina", "Tom", "Rehana"))
    # Amina first gave hours in December 2025, so she is never new in the range.
    december = hours(amina, walk, dt.date(2025, 12, 15), 2)
    a_walk = hours(amina, walk, dt.date(2026, 1, 10), 3)  # Jan Bow 3
    hours(amina, walk, dt.date(2026, 1, 10), 5, REJECTED, corrects=a_walk)  # rejected fix
    a_lunch = hours(amina, lunch, dt.date(2026, 1, 31), "1.5")  # Jan Poplar 1.5
    hours(amina, walk, dt.date(2026, 2, 1), 2, REJECTED)  # not counted
    hours(amina, walk, dt.date(2026, 4, 1), 1)  # after the range
    # Tom: 4 hours on 20 Jan corrected to 3 (approved), so 3 count; new in Jan, Poplar.
    t_lunch = hours(tom, lunch, dt.date(2026, 1, 20), 4)
    t_fix = hours(tom, lunch, dt.date(2026, 1, 20), 3, corrects=t_lunch)  # Jan Poplar 3
    t_walk = hours(tom, walk, dt.date(2026, 2, 3), "2.5")  # Feb Bow 2.5
    hours(tom, walk, dt.date(2026, 2, 3), 2, PENDING, corrects=t_walk)  # not yet: 2.5 stays
    t_online = hours(tom, online, dt.date(2026, 2, 10), 1)  # Feb outside 1
    # Rehana: first hours on 5 March, online: new in the whole area only.
    r_online = hours(rehana, online, dt.date(2026, 3, 5), 2)  # Mar outside 2
    hours(rehana, walk, dt.date(2026, 3, 6), 1, PENDING)  # not counted

    # --- Survey answers, in the month of the hours they are about ----------------------
    SurveyResponseFactory(hours_entry=december, satisfaction=5)  # before the range
    SurveyResponseFactory(hours_entry=a_walk, satisfaction=5)  # Jan Bow
    SurveyResponseFactory(hours_entry=a_lunch, satisfaction=4)  # Jan Poplar
    SurveyResponseFactory(hours_entry=t_lunch, satisfaction=2)  # Jan Poplar (replaced hours)
    SurveyResponseFactory(hours_entry=t_walk, satisfaction=3)  # Feb Bow
    SurveyResponseFactory(hours_entry=r_online, satisfaction=1)  # Mar outside

    # --- Credits, in the month of the ledger row (UK time) ------------------------------
    def earn(entry, amount, when):
        return CreditEntryFactory(
            volunteer=entry.volunteer,
            kind=CreditKind.EARN,
            amount=Decimal(amount),
            hours_entry=entry,
            reason="",
            created_at=when,
        )

    earn(a_walk, 3, at(2026, 2, 2))  # Feb Bow
    earn(a_lunch, "1.5", at(2026, 1, 31, 23, 30))  # Jan Poplar (GMT: still 31 Jan)
    earn(t_lunch, 4, at(2026, 1, 21))  # Jan Poplar
    earn(t_fix, -1, at(2026, 2, 5))  # Feb Poplar: the correction's difference
    earn(t_walk, "2.5", at(2026, 2, 4))  # Feb Bow
    earn(t_online, 1, at(2026, 2, 11))  # Feb outside
    earn(r_online, 2, at(2026, 3, 31, 23, 30))  # 00:30 BST on 1 April: after the range
    CreditEntryFactory(
        volunteer=amina,
        kind=CreditKind.SPEND,
        amount=-2,
        spend_partner=lunch,
        what_bought="Lunch",
        created_at=at(2026, 3, 3),
    )  # Mar Poplar
    CreditEntryFactory(
        volunteer=tom,
        kind=CreditKind.SPEND,
        amount=-1,
        spend_partner=online,
        what_bought="A class",
        created_at=at(2026, 3, 10),
    )  # Mar outside
    given = CreditEntryFactory(
        volunteer=amina, kind=CreditKind.GIFT, amount=-1, created_at=at(2026, 3, 12)
    )
    CreditEntryFactory(
        volunteer=rehana,
        kind=CreditKind.GIFT,
        amount=1,
        counterpart=given,
        created_at=at(2026, 3, 12),
    )  # Mar, whole area only (volunteer to volunteer)
    CreditEntryFactory(
        volunteer=None, bank_asset=walk, amount=20, reason="Bank filled", created_at=at(2026, 1, 1)
    )  # an adjustment: not counted
    from_bank = CreditEntryFactory(
        volunteer=None,
        bank_asset=walk,
        kind=CreditKind.GIFT,
        amount=-5,
        created_at=at(2026, 1, 15),
    )
    CreditEntryFactory(
        volunteer=tom,
        kind=CreditKind.GIFT,
        amount=5,
        counterpart=from_bank,
        created_at=at(2026, 1, 15),
    )  # Jan Bow (the walk's bank)

    # --- Listening events -----------------------------------------------------------------
    ListeningEventFactory(network=bow, date=dt.date(2026, 1, 20), people_count=30)
    ListeningEventFactory(network=bow, date=dt.date(2026, 3, 3), people_count=12)
    ListeningEventFactory(network=poplar, date=dt.date(2026, 2, 14), people_count=25)
    ListeningEventFactory(network=poplar, date=dt.date(2026, 4, 2), people_count=99)  # after
    return bow, poplar


def figures(area, network=None):
    rows = board_indicators(first_month=JAN, last_month=MAR, network=network)
    return {(row.network_name, row.month): row for row in rows}


def column(rows, name, key):
    return [getattr(rows[name, month], key) for month in (JAN, FEB, MAR)]


def test_rows_cover_every_month_for_the_whole_area_first_then_each_network(area):
    rows = board_indicators(first_month=dt.date(2026, 1, 17), last_month=MAR)
    assert [(row.network_name, row.month) for row in rows] == [
        (name, month) for name in ("Whole area", "Bow", "Poplar") for month in (JAN, FEB, MAR)
    ]
    assert [row.network_id for row in rows[:3]] == [None, None, None]
    assert rows[3].network_id == area[0].pk


def test_approved_hours_count_corrections_once_and_skip_rejected_and_pending(area):
    rows = figures(area)
    assert column(rows, "Whole area", "approved_hours") == [Decimal("7.5"), Decimal("3.5"), 2]
    assert column(rows, "Bow", "approved_hours") == [3, Decimal("2.5"), 0]
    assert column(rows, "Poplar", "approved_hours") == [Decimal("4.5"), 0, 0]


def test_active_volunteers_are_distinct_people_with_counted_hours(area):
    rows = figures(area)
    assert column(rows, "Whole area", "active_volunteers") == [2, 1, 1]  # A+T, T, R
    assert column(rows, "Bow", "active_volunteers") == [1, 1, 0]  # A, T
    assert column(rows, "Poplar", "active_volunteers") == [2, 0, 0]  # A+T


def test_new_volunteers_are_counted_once_where_their_first_hours_were(area):
    rows = figures(area)
    assert column(rows, "Whole area", "new_volunteers") == [1, 0, 1]  # Tom, Rehana
    assert column(rows, "Bow", "new_volunteers") == [0, 0, 0]  # Amina began in December
    assert column(rows, "Poplar", "new_volunteers") == [1, 0, 0]  # Tom


def test_satisfaction_gives_the_mean_and_the_count_of_each_score(area):
    rows = figures(area)
    assert column(rows, "Whole area", "satisfaction_counts") == [
        [0, 1, 0, 1, 1],
        [0, 0, 1, 0, 0],
        [1, 0, 0, 0, 0],
    ]
    assert column(rows, "Whole area", "satisfaction_mean") == pytest.approx([11 / 3, 3, 1])
    assert column(rows, "Bow", "satisfaction_mean") == [5, 3, None]
    assert column(rows, "Poplar", "satisfaction_mean") == [3, None, None]  # (4 + 2) / 2
    assert column(rows, "Poplar", "satisfaction_counts")[0] == [0, 1, 0, 1, 0]


def test_credits_earned_spent_and_gifted_by_the_month_of_the_ledger_row(area):
    rows = figures(area)
    # Jan: 1.5 + 4; Feb: 3 - 1 + 2.5 + 1; March's 2 were written in April (BST).
    assert column(rows, "Whole area", "credits_earned") == [Decimal("5.5"), Decimal("5.5"), 0]
    assert column(rows, "Bow", "credits_earned") == [0, Decimal("5.5"), 0]
    assert column(rows, "Poplar", "credits_earned") == [Decimal("5.5"), -1, 0]
    assert column(rows, "Whole area", "credits_spent") == [0, 0, 3]
    assert column(rows, "Poplar", "credits_spent") == [0, 0, 2]
    assert column(rows, "Bow", "credits_spent") == [0, 0, 0]
    assert column(rows, "Whole area", "credits_gifted") == [5, 0, 1]
    assert column(rows, "Bow", "credits_gifted") == [5, 0, 0]
    assert column(rows, "Poplar", "credits_gifted") == [0, 0, 0]


def test_assets_published_at_each_month_end_come_from_the_history(area):
    rows = figures(area)
    # Jan: walk, lunch, bulk, gone; Feb: walk, lunch, bulk; Mar: walk, bulk, online.
    assert column(rows, "Whole area", "assets_published") == [4, 3, 3]
    assert column(rows, "Bow", "assets_published") == [2, 2, 2]  # walk, bulk
    assert column(rows, "Poplar", "assets_published") == [2, 1, 0]  # lunch (+ gone in Jan)


def test_verified_share_is_of_listings_checked_in_the_12_months_to_month_end(area):
    rows = figures(area)
    # Jan: walk and gone of 4; Feb: walk and bulk of 3; Mar: walk, bulk, online of 3.
    assert column(rows, "Whole area", "verified_share") == pytest.approx([50, 200 / 3, 100])
    assert column(rows, "Bow", "verified_share") == [50, 100, 100]
    assert column(rows, "Poplar", "verified_share") == [50, 0, None]


def test_new_assets_are_listings_created_in_the_month_whatever_their_status(area):
    rows = figures(area)
    assert column(rows, "Whole area", "new_assets") == [1, 1, 0]  # draft, online
    assert column(rows, "Bow", "new_assets") == [1, 0, 0]
    assert column(rows, "Poplar", "new_assets") == [0, 0, 0]


def test_listening_events_and_people_reached(area):
    rows = figures(area)
    assert column(rows, "Whole area", "events_held") == [1, 1, 1]
    assert column(rows, "Whole area", "people_reached") == [30, 25, 12]
    assert column(rows, "Bow", "people_reached") == [30, 0, 12]
    assert column(rows, "Poplar", "events_held") == [0, 1, 0]


def test_one_network_gives_its_rows_and_the_whole_area(area):
    bow, _ = area
    rows = board_indicators(first_month=JAN, last_month=MAR, network=bow)
    assert [row.network_name for row in rows] == ["Whole area"] * 3 + ["Bow"] * 3
    assert [row.approved_hours for row in rows[3:]] == [3, Decimal("2.5"), 0]
    assert rows[0].approved_hours == Decimal("7.5")


def test_months_with_nothing_are_zeros(db):
    rows = board_indicators(first_month=JAN, last_month=JAN)
    assert len(rows) == 1
    row = rows[0]
    assert (row.approved_hours, row.active_volunteers, row.assets_published) == (0, 0, 0)
    assert row.satisfaction_mean is None and row.verified_share is None
    assert row.satisfaction_counts == [0, 0, 0, 0, 0]


def test_every_indicator_names_a_field_of_the_rows(db):
    row = board_indicators(first_month=JAN, last_month=JAN)[0]
    for indicator in INDICATORS:
        assert hasattr(row, indicator.key), indicator.key
        assert str(indicator.label) and indicator.unit


# --- The page and the CSV ---------------------------------------------------------------

PAGE = reverse("volunteers:indicators")
CSV = reverse("volunteers:indicators_csv")


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert client.get(CSV).status_code == 302


def test_outsider_without_a_role_is_refused(client, outsider):
    client.force_login(outsider)
    assert client.get(PAGE).status_code == 403
    assert client.get(CSV).status_code == 403


@pytest.mark.parametrize("persona", ["link_worker", "facilitator", "coordinator", "network_lead"])
def test_professionals_see_the_indicators(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "Approved volunteer hours" in response.content.decode()


def test_page_shows_the_figures_in_charts_and_tables(client, network_lead, area):
    client.force_login(network_lead)
    response = client.get(PAGE, {"from": "2026-01", "to": "2026-03"})
    html = response.content.decode()
    assert html.count("<svg") >= len(INDICATORS) - 1
    assert "<caption" in html and 'scope="col"' in html
    assert "7.5" in html  # January's hours in the whole area
    assert "Poplar" in html and "Bow" in html


def test_page_defaults_to_the_last_twelve_months(client, network_lead):
    client.force_login(network_lead)
    response = client.get(PAGE)
    months = response.context["months"]
    this_month = timezone.localdate().replace(day=1)
    assert len(months) == 12 and months[-1] == this_month


def test_csv_has_a_row_per_network_and_month_with_the_filters_applied(client, network_lead, area):
    client.force_login(network_lead)
    response = client.get(CSV, {"network": "bow", "from": "2026-01", "to": "2026-02"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["area"], row["month"]) for row in rows] == [
        ("Whole area", "2026-01"),
        ("Whole area", "2026-02"),
        ("Bow", "2026-01"),
        ("Bow", "2026-02"),
    ]
    assert rows[0]["approved_hours"] == "7.50"
    assert rows[2]["approved_hours"] == "3.00"
    assert rows[3]["satisfaction_3"] == "1"
    assert rows[2]["verified_share"] == "50.0"
    assert rows[2]["satisfaction_mean"] == "5.00"


def test_page_links_to_the_csv_with_the_same_filters(client, network_lead, area):
    client.force_login(network_lead)
    response = client.get(PAGE, {"network": "bow", "from": "2026-01", "to": "2026-03"})
    assert f"{CSV}?network=bow&amp;from=2026-01&amp;to=2026-03" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-03", "to": "2026-01"}, "The last month must not be before the first."),
        ({"from": "2022-01", "to": "2026-01"}, "Choose at most 36 months."),
        ({"from": "January", "to": "2026-01"}, "Enter a month as YYYY-MM"),
        ({"network": "nowhere"}, "Select a valid choice"),
    ],
)
def test_bad_filters_show_form_errors(client, network_lead, query, message):
    client.force_login(network_lead)
    response = client.get(PAGE, query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert client.get(CSV, query).status_code == 400
