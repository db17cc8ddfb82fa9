"""Load GP network boundaries from GeoJSON, Shapefile, GeoPackage or any OGR format."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from networks.importers import boundaries_import


class Command(BaseCommand):
    help = (
        "Create one GP network per feature of a boundary file (any format GDAL reads), "
        "reprojected to WGS84. Invalid polygons are repaired where that is safe, else the "
        "file is refused; a refused file changes nothing. Overlaps and gaps are reported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="GeoJSON, Shapefile (.shp), GeoPackage (.gpkg)...")
        parser.add_argument(
            "--name-field", required=True, help="The attribute holding each network's name."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Update networks that already exist (matched by name or slug).",
        )
        parser.add_argument("--layer", type=int, default=0, help="Layer index (default 0).")
        parser.add_argument(
            "--srid", type=int, help="EPSG code to assume when the file declares no CRS."
        )

    def handle(self, *args, file, name_field, replace, layer, srid, **options):
        try:
            report = boundaries_import(
                path=file, name_field=name_field, replace=replace, layer=layer, srid=srid
            )
        except ValidationError as error:
            raise CommandError(
                "Nothing was imported:\n" + "\n".join(f"- {m}" for m in error.messages)
            ) from error
        self.stdout.write("\n".join(report.lines()))
