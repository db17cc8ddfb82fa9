"""The Open Referral UK feed at /openreferral/: every response checked against the
official ORUK 3.0 schemas (and, for a full service, HSDS 3.0's), the filters, paging,
ids, CORS and the read-only rule."""

import datetime as dt
import json
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.test import Client
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from assetmap import openreferral as oruk
from assetmap.models import (
    AccessibilityFeature,
    Asset,
    Category,
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
    OrganisationFactory,
    RecurringSessionFactory,
)

FEED = "/openreferral"
# The official schema files, copied into the repository (docs/openreferral/SOURCES.md).
SCHEMAS = Path(settings.BASE_DIR) / "docs" / "openreferral"
ORUK_BASE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
HSDS_BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"

# Bromley-by-Bow, and points about 100 m, 1.5 km and 5 km east of it.
HERE = Point(-0.011, 51.524, srid=4326)
NEAR = Point(-0.0096, 51.524, srid=4326)
MID = Point(0.0106, 51.524, srid=4326)
FAR = Point(0.061, 51.524, srid=4326)


# --- The official schemas ----------------------------------------------------------------

FORMATS = jsonschema.FormatChecker()


# jsonschema checks "uri" and "date-time" only with optional packages we do not
# install; these stricter stand-ins make sure the formats are checked all the same.
@FORMATS.checks("uri", raises=ValueError)
def _is_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc) and " " not in value


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    return "T" in value and dt.datetime.fromisoformat(value).tzinfo is not None


@pytest.fixture(scope="module")
def registry():
    """Every ORUK 3.0 and HSDS 3.0 schema file, at the address the official OpenAPI
    documents give it, so their $refs to one another resolve offline."""
    resources = []
    for base, folder in ((ORUK_BASE, "oruk-3.0-profile/schema"), (HSDS_BASE, "hsds-3.0/schema")):
        for file in sorted((SCHEMAS / folder).rglob("*.json")):
            uri = base + file.relative_to(SCHEMAS / folder).as_posix()
            resources.append((uri, DRAFT202012.create_resource(json.loads(file.read_text()))))
    return Registry().with_resources(resources)


def assert_valid(registry, document, schema_uri: str):
    validator = jsonschema.Draft202012Validator(
        {"$ref": schema_uri}, registry=registry, format_checker=FORMATS
    )
    errors = [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator.iter_errors(document)
    ]
    assert not errors, "\n".join(errors)


def assert_valid_response(registry, document, path: str):
    """`document` against the 200 response the ORUK OpenAPI document gives `path`."""
    pointer = path.replace("~", "~0").replace("/", "~1")
    assert_valid(
        registry,
        document,
        f"{ORUK_BASE}openapi.json#/paths/{pointer}/get/responses/200/content/application~1json/schema",
    )


# --- Helpers -----------------------------------------------------------------------------


def get(client, path, **params):
    response = client.get(f"{FEED}{path}", params)
    assert response["Access-Control-Allow-Origin"] == "*"
    return response


def ok(client, path, **params) -> dict:
    response = get(client, path, **params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def names(page: dict) -> list[str]:
    return [
        item["service"]["name"] if "service" in item else item["name"] for item in page["contents"]
    ]


@pytest.fixture
def full_asset(db):
    """An asset with every field we publish filled in."""
    parent = CategoryFactory(name="Moving more", description="Being active.")
    child = CategoryFactory(name="Riverside walks", parent=parent)
    organisation = OrganisationFactory(
        name="Bromley by Bow Centre",
        description="A community centre with a GP practice in it.",
        website="https://example.org/bbbc",
        email="hello@example.org",
        phone="020 7946 0000",
        charity_number="1234567",
    )
    asset = AssetFactory(
        name="Riverside Walking Group",
        description="Gentle walks along the Lea, then tea.",
        organisation=organisation,
        categories=[child],
        website="https://example.org/walks",
        email="walks@example.org",
        phone="020 7946 0001",
        contact_name="Rahima",
        cost=Cost.LOW_COST,
        cost_description="£2 a session, free for carers.",
        accessibility=[AccessibilityFeature.STEP_FREE, AccessibilityFeature.HEARING_LOOP],
        accessibility_notes="A lift to the first floor.",
        languages=["en", "bn", "syl"],
        audience="Adults",
        age_min=18,
        age_max=65,
        assured_date=dt.date(2026, 1, 15),
        address="Bromley by Bow Centre, St Leonard's Street, London",
        postcode="E3 3BT",
        location=NEAR,
    )
    RecurringSessionFactory(
        asset=asset,
        weekday=Weekday.TUESDAY,
        opens_at=dt.time(10, 0),
        closes_at=dt.time(12, 0),
        valid_from=dt.date(2026, 1, 1),
    )
    RecurringSessionFactory(
        asset=asset,
        frequency=Frequency.MONTHLY,
        week_of_month=WeekOfMonth.LAST,
        weekday=Weekday.FRIDAY,
        opens_at=dt.time(18, 0),
        closes_at=dt.time(20, 30),
        valid_to=dt.date(2099, 12, 31),
        note="Bring a torch in winter.",
    )
    return asset


@pytest.fixture
def empty_asset(db):
    """An asset with every optional field empty: online only, no organisation, no
    categories, no sessions, no contact, no ages."""
    return AssetFactory(
        name="Online peer support",
        description="",
        online_only=True,
        location=None,
        postcode="",
        address="",
    )


def service_id(asset) -> str:
    return oruk.oruk_id("asset", asset.pk)


# --- Schemas -----------------------------------------------------------------------------


def test_root_gives_version_profile_and_openapi_url(client, registry):
    root = ok(client, "/")
    assert_valid_response(registry, root, "/")
    assert root == {
        "version": "3.0",
        "profile": oruk.PROFILE_URL,
        "openapi_url": oruk.OPENAPI_URL,
    }


def test_every_endpoint_validates_against_the_official_schemas(
    client, registry, full_asset, empty_asset
):
    address_only = AssetFactory(name="Address only", location=None, address="1 High Street")
    assets = [full_asset, empty_asset, address_only]

    services = ok(client, "/services")
    assert_valid_response(registry, services, "/services")
    assert {item["id"] for item in services["contents"]} == {service_id(a) for a in assets}
    for item in services["contents"]:
        detail = ok(client, f"/services/{item['id']}")
        assert_valid_response(registry, detail, "/services/{id}")
        assert_valid(registry, detail, f"{HSDS_BASE}service.json")

    places = ok(client, "/service_at_locations")
    assert_valid_response(registry, places, "/service_at_locations")
    assert names(places) == ["Address only", "Riverside Walking Group"]

    taxonomies = ok(client, "/taxonomies")
    assert_valid_response(registry, taxonomies, "/taxonomies")
    taxonomy = ok(client, f"/taxonomies/{taxonomies['contents'][0]['id']}")
    assert_valid_response(registry, taxonomy, "/taxonomies/{id}")

    terms = ok(client, "/taxonomy_terms", per_page=200)
    assert_valid_response(registry, terms, "/taxonomy_terms")
    assert terms["total_items"] == Category.objects.count()
    for category in full_asset.categories.all() | Category.objects.filter(parent=None)[:1]:
        term = ok(client, f"/taxonomy_terms/{oruk.oruk_id('category', category.pk)}")
        assert_valid_response(registry, term, "/taxonomy_terms/{id}")


@pytest.mark.parametrize(
    ("path", "breakage"),
    [
        ("/services/{id}", lambda doc: doc.pop("status")),
        ("/services/{id}", lambda doc: doc["schedules"][0].update(freq="DAILY")),
        ("/services/{id}", lambda doc: doc["organization"].update(website="example.org")),
        ("/services/{id}", lambda doc: doc.update(last_modified="yesterday")),
        ("/services/{id}", lambda doc: doc.update(description=None)),
        ("/services/{id}", lambda doc: doc["service_at_locations"][0]["location"].pop("id")),
        ("/services/{id}", lambda doc: doc["attributes"][0]["taxonomy_term"].update(id="7")),
        ("/services", lambda doc: doc["contents"][0].update(id="not-a-uuid")),
        ("/services", lambda doc: doc.update(total_items="1")),
        ("/", lambda doc: doc.update(openapi_url="openapi.json")),
    ],
)
def test_the_schema_check_catches_a_broken_document(client, registry, full_asset, path, breakage):
    document = ok(client, path.replace("{id}", service_id(full_asset)))
    assert_valid_response(registry, document, path)
    breakage(document)
    with pytest.raises(AssertionError):
        assert_valid_response(registry, document, path)


def test_full_asset_publishes_every_field(client, full_asset):
    service = ok(client, f"/services/{service_id(full_asset)}")
    sid = service_id(full_asset)

    assert service["name"] == "Riverside Walking Group"
    assert service["status"] == "active"
    assert (service["url"], service["email"]) == ("https://example.org/walks", "walks@example.org")
    assert (service["minimum_age"], service["maximum_age"]) == (18, 65)
    assert service["assured_date"] == "2026-01-15"
    assert service["last_modified"].endswith("Z")

    organisation = service["organization"]
    assert service["organization_id"] == organisation["id"]
    assert organisation["name"] == "Bromley by Bow Centre"
    assert organisation["organization_identifiers"][0]["identifier_scheme"] == "GB-CHC"
    assert organisation["organization_identifiers"][0]["identifier"] == "1234567"

    weekly, monthly = service["schedules"]
    assert weekly | {"id": None} == {
        "id": None,
        "service_id": sid,
        "valid_from": "2026-01-01",
        "freq": "WEEKLY",
        "interval": 1,
        "byday": "TU",
        "wkst": "MO",
        "opens_at": "10:00",
        "closes_at": "12:00",
        "description": "Tuesday, 10:00–12:00 (UK time)",
    }
    assert (monthly["freq"], monthly["byday"]) == ("MONTHLY", "-1FR")
    assert (monthly["opens_at"], monthly["closes_at"]) == ("18:00", "20:30")
    assert monthly["valid_to"] == "2099-12-31"
    assert monthly["notes"] == "Bring a torch in winter."

    (place,) = service["service_at_locations"]
    location = place["location"]
    assert (place["service_id"], place["location_id"]) == (sid, location["id"])
    assert (location["latitude"], location["longitude"]) == (51.524, -0.0096)
    (address,) = location["addresses"]
    assert address["address_1"] == "Bromley by Bow Centre, St Leonard's Street, London"
    assert (address["postal_code"], address["country"]) == ("E3 3BT", "GB")
    assert [a["description"] for a in location["accessibility"]] == [
        "Step-free access",
        "Hearing loop",
        "A lift to the first floor.",
    ]

    assert [(lang["code"], lang["name"]) for lang in service["languages"]] == [
        ("en", "English"),
        ("bn", "Bengali"),
        ("syl", "Sylheti"),
    ]
    (cost,) = service["cost_options"]
    assert (cost["option"], cost["amount_description"]) == (
        "Low cost",
        "£2 a session, free for carers.",
    )
    assert "amount" not in cost
    (contact,) = service["contacts"]
    assert (contact["name"], contact["email"]) == ("Rahima", "walks@example.org")
    assert contact["phones"][0]["number"] == "020 7946 0001"

    (attribute,) = service["attributes"]
    term = attribute["taxonomy_term"]
    parent = Category.objects.get(name="Moving more")
    assert attribute["taxonomy_term_id"] == term["id"]
    assert term["name"] == "Riverside walks"
    assert term["parent_id"] == oruk.oruk_id("category", parent.pk)
    assert term["taxonomy_id"] == oruk.TAXONOMY_ID


def test_empty_asset_leaves_optional_fields_out(client, empty_asset):
    service = ok(client, f"/services/{service_id(empty_asset)}")
    assert service == {
        "id": service_id(empty_asset),
        "name": "Online peer support",
        "status": "active",
        "last_modified": service["last_modified"],
        "schedules": [],
        "service_areas": [],
        "service_at_locations": [],
        "languages": [],
        "funding": [],
        "cost_options": [
            {
                "id": oruk.oruk_id("cost_option", empty_asset.pk),
                "service_id": service_id(empty_asset),
                "option": "Free",
                "amount": 0,
                "currency": "GBP",
            }
        ],
        "contacts": [],
        "attributes": [],
    }
    assert ok(client, "/service_at_locations")["total_items"] == 0


def test_taxonomy_lists_our_one_taxonomy_with_its_terms(client, full_asset):
    taxonomies = ok(client, "/taxonomies")
    assert taxonomies["total_items"] == 1
    assert taxonomies["contents"][0]["id"] == oruk.TAXONOMY_ID
    taxonomy = ok(client, f"/taxonomies/{oruk.TAXONOMY_ID}")
    assert len(taxonomy["taxonomy_terms"]) == Category.objects.count()


# --- Ids and visibility ------------------------------------------------------------------


def test_ids_are_stable_version_5_uuids_that_read_back():
    made = oruk.oruk_id("asset", 42)
    assert made == oruk.oruk_id("asset", 42)
    assert uuid.UUID(made).version == 5
    assert oruk.pk_of("asset", made) == 42
    assert oruk.pk_of("asset", made.upper()) == 42
    assert oruk.pk_of("organisation", made) is None  # another kind's id
    assert oruk.pk_of("asset", oruk.oruk_id("organisation", 42)) is None
    assert oruk.pk_of("asset", str(uuid.uuid4())) is None
    assert oruk.pk_of("asset", "42") is None
    assert len({oruk.oruk_id("language", 1, code) for code in ("en", "bn")}) == 2


def test_drafts_and_archived_assets_never_appear(client, db):
    shown = AssetFactory(name="Published")
    hidden = [
        AssetFactory(name=f"Not published {status}", status=status)
        for status in (Status.DRAFT, Status.PENDING_REVIEW, Status.ARCHIVED)
    ]
    assert names(ok(client, "/services")) == ["Published"]
    assert names(ok(client, "/service_at_locations")) == ["Published"]
    assert ok(client, "/services", search="published")["total_items"] == 1
    ok(client, f"/services/{service_id(shown)}")
    for asset in hidden:
        response = get(client, f"/services/{service_id(asset)}")
        assert response.status_code == 404
        assert response.json() == {"detail": oruk_views().NOT_FOUND}


def oruk_views():
    from assetmap import openreferral_views

    return openreferral_views


@pytest.mark.parametrize(
    "path",
    [
        "/services/not-a-uuid",
        f"/services/{uuid.uuid4()}",
        f"/services/{oruk.oruk_id('asset', 999_999)}",
        f"/taxonomies/{uuid.uuid4()}",
        f"/taxonomy_terms/{uuid.uuid4()}",
        "/taxonomy_terms/1",
        "/organizations",
        "/nothing/here",
    ],
)
def test_unknown_or_malformed_id_is_a_json_404(client, db, path):
    response = get(client, path)
    assert response.status_code == 404
    assert response.json() == {"detail": oruk_views().NOT_FOUND}


def test_an_organisation_id_is_not_a_service_id(client, full_asset):
    organisation_id = oruk.oruk_id("organisation", full_asset.organisation_id)
    assert get(client, f"/services/{organisation_id}").status_code == 404


def test_paths_accept_a_trailing_slash(client, full_asset):
    assert ok(client, "/services/")["total_items"] == 1
    assert ok(client, f"/services/{service_id(full_asset)}/")["name"] == full_asset.name


# --- Filters -----------------------------------------------------------------------------


def test_search_finds_a_stemmed_word(client, full_asset):
    AssetFactory(name="Knitting circle", description="Needles and wool.")
    page = ok(client, "/services", search="walks")
    assert names(page) == ["Riverside Walking Group"]
    assert names(ok(client, "/service_at_locations", search="walking")) == [full_asset.name]


def test_taxonomy_term_finds_the_term_and_its_sub_categories(client, full_asset):
    child = full_asset.categories.get()
    AssetFactory(name="Uncategorised")
    other = AssetFactory(name="Other term", categories=[CategoryFactory()])
    for term in (child, child.parent):
        term_id = oruk.oruk_id("category", term.pk)
        assert names(ok(client, "/services", taxonomy_term_id=term_id)) == [full_asset.name]
    other_id = oruk.oruk_id("category", other.categories.get().pk)
    assert names(ok(client, "/service_at_locations", taxonomy_term_id=other_id)) == ["Other term"]
    assert ok(client, "/services", taxonomy_term_id=str(uuid.uuid4()))["total_items"] == 0


def test_taxonomy_id_finds_assets_with_any_term(client, full_asset, empty_asset):
    assert names(ok(client, "/services", taxonomy_id=oruk.TAXONOMY_ID)) == [full_asset.name]
    assert ok(client, "/services", taxonomy_id=str(uuid.uuid4()))["total_items"] == 0


@pytest.mark.parametrize("day", ["TU", "tu", "Tuesday", "FR", "friday"])
def test_day_finds_weekly_and_monthly_sessions(client, full_asset, empty_asset, day):
    assert names(ok(client, "/services", day=day)) == [full_asset.name]


def test_day_ignores_sessions_that_have_ended(client, db):
    asset = AssetFactory(name="Ended")
    RecurringSessionFactory(asset=asset, weekday=Weekday.MONDAY, valid_to=dt.date(2020, 1, 1))
    assert ok(client, "/services", day="MO")["total_items"] == 0
    assert ok(client, "/services", day="TU")["total_items"] == 0


def test_start_and_end_times_must_fit_one_session(client, full_asset):
    # Tuesday 10:00-12:00 weekly; last Friday 18:00-20:30.
    def found(**params):
        return ok(client, "/services", **params)["total_items"] == 1

    assert found(start_time="09:30")
    assert found(start_time="18:00")
    assert not found(start_time="18:30")
    assert found(end_time="12:00")
    assert not found(end_time="11:00")
    assert found(start_time="09:00", end_time="12:00", day="TU")
    assert not found(start_time="17:00", end_time="21:00", day="TU")  # that is the Friday one
    assert found(start_time="17:00", end_time="21:00:00", day="FR")


def test_ages_follow_the_profile(client, db):
    AssetFactory(name="Adults", age_min=18, age_max=65)
    AssetFactory(name="All ages")
    AssetFactory(name="Children", age_min=5, age_max=11)
    assert names(ok(client, "/services", minimum_age=16)) == ["Adults"]
    assert names(ok(client, "/services", minimum_age=0)) == ["Adults", "All ages", "Children"]
    assert names(ok(client, "/services", maximum_age=12)) == ["Children"]
    assert names(ok(client, "/services", minimum_age="4.5", maximum_age=70)) == [
        "Adults",
        "Children",
    ]


@pytest.fixture
def postcodes(db):
    Postcode.objects.create(postcode="E3 3ES", location=HERE)
    Postcode.objects.create(postcode="E1 6AN", location=Point(-0.075, 51.52, srid=4326))


def test_postcode_and_proximity_limit_and_order_by_distance(client, postcodes):
    AssetFactory(name="A far", location=FAR)
    AssetFactory(name="B mid", location=MID)
    AssetFactory(name="C near", location=NEAR)
    AssetFactory(name="D no point", location=None, address="1 High Street")
    AssetFactory(name="E online", location=None, postcode="", online_only=True)

    within = ok(client, "/service_at_locations", postcode="e33es", proximity="2000")
    assert names(within) == ["C near", "B mid"]
    assert names(ok(client, "/service_at_locations", postcode="E3 3ES", proximity=150)) == [
        "C near"
    ]
    everywhere = ok(client, "/service_at_locations", postcode="E3 3ES")
    assert names(everywhere) == ["C near", "B mid", "A far", "D no point"]
    services = ok(client, "/services", postcode="E3 3ES", proximity="6000")
    assert names(services) == ["C near", "B mid", "A far"]
    huge = ok(client, "/service_at_locations", postcode="E3 3ES", proximity="1e9")
    assert names(huge) == ["C near", "B mid", "A far"]


def test_postcode_combines_with_search(client, postcodes, full_asset):
    AssetFactory(name="Walking football", location=FAR)
    page = ok(client, "/service_at_locations", postcode="E3 3ES", search="walking")
    assert names(page) == ["Riverside Walking Group", "Walking football"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"postcode": "E9 9ZZ"}, "postcode"),  # well formed, not in the directory
        ({"postcode": "not a postcode"}, "postcode"),
        ({"postcode": "E3 3ES", "proximity": "near"}, "proximity"),
        ({"postcode": "E3 3ES", "proximity": "0"}, "proximity"),
        ({"postcode": "E3 3ES", "proximity": "-5"}, "proximity"),
        ({"postcode": "E3 3ES", "proximity": "nan"}, "proximity"),
        ({"proximity": "1000"}, "proximity"),
        ({"day": "someday"}, "day"),
        ({"start_time": "10am"}, "start_time"),
        ({"end_time": "25:00"}, "end_time"),
        ({"minimum_age": "old"}, "minimum_age"),
        ({"maximum_age": "-1"}, "maximum_age"),
        ({"taxonomy_term_id": "walking"}, "taxonomy_term_id"),
        ({"taxonomy_id": "needs"}, "taxonomy_id"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "-3"}, "per_page"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client, postcodes, params, parameter):
    for endpoint in ("/services", "/service_at_locations"):
        response = get(client, endpoint, **params)
        assert response.status_code == 400
        body = response.json()
        assert list(body) == [parameter]
        assert body[parameter][0]


def test_postcode_error_gives_the_reason(client, postcodes):
    response = get(client, "/service_at_locations", postcode="E9 9ZZ")
    assert "E9 9ZZ" in response.json()["postcode"][0]


# --- Paging ------------------------------------------------------------------------------


def test_pages_follow_the_profile_shape(client, db):
    for letter in "ABCDE":
        AssetFactory(name=f"Asset {letter}")
    first = ok(client, "/services", per_page=2)
    assert {key: value for key, value in first.items() if key != "contents"} == {
        "total_items": 5,
        "total_pages": 3,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    assert names(first) == ["Asset A", "Asset B"]
    middle = ok(client, "/services", per_page=2, page=2)
    assert (middle["first_page"], middle["last_page"], names(middle)) == (
        False,
        False,
        ["Asset C", "Asset D"],
    )
    last = ok(client, "/services", per_page=2, page=3)
    assert (last["size"], last["last_page"], names(last)) == (1, True, ["Asset E"])
    beyond = ok(client, "/services", per_page=2, page=4)
    assert (beyond["size"], beyond["empty"], beyond["contents"]) == (0, True, [])
    huge = ok(client, "/services", page="99999999999999999999")
    assert huge["contents"] == []


def test_per_page_is_capped(client, db, monkeypatch):
    monkeypatch.setattr(oruk, "MAX_PER_PAGE", 2)
    for letter in "ABC":
        AssetFactory(name=f"Asset {letter}")
    page = ok(client, "/services", per_page=100)
    assert (page["size"], page["total_pages"], page["last_page"]) == (2, 2, False)


def test_an_empty_result_is_one_empty_first_and_last_page(client, db):
    page = ok(client, "/services")
    assert page == {
        "total_items": 0,
        "total_pages": 0,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }


# --- Queries -----------------------------------------------------------------------------


@pytest.fixture
def fifty_assets(db, postcodes):
    organisation = OrganisationFactory()
    categories = [CategoryFactory(), CategoryFactory()]
    for n in range(50):
        asset = AssetFactory(
            name=f"Asset {n:02d}", organisation=organisation, categories=categories, location=NEAR
        )
        RecurringSessionFactory(asset=asset)
    return Asset.objects.all()


def test_a_page_of_fifty_takes_a_fixed_number_of_queries(
    client, fifty_assets, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):  # the count and the page
        assert ok(client, "/services")["size"] == 50
    with django_assert_max_num_queries(2):
        assert ok(client, "/service_at_locations", per_page=50)["size"] == 50
    with django_assert_max_num_queries(3):  # and the postcode
        page = ok(client, "/service_at_locations", postcode="E3 3ES", proximity=500, day="TU")
        assert page["size"] == 50
    with django_assert_max_num_queries(2):
        assert ok(client, "/taxonomy_terms", per_page=50)["size"] == 50


def test_a_full_service_takes_a_fixed_number_of_queries(
    client, full_asset, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):  # the asset, its sessions, its categories
        ok(client, f"/services/{service_id(full_asset)}")


# --- HTTP --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_refused_with_a_json_405(db, method):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(f"{FEED}/services", data={}, content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {"detail": oruk_views().METHOD_NOT_ALLOWED}


def test_preflight_allows_any_origin_to_read(client, db):
    response = client.options(f"{FEED}/services", HTTP_ORIGIN="https://example.org")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


def test_head_answers_without_a_body(client, full_asset):
    response = client.head(f"{FEED}/services/{service_id(full_asset)}")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.content == b""


def test_feed_needs_no_sign_in_and_survives_the_middleware(client, full_asset):
    response = get(client, "/services")
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert "Set-Cookie" not in response
