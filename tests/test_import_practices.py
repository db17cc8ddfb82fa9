"""import_practices: GP practices from a CSV file, all rows or none."""

import io

import pytest
from django.core.management import CommandError, call_command

from networks.models import Practice
from tests.factories import NetworkFactory, PracticeFactory, square

HEADER = "ods_code,name,postcode,lat,lng,network"


@pytest.fixture
def bow(db):
    return NetworkFactory(name="Bow", slug="bow", boundary=square(-0.03, 51.51, 0.0, 51.54))


@pytest.fixture
def wapping(db):
    return NetworkFactory(
        name="Wapping Health", slug="wapping", boundary=square(-0.075, 51.50, -0.05, 51.512)
    )


def write_csv(tmp_path, *rows, name="practices.csv", newline="\n", bom=False):
    path = tmp_path / name
    text = newline.join([HEADER, *rows]) + newline
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    return path


def run(path):
    out = io.StringIO()
    call_command("import_practices", str(path), stdout=out)
    return out.getvalue()


def test_a_valid_file_imports_every_practice(bow, wapping, tmp_path):
    path = write_csv(
        tmp_path,
        "f84003,Bromley by Bow Health Centre,e3 3bt,51.5245,-0.0115,Bow",
        "F84017,Wapping Group Practice,,51.506,-0.06,wapping",
    )

    assert "Created 2 practices, updated 0, 0 unchanged." in run(path)

    bbb = Practice.objects.get(ods_code="F84003")
    assert bbb.postcode == "E3 3BT"
    assert bbb.network == bow
    assert (bbb.location.x, bbb.location.y) == pytest.approx((-0.0115, 51.5245))
    assert Practice.objects.get(ods_code="F84017").network == wapping


def test_a_blank_network_is_found_by_point_in_polygon(bow, wapping, tmp_path):
    path = write_csv(
        tmp_path,
        "F84003,Bromley by Bow Health Centre,,51.5245,-0.0115,",
        "F84017,Wapping Group Practice,,51.506,-0.06,",
        "F84999,Far Away Surgery,,51.60,-0.20,",
    )

    run(path)

    assert Practice.objects.get(ods_code="F84003").network == bow
    assert Practice.objects.get(ods_code="F84017").network == wapping
    assert Practice.objects.get(ods_code="F84999").network is None


def test_importing_the_same_file_again_changes_nothing(bow, tmp_path):
    path = write_csv(
        tmp_path,
        "F84003,Bromley by Bow Health Centre,E3 3BT,51.5245,-0.0115,Bow",
        "F84004,Another Practice,,51.52,-0.02,",
    )
    run(path)

    assert "Created 0 practices, updated 0, 2 unchanged." in run(path)
    assert Practice.objects.count() == 2


def test_a_changed_row_updates_the_practice_with_that_ods_code(bow, tmp_path):
    PracticeFactory(ods_code="F84003", name="Old Name")
    path = write_csv(tmp_path, "F84003,Bromley by Bow Health Centre,,51.5245,-0.0115,")

    assert "Created 0 practices, updated 1, 0 unchanged." in run(path)

    practice = Practice.objects.get()
    assert practice.name == "Bromley by Bow Health Centre"
    assert practice.network == bow


def test_two_bad_rows_among_ten_are_both_reported_and_nothing_is_written(bow, tmp_path):
    rows = [f"F8400{n},Practice {n},,51.52,-0.02,Bow" for n in range(10)]
    rows[3] = "84003X,Practice 3,,51.52,-0.02,Bow"  # line 5
    rows[7] = "F84007,Practice 7,,-0.02,51.52,Bow"  # line 9: latitude and longitude swapped
    PracticeFactory(ods_code="F84001", name="Keep Me")
    path = write_csv(tmp_path, *rows)

    with pytest.raises(CommandError) as refusal:
        run(path)

    message = str(refusal.value)
    assert "line 5: ods_code: An ODS practice code is a letter and five digits" in message
    assert "line 9: location: This point" in message
    assert list(Practice.objects.values_list("ods_code", "name")) == [("F84001", "Keep Me")]


def test_a_postcode_without_a_point_is_a_row_error(bow, tmp_path):
    path = write_csv(tmp_path, "F84003,Bromley by Bow Health Centre,E3 3BT,,,Bow")

    with pytest.raises(CommandError, match="line 2: lat, lng: a point is needed"):
        run(path)
    assert not Practice.objects.exists()


def test_every_error_of_every_row_is_reported(bow, tmp_path):
    path = write_csv(
        tmp_path,
        "F8400,Bromley by Bow Health Centre,,51.5245,-0.0115,Poplar",
        "F84004,A Practice,,51.52,-0.02,",
        "f84004,The Same Practice,,51.52,-0.02,",
    )

    with pytest.raises(CommandError) as refusal:
        run(path)

    message = str(refusal.value)
    assert "line 2: network: there is no network called “Poplar”" in message
    assert "line 2: ods_code: An ODS practice code" in message
    assert "line 4: ods_code: F84004 is already on line 3" in message
    assert not Practice.objects.exists()


def test_a_windows_file_with_a_bom_and_trailing_spaces_is_read(bow, tmp_path):
    path = write_csv(
        tmp_path,
        "F84003 , Bromley by Bow Health Centre  ,E3 3BT , 51.5245 ,-0.0115 , bow ",
        "",
        newline="\r\n",
        bom=True,
    )

    assert "Created 1 practices" in run(path)

    practice = Practice.objects.get(ods_code="F84003")
    assert practice.name == "Bromley by Bow Health Centre"
    assert practice.network == bow
