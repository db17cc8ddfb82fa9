"""What a demo listing is made from: an invented idea for a group, place or service.

A `Listing` is a template: "{place}" in its name and text becomes a neighbourhood
name (Poplar, Shadwell...), so one idea can appear in several networks. Ideas without
"{place}" are one of a kind and are used once.
"""

from dataclasses import dataclass

from assetmap.models import AssetKind, Cost, Focus

ASSOCIATION = AssetKind.ASSOCIATION
INSTITUTION = AssetKind.INSTITUTION
SPACE = AssetKind.PHYSICAL_SPACE
ECONOMY = AssetKind.ECONOMY
CULTURE = AssetKind.CULTURE
SKILLS = AssetKind.INDIVIDUAL_SKILLS

HEALTH = Focus.HELPING_HEALTH
OTHERS = Focus.HELPING_OTHERS
THEMSELVES = Focus.HELPING_THEMSELVES


@dataclass(frozen=True)
class Listing:
    name: str
    kind: str
    subs: tuple[str, ...]  # sub-category names from assetmap.taxonomy
    text: str
    audience: str = ""
    ages: tuple[int | None, int | None] = (None, None)
    langs: tuple[str, ...] = ()  # offered besides English
    english: bool = True  # False for the few groups run only in another language
    focus: tuple[str, ...] = ()
    cost: str = Cost.FREE
    cost_note: str = ""
    # When it meets: early (07:00-), am, pm, after (school), eve, open (opening hours
    # on several days), or None for a place or offer with no fixed times.
    when: str | None = "am"
    monthly: bool = False
    course: bool = False  # runs for a term, between two dates
    home: str = ""  # the network slug a one-of-a-kind listing belongs in, if it names a place

    @property
    def unique(self) -> bool:
        return "{place}" not in self.name


def listing(name: str, kind: str, subs: str | tuple[str, ...], text: str, **extra) -> Listing:
    """Shorthand used by the catalogues: one sub-category may be given as a string."""
    return Listing(name, kind, (subs,) if isinstance(subs, str) else subs, text, **extra)


L = listing

# Available to anyone with a screen, so they have no place on the map.
ONLINE: list[Listing] = [
    L(
        "Online Carers' Chat",
        ASSOCIATION,
        "Carers' support groups",
        "An evening video call for unpaid carers to share tips and let off steam. Join with "
        "your camera off if you prefer.",
        audience="Unpaid carers",
        when="eve",
        monthly=True,
        focus=(OTHERS, THEMSELVES),
    ),
    L(
        "Virtual Mindfulness in Bengali",
        ASSOCIATION,
        "Mindfulness and relaxation",
        "A guided 30-minute relaxation session by video call, led in Bengali and Sylheti.",
        langs=("bn", "syl"),
        when="eve",
        focus=(HEALTH,),
    ),
    L(
        "Digital Skills by Video Call",
        INSTITUTION,
        "Digital skills",
        "One-to-one help by video or phone with email, online forms, NHS App and video "
        "calls. Book a 45-minute slot.",
        when="pm",
        focus=(THEMSELVES,),
    ),
    L(
        "Online Diabetes Education Sessions",
        INSTITUTION,
        ("Diabetes", "Cooking and healthy eating"),
        "A free six-week online course about living well with type 2 diabetes, run by a "
        "dietitian and a peer educator.",
        audience="Adults with type 2 diabetes",
        ages=(18, None),
        langs=("bn", "syl"),
        when="eve",
        course=True,
        focus=(HEALTH,),
    ),
    L(
        "Online Homework Help",
        ASSOCIATION,
        "Homework clubs",
        "Volunteer tutors help with maths, science and English homework over video call.",
        audience="Secondary school pupils",
        ages=(11, 16),
        when="after",
        focus=(THEMSELVES,),
    ),
    L(
        "Online English Conversation Practice",
        ASSOCIATION,
        "ESOL and English classes",
        "Practise everyday English in small groups by video call. For learners at entry "
        "level 2 and above.",
        when="am",
        focus=(THEMSELVES,),
    ),
]

# Just over the borough line: shown on the map but in no Tower Hamlets network.
OUTSIDE: list[Listing] = [
    L(
        "{place} Women's Swim Club",
        INSTITUTION,
        ("Swimming", "Women's groups"),
        "Women-only swimming with a female lifeguard, in the borough next door. Popular with "
        "women from Bethnal Green.",
        audience="Women",
        ages=(16, None),
        cost=Cost.LOW_COST,
        cost_note="£3.20 a swim",
        when="eve",
        focus=(HEALTH,),
    ),
    L(
        "{place} Makers' Space",
        ECONOMY,
        "Crafts",
        "A shared workshop with woodwork and sewing machines, open to beginners at weekly "
        "open sessions.",
        cost=Cost.PAID,
        cost_note="£8 a session, concessions £4",
        when="pm",
        focus=(THEMSELVES,),
    ),
    L(
        "{place} Carers' Hub",
        INSTITUTION,
        ("Carers' support groups", "Respite and breaks"),
        "Advice and a monthly support group for unpaid carers, open to carers from "
        "neighbouring boroughs.",
        audience="Unpaid carers",
        when="am",
        focus=(OTHERS,),
    ),
    L(
        "{place} Somali Elders' Club",
        ASSOCIATION,
        "Activities for older people",
        "Older Somali men and women meet for tea, news and gentle exercise.",
        ages=(60, None),
        langs=("so", "ar"),
        when="pm",
        focus=(HEALTH, OTHERS),
    ),
    L(
        "{place} Riverside Growing Club",
        ASSOCIATION,
        "Community gardens",
        "Volunteers grow vegetables and flowers in raised beds by the river. All tools provided.",
        when="am",
        focus=(HEALTH, OTHERS),
    ),
    L(
        "{place} Job Club",
        INSTITUTION,
        "Job search",
        "Help with CVs, applications and interview practice, with computers to use.",
        ages=(18, None),
        when="am",
        focus=(THEMSELVES,),
    ),
    L(
        "{place} Lunchtime Concerts",
        CULTURE,
        "Music and singing",
        "Free half-hour concerts by young musicians, in a hall with step-free access.",
        when="pm",
        focus=(HEALTH,),
    ),
]
