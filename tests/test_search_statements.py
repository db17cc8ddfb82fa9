"""API searches compile their statement once per shape (assetmap.statements) and run
it with each request's own words, place and categories: the database must get exactly
the query it would have got had the search been compiled afresh, and a value that
cannot be filled in must never be frozen into a statement."""

import datetime as dt
from operator import itemgetter
from unittest import mock

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from assetmap.listings import SEARCH_STATEMENTS
from assetmap.models import LONDON, Asset, AssetKind, Cost, Postcode, Weekday
from assetmap.statements import StatementCache
from tests.factories import AssetFactory, CategoryFactory, NetworkFactory, RecurringSessionFactory

pytestmark = pytest.mark.django_db

ASSETS = "/api/v1/assets/"
BROMLEY_BY_BOW = "51.524,-0.011"
WHITECHAPEL = "51.5195,-0.0597"


def at(lat: float, lng: float) -> Point:
    return Point(lng, lat, srid=4326)


@pytest.fixture
def neighbourhood():
    """Categories (one with sub-categories), postcodes, a network and a few listings."""
    health = CategoryFactory(slug="t-health")
    walking = CategoryFactory(slug="t-walking", parent=health)
    CategoryFactory(slug="t-yoga", parent=health)
    food = CategoryFactory(slug="t-food")
    money = CategoryFactory(slug="t-money")
    Postcode.objects.create(postcode="E3 3ES", location=at(51.524, -0.011))
    Postcode.objects.create(postcode="E1 1BB", location=at(51.5195, -0.0597))
    NetworkFactory(slug="bromley-by-bow")
    for name, category, lat, lng in [
        ("Canal walk", walking, 51.525, -0.012),
        ("Lunch club", food, 51.519, -0.059),
        ("Debt advice", money, 51.52, -0.06),
    ]:
        AssetFactory(name=name, description=name, categories=[category], location=at(lat, lng))
    return {"health": health, "walking": walking}


def search_sql(client: APIClient, params: dict) -> str:
    """The search's statement, as the database got it (parameters in place)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ASSETS, params)
    assert response.status_code == 200, response.content
    (statement,) = [sql for sql in map(itemgetter("sql"), queries) if "json_build_object" in sql]
    return statement


# Pairs of searches of the same shape: the second runs the statement the first compiled.
SAME_SHAPE = [
    ({"q": "walk"}, {"q": "lunch club"}),
    ({"q": "walk", "near": BROMLEY_BY_BOW}, {"q": "debt -lunch", "near": WHITECHAPEL}),
    ({"q": "walk", "postcode": "E3 3ES"}, {"q": "lunch", "postcode": "E1 1BB"}),
    ({"near": BROMLEY_BY_BOW, "radius_m": 500}, {"near": WHITECHAPEL, "radius_m": 3000}),
    ({"category": "t-walking,t-food"}, {"category": "t-money,t-yoga"}),
    (
        {
            "q": "walk",
            "near": BROMLEY_BY_BOW,
            "category": "t-walking",
            "kind": "association,institution",
            "free": "true",
            "accessibility": "step_free",
            "language": "bn",
            "age": 70,
            "open_at": "tuesday 14:00",
            "ordering": "distance",
        },
        {
            "q": "club",
            "near": WHITECHAPEL,
            "category": "t-food",
            "kind": "association,institution",
            "free": "true",
            "accessibility": "step_free",
            "language": "bn",
            "age": 70,
            "open_at": "tuesday 14:00",
            "ordering": "distance",
        },
    ),
    (
        {"bbox": "-0.1,51.5,0.0,51.55", "ordering": "-verified", "page_size": 1, "page": 1},
        {"bbox": "-0.1,51.5,0.0,51.55", "ordering": "-verified", "page_size": 1, "page": 3},
    ),
    (
        {"open_at": "2026-11-27T19:00", "network": "bromley-by-bow", "q": "walk"},
        {"open_at": "2026-11-27T19:00", "network": "bromley-by-bow", "q": "advice"},
    ),
]


@pytest.mark.parametrize("reader", ["resident", "link worker"])
@pytest.mark.parametrize("first, second", SAME_SHAPE)
def test_a_search_runs_the_query_it_would_have_compiled_afresh(
    neighbourhood, link_worker, reader, first, second
):
    client = APIClient()
    if reader == "link worker":
        client.force_login(link_worker)
        first, second = ({**params, "status": "published,draft"} for params in (first, second))
    SEARCH_STATEMENTS.clear()
    search_sql(client, first)
    assert list(SEARCH_STATEMENTS._statements.values()) != [None]

    from_the_cache = search_sql(client, second)
    SEARCH_STATEMENTS.clear()
    compiled_afresh = search_sql(client, second)

    assert from_the_cache == compiled_afresh


def test_searches_of_one_shape_share_a_statement_and_find_their_own_listings(neighbourhood):
    client = APIClient()
    SEARCH_STATEMENTS.clear()

    walks = client.get(ASSETS, {"q": "walk", "near": BROMLEY_BY_BOW, "category": "t-health"})
    lunches = client.get(ASSETS, {"q": "lunch", "near": WHITECHAPEL, "category": "t-food"})
    nothing = client.get(ASSETS, {"q": "yoga", "near": WHITECHAPEL, "category": "t-money"})

    assert [row["name"] for row in walks.json()["results"]] == ["Canal walk"]
    assert [row["name"] for row in lunches.json()["results"]] == ["Lunch club"]
    assert nothing.json() == {"count": 0, "next": None, "previous": None, "results": []}
    # t-health stands for itself and its two sub-categories, t-food for itself alone:
    # two shapes (a parameter for each category), and the third search reused one.
    assert len(SEARCH_STATEMENTS._statements) == 2
    assert None not in SEARCH_STATEMENTS._statements.values()


def test_one_search_for_different_readers_and_sites_gives_each_their_own(
    neighbourhood, link_worker, settings
):
    settings.ALLOWED_HOSTS = ["testserver", "map.example.org"]
    Asset.objects.update(internal_notes="Ask for Rahima.")
    resident, worker = APIClient(), APIClient()
    worker.force_login(link_worker)
    search = {"q": "walk", "near": BROMLEY_BY_BOW}
    SEARCH_STATEMENTS.clear()

    (for_worker,) = worker.get(ASSETS, search).json()["results"]
    (for_resident,) = resident.get(ASSETS, search).json()["results"]
    (elsewhere,) = resident.get(ASSETS, search, HTTP_HOST="map.example.org").json()["results"]

    assert for_worker["internal_notes"] == "Ask for Rahima."
    assert "internal_notes" not in for_resident
    assert for_resident["page_url"].startswith("http://testserver/")
    assert elsewhere["page_url"].startswith("http://map.example.org/")


def test_a_search_reused_the_next_day_reads_that_days_sessions():
    ends = AssetFactory(name="Ends on the 24th")
    RecurringSessionFactory(asset=ends, weekday=Weekday.TUESDAY, valid_to=dt.date(2026, 11, 24))
    client = APIClient()

    def on(day: dt.date) -> list[str]:
        moment = dt.datetime.combine(day, dt.time(9), tzinfo=LONDON)
        with mock.patch.object(timezone, "now", return_value=moment):
            response = client.get(ASSETS, {"open_at": "tuesday", "q": "walk"})
        return [row["name"] for row in response.json()["results"]]

    assert on(dt.date(2026, 11, 24)) == ["Ends on the 24th"]
    assert on(dt.date(2026, 11, 25)) == []


def test_every_page_of_a_search_shares_its_statement_and_keeps_the_order():
    for _ in range(5):
        AssetFactory(name="Same name", description="Knitting")
    ids = sorted(Asset.objects.values_list("pk", flat=True))
    client = APIClient()
    SEARCH_STATEMENTS.clear()

    pages = [
        client.get(ASSETS, {"q": "knitting", "page_size": 2, "page": page}) for page in (1, 2, 3)
    ]
    last = client.get(ASSETS, {"q": "knitting", "page_size": 2, "page": "last"})
    beyond = client.get(ASSETS, {"q": "knitting", "page_size": 2, "page": 4})

    assert [row["id"] for page in pages for row in page.json()["results"]] == ids
    assert [page.json()["count"] for page in pages] == [5, 5, 5]
    assert [row["id"] for row in last.json()["results"]] == ids[4:]
    assert beyond.status_code == 404
    assert len(SEARCH_STATEMENTS._statements) == 1


def test_a_point_in_another_spatial_reference_gets_its_own_statement():
    statements = StatementCache()

    def near(traced):
        return Asset.objects.near(traced["near"], 500).values_list("pk").query.sql_with_params()

    in_degrees = Point(-0.011, 51.524, srid=4326)
    in_metres = Point(538000, 182500, srid=27700)
    statements.sql_with_params(("near",), {"near": in_degrees}, near)
    sql, params = statements.sql_with_params(("near",), {"near": in_metres}, near)

    assert (sql, tuple(params)) == near({"near": in_metres})


def test_open_now_reads_the_clock_at_every_search():
    for name, opens_at in [("Tuesday morning", 10), ("Tuesday afternoon", 14)]:
        RecurringSessionFactory(
            asset=AssetFactory(name=name),
            weekday=Weekday.TUESDAY,
            opens_at=dt.time(opens_at),
            closes_at=dt.time(opens_at + 2),
        )
    client = APIClient()

    def open_at(moment: dt.datetime) -> list[str]:
        with mock.patch.object(timezone, "now", return_value=moment):
            response = client.get(ASSETS, {"open_now": "true"})
        return [row["name"] for row in response.json()["results"]]

    # 2026-11-24 is a Tuesday: the same day, so only the time of day tells them apart.
    assert open_at(dt.datetime(2026, 11, 24, 10, 30, tzinfo=LONDON)) == ["Tuesday morning"]
    assert open_at(dt.datetime(2026, 11, 24, 14, 30, tzinfo=LONDON)) == ["Tuesday afternoon"]


def test_the_last_page_is_found_by_counting():
    for number in range(5):
        AssetFactory(name=f"Group {number}", kind=AssetKind.ASSOCIATION, cost=Cost.FREE)

    response = APIClient().get(ASSETS, {"page_size": 2, "page": "last", "free": "true"})

    assert [row["name"] for row in response.json()["results"]] == ["Group 4"]
    assert response.json()["count"] == 5


def test_a_value_the_query_transforms_is_compiled_each_time_not_frozen():
    AssetFactory(name="YOGA")
    AssetFactory(name="TEA")
    statements = StatementCache()

    def named(traced):
        # The name is upper-cased in Python: the stand-ins cannot be found in the
        # parameters, so the statement must not be kept.
        return (
            Asset.objects.filter(name=traced["q"].upper())
            .values_list("name")
            .query.sql_with_params()
        )

    def run(word: str) -> list[str]:
        sql, params = statements.sql_with_params(("by name",), {"q": word}, named)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [name for (name,) in cursor.fetchall()]

    assert run("yoga") == ["YOGA"]
    assert run("tea") == ["TEA"]
    assert list(statements._statements.values()) == [None]


def test_a_value_passed_on_is_filled_in_each_time():
    AssetFactory(name="Yoga")
    AssetFactory(name="Tea")
    statements = StatementCache()

    def named(traced):
        return Asset.objects.filter(name=traced["q"]).values_list("name").query.sql_with_params()

    def run(word: str) -> tuple[str, list]:
        return statements.sql_with_params(("by name",), {"q": word}, named)

    first_sql, first_params = run("Yoga")
    second_sql, second_params = run("Tea")

    assert first_sql == second_sql and (first_params, second_params) == (["Yoga"], ["Tea"])
    assert (first_sql, tuple(second_params)) == named({"q": "Tea"})


def test_only_the_latest_shapes_are_kept():
    statements = StatementCache(size=2)

    def named(traced):
        return Asset.objects.filter(name=traced["q"]).values_list("name").query.sql_with_params()

    for shape in ("a", "b", "a", "c"):
        statements.sql_with_params((shape,), {"q": "Yoga"}, named)

    assert [key[0] for key in statements._statements] == [("a",), ("c",)]


def test_words_with_quotes_and_sql_are_searched_for_not_run():
    AssetFactory(name="O'Brien's Lunch Club", description="Soup; bread.")
    AssetFactory(name="Knit and Natter", description="Needles.")
    client = APIClient()
    SEARCH_STATEMENTS.clear()
    client.get(ASSETS, {"q": "knit"})  # the shape's statement, from stand-ins

    found = client.get(ASSETS, {"q": "o'brien's lunch"})
    injected = client.get(ASSETS, {"q": "lunch'); DROP TABLE assetmap_asset; --"})

    assert [row["name"] for row in found.json()["results"]] == ["O'Brien's Lunch Club"]
    assert injected.status_code == 200 and injected.json()["count"] == 0
    assert Asset.objects.count() == 2
