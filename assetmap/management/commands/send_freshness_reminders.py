"""Send the "still running?" reminders now, as the nightly task does (assetmap/freshness.py)."""

from django.core.management.base import BaseCommand, CommandError

from assetmap import freshness


class Command(BaseCommand):
    help = (
        "Email the people responsible for listings newly stale a one-click "
        "“still running?” link; with --move, also move listings not confirmed within the "
        "grace period to “needs review”."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--move",
            action="store_true",
            help="Also move listings nobody confirmed after their reminder to needs review.",
        )

    def handle(self, *args, move: bool = False, **options):
        run = freshness.freshness_send_reminders()
        if run.skipped:
            self.stderr.write("Another run is sending reminders now; nothing was done.")
            return
        self.stdout.write(
            f"Emails sent: {run.emails_sent}, listings reminded: {run.listings_reminded}, "
            f"listings with nobody to email: {run.listings_with_nobody_to_email}, "
            f"emails failed: {run.emails_failed}."
        )
        if move:
            moved = freshness.freshness_move_unconfirmed()
            self.stdout.write(f"Listings moved to needs review: {moved}.")
        if run.emails_failed:
            raise CommandError("Some emails failed (see the log); run again to send them.")
