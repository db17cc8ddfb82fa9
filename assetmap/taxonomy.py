"""The starting two-level taxonomy of needs. Staff may change it in the admin later;
this is what a new installation begins with (loaded by a data migration)."""

TAXONOMY: dict[str, list[str]] = {
    "Physical activity": [
        "Walking groups",
        "Exercise classes",
        "Sport and football",
        "Swimming",
        "Cycling",
        "Yoga and tai chi",
        "Dance",
    ],
    "Mental wellbeing": [
        "Talking and listening",
        "Mindfulness and relaxation",
        "Peer support for mental health",
        "Bereavement support",
    ],
    "Befriending and social": [
        "Befriending",
        "Lunch clubs and coffee mornings",
        "Social clubs",
        "Men's groups",
        "Women's groups",
    ],
    "Food": ["Food banks and pantries", "Community meals", "Cooking and healthy eating"],
    "Money and welfare advice": ["Benefits advice", "Debt advice", "Energy and bills"],
    "Employment and skills": ["Job search", "Digital skills", "Training and qualifications"],
    "Housing": ["Housing advice", "Homelessness support"],
    "Arts and culture": ["Crafts", "Music and singing", "Drama", "Heritage and history"],
    "Faith": ["Places of worship", "Faith-based community groups"],
    "Families and parenting": ["Stay and play", "Parenting support", "Baby and toddler groups"],
    "Older people": ["Activities for older people", "Support at home"],
    "Young people": ["Youth clubs", "Mentoring", "Homework clubs"],
    "Long-term conditions and peer support": [
        "Diabetes",
        "Heart and lungs",
        "Arthritis and pain",
        "Dementia",
        "Cancer support",
        "Disability support",
    ],
    "Carers": ["Carers' support groups", "Respite and breaks"],
    "English and learning": ["ESOL and English classes", "Adult learning", "Libraries and reading"],
    "Gardening and environment": ["Community gardens", "Allotments and growing", "Clean-ups"],
    "Volunteering": ["Volunteering opportunities", "Time credits"],
    "Legal and rights": ["Immigration advice", "Legal advice"],
}


def taxonomy_seed(category_model) -> None:
    """Create the starting taxonomy's categories that are missing (by slug).

    Takes the model as an argument so the data migration can pass its historical model.
    """
    from django.utils.text import slugify

    for top_position, (top_name, children) in enumerate(TAXONOMY.items()):
        top, _ = category_model.objects.get_or_create(
            slug=slugify(top_name), defaults={"name": top_name, "position": top_position}
        )
        for position, name in enumerate(children):
            category_model.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "parent": top, "position": position}
            )
