"""Demo volunteering: volunteers at a dozen groups, their roles, a year of hours
(approved, rejected and pending), the time credits those earned and spent, a few
gifts, safeguarding checks and satisfaction surveys. All invented.

Hours and credits go through the services, so the ledger is exactly what the rules
would have produced; survey answers are written directly, as the demo volunteers have
no logins to answer them with."""

import datetime as dt
import random
from decimal import Decimal

from django.db import connection

from assetmap.models import Asset, Status
from volunteers import services
from volunteers.models import (
    CoordinatorAssignment,
    DbsLevel,
    HoursEntry,
    HoursStatus,
    Opportunity,
    SafeguardingCheck,
    SpendPartner,
    SurveyResponse,
    Volunteer,
)

SEED = 20180301

ROLES = [
    ("Walk leader", "Leads a weekly walk at an easy pace.", "2 hours a week", DbsLevel.NONE),
    ("Lunch club helper", "Serves lunch and chats with guests.", "3 hours a week", DbsLevel.BASIC),
    ("Befriender", "Visits an older neighbour at home.", "1 hour a week", DbsLevel.ENHANCED),
    ("Homework club mentor", "Helps children with homework.", "2 hours a week", DbsLevel.ENHANCED),
    ("Garden volunteer", "Weeding, planting and watering.", "Flexible", DbsLevel.NONE),
    (
        "Advice drop-in greeter",
        "Welcomes people and books them in.",
        "Half a day a week",
        DbsLevel.NONE,
    ),
]
DO = [
    "Led the walk and made the tea afterwards.",
    "Set up the room and served lunch.",
    "Helped three newcomers feel welcome.",
    "Weeded the raised beds and watered the seedlings.",
    "Covered for the usual volunteer.",
]
FIRST = ["Amina", "Tom", "Rehana", "Kemal", "Hodan", "Mary", "Jamal", "Agnieszka", "Dev", "Shirin"]
LAST = ["Begum", "Walsh", "Ali", "Yilmaz", "Hassan", "Okafor", "Nowak", "Patel", "Rahman", "Jones"]
COMMENTS = [
    "I felt part of the team.",
    "Would like more training.",
    "Lovely people, but the room is cold.",
    "",
    "",
]


def volunteering_load(*, users: dict, today: dt.date) -> dict[str, int]:
    """Create the demo volunteering; return counts for the summary."""
    rng = random.Random(SEED)
    coordinator, lead = users["demo-coordinator"], users["demo-lead"]
    groups = list(
        Asset.objects.filter(status=Status.PUBLISHED, network__isnull=False).order_by("slug")
    )
    groups = rng.sample(groups, 12)
    partners = rng.sample(groups, 3)
    for asset in groups:
        CoordinatorAssignment.objects.create(user=coordinator, asset=asset)
    for asset in partners:
        SpendPartner.objects.create(asset=asset, offer="A free session or a cup of tea.")

    opportunities = []
    for asset in groups:
        for title, description, commitment, dbs in rng.sample(ROLES, 2):
            opportunity = Opportunity(
                asset=asset,
                title=title,
                description=description,
                time_commitment=commitment,
                dbs_level=dbs,
            )
            opportunity.full_clean()
            opportunity.save()
            opportunities.append(opportunity)

    volunteers = []
    for number in range(40):
        opportunity = opportunities[number % len(opportunities)]
        name = f"{FIRST[number % 10]} {LAST[(number * 3) % 10]}"
        volunteer = Volunteer(
            display_name=name,
            email=f"volunteer{number + 1}@example.org",
            phone=f"020 7946 1{number:03d}",
            skills=rng.choice(["Cooking", "Gardening", "Speaks Bengali", "First aid", ""]),
            consent_text="Agreed to be contacted about volunteering and to have hours recorded.",
            consent_given_at=dt.datetime.combine(
                today - dt.timedelta(days=400 - number), dt.time(10), tzinfo=dt.UTC
            ),
        )
        if number == 0 and "demo-volunteer" in users:
            volunteer.user = users["demo-volunteer"]  # the demo login sees this record
        volunteer.full_clean()
        volunteer.save()
        volunteer.assets.set([opportunity.asset])
        volunteer.networks.set([opportunity.asset.network])
        volunteers.append((volunteer, opportunity))
        if opportunity.dbs_level != DbsLevel.NONE:
            issued = today - dt.timedelta(days=rng.randrange(30, 1000))
            SafeguardingCheck.objects.create(
                volunteer=volunteer,
                level=opportunity.dbs_level,
                issued_on=issued,
                verified_by=coordinator,
                verified_on=issued + dt.timedelta(days=7),
                # Some fall due within the month, as they do in real life.
                recheck_due=today + dt.timedelta(days=rng.randrange(5, 700)),
            )

    counts = {"volunteers": len(volunteers), "hours": 0, "surveys": 0}
    for volunteer, opportunity in volunteers:
        for _ in range(rng.randrange(3, 8)):
            entry = services.hours_log(
                volunteer=volunteer,
                asset=opportunity.asset,
                opportunity=opportunity,
                date=today - dt.timedelta(days=rng.randrange(1, 365)),
                hours=Decimal(rng.randrange(4, 17)) / 4,
                description=rng.choice(DO),
                by=coordinator,
            )
            counts["hours"] += 1
            fate = rng.random()
            if (today - entry.date).days < 10 and fate < 0.5:
                continue  # recent, still pending
            if fate < 0.06:
                services.hours_reject(
                    entry=entry, by=coordinator, reason="Logged twice for the same session."
                )
                continue
            services.hours_approve(entry=entry, by=coordinator)
            if rng.random() < 0.6:
                survey = SurveyResponse(
                    hours_entry=entry,
                    satisfaction=rng.choices([5, 4, 3, 2, 1], [45, 35, 12, 5, 3])[0],
                    felt_valued=rng.choices([5, 4, 3, 2, 1], [40, 35, 15, 6, 4])[0],
                    would_recommend=rng.random() < 0.9,
                    comment=rng.choice(COMMENTS),
                )
                survey.full_clean()
                survey.save()
                counts["surveys"] += 1

    for volunteer, _ in volunteers[::4]:
        balance = services.credit_balance(volunteer=volunteer)
        if balance >= 2:
            services.credit_spend(
                volunteer=volunteer,
                partner_asset=rng.choice(partners),
                amount=Decimal(2),
                what_bought="A swim session",
                by=lead,
            )
    for (giver, _), (receiver, _) in zip(volunteers[1::8], volunteers[2::8], strict=False):
        if services.credit_balance(volunteer=giver) >= 1:
            services.credit_gift(
                from_volunteer=giver, to_volunteer=receiver, amount=Decimal(1), by=lead
            )
    counts["approved"] = HoursEntry.objects.filter(status=HoursStatus.APPROVED).count()
    _backdate_ledger()
    return counts


def _backdate_ledger() -> None:
    """The services stamp decisions and ledger rows with the moment of loading; move
    them to when they would have happened (a few days after the hours; spends and gifts
    over the last three months), so the board's monthly figures look like a real year."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE volunteers_hoursentry SET
                decided_at = LEAST(date + interval '3 days 10 hours', decided_at),
                created_at = LEAST(date + interval '18 hours', created_at)
            WHERE decided_at IS NOT NULL
            """
        )
        cursor.execute(
            """
            UPDATE volunteers_creditentry c SET created_at = h.decided_at
            FROM volunteers_hoursentry h WHERE c.hours_entry_id = h.id
            """
        )
        cursor.execute(
            """
            UPDATE volunteers_creditentry
            SET created_at = created_at - ((id * 7) % 90) * interval '1 day'
            WHERE hours_entry_id IS NULL
            """
        )
