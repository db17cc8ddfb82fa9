"""Load the invented Tower Hamlets demo dataset (networks, practices, listings, logins)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assetmap.demo import DEMO_LABEL
from assetmap.demo.accounts import existing_demo_accounts
from assetmap.demo.loader import demo_conflicts, demo_load
from assetmap.models import Asset, Status

REFUSED_IN_PRODUCTION = (
    "DEBUG is off: this looks like production. The demo creates accounts with a published "
    "password, so it is refused; pass --force if you really mean it."
)
NOT_EMPTY = (
    "This database already has {what}. Load the demo into a fresh database, or pass "
    "--if-empty to skip loading when data is present."
)
ALREADY_THERE = "Demo data is already there ({what}): nothing loaded."
NOT_LOADED = "Demo data not loaded: the database already has {what}."


class Command(BaseCommand):
    help = "Load a deterministic, clearly labelled demo dataset for Tower Hamlets."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (successfully) if the database already has assets or networks.",
        )
        parser.add_argument("--force", action="store_true", help="Load even when DEBUG is off.")

    def handle(self, *args, if_empty: bool = False, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(REFUSED_IN_PRODUCTION)
        conflicts = demo_conflicts()
        if conflicts:
            what = ", ".join(conflicts)
            if if_empty:
                demo_present = Asset.objects.filter(description__endswith=DEMO_LABEL).exists()
                message = ALREADY_THERE if demo_present else NOT_LOADED
                self.stdout.write(message.format(what=what))
                return
            raise CommandError(NOT_EMPTY.format(what=what))

        started = time.monotonic()
        summary = demo_load()
        seconds = time.monotonic() - started

        out = self.stdout.write
        out(self.style.SUCCESS(f"Loaded the Tower Hamlets demo in {seconds:.1f} s:"))
        out(f"  {summary.networks} GP networks")
        out(f"  {summary.practices} GP practices")
        out(f"  {summary.organisations} organisations")
        by_status = ", ".join(
            f"{summary.assets_by_status.get(status, 0)} {status.label.lower()}" for status in Status
        )
        out(f"  {summary.assets} assets ({by_status})")
        out(f"  {summary.sessions} recurring sessions")
        out(
            "  {events} listening events, {stories} stories, {connections} connections, "
            "{wishes} wishlist items".format(**summary.programme)
        )
        out(
            "  {volunteers} volunteers, {hours} hour entries ({approved} approved), "
            "{surveys} survey answers".format(**summary.volunteering)
        )
        out(f"  {len(existing_demo_accounts())} demo accounts (manage.py demo_accounts lists them)")
