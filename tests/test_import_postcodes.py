"""import_postcodes: the ONS Postcode Directory and OS Code-Point Open into the postcode
table, and an imported postcode becoming a point everywhere one is typed."""

import io
import uuid
import zipfile

import pytest
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from assetmap.models import UNKNOWN_POSTCODE, Asset, Postcode
from assetmap.postcode_import import postcodes_import
from tests.factories import AssetFactory, NetworkFactory

pytestmark = pytest.mark.django_db

ONSPD_HEADER = (
    "pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,"
    "oseast1m,osnrth1m,osgrdind,oshlthau,nhser,ctry,rgn,lat,long"
)
# Two rows of ONSPD as ONS publishes them (February 2023), with the WGS84 point ONS
# gives each: the grid reference must land there.
ABERDEEN = ("AB1 0AA", 385386, 801193, 57.101474, -2.242851)
SOUTHWARK = ("SE1 9ZZ", 531901, 180373, 51.506903, -0.100841)
# Invented postcodes in Tower Hamlets, on the British National Grid.
BOW = ("E3 3ZZ", 537600, 182600)
STEPNEY = ("E1 4ZZ", 535300, 181600)
WAPPING = ("E1W 9ZZ", 534800, 180200)
POPLAR = ("E14 9ZZ", 537800, 180900)
UNKNOWN = "E3 9ZY"  # well formed, in no file here


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # The command keeps a record of the last import under MEDIA_ROOT.
    settings.MEDIA_ROOT = tmp_path / "media"


def onspd_row(postcode, easting, northing, doterm="", grdind="1", lat="", lng=""):
    outward, inward = postcode.split()
    pcd = f"{outward:<4}{inward}"
    grid = [f"{easting}", f"{northing:07d}"] if easting != "" else ["", ""]
    fields = [pcd, f"{outward:<5}{inward}", postcode, "198001", doterm, "E99999999"]
    fields += ["E99999999", "E09000030", "E05009317", "E43000220", "0", *grid, grdind]
    fields += ["E18000007", "E40000003", "E92000001", "E12000007"]
    return ",".join(f'"{field}"' for field in fields) + f",{lat},{lng}"


def write_onspd(tmp_path, *rows, name="ONSPD_FEB_2024_UK.csv", header=ONSPD_HEADER):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def code_point_row(postcode, easting, northing, quality=10):
    outward, inward = postcode.split()
    return (
        f'"{outward:<4}{inward}",{quality},{easting},{northing},'
        '"E92000001","E19000003","E18000007","","E09000030","E05009317"'
    )


def run(path, *args) -> str:
    out = io.StringIO()
    call_command("import_postcodes", str(path), *args, stdout=out)
    return out.getvalue()


def point(postcode: str) -> Point:
    return Postcode.objects.get(postcode=postcode).location


def lat_lng(postcode: str) -> tuple[float, float]:
    location = point(postcode)
    return location.y, location.x


# --- Loading ------------------------------------------------------------------------------


def test_an_onspd_file_puts_each_postcode_where_ons_puts_it(tmp_path):
    path = write_onspd(tmp_path, *(onspd_row(*row[:3]) for row in (ABERDEEN, SOUTHWARK)))

    output = run(path)

    assert "Loaded 2 postcodes: 2 new, 0 updated, 0 unchanged" in output
    for postcode, _easting, _northing, lat, lng in (ABERDEEN, SOUTHWARK):
        assert lat_lng(postcode) == pytest.approx((lat, lng), abs=1e-5)  # about a metre
        assert point(postcode).srid == 4326


def test_a_grid_reference_in_the_city_is_converted_to_wgs84(tmp_path):
    run(write_onspd(tmp_path, onspd_row("EC3N 9ZZ", 533000, 181000)))

    # PostGIS and ONS agree on the rows above to a tenth of a metre; this one is
    # between Aldgate and Tower Hill.
    assert lat_lng("EC3N 9ZZ") == pytest.approx((51.51228, -0.08478), abs=1e-4)


def test_terminated_postcodes_are_kept_with_the_first_day_of_their_month(tmp_path):
    path = write_onspd(tmp_path, onspd_row(*BOW, doterm="201906"), onspd_row(*STEPNEY))

    output = run(path)

    assert "Loaded 2 postcodes: 2 new, 0 updated, 0 unchanged; 1 of them terminated." in output
    assert str(Postcode.objects.get(postcode="E3 3ZZ").terminated) == "2019-06-01"
    assert Postcode.objects.get(postcode="E1 4ZZ").terminated is None


def test_an_older_release_with_upper_case_columns_is_read(tmp_path):
    path = write_onspd(tmp_path, onspd_row(*BOW, doterm="200112"), header=ONSPD_HEADER.upper())

    run(path)

    assert str(Postcode.objects.get(postcode="E3 3ZZ").terminated) == "2001-12-01"


def test_rows_without_a_grid_reference_are_skipped_and_counted(tmp_path):
    path = write_onspd(
        tmp_path,
        onspd_row("JE2 4WD", "", "", grdind="9", lat="99.999999", lng="0.000000"),
        onspd_row("IM1 1AA", "", "", grdind="9"),
        onspd_row(*BOW),
    )

    output = run(path)

    assert "Skipped 2 postcodes without a grid reference." in output
    assert list(Postcode.objects.values_list("postcode", flat=True)) == ["E3 3ZZ"]


def test_northern_ireland_grid_references_are_read_on_the_irish_grid(tmp_path):
    # Belfast city centre on the Irish Grid; read as British National Grid it would
    # land in Lancashire.
    run(write_onspd(tmp_path, onspd_row("BT1 5ZZ", 333900, 374100)))

    lat, lng = lat_lng("BT1 5ZZ")
    assert 54.55 < lat < 54.65 and -5.98 < lng < -5.88


def test_a_code_point_open_csv_has_no_header_and_every_spacing_is_normalised(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(
        "\n".join(
            [
                code_point_row(*BOW),
                code_point_row(*STEPNEY).replace('"E1  4ZZ"', '"E14ZZ"'),
                code_point_row(*WAPPING),
                code_point_row("E3 9ZX", 0, 0, quality=90),  # no coordinates
            ]
        )
    )

    output = run(path)

    assert "Read 4 rows of OS Code-Point Open from e.csv." in output
    assert "Skipped 1 postcodes without a grid reference." in output
    assert set(Postcode.objects.values_list("postcode", flat=True)) == {
        "E3 3ZZ",
        "E1 4ZZ",
        "E1W 9ZZ",
    }
    assert not Postcode.objects.filter(terminated__isnull=False).exists()


def test_a_code_point_open_zip_is_read_area_file_by_area_file_without_unpacking(tmp_path):
    path = tmp_path / "codepo_gb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Doc/Code-Point_Open_Column_Headers.csv", "PC,PQ,EA,NO\nPostcode,x,y,z\n")
        archive.writestr("Data/CSV/e.csv", code_point_row(*BOW) + "\n" + code_point_row(*POPLAR))
        archive.writestr("Data/CSV/se.csv", "\n".join([code_point_row(*SOUTHWARK[:3]), "bad,row"]))

    output = run(path)

    assert "Loaded 3 postcodes: 3 new" in output
    assert "- Data/CSV/se.csv line 2: 2 columns where a row has at least 4" in output
    assert lat_lng("SE1 9ZZ") == pytest.approx(SOUTHWARK[3:], abs=1e-5)
    assert Postcode.objects.count() == 3


def test_an_onspd_zip_is_read_from_its_whole_uk_file_only(tmp_path):
    path = tmp_path / "ONSPD_FEB_2024_UK.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Data/ONSPD_FEB_2024_UK.csv", f"{ONSPD_HEADER}\n{onspd_row(*BOW)}\n")
        # The same directory again, cut by area: it must not be read twice.
        archive.writestr(
            "Data/multi_csv/ONSPD_FEB_2024_UK_E.csv",
            f"{ONSPD_HEADER}\n{onspd_row(*BOW, doterm='202001')}\n{onspd_row(*STEPNEY)}\n",
        )
        archive.writestr("User Guide/readme.txt", "ONS Postcode Directory")

    output = run(path)

    assert "Read 1 rows of ONS Postcode Directory from ONSPD_FEB_2024_UK.zip." in output
    assert list(Postcode.objects.values_list("postcode", "terminated")) == [("E3 3ZZ", None)]


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    path = write_onspd(tmp_path, onspd_row(*BOW), onspd_row(*STEPNEY, doterm="202304"))
    run(path)
    before = list(Postcode.objects.order_by("postcode").values_list())

    output = run(path)

    assert "Loaded 2 postcodes: 0 new, 0 updated, 2 unchanged; 1 of them terminated." in output
    assert list(Postcode.objects.order_by("postcode").values_list()) == before


def test_a_newer_directory_marks_the_postcodes_terminated_since(tmp_path):
    run(write_onspd(tmp_path, onspd_row(*BOW), onspd_row(*STEPNEY), name="ONSPD_FEB_2024.csv"))

    newer = write_onspd(
        tmp_path,
        onspd_row(*BOW, doterm="202407"),
        onspd_row(*STEPNEY),
        onspd_row(*POPLAR),
        name="ONSPD_NOV_2024.csv",
    )
    output = run(newer)

    assert "Loaded 3 postcodes: 1 new, 1 updated, 1 unchanged; 1 of them terminated." in output
    assert str(Postcode.objects.get(postcode="E3 3ZZ").terminated) == "2024-07-01"


def test_a_postcode_already_known_moves_to_the_directory_point(tmp_path):
    Postcode.objects.create(postcode="E3 3ZZ", location=Point(0, 0, srid=4326))

    output = run(write_onspd(tmp_path, onspd_row(*BOW)))

    assert "0 new, 1 updated" in output
    assert point("E3 3ZZ").distance(Point(0, 0, srid=4326)) > 1


def test_malformed_rows_are_listed_with_their_line_and_the_good_rows_load(tmp_path):
    path = write_onspd(
        tmp_path,
        onspd_row(*BOW),
        onspd_row("E3 3ZZ", 537600, 182600).replace('"E3 3ZZ"', '"NOT A CODE"'),
        onspd_row("E3 3ZX", "5376OO", 182600),
        onspd_row("E3 3ZW", 537600, 182600, doterm="2019"),
        onspd_row("E3 3ZT", 937600, 182600),
        '"E3  3ZU","E3   3ZU","E3 3ZU"',
        onspd_row(*STEPNEY),
    )

    output = run(path)

    assert "Loaded 2 postcodes: 2 new" in output
    assert "5 malformed rows were left out:" in output
    assert "- line 3: “NOT A CODE” is not a postcode" in output
    assert "- line 4: the grid reference “5376OO, 0182600” is not two whole numbers" in output
    assert "- line 5: the termination date “2019” is not a year and month (yyyymm)" in output
    assert "- line 6: the grid reference 937600, 182600 is off the grid" in output
    assert "- line 7: 3 columns where a row has at least 14" in output
    assert set(Postcode.objects.values_list("postcode", flat=True)) == {"E3 3ZZ", "E1 4ZZ"}


def test_the_list_of_malformed_rows_is_capped(tmp_path):
    bad = [onspd_row(f"E3 3Z{letter}", "x", 1) for letter in "ABDEFGHJLNPQRSTUWXYZ"] * 3

    output = run(write_onspd(tmp_path, *bad, onspd_row(*BOW)))

    assert "60 malformed rows were left out:" in output
    assert output.count("is not two whole numbers") == 50
    assert "- and 10 more (only the first 50 are listed)" in output
    assert Postcode.objects.count() == 1


@pytest.mark.parametrize(
    "content",
    [
        "name,address\nBromley by Bow Centre,St Leonard's Street\n",
        "postcode,lat,lng\nE3 3BT,51.52,-0.01\n",
        "",
    ],
)
def test_a_file_in_neither_format_is_refused_and_nothing_is_loaded(tmp_path, content):
    path = tmp_path / "practices.csv"
    path.write_text(content)

    with pytest.raises(CommandError, match="is neither an ONS Postcode Directory CSV"):
        run(path)
    assert not Postcode.objects.exists()


def test_a_zip_without_a_csv_is_refused(tmp_path):
    path = tmp_path / "boundaries.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("wards.geojson", "{}")

    with pytest.raises(CommandError, match="boundaries.zip holds no CSV file."):
        run(path)


def test_area_keeps_only_the_chosen_districts_and_sectors(tmp_path):
    path = write_onspd(
        tmp_path,
        onspd_row(*BOW),
        onspd_row("E3 4ZZ", 537000, 183000),
        onspd_row(*STEPNEY),
        onspd_row(*WAPPING),
        onspd_row(*POPLAR),
        onspd_row(*SOUTHWARK[:3]),
    )

    output = run(path, "--area", "e1, E3 3")

    assert "Skipped 4 postcodes outside the chosen areas." in output
    # E1 is a district: E1W and E14 are others.
    assert set(Postcode.objects.values_list("postcode", flat=True)) == {"E1 4ZZ", "E3 3ZZ"}
    run(path, "--area", "SE")
    assert Postcode.objects.filter(postcode="SE1 9ZZ").exists()


def test_a_malformed_area_is_refused(tmp_path):
    with pytest.raises(CommandError, match="“E1-2” is not a postcode area"):
        run(write_onspd(tmp_path, onspd_row(*BOW)), "--area", "E1-2")


# --- Where postcodes are typed ------------------------------------------------------------


@pytest.fixture
def directory(tmp_path):
    """A borough extract of ONSPD, imported: Bow live, Stepney terminated in 2019."""
    run(write_onspd(tmp_path, onspd_row(*BOW), onspd_row(*STEPNEY, doterm="201907")))
    return point("E3 3ZZ")


@pytest.fixture
def near_and_far(directory):
    """A place 220 m north of the imported E3 3ZZ and one 5.5 km north."""
    AssetFactory(name="Near", location=Point(directory.x, directory.y + 0.002, srid=4326))
    AssetFactory(name="Far", location=Point(directory.x, directory.y + 0.05, srid=4326))


def unknown_message() -> str:
    return str(UNKNOWN_POSTCODE) % {"postcode": UNKNOWN}


def test_the_search_page_finds_places_near_an_imported_postcode(client, link_worker, near_and_far):
    client.force_login(link_worker)

    response = client.get("/search/", {"postcode": "e33zz", "radius_m": "1000"})

    assert [asset.name for asset in response.context["results"]] == ["Near"]
    assertContains(response, "220 m away")
    unknown = client.get("/search/", {"postcode": UNKNOWN})
    assert response.context["form"].errors == {}
    assert unknown.context["form"].errors["postcode"] == [unknown_message()]


def test_the_home_map_filters_near_an_imported_postcode(client, near_and_far, directory):
    response = client.get("/", {"postcode": "E3 3ZZ", "radius_m": "1000"})

    assert [asset.name for asset in response.context["page"]] == ["Near"]
    assert response.context["config"]["near"] == [directory.y, directory.x]
    unknown = client.get("/", {"postcode": UNKNOWN, "radius_m": "1000"})
    assertContains(unknown, unknown_message())


def test_the_api_measures_from_an_imported_postcode(client, near_and_far):
    response = client.get("/api/v1/assets/", {"postcode": "e3 3zz", "radius_m": 1000})

    assert [row["name"] for row in response.json()["results"]] == ["Near"]
    assert response.json()["results"][0]["distance_m"] == pytest.approx(222, abs=2)
    unknown = client.get("/api/v1/assets/", {"postcode": UNKNOWN})
    assert unknown.status_code == 400
    assert unknown.json() == {"postcode": [unknown_message()]}


def test_a_terminated_postcode_still_stands_for_its_point(client, directory):
    # People still have letters and records with old postcodes.
    stepney = point("E1 4ZZ")
    AssetFactory(name="Stepney", location=Point(stepney.x, stepney.y + 0.001, srid=4326))

    response = client.get("/api/v1/assets/", {"postcode": "E1 4ZZ", "radius_m": 500})

    assert [row["name"] for row in response.json()["results"]] == ["Stepney"]


def test_the_open_referral_feed_measures_from_an_imported_postcode(client, near_and_far):
    feed = "/openreferral/service_at_locations"

    response = client.get(feed, {"postcode": "E33ZZ", "proximity": "1000"})

    assert [item["service"]["name"] for item in response.json()["contents"]] == ["Near"]
    unknown = client.get(feed, {"postcode": UNKNOWN, "proximity": "1000"})
    assert unknown.status_code == 400
    assert unknown_message() in unknown.content.decode()


def listing(**fields) -> dict:
    return {
        "name": "Knit and natter",
        "description": "Knitting and a chat.",
        "kind": "association",
        "cost": "free",
        "status": "published",
        "latitude": "",
        "longitude": "",
        "sessions-TOTAL_FORMS": "0",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "30",
        **fields,
    }


def test_a_facilitator_places_a_new_listing_by_an_imported_postcode(client, facilitator, directory):
    network = NetworkFactory(name="Bow", slug="bow")
    network.facilitators.add(facilitator)
    client.force_login(facilitator)

    unknown = client.post("/assets/new/", listing(postcode=UNKNOWN))
    assertContains(unknown, unknown_message())
    assert not Asset.objects.exists()

    response = client.post("/assets/new/", listing(postcode="e3 3zz"))

    assert response.status_code == 302
    assert Asset.objects.get().location.equals_exact(directory, 1e-9)


@pytest.fixture
def _own_throttle_counters(settings):
    # Suggestions are limited per hour in Redis, shared with other runs: count apart.
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


def suggestion(**fields) -> dict:
    data = {
        "name": "Knit and natter",
        "description": "Knitting and a chat at the library.",
        "category": "",
        "kind": "association",
        "latitude": "",
        "longitude": "",
        "address": "",
        "postcode": "",
        "email": "",
        "homepage": "",
        "sessions-TOTAL_FORMS": "0",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "3",
    }
    return data | fields


@pytest.mark.usefixtures("_own_throttle_counters")
def test_a_resident_places_a_suggestion_by_an_imported_postcode(client, directory):
    unknown = client.post("/suggest/", suggestion(postcode=UNKNOWN))
    assert unknown.context["form"].errors["postcode"] == [unknown_message()]
    assert not Asset.objects.exists()

    response = client.post("/suggest/", suggestion(postcode="E3 3ZZ"))

    assert response.status_code == 302
    assert Asset.objects.get().location.equals_exact(directory, 1e-9)


# --- The licences' attribution ------------------------------------------------------------


@pytest.mark.parametrize("page", ["/", "/suggest/", "/networks/", "/about/data/"])
def test_every_page_has_a_footer_linking_to_about_the_data(client, page):
    response = client.get(page)

    footer = response.content.decode().split("<footer", 1)[1]
    assert 'href="/about/data/"' in footer
    assert "Ordnance Survey, Royal Mail and National Statistics data" in footer
    assert "OpenStreetMap contributors" in footer


def test_about_the_data_shows_the_licence_lines_of_the_onspd_release_loaded(client, tmp_path):
    path = tmp_path / "ONSPD_FEB_2024_UK.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Data/ONSPD_FEB_2024_UK.csv", f"{ONSPD_HEADER}\n{onspd_row(*BOW)}\n")
    run(path)

    response = client.get("/about/data/")

    assertContains(response, "Contains OS data © Crown copyright and database right 2024")
    assertContains(
        response, "Contains Royal Mail data © Royal Mail copyright and database right 2024"
    )
    assertContains(
        response, "Contains National Statistics data © Crown copyright and database right 2024"
    )
    assertContains(
        response,
        "Source: Office for National Statistics licensed under the Open Government Licence v.3.0",
    )
    assertContains(response, "ONS Postcode Directory")
    assertContains(response, "ONSPD_FEB_2024_UK.zip")
    assertContains(response, "February 2024")
    assertContains(response, 'href="https://www.openstreetmap.org/copyright"')


def test_code_point_open_has_three_lines_with_the_year_it_was_loaded(client, tmp_path):
    path = tmp_path / "codepo_gb.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Data/CSV/e.csv", code_point_row(*BOW))
    run(path)

    response = client.get("/about/data/")

    year = timezone.now().year
    assertContains(response, f"Contains OS data © Crown copyright and database right {year}")
    assertContains(response, "OS Code-Point Open")
    assertNotContains(response, "Source: Office for National Statistics")


def test_about_the_data_before_any_import_says_none_was_loaded(client):
    response = client.get("/about/data/")

    assertContains(response, "No postcode directory has been loaded yet")
    assertNotContains(response, "Contains OS data")


def test_quoted_commas_and_quotes_in_other_columns_and_unquoted_rows_are_read(tmp_path):
    path = write_onspd(
        tmp_path,
        onspd_row(*BOW).replace('"E43000220"', '"Bow, Bromley"'),
        # An escaped quote: this row goes through the csv module.
        onspd_row(*STEPNEY, doterm="202001").replace('"E43000220"', '"St ""Dunstan\'s"", E1"'),
        onspd_row(*POPLAR).replace('"', ""),
    )

    output = run(path)

    assert "Loaded 3 postcodes: 3 new" in output
    assert "malformed" not in output
    assert str(Postcode.objects.get(postcode="E1 4ZZ").terminated) == "2020-01-01"
    assert lat_lng("E1 4ZZ") == pytest.approx((51.51713, -0.05142), abs=1e-4)


def test_a_missing_file_is_refused_with_its_name(tmp_path):
    with pytest.raises(CommandError, match="nowhere.csv cannot be read"):
        run(tmp_path / "nowhere.csv")


def test_progress_is_reported_in_rows_read(tmp_path):
    path = write_onspd(tmp_path, onspd_row(*BOW), onspd_row("JE2 4WD", "", "", grdind="9"))
    seen = []

    postcodes_import(path=path, on_progress=seen.append)

    assert seen[-1] == 2
