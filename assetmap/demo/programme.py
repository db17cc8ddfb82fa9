"""The programme's demo work in each network: listening events with themes, stories,
groups discovered, connections between assets and wishlists. All invented."""

import datetime as dt
import random

from django.contrib.gis.geos import Point
from django.utils.text import slugify

from assetmap.demo import DEMO_NOTES
from assetmap.models import Asset, Provenance, Status
from networks.models import (
    Connection,
    ConnectionKind,
    Consent,
    Discovery,
    ListeningEvent,
    Network,
    Story,
    Theme,
    WishKind,
    WishlistItem,
    WishStatus,
)

SEED = 20170101  # the programme began in January 2017

# Networks the demo facilitator is assigned to (the others are staff-only for them).
FACILITATED = ["bromley-by-bow", "bow"]

THEMES = [
    "Isolation",
    "Safety at night",
    "Food",
    "Cost of living",
    "Green spaces",
    "Damp housing",
    "Loneliness in later life",
    "Things for young people to do",
    "Language barriers",
    "Mental health stigma",
    "Activities for women",
    "Getting online",
]

EVENT_PLACES = [
    ("Market day listening stall", "the market square"),
    ("Coffee morning conversation", "the community centre café"),
    ("Park bench conversations", "the park gates"),
    ("School gate listening", "the primary school gates"),
    ("Mosque open day listening", "the mosque's community room"),
    ("Library drop-in: what matters to you?", "the library"),
]

STORIES = [
    (
        "Walking back into the world",
        "After my husband died I did not leave the flat for months. Rahima knocked on my "
        "door and said the walking group goes past my building on Tuesdays. Now I walk "
        "every week and I know everyone's name.",
        "Rahima Begum",
    ),
    (
        "Cooking for thirty",
        "I learned to cook for my family of six. Now, with Tom and the lunch club, I cook "
        "for thirty on Fridays. People ask me for my dal recipe.",
        "Tom Walsh",
    ),
    (
        "A bench by the canal",
        "We asked the council for a bench where the older men sit by the canal. Abdul "
        "organised the petition. It is small but now they stay longer and talk.",
        "Abdul Karim",
    ),
    (
        "Finding English, finding friends",
        "Hodan came to the English class for the grammar and stayed for the friends. She "
        "now helps the new learners fill in forms.",
        "Hodan Ali",
    ),
]

WISHES = [
    (WishKind.CONNECTION, "Link the youth club with the older people's lunch club"),
    (WishKind.CAPACITY, "Train five more walk leaders who speak Bengali or Sylheti"),
    (WishKind.CONNECTION, "The food pantry and the welfare advice drop-in on the same day"),
    (WishKind.CAPACITY, "A safe, lit route from the estate to the community centre"),
    (WishKind.CAPACITY, "A women-only swimming session"),
]


def programme_load(*, users: dict, today: dt.date) -> dict[str, int]:
    """Create the demo programme for every network; return counts for the summary."""
    rng = random.Random(SEED)
    facilitator, lead = users["demo-facilitator"], users["demo-lead"]
    themes = [Theme.objects.create(name=name, slug=slugify(name)) for name in THEMES]
    counts = {"events": 0, "stories": 0, "connections": 0, "wishes": 0}

    for network in Network.objects.order_by("slug"):
        if network.slug in FACILITATED:
            network.facilitators.add(facilitator)
        author = facilitator if network.slug in FACILITATED else lead
        assets = list(Asset.objects.filter(network=network).order_by("slug"))
        published = [asset for asset in assets if asset.status == Status.PUBLISHED]
        found_here = [a for a in assets if a.provenance == Provenance.LISTENING_EVENT]

        events = []
        for number, (title, place) in enumerate(rng.sample(EVENT_PLACES, 3)):
            centre = network.boundary.point_on_surface
            event = ListeningEvent(
                title=f"{title}, {network.name}",
                date=today - dt.timedelta(days=21 + 60 * number + rng.randrange(14)),
                network=network,
                place_name=f"{place.capitalize()}, {network.name}",
                place=Point(centre.x, centre.y, srid=4326),
                people_count=rng.randrange(12, 90),
                notes=f"{DEMO_NOTES} People spoke most about "
                + ", ".join(theme.name.lower() for theme in rng.sample(themes, 2))
                + ".",
                is_published=number < 2,
                created_by=author,
            )
            event.full_clean()
            event.save()
            event.themes.set(rng.sample(themes, rng.randrange(2, 5)))
            event.facilitators.set([author])
            events.append(event)
        # Every listing the demo says was found at a listening event was found at one.
        for index, asset in enumerate(found_here):
            Discovery.objects.create(event=events[index % len(events)], asset=asset)
        counts["events"] += len(events)

        for number, (title, text, teller) in enumerate(rng.sample(STORIES, 2)):
            consent = [Consent.ANONYMOUS, Consent.NAMED, Consent.PRIVATE][(number + len(title)) % 3]
            story = Story(
                network=network,
                event=events[number],
                title=title,
                text=text,
                storyteller_name=teller,
                consent=consent,
                is_published=consent != Consent.PRIVATE,
                created_by=author,
            )
            story.full_clean()
            story.save()
            counts["stories"] += 1

        pairs = {tuple(rng.sample(published, 2)) for _ in range(min(5, len(published) // 2))}
        for source, target in sorted(pairs, key=lambda pair: (pair[0].slug, pair[1].slug)):
            Connection.objects.create(
                network=network,
                from_asset=source,
                to_asset=target,
                kind=rng.choice(ConnectionKind.values),
                note="Heard at a listening event.",
                created_by=author,
            )
            counts["connections"] += 1

        for kind, title in rng.sample(WISHES, 3):
            item = WishlistItem.objects.create(
                network=network,
                kind=kind,
                title=title,
                description=DEMO_NOTES,
                status=rng.choice(WishStatus.values),
                created_by=author,
            )
            item.assets.set(rng.sample(published, min(2, len(published))))
            counts["wishes"] += 1
    # Groups heard about that have no place in a network (online, or outside) were
    # mentioned at the first event of all.
    first_event = ListeningEvent.objects.order_by("date", "pk").first()
    for asset in Asset.objects.filter(
        provenance=Provenance.LISTENING_EVENT, found_at_events=None
    ).order_by("slug"):
        Discovery.objects.create(event=first_event, asset=asset)
    return counts
