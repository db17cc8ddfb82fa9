"""Load the demo dataset in one transaction, with bulk inserts."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from assetmap.demo import geography
from assetmap.demo.accounts import demo_accounts_create
from assetmap.demo.builder import DemoBuilder
from assetmap.demo.organisations import ORGANISATIONS
from assetmap.demo.programme import programme_load
from assetmap.demo.volunteering import volunteering_load
from assetmap.models import Asset, Category, Organisation, Postcode, RecurringSession
from networks.models import Network, Practice

BATCH = 500


@dataclass(frozen=True)
class DemoSummary:
    networks: int
    practices: int
    organisations: int
    assets_by_status: dict[str, int]
    sessions: int
    programme: dict[str, int]
    volunteering: dict[str, int]

    @property
    def assets(self) -> int:
        return sum(self.assets_by_status.values())


def demo_conflicts() -> list[str]:
    """Rows already in the database that the demo would clash with, described."""
    problems = []
    if Asset.objects.exists():
        problems.append(f"{Asset.objects.count()} assets")
    if Network.objects.exists():
        problems.append(f"{Network.objects.count()} GP networks")
    codes = [p.ods_code for p in geography.PRACTICES]
    if Practice.objects.filter(ods_code__in=codes).exists():
        problems.append("practices with the demo's ODS codes")
    if Organisation.objects.filter(slug__in=[slugify(o.name) for o in ORGANISATIONS]).exists():
        problems.append("organisations with the demo's names")
    return problems


@transaction.atomic
def demo_load(*, today: dt.date | None = None) -> DemoSummary:
    """Create the demo accounts, networks, practices, organisations, assets and sessions.

    Every object passes full_clean() before its bulk insert (and the database checks
    the constraints), so the demo obeys the same rules as data typed into the admin.
    Each asset starts with one "created" history entry, by demo-facilitator."""
    today = today or timezone.localdate()
    users = demo_accounts_create()
    builder = DemoBuilder(
        today=today,
        categories={c.name: c for c in Category.objects.filter(parent__isnull=False)},
        checkers=[users["demo-facilitator"], users["demo-lead"], users["demo-linkworker"]],
    )

    networks = builder.networks()
    _clean_all(networks)
    Network.objects.bulk_create(networks)

    practices = builder.practices(networks)
    _clean_all(practices)
    Practice.objects.bulk_create(practices)

    organisations = builder.organisations()
    _clean_all(organisations)
    Organisation.objects.bulk_create(organisations)

    planned = builder.assets(organisations)
    assets = [plan.asset for plan in planned]
    _clean_all(assets)
    Asset.objects.bulk_create(assets, batch_size=BATCH)

    Through = Asset.categories.through
    links = Through.objects.bulk_create(
        [
            Through(asset_id=plan.asset.pk, category_id=category.pk)
            for plan in planned
            for category in plan.categories
        ],
        batch_size=BATCH,
    )
    sessions = []
    for plan in planned:
        for session in plan.sessions:
            session.asset = plan.asset
            sessions.append(session)
    _clean_all(sessions)
    RecurringSession.objects.bulk_create(sessions, batch_size=BATCH)

    # The database works out each asset's network from its point, in one UPDATE.
    Asset.objects.all().assign_networks()
    # Bulk inserts skip the change history: give each listing its "created" entry, so
    # the first edit shows as a change from the demo's values.
    created = Asset.history.bulk_history_create(
        Asset.objects.filter(pk__in=[asset.pk for asset in assets]),
        batch_size=BATCH,
        default_user=users["demo-facilitator"],
        default_change_reason="Demo data loaded",
    )
    links_by_asset = defaultdict(list)
    for link in links:
        links_by_asset[link.asset_id].append(link)
    HistoricalCategories = apps.get_model("assetmap", "HistoricalAsset_categories")
    HistoricalCategories.objects.bulk_create(
        [
            HistoricalCategories(
                id=link.pk, history=record, asset_id=record.id, category_id=link.category_id
            )
            for record in created
            for link in links_by_asset[record.id]
        ],
        batch_size=BATCH,
    )

    _backdate_listings(today)
    _demo_postcodes([*practices, *assets])
    programme = programme_load(users=users, today=today)
    volunteering = volunteering_load(users=users, today=today)

    return DemoSummary(
        networks=len(networks),
        practices=len(practices),
        organisations=len(organisations),
        assets_by_status=dict(Counter(asset.status for asset in assets)),
        sessions=len(sessions),
        programme=programme,
        volunteering=volunteering,
    )


def _demo_postcodes(places: list) -> None:
    """The demo's invented postcodes as a small postcode directory (the first place
    with each postcode stands for it), so searching near a demo postcode works before
    a real directory is imported. Postcodes already in the table are kept."""
    points = {}
    for place in places:
        if place.postcode and place.location is not None:
            points.setdefault(place.postcode, place.location)
    Postcode.objects.bulk_create(
        [Postcode(postcode=code, location=point) for code, point in points.items()],
        ignore_conflicts=True,
        batch_size=BATCH,
    )


def _clean_all(objects: list) -> None:
    """full_clean() each object, leaving to the database what it checks anyway on
    insert: check constraints and foreign keys (which point at rows this transaction
    just made). Django would ask it with one query per row and rule."""
    if not objects:
        return
    relations = [f.name for f in objects[0]._meta.concrete_fields if f.is_relation]
    for obj in objects:
        obj.full_clean(exclude=relations, validate_constraints=False)


def _backdate_listings(today: dt.date) -> None:
    """Spread the listings' creation over the last two and a half years (never after
    their last check), so the board sees the map grow rather than appear in a day.
    Their "created" history entries move with them."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE assetmap_asset SET created_at = LEAST(
                %(today)s::date - ((id * 37) %% 900 + 20) * interval '1 day',
                COALESCE(assured_date, %(today)s::date) - interval '1 day'
            ) + interval '10 hours'
            """,
            {"today": today},
        )
        cursor.execute(
            """
            UPDATE assetmap_historicalasset h
            SET history_date = a.created_at
            FROM assetmap_asset a WHERE a.id = h.id
            """
        )
