"""Load GP practices from a CSV file."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from networks.importers import practices_import


class Command(BaseCommand):
    help = (
        "Create or update GP practices from a CSV file with a header row and the columns "
        "ods_code,name,postcode,lat,lng,network. ods_code (a letter and five digits) and "
        "name are required; lat and lng (WGS84 decimal degrees) are required too, since "
        "a postcode alone cannot place a practice yet. network is a network's name or "
        "slug, or blank to take the network whose boundary covers the point. Practices are "
        "matched by ODS code, so importing a file again updates them. If any row is wrong, "
        "every error is listed with its line number and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8, with or without a BOM).")

    def handle(self, *args, file, **options):
        try:
            report = practices_import(path=file)
        except ValidationError as error:
            raise CommandError(
                "Nothing was imported:\n" + "\n".join(f"- {m}" for m in error.messages)
            ) from error
        self.stdout.write("\n".join(report.lines()))
