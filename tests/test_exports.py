"""Exports of listings: the CSV (formula escaping, the import template's columns), the
GeoJSON, the Open Referral UK package checked against the official schemas, the
filters, who may export, and large exports through a real Celery worker."""

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assetmap import exporting, importing
from assetmap import openreferral as oruk
from assetmap.export_tasks import MAX_RETRIES, delete_old_exports, export_assets
from assetmap.models import (
    Asset,
    AssetKind,
    DataJob,
    Focus,
    JobFormat,
    JobKind,
    JobStatus,
    Status,
)
from tests import test_openreferral as feed_tests
from tests.conftest import wait_for
from tests.factories import (
    AssetFactory,
    CategoryFactory,
    NetworkFactory,
    OrganisationFactory,
    RecurringSessionFactory,
)
from tests.test_openreferral import HSDS_BASE, assert_valid, assert_valid_response

# The feed's tests' schema registry and assets: an export holds the same services.
registry = feed_tests.registry
full_asset = feed_tests.full_asset
empty_asset = feed_tests.empty_asset

EXPORTS = "/data/exports/"
IMPORT_TEMPLATE = Path(settings.BASE_DIR) / "docs" / "import-template.csv"
TODAY = timezone.localdate().isoformat()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Export files go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def export(client, user, export_format="csv", **fields):
    client.force_login(user)
    data = {"format": export_format, "statuses": ["published"]} | fields
    return client.post(EXPORTS, data)


def body(response) -> str:
    return b"".join(response.streaming_content).decode()


def csv_rows(text: str) -> list[dict]:
    assert text.startswith("\ufeff")  # so Excel reads UTF-8 as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:])))


def service_id(asset) -> str:
    return oruk.oruk_id("asset", asset.pk)


# --- CSV escaping -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example", "Click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+9)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "-",
        "+44 20 7946 0000",
    ],
)
def test_it_escapes_each_formula_start_with_a_quote(value):
    assert exporting.csv_cell(value) == "'" + value
    assert exporting.csv_uncell(exporting.csv_cell(value)) == value


@pytest.mark.parametrize("value", ["-0.011200", "-5", "+44", "51.524000", "Walk", "", "1 = 1"])
def test_it_leaves_plain_numbers_and_text_alone(value):
    assert exporting.csv_cell(value) == value
    assert exporting.csv_uncell(value) == value


@pytest.mark.parametrize("value", ["'quoted", "'=1+1", "'"])
def test_it_keeps_a_leading_quote_of_the_data_itself(value):
    assert exporting.csv_uncell(exporting.csv_cell(value)) == value


def test_csv_download_escapes_formulas_in_every_cell(client, network_lead):
    AssetFactory(
        name='=HYPERLINK("http://evil.example","Walk")',
        description="@SUM(A1:A9)",
        phone="-",
        address="+1 Main Road",
        internal_notes="\t=cmd",
    )

    [row] = csv_rows(body(export(client, network_lead)))

    assert row["name"] == '\'=HYPERLINK("http://evil.example","Walk")'
    assert row["description"] == "'@SUM(A1:A9)"
    assert row["phone"] == "'-"
    assert row["address"] == "'+1 Main Road"
    assert row["internal_notes"] == "'\t=cmd"
    assert row["longitude"] == "-0.011000"  # a number, not escaped


# --- CSV columns --------------------------------------------------------------------------


def test_csv_header_is_the_import_templates_then_read_only_columns(client, network_lead):
    with IMPORT_TEMPLATE.open(encoding="utf-8-sig", newline="") as template:
        template_columns = next(csv.reader(template))

    response = export(client, network_lead)
    header = next(csv.reader(io.StringIO(body(response)[1:])))

    assert header[: len(template_columns)] == template_columns
    assert header[len(template_columns) :] == ["network", "internal_notes", "url"]


def test_csv_download_is_a_dated_attachment(client, network_lead):
    response = export(client, network_lead)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="assetmap-assets-{TODAY}.csv"'
    )


def test_csv_row_holds_every_column_in_import_form(client, network_lead, full_asset):
    network = NetworkFactory(name="Bow", slug="bow")
    full_asset.network = network
    full_asset.internal_notes = "Ask Rahima before sharing."
    full_asset.focus = [Focus.HELPING_HEALTH]
    full_asset.save()

    [row] = csv_rows(body(export(client, network_lead)))

    assert row == {
        "id": service_id(full_asset),
        "name": "Riverside Walking Group",
        "kind": "association",
        "description": "Gentle walks along the Lea, then tea.",
        "categories": full_asset.categories.get().slug,
        "organisation": "Bromley by Bow Centre",
        "address": "Bromley by Bow Centre, St Leonard's Street, London",
        "postcode": "E3 3BT",
        "latitude": "51.524000",
        "longitude": "-0.009600",
        "online_only": "no",
        "contact_name": "Rahima",
        "email": "walks@example.org",
        "phone": "020 7946 0001",
        "website": "https://example.org/walks",
        "cost": "low_cost",
        "cost_description": "£2 a session, free for carers.",
        "accessibility": "step_free;hearing_loop",
        "accessibility_notes": "A lift to the first floor.",
        "languages": "en;bn;syl",
        "audience": "Adults",
        "focus": "helping_health",
        "age_min": "18",
        "age_max": "65",
        "sessions": "Tue 10:00-12:00; last Fri 18:00-20:30",
        "status": "published",
        "assured_date": "2026-01-15",
        "network": "bow",
        "internal_notes": "Ask Rahima before sharing.",
        "url": f"http://testserver/assets/{full_asset.slug}/",
    }


ROUND_TRIP_FIELDS = [
    "name",
    "kind",
    "description",
    "address",
    "postcode",
    "online_only",
    "contact_name",
    "email",
    "phone",
    "website",
    "cost",
    "cost_description",
    "accessibility",
    "accessibility_notes",
    "languages",
    "audience",
    "focus",
    "age_min",
    "age_max",
    "status",
    "assured_date",
    "organisation_id",
]


def listing(asset: Asset) -> dict:
    """What an import can set on `asset`, to compare a copy with its original."""
    return {
        **{name: getattr(asset, name) for name in ROUND_TRIP_FIELDS},
        "point": asset.location.coords if asset.location else None,
        "categories": sorted(asset.categories.values_list("slug", flat=True)),
        "sessions": sorted(
            asset.sessions.values_list("frequency", "weekday", "week_of_month", "opens_at")
        ),
    }


@pytest.mark.parametrize("export_format", ["csv", "geojson"])
def test_an_export_imports_again_as_the_same_listings(
    client, network_lead, full_asset, empty_asset, export_format
):
    full_asset.focus = [Focus.HELPING_HEALTH]
    # Cells the CSV escapes against spreadsheet formulas come back as they were.
    full_asset.phone = "+44 20 7946 0000"
    full_asset.description = "=2+2 is our motto. -Joan"
    full_asset.save()
    content = body(export(client, network_lead, export_format)).encode()
    # Into another Assetmap, where the exported listings are not (yet).
    originals = {service_id(asset): listing(asset) for asset in (full_asset, empty_asset)}
    Asset.objects.all().delete()

    rows, warnings = importing.read_rows(content, export_format)
    plan = importing.import_plan(rows, source="round trip", digest="-")
    importing.import_commit(plan)

    assert plan.counts["new"] == 2
    assert not plan.rows_that(importing.INVALID)
    copies = {copy.source_id: copy for copy in Asset.objects.filter(source="round trip")}
    assert {key: listing(copy) for key, copy in copies.items()} == originals


def test_a_corrected_export_imported_again_updates_the_listings_it_came_from(
    client, network_lead, full_asset, empty_asset
):
    rows = csv_rows(body(export(client, network_lead)))
    for row in rows:
        if row["id"] == service_id(full_asset):
            row["name"] = "Bow walkers (corrected)"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

    read, _warnings = importing.read_rows(out.getvalue().encode(), "csv")
    plan = importing.import_plan(read, source="corrected.csv", digest="-")
    importing.import_commit(plan)

    assert (plan.counts["new"], plan.counts["updated"], plan.counts["unchanged"]) == (0, 1, 1)
    assert not any(row.duplicates for row in plan.rows)  # not a copy of itself
    assert Asset.objects.count() == 2
    full_asset.refresh_from_db()
    assert full_asset.name == "Bow walkers (corrected)"


def test_another_assetmaps_export_never_overwrites_a_listing_that_shares_its_id(
    client, network_lead, full_asset
):
    # Every Assetmap makes ids the same way: only the page address tells them apart.
    rows = csv_rows(body(export(client, network_lead)))
    rows[0]["url"] = "https://assetmap.other-borough.example/assets/their-lunch-club/"
    rows[0]["name"] = "Their lunch club"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

    read, _warnings = importing.read_rows(out.getvalue().encode(), "csv")
    plan = importing.import_plan(read, source="other-borough.csv", digest="-")
    importing.import_commit(plan)

    assert (plan.counts["new"], plan.counts["updated"]) == (1, 0)
    full_asset.refresh_from_db()
    assert full_asset.name != "Their lunch club"


def test_csv_row_of_an_empty_online_asset_has_empty_cells(client, network_lead, empty_asset):
    [row] = csv_rows(body(export(client, network_lead)))

    assert row["online_only"] == "yes"
    for column in ("categories", "organisation", "latitude", "longitude", "sessions", "age_min"):
        assert row[column] == ""


def test_the_id_stays_the_same_when_a_listing_is_renamed(client, network_lead):
    asset = AssetFactory(name="Old name")
    [before] = csv_rows(body(export(client, network_lead)))
    asset.name, asset.slug = "New name", "new-name"
    asset.save()

    [after] = csv_rows(body(export(client, network_lead)))

    assert before["id"] == after["id"] == service_id(asset)


def queries_to_export(client, export_format: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        body(client.post(EXPORTS, {"format": export_format, "statuses": ["published"]}))
    return len(captured)


@pytest.mark.parametrize("export_format", ["csv", "geojson", "openreferral"])
def test_it_takes_the_same_queries_for_many_assets(client, network_lead, export_format):
    def add_assets(count: int) -> None:
        for _ in range(count):
            asset = AssetFactory(categories=[CategoryFactory()], organisation=OrganisationFactory())
            RecurringSessionFactory(asset=asset)

    client.force_login(network_lead)
    add_assets(3)
    few = queries_to_export(client, export_format)
    add_assets(30)

    assert queries_to_export(client, export_format) == few


# --- GeoJSON ------------------------------------------------------------------------------


def test_geojson_is_a_feature_collection_in_longitude_latitude_order(
    client, network_lead, full_asset, empty_asset
):
    response = export(client, network_lead, "geojson")
    collection = json.loads(body(response))

    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Disposition"].endswith(f'assetmap-assets-{TODAY}.geojson"')
    assert collection["type"] == "FeatureCollection"
    features = {feature["id"]: feature for feature in collection["features"]}
    walking = features[service_id(full_asset)]
    assert walking["type"] == "Feature"
    assert walking["geometry"] == {"type": "Point", "coordinates": [-0.0096, 51.524]}
    assert walking["properties"]["categories"] == [full_asset.categories.get().slug]
    assert walking["properties"]["sessions"] == ["Tue 10:00-12:00", "last Fri 18:00-20:30"]
    online = features[service_id(empty_asset)]
    assert online["geometry"] is None
    assert online["properties"]["online_only"] is True


def test_geojson_and_package_never_hold_internal_notes(client, network_lead, full_asset):
    full_asset.internal_notes = "Secret: the leader is unwell."
    full_asset.save()

    for export_format in ("geojson", "openreferral"):
        assert "Secret" not in body(export(client, network_lead, export_format))
    assert "Secret" in body(export(client, network_lead, "csv"))


# --- Open Referral UK package -------------------------------------------------------------


def test_package_services_validate_against_the_official_schemas(
    client, network_lead, registry, full_asset, empty_asset
):
    address_only = AssetFactory(name="Address only", location=None, address="1 High Street")
    draft = AssetFactory(name="Draft", status=Status.DRAFT, organisation=None)
    archived = AssetFactory(name="Archived", status=Status.ARCHIVED)
    wanted = [full_asset, empty_asset, address_only, draft, archived]

    response = export(
        client, network_lead, "openreferral", statuses=["published", "draft", "archived"]
    )
    package = json.loads(body(response))

    assert response["Content-Type"] == "application/json"
    assert_valid_response(registry, package, "/services")
    assert package["total_items"] == package["size"] == len(wanted)
    assert {service["id"] for service in package["contents"]} == {service_id(a) for a in wanted}
    for service in package["contents"]:
        assert_valid_response(registry, service, "/services/{id}")
        assert_valid(registry, service, f"{HSDS_BASE}service.json")
    statuses = {service["name"]: service["status"] for service in package["contents"]}
    assert statuses["Draft"] == "inactive"
    assert statuses["Archived"] == "defunct"
    assert statuses["Riverside Walking Group"] == "active"


def test_package_service_is_what_the_feed_gives_for_it(client, network_lead, full_asset):
    package = json.loads(body(export(client, network_lead, "openreferral")))

    feed = client.get(f"/openreferral/services/{service_id(full_asset)}").json()
    assert package["contents"] == [feed]


def test_package_leaves_out_listings_of_a_persons_skills(client, network_lead):
    AssetFactory(name="Bike repair skills", kind=AssetKind.INDIVIDUAL_SKILLS, status=Status.DRAFT)

    package = json.loads(body(export(client, network_lead, "openreferral", statuses=["draft"])))
    csv_export = csv_rows(body(export(client, network_lead, "csv", statuses=["draft"])))

    assert package["contents"] == []
    assert package["empty"] is True
    assert [row["name"] for row in csv_export] == ["Bike repair skills"]


# --- Filters ------------------------------------------------------------------------------


def exported_names(client, user, **fields) -> set[str]:
    return {row["name"] for row in csv_rows(body(export(client, user, **fields)))}


def test_only_published_listings_by_default(client, network_lead):
    AssetFactory(name="Published")
    for status in (Status.DRAFT, Status.PENDING_REVIEW, Status.NEEDS_REVIEW, Status.ARCHIVED):
        AssetFactory(name=f"Not {status}", status=status)

    assert exported_names(client, network_lead) == {"Published"}
    assert exported_names(client, network_lead, statuses=["draft", "needs_review"]) == {
        "Not draft",
        "Not needs_review",
    }


def test_network_filter_keeps_that_networks_listings(client, network_lead):
    bow, poplar = NetworkFactory(name="Bow"), NetworkFactory(name="Poplar")
    AssetFactory(name="In Bow", network=bow)
    AssetFactory(name="In Poplar", network=poplar)
    AssetFactory(name="Online", network=None)

    assert exported_names(client, network_lead, network=bow.pk) == {"In Bow"}


def test_category_filter_includes_sub_categories(client, network_lead):
    moving = CategoryFactory(name="Moving more")
    walks = CategoryFactory(name="Walks", parent=moving)
    AssetFactory(name="Walk", categories=[walks])
    AssetFactory(name="Gym", categories=[moving])
    AssetFactory(name="Choir", categories=[CategoryFactory(name="Singing")])

    assert exported_names(client, network_lead, category=moving.pk) == {"Walk", "Gym"}
    assert exported_names(client, network_lead, category=walks.pk) == {"Walk"}


def test_bad_choices_show_form_errors_and_export_nothing(client, network_lead):
    client.force_login(network_lead)
    response = client.post(EXPORTS, {"format": "xlsx", "statuses": [], "network": "999"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Tick at least one kind of listing to export." in content
    assert '<a href="#id_statuses_0">' in content  # the summary leads to the first box
    assert not DataJob.objects.exists()


# --- Who may export -----------------------------------------------------------------------


def test_network_lead_sees_the_export_form(client, network_lead):
    client.force_login(network_lead)

    for path in (EXPORTS, "/data/"):
        response = client.get(path)
        assert response.status_code == 200
        assert 'action="/data/exports/"' in response.content.decode()


@pytest.mark.parametrize("persona", ["facilitator", "link_worker", "coordinator", "outsider"])
def test_others_cannot_export(client, db, request, persona):
    AssetFactory(name="Walk")
    user = request.getfixturevalue(persona)
    client.force_login(user)

    assert client.get(EXPORTS).status_code == 403
    response = client.post(EXPORTS, {"format": "csv", "statuses": ["published"]})
    assert response.status_code == 403
    assert "Walk" not in response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.post(EXPORTS, {"format": "csv", "statuses": ["published"]})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Large exports in the worker ----------------------------------------------------------


def finished_job(network_lead, export_format=JobFormat.CSV, **options) -> DataJob:
    """An export job the task has run (eagerly, in this thread)."""
    job = DataJob.objects.create(
        kind=JobKind.EXPORT,
        format=export_format,
        options={"statuses": ["published"], "base_url": "https://assetmap.example.org/"} | options,
        created_by=network_lead,
    )
    export_assets.apply(args=[job.pk])
    job.refresh_from_db()
    return job


@pytest.mark.worker
def test_large_export_runs_in_the_worker_and_gives_a_download_link(
    client, celery_worker, settings, network_lead, facilitator, link_worker
):
    settings.EXPORT_INLINE_LIMIT = 2
    for letter in "ABC":
        AssetFactory(name=f"Asset {letter}")
    client.force_login(network_lead)

    response = client.post(EXPORTS, {"format": "csv", "statuses": ["published"]})

    job = DataJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/data/exports/{job.pk}/"
    assert wait_for(lambda: DataJob.objects.get(pk=job.pk).status == JobStatus.DONE)
    job.refresh_from_db()
    assert job.report == {"assets": 3, "bytes": job.result_file.size}
    page = client.get(f"/data/exports/{job.pk}/").content.decode()
    download = f"/data/exports/{job.pk}/download/"
    assert f'href="{download}"' in page

    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="assetmap-assets-{TODAY}-{job.pk}.csv"'
    )
    rows = csv_rows(b"".join(response.streaming_content).decode())
    assert [row["name"] for row in rows] == ["Asset A", "Asset B", "Asset C"]
    assert rows[0]["url"].startswith("http://testserver/assets/")

    for other in (facilitator, link_worker):
        client.force_login(other)
        assert client.get(download).status_code == 403
        assert client.get(f"/data/exports/{job.pk}/").status_code == 403
    client.logout()
    assert client.get(download).status_code == 302
    # The file is not reachable at a public media address either.
    assert client.get("/" + settings.MEDIA_URL + job.result_file.name).status_code == 404


@pytest.mark.parametrize("persona", ["facilitator", "link_worker", "coordinator", "outsider"])
def test_others_cannot_see_or_download_a_finished_export(client, request, network_lead, persona):
    AssetFactory(name="Walk")
    job = finished_job(network_lead)
    client.force_login(request.getfixturevalue(persona))

    for path in (f"/data/exports/{job.pk}/", f"/data/exports/{job.pk}/download/"):
        response = client.get(path)
        assert response.status_code == 403
        assert b"Walk" not in response.content


def test_job_page_shows_progress_until_the_job_ends(client, network_lead):
    job = DataJob.objects.create(kind=JobKind.EXPORT, format=JobFormat.CSV, options={})
    client.force_login(network_lead)

    page = client.get(f"/data/exports/{job.pk}/").content.decode()

    assert f'data-job-progress="/data/jobs/{job.pk}/progress/"' in page
    assert "job-progress.js" in page
    assert "/download/" not in page


def test_task_is_idempotent(network_lead, media):
    AssetFactory(name="Walk")
    job = finished_job(network_lead)
    path, finished_at = job.result_file.path, job.finished_at

    export_assets.apply(args=[job.pk])  # a done job is not redone
    job.refresh_from_db()
    assert job.finished_at == finished_at

    AssetFactory(name="Choir")
    DataJob.objects.filter(pk=job.pk).update(status=JobStatus.EXPORTING)  # delivered twice
    export_assets.apply(args=[job.pk])
    job.refresh_from_db()

    assert job.status == JobStatus.DONE
    assert job.result_file.path == path  # the same file, rewritten
    assert [file.name for file in Path(path).parent.iterdir()] == [Path(path).name]
    assert {row["name"] for row in csv_rows(Path(path).read_text())} == {"Walk", "Choir"}


def test_task_writes_each_format_with_the_jobs_filters(network_lead, registry, full_asset):
    AssetFactory(name="Draft", status=Status.DRAFT)

    geojson = finished_job(network_lead, JobFormat.GEOJSON, statuses=["draft"])
    package = finished_job(network_lead, JobFormat.OPENREFERRAL)

    features = json.loads(Path(geojson.result_file.path).read_text())["features"]
    assert [feature["properties"]["name"] for feature in features] == ["Draft"]
    assert geojson.result_file.name.endswith(f"-{geojson.pk}.geojson")
    document = json.loads(Path(package.result_file.path).read_text())
    assert_valid_response(registry, document, "/services")
    assert [service["name"] for service in document["contents"]] == ["Riverside Walking Group"]


def test_an_export_job_runs_outside_a_worker_too(network_lead):
    """An administrator may run a stuck job from a shell: progress then goes nowhere."""
    AssetFactory(name="Walk")
    job = DataJob.objects.create(
        kind=JobKind.EXPORT, format=JobFormat.CSV, options={}, created_by=network_lead
    )

    exporting.export_job_run(job, task_id="")

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert [row["name"] for row in csv_rows(Path(job.result_file.path).read_text())] == ["Walk"]


def test_a_failed_export_says_so_and_offers_no_download(client, network_lead, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("the writer broke")

    monkeypatch.setattr(exporting, "export_pieces", broken)
    job = finished_job(network_lead)
    client.force_login(network_lead)

    assert job.status == JobStatus.FAILED
    assert job.error == "the writer broke"
    assert not job.result_file
    page = client.get(f"/data/exports/{job.pk}/").content.decode()
    assert "The export failed" in page
    assert client.get(f"/data/exports/{job.pk}/download/").status_code == 404


def test_a_passing_failure_is_retried_before_the_job_fails(network_lead, monkeypatch):
    runs = []

    def database_away(job, *, task_id):
        runs.append(task_id)
        raise OperationalError("the database went away")

    monkeypatch.setattr(exporting, "export_job_run", database_away)
    job = finished_job(network_lead)

    assert len(runs) == MAX_RETRIES + 1
    assert job.status == JobStatus.FAILED
    assert job.error == "the database went away"


def test_a_bug_is_not_retried(network_lead, monkeypatch):
    runs = []

    def broken(job, *, task_id):
        runs.append(task_id)
        raise KeyError("statuses")

    monkeypatch.setattr(exporting, "export_job_run", broken)
    job = finished_job(network_lead)

    assert len(runs) == 1
    assert job.status == JobStatus.FAILED


def test_old_exports_are_deleted_with_their_files(network_lead, settings):
    settings.EXPORT_KEEP_DAYS = 7
    old, new = finished_job(network_lead), finished_job(network_lead)
    DataJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))

    assert delete_old_exports.apply().get() == 1

    assert list(DataJob.objects.values_list("pk", flat=True)) == [new.pk]
    assert not Path(old.result_file.path).exists()
    assert Path(new.result_file.path).exists()


# --- The management command ---------------------------------------------------------------


def test_command_writes_the_export_to_a_file(tmp_path, full_asset, registry):
    AssetFactory(name="Draft", status=Status.DRAFT)
    target = tmp_path / "out.json"

    call_command("export_assets", "--format", "openreferral", "--status", "draft", str(target))

    document = json.loads(target.read_text())
    assert_valid_response(registry, document, "/services")
    assert [service["name"] for service in document["contents"]] == ["Draft"]


def test_command_writes_csv_to_standard_output(full_asset):
    out = io.StringIO()

    call_command("export_assets", "--format", "csv", "-", stdout=out)

    [row] = csv_rows(out.getvalue())
    assert row["name"] == "Riverside Walking Group"
    assert row["latitude"] == "51.524000"
