"""import_boundaries: GP network boundaries from GeoJSON, GeoPackage and Shapefile."""

import io
import json
import shutil
import subprocess

import pytest
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.db import connection

from assetmap.models import Asset
from networks.models import Network
from tests.conftest import wait_for
from tests.factories import AssetFactory, NetworkFactory, square

BROMLEY_BY_BOW = Point(-0.011, 51.524, srid=4326)
OGR2OGR = shutil.which("ogr2ogr")
needs_ogr2ogr = pytest.mark.skipif(OGR2OGR is None, reason="gdal-bin's ogr2ogr is not installed")
BNG = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}


def box(west, south, east, north):
    return [[[west, south], [east, south], [east, north], [west, north], [west, south]]]


def feature(name, rings, geometry_type="Polygon", **properties):
    return {
        "type": "Feature",
        "properties": {"name": name, **properties},
        "geometry": {"type": geometry_type, "coordinates": rings},
    }


def write_geojson(path, *features, crs=None):
    collection = {"type": "FeatureCollection", "features": list(features)}
    if crs:
        collection["crs"] = crs
    path.write_text(json.dumps(collection))
    return path


def ogr2ogr(*args):
    subprocess.run([OGR2OGR, *map(str, args)], check=True, capture_output=True)  # noqa: S603


def run(path, *args):
    out = io.StringIO()
    call_command("import_boundaries", str(path), "--name-field", "name", *args, stdout=out)
    return out.getvalue()


def boundaries_checksum():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), md5(coalesce(string_agg(name || ST_AsEWKT(boundary), ',' "
            "ORDER BY id), '')) FROM networks_network"
        )
        return cursor.fetchone()


@pytest.fixture
def bow_and_poplar(tmp_path):
    return write_geojson(
        tmp_path / "networks.geojson",
        feature("Bow", box(-0.03, 51.51, 0.0, 51.54)),
        feature("Poplar", box(0.0, 51.50, 0.03, 51.52)),
    )


def test_a_geojson_file_creates_one_network_per_feature(db, bow_and_poplar):
    output = run(bow_and_poplar)

    assert "Created 2 networks, updated 0." in output
    bow = Network.objects.get(name="Bow")
    assert bow.slug == "bow"
    assert bow.boundary.geom_type == "MultiPolygon"
    assert bow.boundary.covers(BROMLEY_BY_BOW)
    assert Network.objects.get(slug="poplar").boundary.extent == pytest.approx(
        (0.0, 51.50, 0.03, 51.52)
    )


@needs_ogr2ogr
def test_a_british_national_grid_file_is_reprojected_to_wgs84(db, tmp_path):
    source = write_geojson(
        tmp_path / "bng.geojson",
        feature("Bow", box(537300, 181800, 538300, 182800)),  # 1 km around Bromley-by-Bow
        crs=BNG,
    )
    ogr2ogr("-f", "GPKG", tmp_path / "bng.gpkg", source, "-a_srs", "EPSG:27700")

    run(tmp_path / "bng.gpkg")

    centre = Network.objects.get(name="Bow").boundary.centroid
    assert centre.y == pytest.approx(51.524, abs=0.005)  # latitude, not swapped
    assert centre.x == pytest.approx(-0.011, abs=0.006)


@needs_ogr2ogr
def test_a_shapefile_is_read(db, tmp_path, bow_and_poplar):
    ogr2ogr("-f", "ESRI Shapefile", tmp_path / "networks.shp", bow_and_poplar)

    run(tmp_path / "networks.shp")

    assert set(Network.objects.values_list("name", flat=True)) == {"Bow", "Poplar"}


@needs_ogr2ogr
def test_a_shapefile_without_a_crs_is_refused_unless_an_srid_is_given(db, tmp_path):
    source = write_geojson(
        tmp_path / "bng.geojson", feature("Bow", box(537300, 181800, 538300, 182800)), crs=BNG
    )
    ogr2ogr("-f", "ESRI Shapefile", tmp_path / "bng.shp", source)
    (tmp_path / "bng.prj").unlink()

    with pytest.raises(CommandError, match="no coordinate reference system"):
        run(tmp_path / "bng.shp")
    assert not Network.objects.exists()

    run(tmp_path / "bng.shp", "--srid", "27700")
    assert Network.objects.get(name="Bow").boundary.covers(BROMLEY_BY_BOW)


def test_a_polygon_with_a_tiny_self_intersecting_spike_is_repaired_and_reported(db, tmp_path):
    # The last edge crosses the first just east of the corner, leaving a sliver loop.
    ring = [[-0.03, 51.51], [0.0, 51.51], [0.0, 51.54], [-0.03, 51.54], [-0.0299, 51.5099]]
    path = write_geojson(tmp_path / "spike.geojson", feature("Bow", [ring + [ring[0]]]))

    output = run(path)

    assert "Repaired: feature 0 (“Bow”)" in output
    assert "Self-intersection" in output
    bow = Network.objects.get(name="Bow")
    assert bow.boundary.valid
    assert bow.boundary.covers(BROMLEY_BY_BOW)


def test_a_bow_tie_that_repair_would_reshape_is_refused_naming_the_feature(db, tmp_path):
    bow_tie = [[[-0.03, 51.51], [0.0, 51.54], [0.0, 51.51], [-0.03, 51.54], [-0.03, 51.51]]]
    path = write_geojson(
        tmp_path / "bowtie.geojson",
        feature("Poplar", box(0.0, 51.50, 0.03, 51.52)),
        feature("Bow", bow_tie),
    )

    with pytest.raises(CommandError) as refusal:
        run(path)

    assert "feature 1 (“Bow”): Self-intersection" in str(refusal.value)
    assert not Network.objects.exists()  # not even the valid Poplar


def test_a_missing_name_field_is_refused_listing_the_fields(db, bow_and_poplar):
    with pytest.raises(CommandError, match="no field “NAME22”. Its fields are: name"):
        call_command(
            "import_boundaries", str(bow_and_poplar), "--name-field", "NAME22", stdout=io.StringIO()
        )


def test_duplicate_and_empty_names_are_refused_together(db, tmp_path):
    path = write_geojson(
        tmp_path / "dupes.geojson",
        feature("Bow", box(-0.03, 51.51, 0.0, 51.54)),
        feature("BOW", box(0.0, 51.50, 0.03, 51.52)),
        feature("  ", box(0.03, 51.50, 0.05, 51.52)),
    )

    with pytest.raises(CommandError) as refusal:
        run(path)

    message = str(refusal.value)
    assert "feature 1 (“BOW”): the name “BOW” repeats feature 0 (“Bow”)" in message
    assert "feature 2: the name field “name” is empty" in message
    assert not Network.objects.exists()


def test_a_point_layer_is_refused(db, tmp_path):
    path = write_geojson(tmp_path / "points.geojson", feature("Bow", [-0.011, 51.524], "Point"))

    with pytest.raises(CommandError, match="feature 0 \\(“Bow”\\): a Point is not a polygon"):
        run(path)


def test_swapped_coordinates_outside_the_uk_are_refused(db, tmp_path):
    path = write_geojson(tmp_path / "swapped.geojson", feature("Bow", box(51.51, -0.03, 51.54, 0)))

    with pytest.raises(CommandError, match="outside the United Kingdom"):
        run(path)


def test_overlaps_and_gaps_between_networks_are_reported_as_warnings(db, tmp_path):
    # A ring of four networks around an empty middle, two of which overlap.
    path = write_geojson(
        tmp_path / "ring.geojson",
        feature("North", box(-0.03, 51.53, 0.0, 51.54)),
        feature("South", box(-0.03, 51.50, 0.0, 51.51)),
        feature("West", box(-0.03, 51.51, -0.02, 51.53)),
        feature("East", box(-0.011, 51.51, 0.0, 51.53)),  # touches South and North
        feature("Middle East", box(-0.012, 51.515, -0.005, 51.525)),  # overlaps East
    )

    output = run(path)

    assert "Created 5 networks" in output
    assert "Warning: East and Middle East overlap by" in output
    assert "Warning: a gap of" in output
    assert "North and South" not in output and "East and South" not in output


def test_an_existing_name_is_refused_without_replace(db, bow_and_poplar):
    NetworkFactory(name="BOW", slug="bow-network")
    before = boundaries_checksum()

    with pytest.raises(CommandError, match="already exist: BOW. Use --replace"):
        run(bow_and_poplar)

    assert boundaries_checksum() == before


def test_replace_updates_existing_networks_and_keeps_the_others(db, bow_and_poplar):
    bow = NetworkFactory(name="Bow", slug="bow", boundary=square(-0.05, 51.51, -0.04, 51.52))
    wapping = NetworkFactory(name="Wapping", slug="wapping")

    output = run(bow_and_poplar, "--replace")

    assert "Created 1 networks, updated 1." in output
    bow.refresh_from_db()
    assert bow.boundary.covers(BROMLEY_BY_BOW)
    assert Network.objects.filter(pk=wapping.pk).exists()
    assert Network.objects.count() == 3


def test_a_refused_file_leaves_the_database_unchanged(db, tmp_path):
    NetworkFactory(name="Bow", slug="bow", boundary=square(-0.05, 51.51, -0.04, 51.52))
    NetworkFactory(name="Wapping", slug="wapping")
    before = boundaries_checksum()
    path = write_geojson(
        tmp_path / "mixed.geojson",
        feature("Bow", box(-0.03, 51.51, 0.0, 51.54)),
        feature("Limehouse", box(-0.04, 51.50, -0.03, 51.52)),
        feature("Nowhere", box(10.0, 10.0, 11.0, 11.0)),
    )

    with pytest.raises(CommandError, match="Nothing was imported"):
        run(path, "--replace")

    assert boundaries_checksum() == before


@pytest.mark.worker
@needs_ogr2ogr
def test_replacing_a_boundary_moves_assets_through_the_worker(celery_worker, tmp_path):
    bow = NetworkFactory(name="Bow", slug="bow", boundary=square(-0.035, 51.515, -0.005, 51.540))
    wapping = NetworkFactory(
        name="Wapping", slug="wapping", boundary=square(-0.075, 51.500, -0.050, 51.512)
    )
    asset = AssetFactory(location=BROMLEY_BY_BOW)
    Asset.objects.assign_networks()
    assert Asset.objects.get(pk=asset.pk).network == bow
    source = write_geojson(
        tmp_path / "new.geojson",
        feature("Bow", box(-0.010, 51.515, 0.005, 51.540)),  # Bow shrinks eastwards,
        feature("wapping", box(-0.075, 51.500, -0.010, 51.535)),  # and Wapping grows north.
    )
    ogr2ogr("-f", "GPKG", tmp_path / "new.gpkg", source)

    output = run(tmp_path / "new.gpkg", "--replace")

    assert "updated 2" in output
    assert wait_for(lambda: Asset.objects.get(pk=asset.pk).network == wapping)
