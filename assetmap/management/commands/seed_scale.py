"""Synthetic published assets for benchmarks, loaded with PostgreSQL COPY.

    manage.py seed_scale --assets 100000 [--clear]

Asset number n is always the same asset (its random generator is seeded with n), so
runs are repeatable however they are split. Slugs are "scale-000123"; everything
else about a scale asset is plausible but meaningless. Points cover Greater London,
denser towards the centre, with about one in six inside the Tower Hamlets box, so map
and search benchmarks over the borough have ~15,000 of every 100,000 to work with.
"""

import datetime as dt
import io
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from assetmap.models import (
    AccessibilityFeature,
    Asset,
    AssetKind,
    Category,
    Cost,
    Focus,
    Provenance,
    RecurringSession,
    Status,
    WeekOfMonth,
)
from networks.models import Network
from volunteers.indicators import indicators_stale_from

SLUG_PREFIX = "scale-"
SCALE_SLUG = r"^scale-[0-9]+$"  # "scale-model-railway" is somebody's real listing
CHUNK = 25_000

GREATER_LONDON = (-0.51, 51.29, 0.33, 51.69)  # west, south, east, north
TOWER_HAMLETS = (-0.080, 51.486, -0.010, 51.545)
TOWER_HAMLETS_SHARE = 0.12

# Words for names and descriptions, so full-text search benchmarks find something.
WORDS = [
    "walking",
    "football",
    "lunch",
    "coffee",
    "garden",
    "choir",
    "advice",
    "pantry",
    "yoga",
    "library",
    "bengali",
    "carers",
    "youth",
    "knitting",
    "dementia",
    "swimming",
    "cycling",
    "english",
    "digital",
    "housing",
    "debt",
    "dance",
    "homework",
    "cooking",
    "mindfulness",
    "befriending",
    "repair",
    "drama",
    "mentoring",
    "allotment",
]
NOUNS = ["group", "club", "café", "drop-in", "circle", "class", "hub", "session"]
KINDS = [kind for kind in AssetKind.values if kind != AssetKind.INDIVIDUAL_SKILLS]
COSTS = [Cost.FREE] * 7 + [Cost.LOW_COST] * 2 + [Cost.PAID]
LANGUAGES = ["bn", "syl", "so", "ur", "ar", "tr", "pl", "bfi"]
ACCESS = list(AccessibilityFeature.values)
FOCUS = list(Focus.values)
PROVENANCES = list(Provenance.values)
WEEKS = list(WeekOfMonth.values)
OUTWARD = [
    "E1",
    "E2",
    "E3",
    "E14",
    "E8",
    "E15",
    "E17",
    "N1",
    "N7",
    "N17",
    "NW1",
    "NW10",
    "SE1",
    "SE15",
    "SE18",
    "SW2",
    "SW9",
    "SW18",
    "W2",
    "W12",
]
UNIT = "ABDEFGHJLNPQRSTUWXYZ"


def _subsets(items: list[str], sizes: list[int], prefix: tuple[str, ...] = ()) -> list[str]:
    """Every combination of `items` of the given sizes, as COPY array literals; picking
    one of these is much faster than random.sample for each of 100,000 rows."""
    combos = [prefix + combo for size in sizes for combo in combinations(items, size)]
    return ["{" + ",".join(combo) + "}" for combo in combos]


FOCUS_SETS = _subsets(FOCUS, [1, 2])
ACCESS_SETS = _subsets(ACCESS, [0, 1, 2, 3])
# English always, and up to two more: mostly none, Bengali and Sylheti most often.
LANGUAGE_SETS = (
    _subsets([], [0], ("en",)) * 30
    + _subsets(LANGUAGES, [1], ("en",)) * 2
    + _subsets(["bn", "syl"], [1, 2], ("en",)) * 8
    + _subsets(LANGUAGES, [2], ("en",))
)


@dataclass(frozen=True)
class ScaleResult:
    assets: int
    sessions: int
    category_links: int
    with_network: int
    first_number: int
    last_number: int


def scale_clear() -> int:
    """Delete every scale asset, with its sessions and category links, in raw SQL."""
    asset = Asset._meta.db_table
    through = Asset.categories.through._meta.db_table
    session = RecurringSession._meta.db_table
    scale_ids = f"SELECT id FROM {asset} WHERE slug ~ %s"
    pattern = SCALE_SLUG
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {through} WHERE asset_id IN ({scale_ids})", [pattern])
        cursor.execute(f"DELETE FROM {session} WHERE asset_id IN ({scale_ids})", [pattern])
        cursor.execute(f"DELETE FROM {asset} WHERE slug ~ %s", [pattern])
        return cursor.rowcount


def last_scale_number() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT max(substring(slug from 7)::bigint) FROM {Asset._meta.db_table} "
            "WHERE slug ~ %s",
            [SCALE_SLUG],
        )
        return cursor.fetchone()[0] or 0


@transaction.atomic
def scale_seed(*, count: int, today: dt.date | None = None) -> ScaleResult:
    """Insert `count` published scale assets after the highest existing number, then
    assign their networks in one UPDATE and ANALYZE the tables."""
    today = today or timezone.localdate()
    first = last_scale_number() + 1
    ids = _reserve_ids(count)
    category_ids = list(
        Category.objects.filter(parent__isnull=False).order_by("slug").values_list("pk", flat=True)
    ) or list(Category.objects.order_by("slug").values_list("pk", flat=True))
    writer = _Writer(today=today, category_ids=category_ids)
    totals = [0, 0]
    for start in range(0, count, CHUNK):
        numbers = range(first + start, first + min(start + CHUNK, count))
        assets, sessions, links = io.StringIO(), io.StringIO(), io.StringIO()
        for number, pk in zip(numbers, ids[start : start + CHUNK], strict=True):
            n_sessions, n_links = writer.write(number, pk, assets, sessions, links)
            totals[0] += n_sessions
            totals[1] += n_links
        _copy(Asset._meta.db_table, writer.asset_columns, assets)
        _copy(RecurringSession._meta.db_table, writer.session_columns, sessions)
        _copy(Asset.categories.through._meta.db_table, ["asset_id", "category_id"], links)

    new = Asset.objects.filter(slug__regex=SCALE_SLUG, pk__gte=min(ids, default=0))
    # COPY left every network empty, so only the assets some network covers need the
    # UPDATE: a tenth of the rows to rewrite instead of all of them.
    new.filter(
        Exists(Network.objects.filter(boundary__covers=OuterRef("location")))
    ).assign_networks()
    with connection.cursor() as cursor:
        for model in (Asset, RecurringSession, Asset.categories.through):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return ScaleResult(
        assets=count,
        sessions=totals[0],
        category_links=totals[1],
        with_network=new.filter(network__isnull=False).count() if ids else 0,
        first_number=first,
        last_number=first + count - 1,
    )


def _reserve_ids(count: int) -> list[int]:
    """Primary keys from the asset sequence, so sessions and links can point at them."""
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Asset._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(table: str, columns: list[str], buffer: io.StringIO) -> None:
    buffer.seek(0)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN", buffer)


def _text(value) -> str:
    """A Python value in COPY's text format (only simple values occur here)."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list | tuple):
        return "{" + ",".join(str(item) for item in value) + "}"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


class _Writer:
    """Writes one scale asset and its sessions and category links as COPY lines.

    Columns this module does not know about (added to the models later) get their
    field default, so the command keeps working as the models grow."""

    ASSET_KEYS = {
        "id",
        "name",
        "slug",
        "description",
        "kind",
        "focus",
        "location",
        "postcode",
        "online_only",
        "network_id",
        "cost",
        "accessibility",
        "languages",
        "status",
        "provenance",
        "assured_date",
        "internal_notes",
        "created_at",
        "updated_at",
    }
    SESSION_KEYS = {
        "asset_id",
        "frequency",
        "weekday",
        "week_of_month",
        "opens_at",
        "closes_at",
        "valid_from",
        "valid_to",
        "note",
    }

    def __init__(self, *, today: dt.date, category_ids: list[int]):
        self.today = today
        self.category_ids = category_ids
        self.now = _text(timezone.now().isoformat())
        asset_fields = [f for f in Asset._meta.concrete_fields if not _generated(f)]
        session_fields = [
            f
            for f in RecurringSession._meta.concrete_fields
            if not (f.primary_key or _generated(f))
        ]
        self.asset_columns = [f.column for f in asset_fields]
        self.session_columns = [f.column for f in session_fields]
        self.asset_line = _line_template(asset_fields, self.ASSET_KEYS)
        self.session_line = _line_template(session_fields, self.SESSION_KEYS)

    def write(self, number, pk, assets, sessions, links) -> tuple[int, int]:
        rng = random.Random(number)
        word, other, noun = rng.choice(WORDS), rng.choice(WORDS), rng.choice(NOUNS)
        lng, lat = _point(rng)
        assets.write(
            self.asset_line.format_map(
                {
                    "id": pk,
                    "name": f"Scale asset {number:06d} {word} {noun}",
                    "slug": f"{SLUG_PREFIX}{number:06d}",
                    "description": f"Synthetic {word} {noun} for benchmarks, with {other} too.",
                    "kind": rng.choice(KINDS),
                    "focus": rng.choice(FOCUS_SETS),
                    "location": f"SRID=4326;POINT({lng:.6f} {lat:.6f})",
                    "postcode": f"{rng.choice(OUTWARD)} {rng.randint(0, 9)}"
                    f"{rng.choice(UNIT)}{rng.choice(UNIT)}",
                    "online_only": "f",
                    "network_id": r"\N",
                    "cost": rng.choice(COSTS),
                    "accessibility": rng.choice(ACCESS_SETS),
                    "languages": rng.choice(LANGUAGE_SETS),
                    "status": Status.PUBLISHED.value,
                    "provenance": rng.choice(PROVENANCES),
                    "assured_date": self.today - dt.timedelta(days=rng.randint(0, 900)),
                    "internal_notes": "Synthetic scale data.",
                    "created_at": self.now,
                    "updated_at": self.now,
                }
            )
        )
        n_sessions = rng.randint(1, 2)
        for session in _sessions(rng, n_sessions):
            session["asset_id"] = pk
            sessions.write(self.session_line.format_map(session))
        chosen = rng.sample(self.category_ids, min(rng.randint(1, 2), len(self.category_ids)))
        for category_id in chosen:
            links.write(f"{pk}\t{category_id}\n")
        return n_sessions, len(chosen)


def _line_template(fields, keys: set[str]) -> str:
    """A str.format template for one COPY line: a placeholder for each column the
    writer fills in, the field's default (as text) for any other."""
    missing = keys - {f.attname for f in fields}
    if missing:
        raise CommandError(f"seed_scale is out of date with the models: no {sorted(missing)}")
    parts = [
        f"{{{f.attname}}}"
        if f.attname in keys
        else _text(f.get_default()).replace("{", "{{").replace("}", "}}")
        for f in fields
    ]
    return "\t".join(parts) + "\n"


def _sessions(rng: random.Random, count: int) -> Iterator[dict[str, str]]:
    for weekday in rng.sample(range(7), count):
        start = rng.randint(14, 38)  # half hours: 07:00 to 19:00
        end = min(start + rng.randint(2, 4), 42)  # an hour or two, never after 21:00
        monthly = rng.random() < 0.2
        yield {
            "frequency": "monthly" if monthly else "weekly",
            "weekday": weekday,
            "week_of_month": rng.choice(WEEKS) if monthly else r"\N",
            "opens_at": f"{start // 2:02d}:{start % 2 * 30:02d}",
            "closes_at": f"{end // 2:02d}:{end % 2 * 30:02d}",
            "valid_from": r"\N",
            "valid_to": r"\N",
            "note": "",
        }


def _point(rng: random.Random) -> tuple[float, float]:
    if rng.random() < TOWER_HAMLETS_SHARE:
        west, south, east, north = TOWER_HAMLETS
        return rng.uniform(west, east), rng.uniform(south, north)
    # Denser towards the centre, like London's community groups.
    west, south, east, north = GREATER_LONDON
    lng = min(max(rng.gauss(-0.10, 0.16), west), east)
    lat = min(max(rng.gauss(51.50, 0.08), south), north)
    return lng, lat


def _generated(field) -> bool:
    return getattr(field, "generated", False)


class Command(BaseCommand):
    help = "Bulk-load N synthetic published assets (slugs scale-000001...) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--assets", type=int, required=True, help="How many to add.")
        parser.add_argument(
            "--clear", action="store_true", help="First delete every existing scale asset."
        )

    def handle(self, *args, assets: int, clear: bool = False, **options):
        if assets < 0:
            raise CommandError("--assets must be zero or more.")
        started = time.monotonic()
        if clear:
            deleted = scale_clear()
            indicators_stale_from(None)
            self.stdout.write(f"Deleted {deleted} scale assets.")
        result = scale_seed(count=assets)
        # COPY sends no signals: the board's stored figures must be computed again.
        indicators_stale_from(None)
        seconds = time.monotonic() - started
        if result.assets:
            numbers = f" (scale-{result.first_number:06d} to scale-{result.last_number:06d})"
        else:
            numbers = ""
        self.stdout.write(
            f"Inserted {result.assets} assets{numbers}, {result.sessions} sessions and "
            f"{result.category_links} category links; {result.with_network} in a GP network. "
            f"{seconds:.1f} s."
        )
