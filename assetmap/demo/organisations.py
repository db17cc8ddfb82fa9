"""Invented organisations that run the demo listings.

Each runs listings in some top-level categories, either in one network's area or
across the borough (network None).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    categories: tuple[str, ...]  # top-level category names
    network: str | None  # network slug, or None for borough-wide
    about: str


Org = DemoOrganisation

ORGANISATIONS: list[DemoOrganisation] = [
    Org(
        "Lea Bank Community Trust",
        ("Food", "Money and welfare advice", "Gardening and environment", "Employment and skills"),
        "bromley-by-bow",
        "A community trust running a garden, an advice service and a training café.",
    ),
    Org(
        "Old Ford Neighbours",
        ("Befriending and social", "Older people", "Volunteering"),
        "bow",
        "A volunteer-run group of neighbours who look out for one another.",
    ),
    Org(
        "Roman Road Arts Collective",
        ("Arts and culture", "Young people"),
        "bow",
        "Local artists who run workshops, murals and a summer festival.",
    ),
    Org(
        "Globe Town Wellbeing Network",
        ("Mental wellbeing", "Physical activity"),
        "bethnal-green",
        "Residents and practitioners running peer-led wellbeing groups.",
    ),
    Org(
        "Columbia Road Family Hub",
        ("Families and parenting", "English and learning"),
        "bethnal-green",
        "A family hub with stay-and-play, parenting courses and ESOL.",
    ),
    Org(
        "Weavers Tenants' Federation",
        ("Housing", "Gardening and environment"),
        "bethnal-green",
        "A federation of tenants' and residents' associations.",
    ),
    Org(
        "Burdett Community Association",
        ("Befriending and social", "Food", "Older people"),
        "mile-end",
        "A community centre with lunch clubs, a pantry and hall hire.",
    ),
    Org(
        "Mile End Park Green Team",
        ("Gardening and environment", "Physical activity"),
        "mile-end",
        "Volunteers caring for parks and running outdoor activities.",
    ),
    Org(
        "Brick Lane Bangla Heritage Society",
        ("Arts and culture", "Faith"),
        "whitechapel-spitalfields",
        "Volunteers sharing the history and culture of Banglatown.",
    ),
    Org(
        "Spitalfields Advice Partnership",
        ("Money and welfare advice", "Legal and rights", "Housing"),
        "whitechapel-spitalfields",
        "A partnership of advisers offering free, confidential advice.",
    ),
    Org(
        "Whitechapel Women's Forum",
        ("Befriending and social", "Employment and skills", "English and learning"),
        "whitechapel-spitalfields",
        "A women-led group offering classes, a sewing circle and a safe space to meet.",
    ),
    Org(
        "Watney Market Community Kitchen",
        ("Food", "Befriending and social"),
        "stepney-shadwell",
        "Volunteers cooking surplus food into shared meals.",
    ),
    Org(
        "Shadwell Somali Welfare Association",
        ("Money and welfare advice", "Older people", "Legal and rights"),
        "stepney-shadwell",
        "Advice and social activities for the Somali community.",
    ),
    Org(
        "Wapping Riverside Trust",
        ("Gardening and environment", "Arts and culture", "Older people"),
        "stepney-shadwell",
        "A small trust looking after riverside gardens and local heritage.",
    ),
    Org(
        "Stepney Youth Collective",
        ("Young people", "Physical activity"),
        "stepney-shadwell",
        "Youth workers and volunteers running clubs, sport and mentoring.",
    ),
    Org(
        "Lansbury Lunch Club Association",
        ("Befriending and social", "Older people", "Food"),
        "poplar-limehouse",
        "A members' association running lunch clubs since the 1980s.",
    ),
    Org(
        "Chrisp Street Families Project",
        ("Families and parenting", "Young people"),
        "poplar-limehouse",
        "Play, homework clubs and family support near the market.",
    ),
    Org(
        "Limehouse Pantry Network",
        ("Food", "Money and welfare advice"),
        "poplar-limehouse",
        "Members' food pantries with advice on money and energy.",
    ),
    Org(
        "Aberfeldy Growing Together",
        ("Gardening and environment", "Volunteering"),
        "poplar-limehouse",
        "Residents growing food on estate land.",
    ),
    Org(
        "Island Neighbours Network",
        ("Befriending and social", "Volunteering", "Carers"),
        "isle-of-dogs",
        "Good neighbours and befriending across the Isle of Dogs.",
    ),
    Org(
        "Mudchute Health Walkers",
        ("Physical activity", "Mental wellbeing"),
        "isle-of-dogs",
        "Volunteer walk leaders and wellbeing groups on the Island.",
    ),
    Org(
        "Millwall Learning Exchange",
        ("English and learning", "Employment and skills"),
        "isle-of-dogs",
        "Adult learning, digital skills and job clubs.",
    ),
    Org(
        "East End Carers' Circle",
        ("Carers", "Long-term conditions and peer support"),
        None,
        "Support groups and breaks for unpaid carers across the borough.",
    ),
    Org(
        "Tower Hamlets Peer Recovery Network",
        ("Mental wellbeing", "Long-term conditions and peer support"),
        None,
        "Peer support groups run by people with lived experience.",
    ),
    Org(
        "Riverside Advice Collective",
        ("Money and welfare advice", "Housing", "Legal and rights"),
        None,
        "Advisers offering drop-ins and appointments in community venues.",
    ),
    Org(
        "Eastside Time Credits Partnership",
        ("Volunteering",),
        None,
        "Local groups that reward volunteers with time credits.",
    ),
    Org(
        "Borough Faith Forum",
        ("Faith",),
        None,
        "Faith communities working together on food, welcome and wellbeing.",
    ),
    Org(
        "Lea Valley Cycling Club",
        ("Physical activity",),
        None,
        "Cycle training, led rides and a bike library.",
    ),
    Org(
        "Bengali Elders' Welfare Society",
        ("Older people", "Befriending and social", "Carers"),
        None,
        "Day care, lunch clubs and advice for Bengali elders.",
    ),
    Org(
        "Eastside Youth Sport Trust",
        ("Young people", "Physical activity"),
        None,
        "Free sport for young people across the borough.",
    ),
    Org(
        "Open Door Migrant Welcome",
        ("Legal and rights", "English and learning"),
        None,
        "Welcome, advice and English for people new to the UK.",
    ),
    Org(
        "Healthy Homes East",
        ("Housing", "Money and welfare advice"),
        None,
        "Help with damp, repairs and energy bills.",
    ),
    Org(
        "Breathe Together East London",
        ("Long-term conditions and peer support",),
        None,
        "Support groups for people with lung and heart conditions.",
    ),
    Org(
        "Little Steps Parent Network",
        ("Families and parenting",),
        None,
        "Baby groups, breastfeeding support and parent peer support.",
    ),
]

ORGANISATION_NOTE = "Demo organisation: invented for demonstration."
