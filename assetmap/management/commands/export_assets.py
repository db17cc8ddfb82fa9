"""Export listings to a file, for administrators (the web page does the same for staff).

    manage.py export_assets --format csv|geojson|openreferral [--status published ...]
        [--network SLUG] [--category SLUG] [--base-url https://...] OUTFILE

OUTFILE "-" writes to standard output. See assetmap/exporting.py for what each format holds.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assetmap import exporting
from assetmap.exchange_models import JobFormat
from assetmap.models import Category, Status
from networks.models import Network


class Command(BaseCommand):
    help = "Export listings as CSV, GeoJSON or an Open Referral UK package."

    def add_arguments(self, parser):
        parser.add_argument("outfile", help='The file to write, or "-" for standard output.')
        parser.add_argument("--format", required=True, choices=JobFormat.values)
        parser.add_argument(
            "--status",
            action="append",
            choices=Status.values,
            help="A status to include (repeat for more); published when not given.",
        )
        parser.add_argument("--network", help="Only this GP network's listings (its slug).")
        parser.add_argument("--category", help="Only this category's listings (its slug).")
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "SITE_URL", ""),
            help="The site's address, for each listing's url (default: SITE_URL).",
        )

    def handle(self, *args, outfile, format, status, network, category, base_url, **options):
        filters = exporting.ExportFilters(
            statuses=tuple(status or [Status.PUBLISHED.value]),
            network_id=self._pk(Network, network, "--network"),
            category_id=self._pk(Category, category, "--category"),
        )
        assets = exporting.assets_for_export(filters)
        pieces = exporting.export_pieces(format, assets, base_url=base_url)
        if outfile == "-":
            for piece in pieces:
                self.stdout.write(piece, ending="")
            return
        with open(outfile, "w", encoding="utf-8", newline="") as out:
            for piece in pieces:
                out.write(piece)
        self.stderr.write(f"Wrote {outfile}.")

    def _pk(self, model, slug: str | None, option: str) -> int | None:
        if slug is None:
            return None
        pk = model.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if pk is None:
            raise CommandError(f"{option}: there is no {model._meta.verbose_name} {slug!r}.")
        return pk
