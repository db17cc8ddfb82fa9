"""Finding assets through the API: words (stemmed, and misspelt), a place and a
distance in true metres, a box, the days and times a patient is free, and the other
filters a link worker narrows a list with; bad parameters are 400s naming them."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from assetmap.models import (
    AccessibilityFeature,
    Asset,
    AssetKind,
    Cost,
    Frequency,
    Postcode,
    Status,
    Weekday,
    WeekOfMonth,
)
from tests.factories import (
    AssetFactory,
    CategoryFactory,
    NetworkFactory,
    OrganisationFactory,
    RecurringSessionFactory,
)

pytestmark = pytest.mark.django_db

ASSETS = "/api/v1/assets/"
MAP = "/api/v1/assets/map/"
# Bromley-by-Bow. At this latitude a degree of latitude is 111.3 km and a degree of
# longitude 69.4 km.
HERE = (51.524, -0.011)


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def at(lat: float, lng: float) -> Point:
    return Point(lng, lat, srid=4326)


# --- Words ----------------------------------------------------------------------------------


def test_search_finds_other_forms_of_a_word():
    AssetFactory(name="Poplar Walking Group", description="Gentle strolls by the canal.")
    AssetFactory(name="Knit and Natter", description="Bring your needles.")

    assert names(client_for().get(ASSETS, {"q": "walks"})) == ["Poplar Walking Group"]


def test_a_misspelt_word_finds_the_name_it_is_close_to():
    AssetFactory(name="Gentle Yoga for Beginners", description="With chairs.")
    AssetFactory(name="Knit and Natter", description="Bring your needles.")

    assert names(client_for().get(ASSETS, {"q": "yogga"})) == ["Gentle Yoga for Beginners"]


def test_close_spellings_stay_out_when_the_words_themselves_match():
    AssetFactory(name="Poplar Walking Group", description="Strolls.")
    AssetFactory(name="Talking Café", description="Tea and conversation.")

    assert names(client_for().get(ASSETS, {"q": "walking"})) == ["Poplar Walking Group"]


def test_a_match_in_the_name_ranks_above_one_in_the_description():
    AssetFactory(name="Lunch club", description="After lunch some of us go swimming.")
    AssetFactory(name="Swimming for women", description="Women-only sessions.")

    assert names(client_for().get(ASSETS, {"q": "swimming"})) == [
        "Swimming for women",
        "Lunch club",
    ]


def test_words_can_be_excluded():
    AssetFactory(name="Chair yoga", description="Seated.")
    AssetFactory(name="Hot yoga", description="Standing.")

    assert names(client_for().get(ASSETS, {"q": "yoga -hot"})) == ["Chair yoga"]


def test_a_listing_nobody_has_checked_for_a_year_ranks_below_an_equally_good_match():
    today = timezone.localdate()
    AssetFactory(name="A yoga class", assured_date=today - dt.timedelta(days=400))
    AssetFactory(name="B yoga class", assured_date=today - dt.timedelta(days=30))
    AssetFactory(name="C yoga class", assured_date=None)

    assert names(client_for().get(ASSETS, {"q": "yoga"})) == [
        "B yoga class",
        "A yoga class",
        "C yoga class",
    ]


def test_a_much_better_match_still_ranks_first_though_nobody_has_checked_it():
    AssetFactory(name="Yoga", description="Yoga, yoga and more yoga.", assured_date=None)
    AssetFactory(
        name="Lunch club",
        description="Some of us do yoga after lunch.",
        assured_date=timezone.localdate(),
    )

    assert names(client_for().get(ASSETS, {"q": "yoga"})) == ["Yoga", "Lunch club"]


# --- Places and distances ---------------------------------------------------------------------


def test_nearest_first_counts_an_unchecked_listing_as_twice_as_far_but_shows_its_distance():
    checked = timezone.localdate()
    # 0.0009 degrees of latitude is about 100 m.
    AssetFactory(
        name="Checked, 500 m", location=at(HERE[0] + 0.0045, HERE[1]), assured_date=checked
    )
    AssetFactory(name="Unchecked, 300 m", location=at(HERE[0] + 0.0027, HERE[1]))
    AssetFactory(name="Unchecked, 200 m", location=at(HERE[0] + 0.0018, HERE[1]))

    response = client_for().get(ASSETS, {"near": f"{HERE[0]},{HERE[1]}"})

    assert names(response) == ["Unchecked, 200 m", "Checked, 500 m", "Unchecked, 300 m"]
    distances = [row["distance_m"] for row in response.json()["results"]]
    assert distances == [
        pytest.approx(200, abs=3),
        pytest.approx(500, abs=3),
        pytest.approx(300, abs=3),
    ]


def test_near_keeps_assets_within_the_radius_in_true_metres_and_gives_their_distance():
    # 0.0081 degrees of latitude is 901 m; 0.0135 of longitude here is 935 m (east), so
    # a box sized in latitude degrees alone would miss the second one.
    AssetFactory(name="North", location=at(HERE[0] + 0.0081, HERE[1]))
    AssetFactory(name="East", location=at(HERE[0], HERE[1] + 0.0135))
    AssetFactory(name="Far", location=at(HERE[0] + 0.02, HERE[1]))
    AssetFactory(name="Online", location=None, online_only=True)
    near = f"{HERE[0]},{HERE[1]}"

    within_1000 = client_for().get(ASSETS, {"near": near, "radius_m": 1000})
    within_800 = client_for().get(ASSETS, {"near": near, "radius_m": 800})

    assert names(within_1000) == ["North", "East"]
    distances = [row["distance_m"] for row in within_1000.json()["results"]]
    assert distances[0] == pytest.approx(901, abs=5)
    assert distances[1] == pytest.approx(935, abs=5)
    assert names(within_800) == []


def test_distance_is_absent_without_a_point():
    AssetFactory()

    assert client_for().get(ASSETS).json()["results"][0]["distance_m"] is None


def test_near_defaults_to_two_kilometres():
    AssetFactory(name="1.8 km", location=at(HERE[0] + 0.0162, HERE[1]))
    AssetFactory(name="2.2 km", location=at(HERE[0] + 0.0198, HERE[1]))

    assert names(client_for().get(ASSETS, {"near": f"{HERE[0]},{HERE[1]}"})) == ["1.8 km"]


def test_a_postcode_stands_for_its_point():
    Postcode.objects.create(postcode="E3 3ES", location=at(*HERE))
    AssetFactory(name="Near", location=at(HERE[0] + 0.002, HERE[1]))
    AssetFactory(name="Far", location=at(HERE[0] + 0.05, HERE[1]))

    response = client_for().get(ASSETS, {"postcode": "e33es", "radius_m": 500})

    assert names(response) == ["Near"]
    assert response.json()["results"][0]["distance_m"] == pytest.approx(222, abs=3)


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"postcode": "E3 3ES"}, "postcode", "We do not know the postcode E3 3ES"),
        ({"postcode": "not a postcode"}, "postcode", "Enter a full UK postcode"),
        ({"near": "51.5"}, "near", "latitude,longitude"),
        ({"near": "151.5,0"}, "near", "Latitude is between -90 and 90"),
        ({"near": "51.5,200"}, "near", "Longitude is between -180 and 180"),
        ({"near": "51.5,0", "radius_m": "0"}, "radius_m", "greater than or equal to 1"),
        ({"near": "51.5,0", "radius_m": "50001"}, "radius_m", "less than or equal to 50000"),
        ({"radius_m": "500"}, "radius_m", "Give near or postcode"),
        ({"near": "51.5,0", "postcode": "E3 3ES"}, "postcode", "not both"),
        ({"ordering": "distance"}, "ordering", "Give near or postcode"),
        ({"ordering": "relevance"}, "ordering", "Give q"),
        ({"ordering": "popularity"}, "ordering", "Select a valid choice"),
        ({"bbox": "1,2,3"}, "bbox", "west,south,east,north"),
        ({"bbox": "0.0,51.5,-0.1,51.6"}, "bbox", "west edge must be left"),
        ({"bbox": "-0.1,51.6,0.0,51.5"}, "bbox", "south below north"),
        ({"bbox": "-0.1,51.5,0.0,91"}, "bbox", "Latitude is between"),
        ({"category": "no-such-category"}, "category", "Unknown category: no-such-category"),
        ({"kind": "castle"}, "kind", "Select a valid choice"),
        ({"network": "atlantis"}, "network", "Select a valid choice"),
        ({"accessibility": "lift"}, "accessibility", "Select a valid choice"),
        ({"language": "xx"}, "language", "Select a valid choice"),
        ({"age": "-1"}, "age", "greater than or equal to 0"),
        ({"age": "old"}, "age", "Enter a number"),
        ({"open_at": "someday"}, "open_at", "tuesday 14:00"),
        ({"open_at": "tuesday 25:00"}, "open_at", "tuesday 14:00"),
        ({"open_at": "tuesday", "open_now": "true"}, "open_now", "not both"),
        ({"page_size": "1000"}, "page_size", "at most 200"),
    ],
)
def test_bad_parameters_are_400s_naming_the_parameter(params, field, message):
    AssetFactory()

    # The map takes the same filters, but is not paged.
    for url in (ASSETS, MAP) if field != "page_size" else (ASSETS,):
        response = client_for().get(url, params)

        assert response.status_code == 400, (url, response.content)
        assert message in " ".join(response.json()[field])


def test_bbox_keeps_assets_in_the_box():
    AssetFactory(name="Inside", location=at(51.52, -0.02))
    AssetFactory(name="Outside", location=at(51.55, -0.02))

    assert names(client_for().get(ASSETS, {"bbox": "-0.03,51.51,0.0,51.54"})) == ["Inside"]


# --- When ------------------------------------------------------------------------------------


def test_open_at_a_weekday_and_time_finds_sessions_running_then():
    tuesday_morning = AssetFactory(name="Tuesday morning")
    RecurringSessionFactory(
        asset=tuesday_morning, weekday=Weekday.TUESDAY, opens_at=dt.time(10), closes_at=dt.time(12)
    )
    thursday = AssetFactory(name="Thursday")
    RecurringSessionFactory(asset=thursday, weekday=Weekday.THURSDAY)

    assert names(client_for().get(ASSETS, {"open_at": "tuesday 10:30"})) == ["Tuesday morning"]
    assert names(client_for().get(ASSETS, {"open_at": "Tue 12:00"})) == []
    assert names(client_for().get(ASSETS, {"open_at": "tuesday"})) == ["Tuesday morning"]


def test_open_at_a_date_respects_monthly_sessions():
    last_friday = AssetFactory(name="Last Friday")
    RecurringSessionFactory(
        asset=last_friday,
        frequency=Frequency.MONTHLY,
        week_of_month=WeekOfMonth.LAST,
        weekday=Weekday.FRIDAY,
        opens_at=dt.time(18),
        closes_at=dt.time(20),
    )

    # 2026-11-27 is the last Friday of November; 2026-11-20 is not.
    assert names(client_for().get(ASSETS, {"open_at": "2026-11-27T19:00"})) == ["Last Friday"]
    assert names(client_for().get(ASSETS, {"open_at": "2026-11-20T19:00"})) == []


def test_sessions_that_have_ended_do_not_count():
    ended = AssetFactory(name="Ended")
    RecurringSessionFactory(
        asset=ended, weekday=Weekday.TUESDAY, valid_to=timezone.localdate() - dt.timedelta(days=1)
    )

    assert names(client_for().get(ASSETS, {"open_at": "tuesday"})) == []


# --- The other filters -----------------------------------------------------------------------


def test_a_top_level_category_includes_its_sub_categories():
    health = CategoryFactory(name="Health", slug="health")
    walking = CategoryFactory(name="Walking", slug="walking", parent=health)
    money = CategoryFactory(name="Money", slug="money")
    AssetFactory(name="Walk", categories=[walking])
    AssetFactory(name="Debt advice", categories=[money])

    assert names(client_for().get(ASSETS, {"category": "health"})) == ["Walk"]
    assert names(client_for().get(ASSETS, {"category": "walking,money"})) == [
        "Debt advice",
        "Walk",
    ]


def test_kind_network_and_free():
    network = NetworkFactory(slug="bromley-by-bow")
    AssetFactory(name="Free group", kind=AssetKind.ASSOCIATION, cost=Cost.FREE)
    AssetFactory(name="Paid class", kind=AssetKind.ASSOCIATION, cost=Cost.PAID)
    AssetFactory(name="Library", kind=AssetKind.INSTITUTION, location=at(51.6, -0.2))
    # The factory leaves networks to the database, as bulk loads do.
    Asset.objects.all().assign_networks()

    assert names(client_for().get(ASSETS, {"kind": "institution"})) == ["Library"]
    assert names(client_for().get(ASSETS, {"network": network.slug})) == [
        "Free group",
        "Paid class",
    ]
    assert names(client_for().get(ASSETS, {"free": "true", "kind": "association"})) == [
        "Free group"
    ]
    assert names(client_for().get(ASSETS, {"free": "false"})) == ["Paid class"]


def test_empty_items_in_a_comma_separated_list_are_left_out():
    AssetFactory(name="Group", kind=AssetKind.ASSOCIATION, categories=[CategoryFactory()])
    AssetFactory(name="Library", kind=AssetKind.INSTITUTION)

    assert names(client_for().get(ASSETS, {"kind": "institution,"})) == ["Library"]
    assert names(client_for().get(ASSETS, {"kind": ",,institution"})) == ["Library"]
    # Nothing but commas is no filter at all, like an empty parameter.
    assert names(client_for().get(ASSETS, {"kind": ","})) == ["Group", "Library"]
    assert names(client_for().get(ASSETS, {"category": ",", "language": ","})) == [
        "Group",
        "Library",
    ]


def test_accessibility_needs_every_feature_and_language_any():
    AssetFactory(
        name="Step-free with loop",
        accessibility=[AccessibilityFeature.STEP_FREE, AccessibilityFeature.HEARING_LOOP],
        languages=["en", "bn"],
    )
    AssetFactory(name="Step-free", accessibility=[AccessibilityFeature.STEP_FREE], languages=["so"])

    assert names(client_for().get(ASSETS, {"accessibility": "step_free,hearing_loop"})) == [
        "Step-free with loop"
    ]
    assert names(client_for().get(ASSETS, {"language": "bn,so"})) == [
        "Step-free",
        "Step-free with loop",
    ]
    assert names(client_for().get(ASSETS, {"language": "syl"})) == []


def test_age_keeps_assets_whose_range_includes_it():
    AssetFactory(name="Over 50s", age_min=50)
    AssetFactory(name="Youth club", age_min=11, age_max=18)
    AssetFactory(name="Everyone")

    assert names(client_for().get(ASSETS, {"age": 15})) == ["Everyone", "Youth club"]
    assert names(client_for().get(ASSETS, {"age": 70})) == ["Everyone", "Over 50s"]


def test_recently_verified_first_puts_never_checked_last():
    today = timezone.localdate()
    AssetFactory(name="Never checked", assured_date=None)
    AssetFactory(name="Checked last year", assured_date=today - dt.timedelta(days=300))
    AssetFactory(name="Checked this week", assured_date=today - dt.timedelta(days=2))

    assert names(client_for().get(ASSETS, {"ordering": "-verified"})) == [
        "Checked this week",
        "Checked last year",
        "Never checked",
    ]


# --- Who sees what -----------------------------------------------------------------------------


def test_residents_see_published_assets_only(link_worker):
    AssetFactory(name="Published")
    draft = AssetFactory(name="Draft", status=Status.DRAFT)
    AssetFactory(name="Archived", status=Status.ARCHIVED)

    assert names(client_for().get(ASSETS)) == ["Published"]
    assert client_for().get(f"{ASSETS}{draft.pk}/").status_code == 404
    assert names(client_for().get(ASSETS, {"status": "draft"})) == []
    # People working in the programme see drafts, and archived listings when they ask.
    assert names(client_for(link_worker).get(ASSETS)) == ["Draft", "Published"]
    assert names(client_for(link_worker).get(ASSETS, {"status": "archived"})) == ["Archived"]
    assert client_for(link_worker).get(f"{ASSETS}{draft.pk}/").status_code == 200


def test_internal_notes_are_for_people_working_in_the_programme(link_worker, outsider):
    asset = AssetFactory(internal_notes="The organiser is away in August.")

    assert "internal_notes" not in client_for().get(f"{ASSETS}{asset.pk}/").json()
    assert "internal_notes" not in client_for(outsider).get(f"{ASSETS}{asset.pk}/").json()
    shown = client_for(link_worker).get(f"{ASSETS}{asset.pk}/").json()
    assert shown["internal_notes"] == "The organiser is away in August."


def test_an_asset_shows_what_a_link_worker_hands_over():
    health = CategoryFactory(name="Health", slug="health")
    asset = AssetFactory(
        name="Chair yoga",
        categories=[health],
        contact_name="Rina",
        phone="020 7000 0000",
        languages=["bn"],
        age_min=50,
    )
    RecurringSessionFactory(asset=asset, weekday=Weekday.TUESDAY)

    shown = client_for().get(f"{ASSETS}{asset.pk}/").json()

    assert shown["categories"] == ["health"]
    assert shown["location"] == {"type": "Point", "coordinates": [-0.011, 51.524]}
    assert shown["sessions"][0]["weekday"] == Weekday.TUESDAY
    assert shown["sessions"][0]["opens_at"] == "10:00"
    assert shown["page_url"].endswith(f"/assets/{asset.slug}/")
    assert (shown["contact_name"], shown["phone"], shown["languages"], shown["age_min"]) == (
        "Rina",
        "020 7000 0000",
        ["bn"],
        50,
    )


def test_contact_details_left_empty_are_null_and_outside_every_network_too():
    asset = AssetFactory(email="", website="", location=None, online_only=True)

    shown = client_for().get(f"{ASSETS}{asset.pk}/").json()

    assert (shown["email"], shown["website"], shown["network"]) == (None, None, None)


def test_a_list_takes_the_same_few_queries_however_long(link_worker):
    category = CategoryFactory()
    for _ in range(12):
        asset = AssetFactory(categories=[category])
        RecurringSessionFactory(asset=asset)
    client = client_for(link_worker)
    client.get(ASSETS)  # the session and the user's roles are loaded once

    with CaptureQueriesContext(connection) as queries:
        response = client.get(ASSETS, {"q": "walk", "near": f"{HERE[0]},{HERE[1]}"})

    assert len(response.json()["results"]) == 12
    # session + user + roles, count, page, categories, sessions
    assert len(queries) <= 7, [query["sql"][:80] for query in queries]


# --- The map layer -----------------------------------------------------------------------------


def test_the_map_is_a_feature_collection_of_what_the_filters_keep(link_worker):
    inside = AssetFactory(name="Inside", location=at(51.52, -0.02), kind=AssetKind.INSTITUTION)
    AssetFactory(name="Outside", location=at(51.55, -0.02))
    AssetFactory(name="Other kind", location=at(51.52, -0.02))
    AssetFactory(name="Draft", location=at(51.52, -0.02), status=Status.DRAFT, kind="institution")
    AssetFactory(name="Online", location=None, online_only=True, kind="institution")
    params = {"bbox": "-0.03,51.51,0.0,51.54", "kind": "institution"}

    response = client_for().get(MAP, params)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert collection["features"] == [
        {
            "type": "Feature",
            "id": inside.pk,
            "geometry": {"type": "Point", "coordinates": [-0.02, 51.52]},
            "properties": {
                "name": "Inside",
                "slug": inside.slug,
                "kind": "institution",
                "url": f"/assets/{inside.slug}/",
            },
        }
    ]
    # People working in the programme see drafts on it too; archived listings never.
    shown = client_for(link_worker).get(MAP, params).json()["features"]
    assert sorted(feature["properties"]["name"] for feature in shown) == ["Draft", "Inside"]


def test_an_empty_map_is_an_empty_feature_collection():
    response = client_for().get(MAP, {"bbox": "1.0,52.0,1.1,52.1"})

    assert response.json() == {"type": "FeatureCollection", "features": []}


def test_names_on_the_map_are_data_not_markup():
    AssetFactory(name='<img src=x onerror="alert(1)"> & "friends"')

    feature = client_for().get(MAP).json()["features"][0]

    assert feature["properties"]["name"] == '<img src=x onerror="alert(1)"> & "friends"'


def test_an_address_in_the_api_that_matches_nothing_is_a_json_404():
    response = client_for().get("/api/v1/no-such-thing/7/")

    assert response.status_code == 404
    assert response.json() == {"detail": "There is nothing at this address in the API."}


@pytest.mark.parametrize("persona", [None, "link_worker"])
def test_the_representation_postgresql_builds_matches_drfs_own(request, rf, persona):
    from rest_framework import serializers as drf

    from assetmap.serializers import AssetSerializer, listing_options

    user = request.getfixturevalue(persona) if persona else AnonymousUser()
    NetworkFactory()
    full = AssetFactory(
        categories=[CategoryFactory(), CategoryFactory()],
        organisation=OrganisationFactory(),
        email="group@example.org",
        website="https://example.org/",
        accessibility=[AccessibilityFeature.STEP_FREE],
        languages=["bn"],
        focus=["helping_health"],
        age_min=18,
        age_max=65,
        assured_date=timezone.localdate(),
        internal_notes="Ring first.",
    )
    Asset.objects.all().assign_networks()
    RecurringSessionFactory(
        asset=full, frequency=Frequency.MONTHLY, week_of_month=-1, valid_from=dt.date(2026, 1, 1)
    )
    RecurringSessionFactory(asset=full, weekday=Weekday.MONDAY, note="Upstairs")
    empty = AssetFactory(location=None, online_only=True, email="", website="", postcode="")
    web_request = rf.get("/api/v1/assets/")
    web_request.user = user

    found = Asset.objects.filter(pk__in=[full.pk, empty.pk])
    near = found.with_distance(at(*HERE))
    listed = near.with_listing_json(**listing_options(web_request, distance=True))
    # A search's rows (with their distance), and single assets read back by pk.
    for asset in [*listed, *found]:
        serializer = AssetSerializer(context={"request": web_request})
        fast = serializer.to_representation(asset)
        generic = dict(drf.ModelSerializer.to_representation(serializer, asset))
        if persona is None:
            del generic["internal_notes"]
        assert fast == generic


def test_pages_count_every_match_and_link_to_each_other():
    for number in range(7):
        AssetFactory(name=f"Group {number}")

    first = client_for().get(ASSETS, {"page_size": 3}).json()
    last = client_for().get(ASSETS, {"page_size": 3, "page": 3}).json()
    past = client_for().get(ASSETS, {"page_size": 3, "page": 4})

    assert (first["count"], [row["name"] for row in first["results"]]) == (
        7,
        ["Group 0", "Group 1", "Group 2"],
    )
    assert first["previous"] is None and "page=2" in first["next"]
    assert (last["count"], [row["name"] for row in last["results"]]) == (7, ["Group 6"])
    assert last["next"] is None and "page=2" in last["previous"]
    assert past.status_code == 404
    assert client_for().get(ASSETS, {"page": "x"}).status_code == 404
    assert client_for().get(ASSETS, {"q": "nothing like it"}).json()["count"] == 0
