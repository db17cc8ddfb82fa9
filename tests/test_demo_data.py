"""The demo dataset (`load_demo`) and its logins (`demo_accounts`).

The demo is loaded once for this module and committed, then removed when the module
ends; each test runs in its own transaction, so the tests that delete or reload data
leave the shared copy as it was.
"""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from assetmap.demo import DEMO_LABEL, DEMO_NOTES, DEMO_PASSWORD
from assetmap.demo.accounts import DEMO_ACCOUNTS
from assetmap.models import (
    Asset,
    AssetKind,
    Category,
    Frequency,
    Organisation,
    Postcode,
    RecurringSession,
    Status,
    WeekOfMonth,
)
from assetmap.services import asset_save
from networks.models import (
    Connection,
    Discovery,
    ListeningEvent,
    Network,
    Practice,
    Story,
    Theme,
    WishlistItem,
)
from volunteers.models import (
    CoordinatorAssignment,
    CreditEntry,
    HoursEntry,
    Opportunity,
    SafeguardingCheck,
    SpendPartner,
    SurveyResponse,
    Volunteer,
)

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _load(**options) -> str:
    out = io.StringIO()
    call_command("load_demo", force=True, stdout=out, **options)
    return out.getvalue()


def _delete_everything() -> None:
    # Volunteering and the programme's work first: they refer to networks and assets.
    CreditEntry.objects.update(counterpart=None)  # gifts protect their other half
    for model in (
        SurveyResponse,
        CreditEntry,
        HoursEntry,
        SafeguardingCheck,
        Volunteer,
        Opportunity,
        SpendPartner,
        CoordinatorAssignment,
        Discovery,
        Story,
        ListeningEvent,
        Connection,
        WishlistItem,
        Theme,
    ):
        model.objects.all().delete()
    # Quickly: Asset.objects.all().delete() would write a history row per asset.
    Asset.categories.through.objects.all().delete()
    RecurringSession.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM assetmap_asset")
    Asset.history.model.objects.all().delete()
    Postcode.objects.all().delete()
    Practice.objects.all().delete()
    Network.objects.all().delete()
    Organisation.objects.all().delete()
    get_user_model().objects.filter(username__startswith="demo-").delete()


def _fingerprint() -> dict:
    """What must be identical between two loads: slugs, points and sessions."""
    return {
        "assets": sorted(
            (a.slug, a.location and (a.location.x, a.location.y), a.status, a.kind)
            for a in Asset.objects.all()
        ),
        "sessions": sorted(
            RecurringSession.objects.values_list(
                "asset__slug", "frequency", "weekday", "week_of_month", "opens_at", "closes_at"
            )
        ),
        "practices": sorted(
            (p.ods_code, p.location.x, p.location.y, p.network.slug)
            for p in Practice.objects.select_related("network")
        ),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        output = _load()
        yield output
        _delete_everything()


def _sql(query: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query)
        return cursor.fetchall()


@pytest.mark.django_db
def test_load_demo_prints_a_summary(demo):
    assert re.search(r"\b8 GP networks", demo)
    assert re.search(r"\d+ assets \(\d+ draft, \d+ pending review, \d+ published", demo)
    assert "recurring sessions" in demo
    assert f"{len(DEMO_ACCOUNTS)} demo accounts" in demo


@pytest.mark.django_db
def test_load_demo_draws_at_least_six_valid_networks_that_tile_without_overlaps(demo):
    assert Network.objects.count() >= 6
    assert all(network.boundary.valid for network in Network.objects.all())
    overlapping = _sql(
        "SELECT a.slug, b.slug FROM networks_network a JOIN networks_network b ON a.id < b.id "
        "WHERE ST_Overlaps(a.boundary, b.boundary) "
        "OR ST_Area(ST_Intersection(a.boundary, b.boundary)) > 1e-12"
    )
    assert overlapping == []
    # Together they make one area with no holes: no gaps inside the borough.
    [(parts, holes)] = _sql(
        "SELECT ST_NumGeometries(u), ST_NumInteriorRings(ST_GeometryN(u, 1)) "
        "FROM (SELECT ST_Union(boundary) AS u FROM networks_network) AS borough"
    )
    assert (parts, holes) == (1, 0)


@pytest.mark.django_db
def test_every_network_says_its_boundary_is_a_demo_approximation(demo):
    for network in Network.objects.all():
        assert "not the official" in network.description
        assert 8 <= network.boundary.num_coords - 1 <= 16


@pytest.mark.django_db
def test_load_demo_places_every_practice_inside_its_own_network(demo):
    practices = list(Practice.objects.select_related("network"))
    assert len(practices) >= 24
    for practice in practices:
        assert re.fullmatch(r"Y9\d{4}", practice.ods_code)
        assert practice.network.boundary.contains(practice.location), practice.name
        assert practice.postcode.startswith("E")


@pytest.mark.django_db
def test_load_demo_covers_every_top_level_category_and_every_kind(demo):
    assert Asset.objects.count() >= 320
    for top in Category.objects.filter(parent__isnull=True):
        assert Asset.objects.filter(categories__parent=top).distinct().count() >= 3, top.name
    for kind in AssetKind.values:
        assert Asset.objects.filter(kind=kind).exists(), kind
    for status in Status.values:
        assert Asset.objects.filter(status=status).exists(), status
    category_counts = [asset.categories.count() for asset in Asset.objects.all()]
    assert min(category_counts) >= 1
    assert max(category_counts) <= 3


@pytest.mark.django_db
def test_published_assets_never_list_an_individuals_skills(demo):
    assert Asset.objects.filter(kind=AssetKind.INDIVIDUAL_SKILLS).exists()
    assert not Asset.objects.published().filter(kind=AssetKind.INDIVIDUAL_SKILLS).exists()


@pytest.mark.django_db
def test_load_demo_includes_weekly_and_last_weekday_of_the_month_sessions(demo):
    sessions = RecurringSession.objects.all()
    assert sessions.filter(frequency=Frequency.WEEKLY).exists()
    assert sessions.filter(frequency=Frequency.MONTHLY, week_of_month=WeekOfMonth.LAST).exists()
    assert sessions.filter(valid_from__isnull=False, valid_to__isnull=False).exists()
    assert not sessions.filter(opens_at__lt=dt.time(7)).exists()
    assert not sessions.filter(closes_at__gt=dt.time(21)).exists()


@pytest.mark.django_db
def test_each_located_asset_has_the_network_whose_boundary_covers_it(demo):
    mismatched = _sql(
        "SELECT a.slug FROM assetmap_asset a WHERE a.location IS NOT NULL AND "
        "a.network_id IS DISTINCT FROM (SELECT n.id FROM networks_network n "
        "WHERE ST_Covers(n.boundary, a.location))"
    )
    assert mismatched == []
    outside = Asset.objects.filter(location__isnull=False, network__isnull=True)
    assert outside.count() >= 5
    assert all(DEMO_LABEL in asset.description for asset in outside)


@pytest.mark.django_db
def test_the_demo_postcodes_lead_to_a_search_near_them(demo):
    asset = Asset.objects.filter(location__isnull=False).exclude(postcode="").last()

    point = Postcode.objects.point_of(asset.postcode.replace(" ", "").lower())

    # The first demo place with an (invented) postcode stands for it.
    assert Asset.objects.filter(postcode=asset.postcode).near(point, 1).exists() or (
        Practice.objects.filter(postcode=asset.postcode, location=point).exists()
    )
    assert Postcode.objects.count() >= 100


@pytest.mark.django_db
def test_online_only_assets_have_no_point_and_no_network(demo):
    online = Asset.objects.filter(online_only=True)
    assert online.count() >= 5
    assert not online.filter(location__isnull=False).exists()
    assert not online.filter(network__isnull=False).exists()


@pytest.mark.django_db
def test_every_demo_listing_and_organisation_is_labelled_as_demo(demo):
    for asset in Asset.objects.all():
        assert asset.description.endswith(DEMO_LABEL), asset.slug
        assert asset.internal_notes.startswith(DEMO_NOTES), asset.slug
    assert Organisation.objects.count() >= 30
    assert not Organisation.objects.exclude(description__contains="Demo").exists()


@pytest.mark.django_db
def test_demo_contacts_use_reserved_addresses_and_numbers(demo):
    for asset in Asset.objects.exclude(email=""):
        assert asset.email.endswith("@example.org")
    for asset in Asset.objects.exclude(phone=""):
        assert re.fullmatch(r"020 7946 0\d{3}", asset.phone)
    for asset in Asset.objects.exclude(website=""):
        assert asset.website.startswith("https://example.org/")


@pytest.mark.django_db
def test_some_published_assets_are_stale_and_checks_are_by_demo_users(demo):
    published = Asset.objects.published()
    assert published.stale().exists()
    assert published.exclude(pk__in=published.stale()).exists()
    checkers = set(published.values_list("assured_by__username", flat=True))
    assert checkers and all(name.startswith("demo-") for name in checkers)


@pytest.mark.django_db
def test_demo_accounts_are_in_their_role_groups_and_can_sign_in(demo, client):
    for account in DEMO_ACCOUNTS:
        user = get_user_model().objects.get(username=account.username)
        groups = set(user.groups.values_list("name", flat=True))
        assert groups == ({account.role.value} if account.role else set())
        assert (user.is_staff, user.is_superuser) == (account.is_staff, account.is_superuser)
        assert client.login(username=account.username, password=DEMO_PASSWORD)
        client.logout()


@pytest.mark.django_db
def test_load_demo_gives_the_same_data_every_time(demo):
    first = _fingerprint()
    _delete_everything()
    assert Asset.objects.count() == 0

    output = _load(if_empty=True)

    assert "Loaded the Tower Hamlets demo" in output
    assert _fingerprint() == first


@pytest.mark.django_db
def test_load_demo_if_empty_leaves_an_existing_database_untouched(demo):
    before = (Asset.objects.count(), RecurringSession.objects.count(), Network.objects.count())

    output = _load(if_empty=True)

    assert "Demo data is already there" in output
    after = (Asset.objects.count(), RecurringSession.objects.count(), Network.objects.count())
    assert after == before


@pytest.mark.django_db
def test_load_demo_without_if_empty_refuses_a_database_with_assets(demo):
    with pytest.raises(CommandError, match="fresh database"):
        _load()


@pytest.mark.django_db
def test_load_demo_refuses_when_debug_is_off_without_force(demo, settings):
    settings.DEBUG = False
    before = Asset.objects.count()

    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo", if_empty=True, stdout=io.StringIO())
    assert Asset.objects.count() == before


@pytest.mark.django_db
def test_demo_accounts_command_lists_the_logins_and_where_to_sign_in(demo):
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)

    for account in DEMO_ACCOUNTS:
        assert account.username in out.getvalue()
    assert "Network lead" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()
    assert "Sign in at http://127.0.0.1:8000/admin/" in out.getvalue()


@pytest.mark.django_db
def test_demo_accounts_command_says_where_the_site_runs(demo):
    out = io.StringIO()
    call_command("demo_accounts", "--site-url", "http://127.0.0.1:8011", stdout=out)

    assert "Sign in at http://127.0.0.1:8011/admin/" in out.getvalue()


@pytest.mark.django_db
def test_demo_accounts_command_lists_only_accounts_that_exist(demo):
    get_user_model().objects.filter(username="demo-admin").delete()
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    assert "demo-lead" in out.getvalue()
    assert "demo-admin" not in out.getvalue()

    get_user_model().objects.filter(username__startswith="demo-").delete()
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    assert out.getvalue().strip() == "No demo accounts in this database."


@pytest.mark.django_db
def test_every_demo_listing_starts_with_a_created_history_entry(demo):
    assert Asset.history.filter(history_type="+").count() == Asset.objects.count()
    asset = Asset.objects.published().first()
    asset.name = f"{asset.name} (renamed)"
    asset_save(asset=asset)

    newest, created = asset.history.order_by("-history_date")[:2]
    changes = newest.diff_against(created).changed_fields
    assert changes == ["name"]


@pytest.mark.django_db
def test_the_demo_shows_the_programme_at_work_in_every_network(demo):
    for network in Network.objects.all():
        assert network.events.filter(is_published=True).exists()
        assert network.wishlist.exists()
    assert Story.objects.published().exists()
    assert Story.objects.exclude(consent="named").filter(is_published=True).exists()
    assert Connection.objects.exists()
    found = Asset.objects.filter(provenance="listening_event")
    assert found.exists()
    assert not found.filter(found_at_events=None).exists()
    facilitator = get_user_model().objects.get(username="demo-facilitator")
    assert facilitator.facilitated_networks.count() == 2


@pytest.mark.django_db
def test_the_demo_has_a_year_of_volunteering_that_obeys_the_ledger(demo):
    from volunteers.services import credit_balance

    assert Volunteer.objects.count() == 40
    approved = HoursEntry.objects.filter(status="approved")
    assert approved.count() > 120
    assert HoursEntry.objects.filter(status="pending").exists()
    assert HoursEntry.objects.filter(status="rejected").exists()
    # Every approved entry earned exactly its hours, and nothing else was earned.
    earned = CreditEntry.objects.filter(kind="earn")
    assert earned.count() == approved.count()
    assert sum(e.amount for e in earned) == sum(e.hours for e in approved)
    assert CreditEntry.objects.filter(kind="spend").exists()
    assert CreditEntry.objects.filter(kind="gift").exists()
    assert all(credit_balance(volunteer=v) >= 0 for v in Volunteer.objects.all())
    assert SurveyResponse.objects.count() > 50
    assert SafeguardingCheck.objects.exists()


@pytest.mark.django_db
def test_the_demo_volunteer_login_sees_its_own_record(demo, client):
    client.login(username="demo-volunteer", password=DEMO_PASSWORD)
    response = client.get("/volunteering/me/")
    assert response.status_code == 200
    assert b"My hours" in response.content
