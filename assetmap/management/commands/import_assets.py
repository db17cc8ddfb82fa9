"""Import listings from a file (or an ORUK feed's address) in this process, with a
progress bar on the terminal: the same checks and counts as the import page."""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assetmap import importing
from assetmap.models import JobFormat, Status


class TerminalProgress:
    """ "Checking: 41,000 / 100,000 (41%)" rewritten in place on stderr."""

    def __init__(self, label: str, stream):
        self.label, self.stream = label, stream
        self.last = -1
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if percent == self.last:
            return
        self.last = percent
        filled = percent // 5
        bar = "#" * filled + "-" * (20 - filled)
        self.stream.write(f"\r{self.label}: [{bar}] {done:,} / {total:,} ({percent}%)")
        if done >= total:
            self.stream.write(f" in {time.monotonic() - self.started:.1f} s\n")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import listings from a CSV (docs/import-template.csv), GeoJSON or Open Referral "
        "UK JSON file, or from an ORUK feed's address. See docs/imports.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A file, or an ORUK feed's http(s) address.")
        parser.add_argument(
            "--source", help="Name of the source the ids belong to (default: the file's name)."
        )
        parser.add_argument(
            "--format", choices=JobFormat.values, help="Default: worked out from the file."
        )
        parser.add_argument(
            "--status",
            choices=Status.values,
            default=Status.DRAFT,
            help="Status of new listings whose row gives none (default: draft).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check only: write nothing.")

    def handle(self, *args, file, source, format, status, dry_run, **options):
        quiet = options["verbosity"] == 0
        progress = importing.no_progress if quiet else TerminalProgress
        try:
            if file.startswith(("http://", "https://")):
                rows, digest = importing.feed_rows(file, progress=self._bar("Reading", progress))
                warnings = []
                source = source or file.rstrip("/")
            else:
                path = Path(file)
                if not path.is_file():
                    raise CommandError(f"No such file: {file}")
                content = path.read_bytes()
                file_format = format or importing.detect_format(path.name, content)
                rows, warnings, digest = importing.file_rows(content, file_format)
                source = source or path.name
            plan = importing.import_plan(
                rows,
                source=source,
                digest=digest,
                warnings=warnings,
                default_status=status,
                progress=self._bar("Checking", progress),
            )
        except importing.ImportProblem as problem:
            raise CommandError(str(problem)) from None
        self._report(plan)
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        result = importing.import_commit(plan, progress=self._bar("Importing", progress))
        self.stdout.write(
            f"Imported from {source}: {result['created']:,} created, "
            f"{result['updated']:,} updated, {result['unchanged']:,} unchanged, "
            f"{result['invalid']:,} invalid rows left out."
        )

    def _bar(self, label: str, progress):
        return progress(label, sys.stderr) if progress is TerminalProgress else progress

    def _report(self, plan: importing.ImportPlan) -> None:
        counts = plan.counts
        self.stdout.write(
            f"{counts['total']:,} rows: {counts['new']:,} new, {counts['updated']:,} updated, "
            f"{counts['unchanged']:,} unchanged, {counts['invalid']:,} invalid; "
            f"{counts['duplicates']:,} likely duplicates; "
            f"{counts['new_organisations']:,} new organisations."
        )
        for warning in plan.warnings:
            self.stdout.write(f"Warning: {warning}")
        for row in plan.rows_that(importing.INVALID)[:20]:
            problems = "; ".join(
                f"{column}: {' '.join(messages)}" for column, messages in row.errors.items()
            )
            self.stdout.write(f"Row {row.number} ({row.source_id or 'no id'}): {problems}")
        if counts["invalid"] > 20:
            self.stdout.write(f"... and {counts['invalid'] - 20:,} more invalid rows.")
