"""Build the demo dataset as unsaved model objects, the same every time.

One random generator with a fixed seed drives every choice, so the loader must call
the builder's methods in the same order on every run (networks, practices,
organisations, assets). Dates are relative to `today`, so "checked 14 months ago"
stays true whenever the demo is loaded.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils.text import slugify

from assetmap import demo
from assetmap.demo import geography
from assetmap.demo.listings import ONLINE, OUTSIDE, Listing
from assetmap.demo.listings_activity import ACTIVITY_LISTINGS
from assetmap.demo.listings_advice import ADVICE_LISTINGS
from assetmap.demo.listings_care import CARE_LISTINGS
from assetmap.demo.listings_culture import CULTURE_LISTINGS
from assetmap.demo.organisations import ORGANISATION_NOTE, ORGANISATIONS
from assetmap.demo.schedules import sessions_for
from assetmap.models import (
    LONDON,
    AccessibilityFeature,
    Asset,
    AssetKind,
    Category,
    Organisation,
    Provenance,
    RecurringSession,
    Status,
)
from assetmap.taxonomy import TAXONOMY
from networks.models import Network, Practice

SEED = 20240611

LISTINGS: dict[str, list[Listing]] = {
    name: (ACTIVITY_LISTINGS | CARE_LISTINGS | ADVICE_LISTINGS | CULTURE_LISTINGS)[name]
    for name in TAXONOMY
}

FIRST_NAMES = [
    "Rehana",
    "Abdul",
    "Sarah",
    "Tom",
    "Fatima",
    "Hodan",
    "Kemal",
    "Agnieszka",
    "Jamal",
    "Shirin",
    "Mary",
    "Dev",
    "Nasima",
    "Patrick",
    "Amina",
    "Joy",
]
VENUES = [
    "{place} Community Centre",
    "{place} Neighbourhood Hall",
    "{place} Children's Centre",
    "{place} Learning Centre",
    "The Old Baths",
    "Riverside Hall",
    "St Anne's Church Hall",
    "{place} Methodist Hall",
    "The Mission Hall",
    "{place} Youth Centre",
]
ACCESS_NOTES = [
    "",
    "",
    "",
    "Lift to the first floor.",
    "Ramp at the side entrance.",
    "Ring the bell for the step-free entrance.",
    "Two steps at the front door; staff can bring a portable ramp.",
    "Quiet room available on request.",
]
# Extra languages a listing may be run in, and how often (English is almost always on).
EXTRA_LANGUAGES = [
    ("bn", 0.30),
    ("syl", 0.22),
    ("so", 0.05),
    ("ur", 0.05),
    ("ar", 0.04),
    ("tr", 0.02),
    ("pl", 0.02),
    ("bfi", 0.03),
]
ACCESS_CHANCES = [
    (AccessibilityFeature.STEP_FREE, 0.75),
    (AccessibilityFeature.ACCESSIBLE_TOILET, 0.5),
    (AccessibilityFeature.SEATING, 0.45),
    (AccessibilityFeature.HEARING_LOOP, 0.15),
    (AccessibilityFeature.QUIET_SPACE, 0.15),
    (AccessibilityFeature.ASSISTANCE_DOGS, 0.25),
    (AccessibilityFeature.LARGE_PRINT, 0.1),
    (AccessibilityFeature.CHANGING_PLACES, 0.03),
]
STATUSES = (
    [Status.PUBLISHED] * 80
    + [Status.DRAFT] * 7
    + [Status.PENDING_REVIEW] * 7
    + [Status.NEEDS_REVIEW] * 2
    + [Status.ARCHIVED] * 4
)
PROVENANCES = (
    [Provenance.STAFF] * 45
    + [Provenance.LISTENING_EVENT] * 25
    + [Provenance.RESIDENT_SUGGESTION] * 15
    + [Provenance.IMPORT] * 15
)


@dataclass
class PlannedAsset:
    """An unsaved asset with what can only be attached once it has a primary key."""

    asset: Asset
    categories: list[Category] = field(default_factory=list)
    sessions: list[RecurringSession] = field(default_factory=list)


class DemoBuilder:
    def __init__(self, *, today: dt.date, categories: dict[str, Category], checkers: list):
        self.rng = random.Random(SEED)
        self.today = today
        self.categories = categories  # by name; names missing from the database are skipped
        self.checkers = checkers  # demo users who "checked" listings
        self.slugs: set[str] = set()
        self.names: set[str] = set()
        self.area = {area.slug: area for area in geography.NETWORKS}
        # Each network shrunk a little: points are drawn from these (see interior()).
        self.interiors = {
            area.slug: geography.interior(geography.boundary_of(area))
            for area in geography.NETWORKS
        }

    # Places ---------------------------------------------------------------------------

    def networks(self) -> list[Network]:
        return [
            Network(
                name=network.name,
                slug=network.slug,
                description=geography.NETWORK_DESCRIPTION.format(name=network.name),
                boundary=geography.boundary_of(network),
            )
            for network in geography.NETWORKS
        ]

    def practices(self, networks: list[Network]) -> list[Practice]:
        by_slug = {network.slug: network for network in networks}
        practices = []
        for practice in geography.PRACTICES:
            area = self.area[practice.network_slug]
            practices.append(
                Practice(
                    ods_code=practice.ods_code,
                    name=practice.name,
                    location=geography.point_in(self.rng, self.interiors[area.slug]),
                    address=geography.street_address(self.rng, area.streets),
                    postcode=geography.postcode(self.rng, self.rng.choice(area.postcode_sectors)),
                    network=by_slug[practice.network_slug],
                )
            )
        return practices

    def organisations(self) -> list[Organisation]:
        return [
            Organisation(
                name=org.name,
                slug=slugify(org.name),
                description=f"{org.about} {ORGANISATION_NOTE}",
                website=f"https://example.org/{slugify(org.name)}",
                email=f"{slugify(org.name)}@example.org",
                phone=self._phone(),
            )
            for org in ORGANISATIONS
        ]

    # Assets ---------------------------------------------------------------------------

    def assets(self, organisations: list[Organisation]) -> list[PlannedAsset]:
        """Two or three listings per top-level category in every network, then a few
        just outside the borough and a few online-only ones."""
        self.orgs = list(zip(ORGANISATIONS, organisations, strict=True))
        used: set[str] = set()  # one-of-a-kind listings already placed
        planned = []
        for n_index, area in enumerate(geography.NETWORKS):
            for c_index, (top, listings) in enumerate(LISTINGS.items()):
                for _ in range(2 + (n_index + c_index) % 2):
                    listing, name = self._pick(listings, area, used)
                    planned.append(self._in_network(listing, name, top, area))
        for listing, (place, borough, (lng, lat), street, sector) in zip(
            OUTSIDE, geography.OUTSIDE_PLACES, strict=True
        ):
            point = Point(
                round(lng + self.rng.uniform(-0.0008, 0.0008), 6),
                round(lat + self.rng.uniform(-0.0008, 0.0008), 6),
                srid=4326,
            )
            asset = self._asset(listing, listing.name.format(place=place))
            asset.location = point
            asset.address = geography.street_address(self.rng, (street,))
            asset.postcode = geography.postcode(self.rng, sector)
            asset.internal_notes += f" Just outside Tower Hamlets, in {borough}."
            planned.append(self._plan(asset, listing))
        for listing in ONLINE:
            asset = self._asset(listing, listing.name)
            asset.online_only = True
            asset.accessibility, asset.accessibility_notes = [], ""
            asset.website = asset.website or f"https://example.org/demo/{asset.slug}"
            planned.append(self._plan(asset, listing))
        return planned

    def _pick(self, listings: list[Listing], area, used: set[str]) -> tuple[Listing, str]:
        """A listing idea for this network, preferring one-of-a-kind ideas not yet used,
        and a name not yet taken."""
        unique = [
            x for x in listings if x.unique and x.name not in used and x.home in ("", area.slug)
        ]
        repeatable = [x for x in listings if not x.unique]
        for _ in range(20):
            pool = unique if unique and self.rng.random() < 0.4 else repeatable
            listing = self.rng.choice(pool)
            name = listing.name.format(place=self.rng.choice(area.localities))
            if name not in self.names:
                if listing.unique:
                    used.add(listing.name)
                return listing, name
        return listing, name  # a repeated name: the slug gets a suffix

    def _in_network(self, listing: Listing, name: str, top: str, area) -> PlannedAsset:
        asset = self._asset(listing, name)
        asset.location = geography.point_in(self.rng, self.interiors[area.slug])
        venue = ""
        if listing.kind not in (AssetKind.PHYSICAL_SPACE, AssetKind.ECONOMY) and (
            self.rng.random() < 0.7
        ):
            venue = self.rng.choice(VENUES).format(place=self.rng.choice(area.localities))
        if listing.kind != AssetKind.INDIVIDUAL_SKILLS:
            asset.address = geography.street_address(self.rng, area.streets, venue)
        asset.postcode = geography.postcode(self.rng, self.rng.choice(area.postcode_sectors))
        asset.organisation = self._organisation(listing, top, area.slug)
        return self._plan(asset, listing)

    def _plan(self, asset: Asset, listing: Listing) -> PlannedAsset:
        subs = list(listing.subs[:3])
        return PlannedAsset(
            asset=asset,
            categories=[self.categories[name] for name in subs if name in self.categories],
            sessions=sessions_for(self.rng, listing, self.today),
        )

    def _asset(self, listing: Listing, name: str) -> Asset:
        rng = self.rng
        self.names.add(name)
        slug = self._slug(name)
        skills = listing.kind == AssetKind.INDIVIDUAL_SKILLS
        # A listing of a person's skills is never published (the model refuses it).
        status = Status.DRAFT if skills else rng.choice(STATUSES)
        assured = None
        if status == Status.PUBLISHED or rng.random() < 0.8:
            # Most checked within the year; some are stale (over 365 days).
            days = rng.randint(0, 365) if rng.random() < 0.75 else rng.randint(366, 730)
            assured = self.today - dt.timedelta(days=days)
        reminded = None
        if status == Status.NEEDS_REVIEW:
            # Nobody answered the "still running?" email within the grace period.
            grace = dt.timedelta(days=settings.FRESHNESS_GRACE_DAYS)
            reminded = self.today - grace - dt.timedelta(days=len(name) % 30)
            assured = reminded - dt.timedelta(days=settings.ASSET_STALE_AFTER_DAYS)
        languages = self._languages(listing)
        access = [feature for feature, chance in ACCESS_CHANCES if rng.random() < chance]
        if "bfi" in languages:
            access.append(AccessibilityFeature.BSL)
        if listing.ages[1] is not None and listing.ages[1] <= 5:
            access.append(AccessibilityFeature.BABY_CHANGING)
        return Asset(
            name=name,
            slug=slug,
            description=f"{listing.text} {demo.DEMO_LABEL}",
            kind=listing.kind,
            focus=list(listing.focus),
            contact_name=rng.choice(FIRST_NAMES) if rng.random() < 0.35 else "",
            email=f"{slug[:40].strip('-')}@example.org" if rng.random() < 0.65 else "",
            phone=self._phone() if rng.random() < 0.55 else "",
            website=f"https://example.org/demo/{slug}" if rng.random() < 0.45 else "",
            cost=listing.cost,
            cost_description=listing.cost_note,
            accessibility=[] if skills else access,
            accessibility_notes="" if skills else rng.choice(ACCESS_NOTES),
            languages=languages,
            audience=listing.audience,
            age_min=listing.ages[0],
            age_max=listing.ages[1],
            status=status,
            provenance=rng.choice(PROVENANCES),
            assured_date=assured,
            assured_by=rng.choice(self.checkers) if assured else None,
            freshness_reminder_sent_at=_noon(reminded) if reminded else None,
            internal_notes=demo.DEMO_NOTES,
            created_by=self.checkers[0],
            updated_by=self.checkers[0],
        )

    def _languages(self, listing: Listing) -> list[str]:
        languages = ["en"] if listing.english else []
        languages += listing.langs
        languages += [code for code, chance in EXTRA_LANGUAGES if self.rng.random() < chance]
        return list(dict.fromkeys(languages))

    def _organisation(self, listing: Listing, top: str, network_slug: str):
        if listing.kind == AssetKind.INDIVIDUAL_SKILLS or self.rng.random() > 0.75:
            return None
        candidates = [
            org
            for plan, org in self.orgs
            if top in plan.categories and plan.network in (None, network_slug)
        ]
        return self.rng.choice(candidates) if candidates else None

    def _slug(self, name: str) -> str:
        base = slugify(name)[:200].strip("-")
        slug, number = base, 2
        while slug in self.slugs:
            slug, number = f"{base}-{number}", number + 1
        self.slugs.add(slug)
        return slug

    def _phone(self) -> str:
        # Ofcom reserves 020 7946 0000-0999 for drama: never a real line.
        return f"020 7946 0{self.rng.randint(0, 999):03d}"


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)
