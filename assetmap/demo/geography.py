"""Demo geography for Tower Hamlets: GP network areas, GP practices, streets, postcodes.

The network areas are a hand-drawn approximation, not the official boundaries. They
are built from one shared set of vertices: each boundary between two networks is a
single list of points that both networks walk (in opposite directions), so the areas
tile the borough with no gaps and no overlaps.
"""

import random
from dataclasses import dataclass

from django.contrib.gis.geos import MultiPolygon, Point, Polygon

# Junctions (longitude, latitude). Capitals are on the borough edge (the Lea, the
# Thames, the Hackney and City borders); lower case are inside the borough.
JUNCTIONS: dict[str, tuple[float, float]] = {
    "A": (-0.0790, 51.5265),  # Shoreditch border
    "B": (-0.0620, 51.5345),  # Hackney Road
    "C": (-0.0450, 51.5395),  # Victoria Park, west
    "D": (-0.0300, 51.5430),  # Victoria Park, north
    "E": (-0.0180, 51.5420),  # Hackney Wick
    "F": (-0.0110, 51.5340),  # Old Ford, on the Lea
    "G": (-0.0090, 51.5290),  # Bow Flyover
    "H": (-0.0070, 51.5240),  # Bromley-by-Bow, on the Lea
    "I": (-0.0040, 51.5150),  # Bow Creek
    "J": (0.0040, 51.5090),  # Leamouth
    "K": (0.0020, 51.5050),  # East India
    "L": (-0.0060, 51.5020),  # Blackwall
    "M": (-0.0050, 51.4940),  # Cubitt Town, east
    "N": (-0.0120, 51.4875),  # Island Gardens
    "O": (-0.0220, 51.4860),  # the southern tip of the Isle of Dogs
    "P": (-0.0300, 51.4890),  # Millwall, south
    "Q": (-0.0320, 51.4990),  # Westferry
    "R": (-0.0300, 51.5070),  # Limehouse Reach
    "S": (-0.0400, 51.5080),  # Limehouse
    "T": (-0.0530, 51.5065),  # Shadwell
    "U": (-0.0630, 51.5045),  # Wapping
    "V": (-0.0680, 51.5050),  # Wapping, west
    "W": (-0.0720, 51.5060),  # St Katharine Docks
    "X": (-0.0750, 51.5090),  # Tower of London
    "Y": (-0.0740, 51.5140),  # Aldgate
    "Z": (-0.0790, 51.5190),  # Bishopsgate
    "a": (-0.0600, 51.5230),  # Cambridge Heath Road
    "b": (-0.0450, 51.5250),  # Globe Town
    "d": (-0.0250, 51.5270),  # Mile End, east
    "e": (-0.0200, 51.5150),  # Bow Common
    "f": (-0.0400, 51.5160),  # Stepney, east
    "g": (-0.0620, 51.5160),  # Whitechapel, south
    "h": (-0.0660, 51.5120),  # Cable Street
    "i": (-0.0250, 51.5090),  # Westferry Circus
    "j": (-0.0150, 51.5060),  # Poplar Dock
}

# Bends between two junctions, listed once in one direction; the neighbour on the
# other side of an edge walks the same points backwards.
BENDS: dict[tuple[str, str], list[tuple[float, float]]] = {
    ("A", "B"): [(-0.0735, 51.5290), (-0.0680, 51.5322)],
    ("B", "C"): [(-0.0560, 51.5368), (-0.0505, 51.5385)],
    ("C", "D"): [(-0.0375, 51.5425)],
    ("D", "E"): [(-0.0240, 51.5438)],
    ("E", "F"): [(-0.0150, 51.5385)],
    ("F", "G"): [(-0.0095, 51.5315)],
    ("G", "H"): [(-0.0085, 51.5265)],
    ("H", "I"): [(-0.0060, 51.5195)],
    ("M", "N"): [(-0.0075, 51.4900)],
    ("N", "O"): [(-0.0170, 51.4862)],
    ("P", "Q"): [(-0.0320, 51.4935)],
    ("S", "T"): [(-0.0465, 51.5068)],
    ("W", "X"): [(-0.0740, 51.5072)],
    ("Y", "Z"): [(-0.0765, 51.5165)],
    ("C", "b"): [(-0.0445, 51.5320)],
    ("b", "a"): [(-0.0520, 51.5245)],
    ("a", "A"): [(-0.0690, 51.5252)],
    ("G", "d"): [(-0.0170, 51.5286)],
    ("d", "b"): [(-0.0350, 51.5260)],
    ("d", "e"): [(-0.0235, 51.5212)],
    ("e", "f"): [(-0.0290, 51.5148)],
    ("f", "b"): [(-0.0420, 51.5205)],
    ("I", "e"): [(-0.0120, 51.5160)],
    ("h", "V"): [(-0.0672, 51.5085)],
    ("f", "S"): [(-0.0395, 51.5120)],
    ("L", "j"): [(-0.0100, 51.5045)],
    ("i", "R"): [(-0.0275, 51.5082)],
}


@dataclass(frozen=True)
class DemoNetwork:
    slug: str
    name: str
    ring: str  # junction letters, in order round the area
    localities: tuple[str, ...]  # neighbourhood names used in listings
    streets: tuple[str, ...]
    postcode_sectors: tuple[str, ...]  # "E2 0": outward code and sector digit


NETWORKS: list[DemoNetwork] = [
    DemoNetwork(
        "bethnal-green",
        "Bethnal Green",
        "ABCba",
        ("Bethnal Green", "Weavers", "Cambridge Heath", "Columbia Road"),
        (
            "Bethnal Green Road",
            "Old Bethnal Green Road",
            "Cambridge Heath Road",
            "Columbia Road",
            "Cyprus Street",
            "Approach Road",
            "Hackney Road",
        ),
        ("E2 0", "E2 6", "E2 7", "E2 9"),
    ),
    DemoNetwork(
        "bow",
        "Bow and Old Ford",
        "CDEFGdb",
        ("Bow", "Old Ford", "Fish Island", "Roman Road", "Globe Town"),
        (
            "Roman Road",
            "Parnell Road",
            "Old Ford Road",
            "Wick Lane",
            "Fairfield Road",
            "Armagh Road",
            "Tredegar Road",
        ),
        ("E3 2", "E3 5"),
    ),
    DemoNetwork(
        "bromley-by-bow",
        "Bromley-by-Bow",
        "dGHIe",
        ("Bromley-by-Bow", "Devons Road", "Bow Common", "St Leonard's"),
        (
            "St Leonard's Street",
            "Devons Road",
            "Bow Common Lane",
            "Violet Road",
            "Bromley High Street",
            "Campbell Road",
        ),
        ("E3 3", "E3 4"),
    ),
    DemoNetwork(
        "mile-end",
        "Mile End",
        "bdef",
        ("Mile End", "Burdett", "Ben Jonson", "Tredegar"),
        (
            "Mile End Road",
            "Burdett Road",
            "Grove Road",
            "Harford Street",
            "Ben Jonson Road",
            "Hamlets Way",
        ),
        ("E1 4", "E3 4"),
    ),
    DemoNetwork(
        "whitechapel-spitalfields",
        "Whitechapel and Spitalfields",
        "ZAaghVWXY",
        ("Whitechapel", "Spitalfields", "Brick Lane", "Aldgate", "St Katharine's"),
        (
            "Whitechapel Road",
            "Brick Lane",
            "Commercial Street",
            "Hanbury Street",
            "Old Montague Street",
            "Fieldgate Street",
            "Leman Street",
            "Wentworth Street",
        ),
        ("E1 1", "E1 5", "E1 6", "E1 7", "E1 8"),
    ),
    DemoNetwork(
        "stepney-shadwell",
        "Stepney, Shadwell and Wapping",
        "abfSTUVhg",
        ("Stepney", "Shadwell", "Wapping", "Watney Market", "St George's"),
        (
            "Commercial Road",
            "Watney Street",
            "Cable Street",
            "Jamaica Street",
            "Stepney Way",
            "Wapping Lane",
            "Sutton Street",
            "Redman's Road",
        ),
        ("E1 0", "E1 2", "E1 3", "E1W 1", "E1W 2", "E1W 3"),
    ),
    DemoNetwork(
        "poplar-limehouse",
        "Poplar and Limehouse",
        "feIJKLjiRS",
        ("Poplar", "Limehouse", "Lansbury", "Chrisp Street", "Blackwall", "Aberfeldy"),
        (
            "East India Dock Road",
            "Chrisp Street",
            "Poplar High Street",
            "Upper North Street",
            "Salmon Lane",
            "Narrow Street",
            "Aberfeldy Street",
            "Cotton Street",
        ),
        ("E14 0", "E14 6", "E14 7", "E14 8"),
    ),
    DemoNetwork(
        "isle-of-dogs",
        "Isle of Dogs",
        "LMNOPQRij",
        ("Isle of Dogs", "Millwall", "Cubitt Town", "Island Gardens", "Mudchute"),
        (
            "Manchester Road",
            "Westferry Road",
            "Tiller Road",
            "Glengall Grove",
            "East Ferry Road",
            "Saunders Ness Road",
            "Marsh Wall",
        ),
        ("E14 3", "E14 9"),
    ),
]

NETWORK_DESCRIPTION = (
    "GP network area for the {name} neighbourhood. Demo data: the boundary is a rough "
    "approximation drawn for demonstration, not the official network boundary."
)


def boundary_of(network: DemoNetwork) -> MultiPolygon:
    """The network's area as a MultiPolygon built from the shared junctions and bends."""
    points: list[tuple[float, float]] = []
    ring = network.ring
    for here, there in zip(ring, ring[1:] + ring[0], strict=True):
        points.append(JUNCTIONS[here])
        if (here, there) in BENDS:
            points.extend(BENDS[(here, there)])
        else:
            points.extend(reversed(BENDS.get((there, here), [])))
    points.append(points[0])
    return MultiPolygon(Polygon(points), srid=4326)


# Places just outside every demo network (neighbouring boroughs), for listings the map
# shows but no Tower Hamlets network claims.
OUTSIDE_PLACES: list[tuple[str, str, tuple[float, float], str, str]] = [
    # (locality, borough, (lng, lat), street, postcode sector)
    ("London Fields", "Hackney", (-0.0610, 51.5420), "Richmond Road", "E8 3"),
    ("Hackney Wick", "Hackney", (-0.0250, 51.5470), "Felstead Street", "E9 5"),
    ("Stratford", "Newham", (-0.0020, 51.5420), "Great Eastern Road", "E15 1"),
    ("Canning Town", "Newham", (0.0150, 51.5140), "Barking Road", "E16 1"),
    ("Rotherhithe", "Southwark", (-0.0500, 51.5000), "Albion Street", "SE16 7"),
    ("Hoxton", "Hackney", (-0.0830, 51.5310), "Hoxton Street", "N1 6"),
    ("Aldgate", "the City of London", (-0.0815, 51.5135), "Houndsditch", "EC3A 7"),
]


@dataclass(frozen=True)
class DemoPractice:
    ods_code: str
    name: str
    network_slug: str


_PRACTICE_NAMES: dict[str, list[str]] = {
    "bethnal-green": [
        "Cyprus Street Surgery",
        "Weavers Field Health Centre",
        "Columbia Market Practice",
        "Cambridge Heath Family Practice",
    ],
    "bow": [
        "Old Ford Lock Surgery",
        "Parnell Road Medical Centre",
        "Tredegar Health Practice",
        "Wick Lane Family Doctors",
    ],
    "bromley-by-bow": [
        "Lea Bank Health Centre",
        "Devons Road Surgery",
        "Bow Common Medical Practice",
    ],
    "mile-end": ["Grove Road Surgery", "Harford Street Practice", "Ben Jonson Medical Centre"],
    "whitechapel-spitalfields": [
        "Fieldgate Health Centre",
        "Hanbury Street Surgery",
        "Spital Yard Practice",
        "Wentworth Family Practice",
    ],
    "stepney-shadwell": [
        "Jamaica Street Surgery",
        "Watney Market Health Centre",
        "Cable Street Medical Practice",
        "Wapping Lane Surgery",
    ],
    "poplar-limehouse": [
        "Chrisp Street Health Centre",
        "Lansbury Medical Practice",
        "Salmon Lane Surgery",
        "Aberfeldy Family Practice",
    ],
    "isle-of-dogs": [
        "Millwall Dock Surgery",
        "Glengall Health Centre",
        "Cubitt Town Medical Practice",
        "Island Gardens Surgery",
    ],
}

# "Y9" and four digits: shaped like an ODS code, but not one a real practice holds.
PRACTICES: list[DemoPractice] = [
    DemoPractice(f"Y9{number:04d}", name, slug)
    for number, (slug, name) in enumerate(
        ((slug, name) for slug, names in _PRACTICE_NAMES.items() for name in names), start=1
    )
]

# Royal Mail never uses these letters in the last two characters of a postcode.
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def postcode(rng: random.Random, sector: str) -> str:
    """A well-formed postcode in `sector` ("E1W 2" -> "E1W 2QT")."""
    return f"{sector}{rng.choice(_UNIT_LETTERS)}{rng.choice(_UNIT_LETTERS)}"


def street_address(rng: random.Random, streets: tuple[str, ...], venue: str = "") -> str:
    street = f"{rng.randint(1, 240)} {rng.choice(streets)}, London"
    return f"{venue}, {street}" if venue else street


def interior(area: MultiPolygon, margin: float = 0.0004):
    """`area` shrunk by `margin` degrees (30-45 m), so demo points never sit on an edge."""
    return area.buffer(-margin)


def point_in(rng: random.Random, inner) -> Point:
    """A random point inside `inner` (see `interior`), rounded to six decimals (10 cm)
    before it is tested."""
    west, south, east, north = inner.extent
    while True:
        point = Point(
            round(rng.uniform(west, east), 6), round(rng.uniform(south, north), 6), srid=4326
        )
        if inner.contains(point):
            return point
