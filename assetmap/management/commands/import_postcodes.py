"""Load a postcode directory (ONSPD or OS Code-Point Open) into the Postcode table."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assetmap.postcode_import import postcode_import_record, postcodes_import


class Command(BaseCommand):
    help = (
        "Load the ONS Postcode Directory (ONSPD) or OS Code-Point Open, as a CSV or the "
        "zip either is downloaded as, or an extract of either, into the postcode table. "
        "The format is read from the file. Grid references become WGS84 points; "
        "postcodes the directory marks terminated are kept and marked. Running it again, "
        "or with a newer directory, updates what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The ONSPD or Code-Point Open CSV or zip file.")
        parser.add_argument(
            "--area",
            default="",
            help="Load only these postcode areas (E), districts (E1, E14) or sectors "
            "(E3 3), separated by commas, for example E1,E1W,E2,E3,E14 for Tower Hamlets.",
        )

    def handle(self, *args, file, area, **options):
        progress = self._progress()
        try:
            report = postcodes_import(path=file, areas=area, on_progress=progress)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        finally:
            if progress:
                self.stderr.write("")
        if report.loaded:  # the record names the directory the table's points come from
            postcode_import_record(report=report)
        self.stdout.write("\n".join(report.lines()))

    def _progress(self):
        """Rows read so far, on one line of a terminal; nothing when not a terminal."""
        if not self.stderr.isatty():
            return None

        def show(rows: int) -> None:
            self.stderr.write(f"\rRead {rows:,} rows…", ending="")
            self.stderr.flush()

        return show
