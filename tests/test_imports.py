"""Imports: CSV, GeoJSON and Open Referral UK files or feeds, checked (preview), then
written all at once or not at all, idempotently, by a real worker; the staff pages."""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery.result import AsyncResult
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from assetmap import import_tasks, importing
from assetmap.exchange_models import DataJob, JobFormat, JobStatus
from assetmap.models import (
    Asset,
    Category,
    Cost,
    Frequency,
    Organisation,
    Postcode,
    Provenance,
    RecurringSession,
    Status,
    WeekOfMonth,
)
from tests.conftest import wait_for
from tests.factories import AssetFactory, NetworkFactory, square

ROOT = Path(__file__).resolve().parents[1]
ORUK_EXAMPLE = Path("/work/shared/openreferral/oruk-3.0-profile/example_service_full.json")
COLUMNS = importing.COLUMNS


@pytest.fixture(autouse=True)
def _taxonomy(db):
    # Tests on a committed database flush every table, the seeded taxonomy included.
    from assetmap.taxonomy import taxonomy_seed

    taxonomy_seed(Category)


def csv_of(*rows: dict, columns=COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return out.getvalue().encode()


def walking_group(**extra) -> dict:
    return {
        "id": "walk-1",
        "name": "Bromley-by-Bow walking group",
        "kind": "association",
        "description": "A gentle walk by the river, then tea.",
        "categories": "walking-groups;befriending",
        "organisation": "Bromley by Bow Centre",
        "address": "St Leonard's Street",
        "postcode": "E3 3BT",
        "latitude": "51.5240",
        "longitude": "-0.0110",
        "online_only": "no",
        "contact_name": "Amina Rahman",
        "email": "walks@example.org",
        "phone": "020 7946 0000",
        "website": "https://example.org/walks",
        "cost": "low_cost",
        "cost_description": "£1 for tea",
        "accessibility": "step_free;seating",
        "accessibility_notes": "Flat route.",
        "languages": "en;bn",
        "audience": "Adults",
        "focus": "helping_health",
        "age_min": "18",
        "age_max": "99",
        "sessions": "Mon 10:00-11:00; 1st Sat 10:00-12:00",
        "status": "published",
        "assured_date": "2026-01-15",
        **extra,
    }


def plan_of(content: bytes, *, source="groups.csv", file_format=JobFormat.CSV, **options):
    rows, warnings = importing.read_rows(content, file_format)
    return importing.import_plan(
        rows,
        source=source,
        digest=importing.content_digest(content),
        warnings=warnings,
        **options,
    )


def imported(content: bytes, *, user=None, **options) -> dict:
    plan = plan_of(content, **options)
    return importing.import_commit(plan, user=user) | {"plan": plan}


# --- CSV ------------------------------------------------------------------------------


def test_it_imports_a_csv_row_with_every_column(db, network_lead):
    network = NetworkFactory(boundary=square(-0.03, 51.51, 0.0, 51.54))

    result = imported(csv_of(walking_group()), user=network_lead)

    assert result["created"] == 1
    asset = Asset.objects.get(source="groups.csv", source_id="walk-1")
    assert asset.name == "Bromley-by-Bow walking group"
    assert asset.provenance == Provenance.IMPORT
    assert asset.status == Status.PUBLISHED
    assert asset.network == network
    assert (round(asset.location.y, 4), round(asset.location.x, 4)) == (51.524, -0.011)
    assert asset.organisation.name == "Bromley by Bow Centre"
    assert sorted(asset.categories.values_list("slug", flat=True)) == [
        "befriending",
        "walking-groups",
    ]
    assert asset.accessibility == ["step_free", "seating"]
    assert asset.languages == ["en", "bn"]
    assert (asset.cost, asset.cost_description) == (Cost.LOW_COST, "£1 for tea")
    assert (asset.age_min, asset.age_max, str(asset.assured_date)) == (18, 99, "2026-01-15")
    assert asset.focus == ["helping_health"]
    assert (asset.contact_name, asset.email, asset.phone) == (
        "Amina Rahman",
        "walks@example.org",
        "020 7946 0000",
    )
    sessions = [str(session) for session in asset.sessions.all()]
    assert sessions == ["Monday, 10:00–11:00", "First Saturday of the month, 10:00–12:00"]
    record = asset.history.get()
    assert (record.history_type, record.history_user) == ("+", network_lead)
    assert sorted(c.category.slug for c in record.categories.all()) == [
        "befriending",
        "walking-groups",
    ]


def test_new_rows_are_drafts_unless_the_row_or_the_form_says_otherwise(db):
    content = csv_of(walking_group(status=""), walking_group(id="walk-2", status="archived"))

    imported(content)
    imported(csv_of(walking_group(id="walk-3", status="")), default_status=Status.PUBLISHED)

    statuses = dict(Asset.objects.values_list("source_id", "status"))
    assert statuses == {"walk-1": "draft", "walk-2": "archived", "walk-3": "published"}


def test_a_row_without_a_point_is_placed_by_its_postcode(db):
    Postcode.objects.create(postcode="E3 3BT", location=Point(-0.0105, 51.5251, srid=4326))

    imported(csv_of(walking_group(latitude="", longitude="", postcode="e33bt")))

    asset = Asset.objects.get()
    assert (asset.postcode, asset.location.y) == ("E3 3BT", 51.5251)


def test_invalid_rows_are_listed_with_their_errors_and_left_out(db):
    content = csv_of(
        walking_group(id="ok"),
        walking_group(id="", name="No id"),
        walking_group(id="bad", kind="club", categories="walking-groups;knitting"),
        walking_group(id="ok", name="The same id again"),
        walking_group(id="times", sessions="Mon 12:00-10:00; Someday 10:00-11:00"),
        walking_group(id="place", latitude="", longitude="", postcode="E3 9ZZ"),
        walking_group(id="half", longitude=""),
        walking_group(id="ages", age_min="40", age_max="20", email="not an email"),
        walking_group(id="far", latitude="48.85", longitude="2.35"),
    )

    plan = plan_of(content)

    assert plan.counts["new"] == 1
    assert plan.counts["invalid"] == 8
    errors = {row["row"]: row["errors"] for row in plan.report()["invalid"]}
    assert errors[3] == {"id": [str(importing.NEEDS_ID)]}
    assert set(errors[4]) == {"kind", "categories"}
    assert "knitting" in errors[4]["categories"][0]
    assert errors[5] == {"id": ["The id ok is also used in row 2."]}
    assert "Session 1: A session must end after it starts." in errors[6]["sessions"]
    assert any("Someday" in message for message in errors[6]["sessions"])
    assert "E3 9ZZ" in errors[7]["postcode"][0]
    assert errors[8] == {"latitude": [str(importing.HALF_A_POINT)]}
    assert set(errors[9]) == {"email", "age_max"}
    assert "outside the United Kingdom" in errors[10]["location"][0]
    importing.import_commit(plan)
    assert list(Asset.objects.values_list("source_id", flat=True)) == ["ok"]


def test_a_likely_duplicate_within_50_metres_is_flagged(db):
    # About 30 m from the row's point, the same group under a slightly different name.
    nearby = AssetFactory(name="Bromley by Bow walking group", location=Point(-0.0110, 51.5243))
    AssetFactory(name="Bromley-by-Bow walking group", location=Point(-0.0110, 51.5270))  # 330 m

    plan = plan_of(csv_of(walking_group()))

    (row,) = plan.report()["duplicates"]
    assert [match["pk"] for match in row["matches"]] == [nearby.pk]
    assert row["matches"][0]["metres"] == 33
    assert plan.counts["duplicates"] == 1


def test_reimporting_the_same_file_changes_nothing(db):
    content = csv_of(walking_group(), walking_group(id="walk-2", name="Knit and natter"))
    imported(content)
    before = list(Asset.objects.order_by("pk").values("pk", "updated_at", "network"))
    history = Asset.history.count()

    result = imported(content)

    assert result["plan"].counts | {"total": 0} == {
        "total": 0,
        "new": 0,
        "updated": 0,
        "unchanged": 2,
        "invalid": 0,
        "duplicates": 0,
        "new_organisations": 0,
    }
    assert list(Asset.objects.order_by("pk").values("pk", "updated_at", "network")) == before
    assert Asset.history.count() == history
    assert RecurringSession.objects.count() == 4


def test_a_changed_row_updates_its_listing_and_leaves_the_rest_as_staff_made_it(db):
    imported(csv_of(walking_group(status="")))
    asset = Asset.objects.get()
    asset.status = Status.PUBLISHED
    asset.internal_notes = "Ask for Amina."
    asset.save()
    columns = [c for c in COLUMNS if c not in ("audience", "status")]
    changed = walking_group(name="Riverside walking group", sessions="Tue 10:00-11:00")

    result = imported(csv_of(changed, columns=columns))

    assert (result["created"], result["updated"]) == (0, 1)
    asset.refresh_from_db()
    assert asset.name == "Riverside walking group"
    assert (asset.status, asset.internal_notes, asset.audience) == (
        Status.PUBLISHED,
        "Ask for Amina.",
        "Adults",
    )
    assert [str(s) for s in asset.sessions.all()] == ["Tuesday, 10:00–11:00"]
    assert asset.history.first().history_type == "~"
    assert asset.history.first().name == "Riverside walking group"


def test_the_template_imports_as_it_is(db):
    content = (ROOT / "docs" / "import-template.csv").read_bytes()

    plan = plan_of(content)

    assert plan.report()["invalid"] == []
    assert plan.counts["new"] == 2


# --- GeoJSON and Open Referral UK -----------------------------------------------------


def test_it_imports_a_geojson_feature_collection(db):
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "g1",
                "geometry": {"type": "Point", "coordinates": [-0.056, 51.513]},
                "properties": {
                    "name": "Watney Market lunch club",
                    "kind": "association",
                    "categories": ["lunch-clubs-and-coffee-mornings"],
                    "languages": ["bn", "en"],
                    "sessions": ["Thu 12:00-14:00"],
                },
            },
            {"type": "Feature", "geometry": None, "properties": {"id": "g2", "name": "Online"}},
            {"type": "Feature", "id": "g3", "geometry": {"type": "LineString"}, "properties": {}},
            "not a feature",
        ],
    }
    content = json.dumps(collection).encode()
    assert importing.detect_format("places.json", content) == JobFormat.GEOJSON

    result = imported(content, file_format=JobFormat.GEOJSON)

    errors = {row["row"]: row["errors"] for row in result["plan"].report()["invalid"]}
    assert set(errors[3]) == {"geometry", "name"}
    assert set(errors[4]) == {"geometry", "id", "name"}

    club = Asset.objects.get(source_id="g1")
    assert (club.location.x, club.location.y) == (-0.056, 51.513)
    assert list(club.categories.values_list("slug", flat=True)) == [
        "lunch-clubs-and-coffee-mornings"
    ]
    assert club.languages == ["bn", "en"]
    assert [str(s) for s in club.sessions.all()] == ["Thursday, 12:00–14:00"]
    assert Asset.objects.get(source_id="g2").location is None


def test_the_official_oruk_example_imports_with_every_field_it_can_hold(db):
    Category.objects.create(name="name", slug="not-the-term")  # matched by its name
    content = ORUK_EXAMPLE.read_bytes()
    assert importing.detect_format("example.json", content) == JobFormat.OPENREFERRAL

    result = imported(content, source="example", file_format=JobFormat.OPENREFERRAL)

    assert result["created"] == 1
    asset = Asset.objects.get(source="example", source_id="ac148810-d857-441c-9679-408f346de14b")
    assert asset.name == "Community Counselling"
    assert asset.description.startswith("Counselling Services provided by trained")
    assert (asset.website, asset.email) == ("http://example.com/counselling", "email@example.com")
    assert (asset.age_min, asset.age_max, str(asset.assured_date)) == (12, 100, "2005-01-01")
    assert asset.status == Status.DRAFT
    assert asset.contact_name == "Ann Persona"
    assert asset.cost == Cost.PAID
    assert asset.cost_description == (
        "Under 18s and Over 60s: £35 per 1 hour session; fees_description"
    )
    assert asset.address == ("MyCity Civic Center, 1-30 Main Street, MyCity, MyRegion, MyState")
    assert asset.accessibility_notes == (
        "The building is equipped with induction loops for hearing aids. Wheelchair access "
        "is possible on all levels.\n\nSwitch hearing aid to T-coil to access the induction "
        "loop facility."
    )
    # Latitude 100 is no place on Earth and "ABC 1234" no UK postcode: left out, noted.
    assert (asset.location, asset.postcode) == (None, "")
    organisation = asset.organisation
    assert (organisation.name, organisation.email, organisation.website) == (
        "Example Organization Inc.",
        "email@example.com",
        "http://example.com",
    )
    assert organisation.description.startswith("Example Org is a non-profit")
    sessions = list(asset.sessions.order_by("weekday"))
    assert [(s.frequency, s.weekday, str(s.opens_at), str(s.closes_at)) for s in sessions] == [
        (Frequency.WEEKLY, 3, "10:00:00", "18:00:00"),
        (Frequency.WEEKLY, 4, "10:00:00", "18:00:00"),
    ]
    assert str(sessions[0].valid_from) == str(sessions[0].valid_to) == "2005-01-01"
    assert sessions[0].note.startswith("Some of our staff will be unavailable")
    assert list(asset.categories.values_list("slug", flat=True)) == ["not-the-term"]
    (noted,) = result["plan"].report()["row_warnings"]
    assert any("not in the United Kingdom" in warning for warning in noted["warnings"])
    assert any("ABC 1234" in warning for warning in noted["warnings"])


def test_it_reads_a_list_and_a_page_of_oruk_services(db):
    service = json.loads(ORUK_EXAMPLE.read_text())
    other = {"id": "s2", "name": "Befriending calls", "status": "inactive"}
    as_list = json.dumps([service, other]).encode()
    as_page = json.dumps({"total_items": 2, "contents": [service, other]}).encode()

    for content in (as_list, as_page):
        plan = plan_of(content, file_format=JobFormat.OPENREFERRAL)
        assert plan.counts["total"] == 2
        assert plan.rows[1].asset.status == Status.ARCHIVED


def test_it_imports_our_own_open_referral_feed_by_its_address(live_server, committed_db):
    organisation = Organisation.objects.create(name="Poplar Union", slug="poplar-union")
    walk = AssetFactory(
        name="Mudchute walk",
        organisation=organisation,
        categories=[Category.objects.get(slug="walking-groups")],
        languages=["en", "bn"],
        accessibility=["step_free"],
        accessibility_notes="Gravel paths.",
        cost=Cost.LOW_COST,
        cost_description="£2",
        age_min=16,
        website="https://example.org/walk",
        email="walk@example.org",
        phone="020 7946 0001",
        contact_name="Sam",
        postcode="E14 3HP",
        address="Pier Street",
    )
    RecurringSession.objects.create(
        asset=walk,
        frequency=Frequency.MONTHLY,
        week_of_month=WeekOfMonth.LAST,
        weekday=4,
        opens_at="14:00",
        closes_at="15:30",
    )
    AssetFactory(name="Online choir", location=None, online_only=True, postcode="")
    AssetFactory(name="Not public yet", status=Status.DRAFT)
    feed = f"{live_server.url}/openreferral/"

    plan = importing.import_plan(
        importing.oruk_rows(importing.feed_services(feed)), source=feed, digest=""
    )
    importing.import_commit(plan)

    copy = Asset.objects.get(source=feed, name="Mudchute walk")
    assert copy.pk != walk.pk
    for name in ("organisation", "languages", "accessibility", "accessibility_notes"):
        assert getattr(copy, name) == getattr(walk, name), name
    for name in ("cost", "cost_description", "age_min", "website", "email", "phone"):
        assert getattr(copy, name) == getattr(walk, name), name
    assert (copy.contact_name, copy.postcode, copy.address) == ("Sam", "E14 3HP", "Pier Street")
    assert copy.location.equals_exact(walk.location, 1e-6)
    assert list(copy.categories.all()) == list(walk.categories.all())
    assert [str(s) for s in copy.sessions.all()] == ["Last Friday of the month, 14:00–15:30"]
    # Our feed gives an online-only group no place, so it comes back placeless.
    assert Asset.objects.get(source=feed, name="Online choir").location is None
    assert not Asset.objects.filter(source=feed, name="Not public yet").exists()
    again = importing.import_plan(
        importing.oruk_rows(importing.feed_services(feed)), source=feed, digest=""
    )
    assert (again.counts["unchanged"], again.counts["new"]) == (2, 0)


def test_a_feed_import_job_previews_the_feed(live_server, committed_db, network_lead):
    AssetFactory(name="Mudchute walk")
    feed = f"{live_server.url}/openreferral"

    job = import_tasks.import_start(user=network_lead, source=feed, url=feed)
    import_tasks.preview_import.apply(args=(job.pk,), task_id=job.task_id)

    job.refresh_from_db()
    assert (job.status, job.format) == (JobStatus.PREVIEWED, JobFormat.OPENREFERRAL)
    assert job.report["counts"]["new"] == 1


def test_a_feed_that_cannot_be_reached_is_tried_again_then_fails(db, network_lead, monkeypatch):
    feed = "http://127.0.0.1:9/openreferral"  # the discard port: nothing listens
    job = import_tasks.import_start(user=network_lead, source=feed, url=feed)
    tries = []
    fetch = importing._fetch_json
    monkeypatch.setattr(importing, "_fetch_json", lambda url: tries.append(url) or fetch(url))

    # Run eagerly, each retry follows at once rather than after its backoff.
    import_tasks.preview_import.apply(args=(job.pk,), task_id=job.task_id)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("Could not reach http://127.0.0.1:9/openreferral/services")
    assert len(tries) == 1 + import_tasks.MAX_RETRIES
    assert import_tasks.preview_import.max_retries == import_tasks.MAX_RETRIES
    assert import_tasks.preview_import.acks_late and import_tasks.commit_import.acks_late


def test_a_feed_that_is_not_there_fails_with_its_address(live_server, committed_db):
    with pytest.raises(importing.ImportProblem, match="answered 404"):
        importing.feed_services(f"{live_server.url}/nothing-here/")
    with pytest.raises(importing.ImportProblem, match="http"):
        importing.feed_services("ftp://example.org/feed")


# --- All or nothing -------------------------------------------------------------------


def _previewed_job(content: bytes, *, user=None, name="groups.csv") -> DataJob:
    job = import_tasks.import_start(
        user=user, source=name, upload=SimpleUploadedFile(name, content)
    )
    import_tasks.preview_import.apply(args=(job.pk,), task_id=job.task_id)
    job.refresh_from_db()
    assert job.status == JobStatus.PREVIEWED, job.error
    return job


def test_a_failure_mid_commit_writes_nothing(db, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rows = [walking_group(id=f"w{n}", name=f"Walking group {n}") for n in range(30)]
    job = _previewed_job(csv_of(*rows))
    import_tasks.import_confirm(job=job)

    def broken(*args, **kwargs):
        raise importing.ImportProblem("The disk is full.")

    # After the listings, categories and sessions are written: only the history is left.
    monkeypatch.setattr(importing, "_write_history", broken)
    import_tasks.commit_import.apply(args=(job.pk,))

    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, "The disk is full.")
    assert not Asset.objects.exists()
    assert not Organisation.objects.exists()
    assert not RecurringSession.objects.exists()


def test_a_file_changed_after_its_preview_is_not_imported(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = _previewed_job(csv_of(walking_group()))
    import_tasks.import_confirm(job=job)
    Path(job.source_file.path).write_bytes(csv_of(walking_group(name="Something else")))

    import_tasks.commit_import.apply(args=(job.pk,))

    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, str(import_tasks.FILE_CHANGED))
    assert not Asset.objects.exists()


def test_a_finished_import_is_not_committed_twice(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = _previewed_job(csv_of(walking_group()))
    import_tasks.import_confirm(job=job)
    import_tasks.commit_import.apply(args=(job.pk,))
    Asset.objects.all().delete()

    import_tasks.commit_import.apply(args=(job.pk,))  # the same message, delivered again

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.report["result"]["created"] == 1
    assert not Asset.objects.exists()


# --- The command ------------------------------------------------------------------------


def test_the_command_checks_then_imports(db, tmp_path, capsys):
    path = tmp_path / "groups.csv"
    path.write_bytes(csv_of(walking_group(), walking_group(id="x", kind="club")))

    call_command("import_assets", str(path), "--dry-run")
    assert not Asset.objects.exists()
    call_command("import_assets", str(path), "--source", "council")

    out = capsys.readouterr()
    assert "2 rows: 1 new, 0 updated, 0 unchanged, 1 invalid" in out.out
    assert "Row 3 (x): kind:" in out.out
    assert "Dry run: nothing was written." in out.out
    assert "1 created, 0 updated, 0 unchanged, 1 invalid" in out.out
    assert "Checking: [####################] 2 / 2 (100%)" in out.err
    assert Asset.objects.get().source == "council"


# --- The pages ------------------------------------------------------------------------

PAGES = ["import-new", "import-template"]
JOB_PAGES = ["import-job"]
JOB_ACTIONS = ["import-commit", "import-cancel"]


def test_only_network_leads_reach_the_import_pages(
    client, network_lead, facilitator, link_worker, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    job = DataJob.objects.create(kind="import", format="csv", status=JobStatus.PREVIEWED)
    urls = [reverse(name) for name in PAGES] + [
        reverse(name, args=[job.pk]) for name in JOB_PAGES + JOB_ACTIONS
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url
    for user in (facilitator, link_worker):
        client.force_login(user)
        for url in urls:
            assert client.post(url).status_code == 403, url
            assert client.get(url).status_code == 403, url
    job.refresh_from_db()
    assert job.status == JobStatus.PREVIEWED
    client.force_login(network_lead)
    for url in [reverse(name) for name in PAGES] + [reverse("import-job", args=[job.pk])]:
        assert client.get(url).status_code == 200, url


def test_the_template_downloads(client, network_lead):
    client.force_login(network_lead)

    response = client.get(reverse("import-template"))

    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"id,name,kind,")


def test_the_form_asks_for_a_file_or_a_feed(client, network_lead, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(network_lead)

    empty = client.post(reverse("import-new"), {"default_status": "draft"})
    wrong = client.post(
        reverse("import-new"),
        {"upload": SimpleUploadedFile("groups.xlsx", b"PK"), "default_status": "draft"},
    )

    assert "Choose a file to import" in empty.content.decode()
    assert "Choose a .csv, .geojson or .json file." in wrong.content.decode()
    assert not DataJob.objects.exists()


def test_a_network_lead_uploads_previews_and_imports_through_the_worker(
    client, celery_worker, network_lead, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    AssetFactory(name="Bromley by Bow walking group", location=Point(-0.0110, 51.5243))
    client.force_login(network_lead)
    content = csv_of(walking_group(), walking_group(id="bad", name="<b>Bad</b>", kind="club"))

    response = client.post(
        reverse("import-new"),
        {"upload": SimpleUploadedFile("groups.csv", content), "default_status": "draft"},
    )
    job = DataJob.objects.get()
    assert response.url == reverse("import-job", args=[job.pk])
    assert wait_for(lambda: DataJob.objects.get().status == JobStatus.PREVIEWED)
    page = client.get(response.url).content.decode()
    assert "Import 1 row" in page
    assert "&lt;b&gt;Bad&lt;/b&gt;" in page and "<b>Bad</b>" not in page
    assert "is not one of" in page
    assert "Bromley by Bow walking group" in page  # the likely duplicate, linked
    assert not Asset.objects.filter(source="groups.csv").exists()

    client.post(reverse("import-commit", args=[job.pk]))
    assert wait_for(lambda: DataJob.objects.get().status == JobStatus.DONE)

    page = client.get(response.url).content.decode()
    assert "Imported" in page
    imported_asset = Asset.objects.get(source="groups.csv")
    assert (imported_asset.source_id, imported_asset.created_by) == ("walk-1", network_lead)
    assert imported_asset.history.get().history_user == network_lead
    listed = client.get(reverse("data")).content.decode()
    assert reverse("import-job", args=[job.pk]) in listed


def test_a_previewed_import_can_be_cancelled(client, network_lead, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = _previewed_job(csv_of(walking_group()), user=network_lead)
    client.force_login(network_lead)

    client.post(reverse("import-cancel", args=[job.pk]))
    client.post(reverse("import-commit", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert not Asset.objects.exists()


# --- A worker killed mid-import --------------------------------------------------------


VISIBILITY_TIMEOUT = 3  # seconds


def _start_worker(queue: str, media_root: Path) -> subprocess.Popen:
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgis://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT']}/{database['NAME']}"
        ),
        "MEDIA_ROOT": str(media_root),
        # Redis hands a dead worker's unacknowledged task to the next worker after this.
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    }
    return subprocess.Popen(  # noqa: S603 - our own celery, fixed arguments
        [str(Path(sys.executable).parent / "celery"), "-A", "assetmap", "worker"]
        + ["--pool", "solo", "-Q", queue, "--loglevel", "WARNING", "--without-heartbeat"]
        + ["--without-gossip", "--without-mingle"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_worker_killed_mid_import_leaves_nothing_and_the_import_completes_later(
    committed_db, settings, tmp_path
):
    from assetmap.celery import app

    settings.MEDIA_ROOT = tmp_path
    rows = [
        walking_group(id=f"w{n}", name=f"Group {n}", latitude=f"{51.50 + n / 100000:.5f}")
        for n in range(4000)
    ]
    job = _previewed_job(csv_of(*rows))
    queue = f"test-kill-{uuid.uuid4().hex}"
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    first = _start_worker(queue, tmp_path)
    second = None
    try:
        import_tasks.import_confirm(job=job)  # not in a transaction: queued at once
        job.refresh_from_db()

        def writing() -> bool:
            # The commit's second half (writing) has begun: past the rows' count.
            info = AsyncResult(job.task_id).info
            return isinstance(info, dict) and info.get("done", 0) > len(rows)

        assert wait_for(writing, timeout=60, interval=0.02)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)

        job.refresh_from_db()
        assert job.status == JobStatus.COMMITTING
        assert not Asset.objects.filter(source="groups.csv").exists()
        assert not RecurringSession.objects.exists()

        # A starting worker hands back the unacknowledged messages older than the
        # visibility timeout; later it looks again only every 100 s or so. So the
        # message must be that old when the second worker starts.
        time.sleep(VISIBILITY_TIMEOUT + 1)
        second = _start_worker(queue, tmp_path)
        assert wait_for(lambda: DataJob.objects.get(pk=job.pk).status == JobStatus.DONE, timeout=90)
        assert Asset.objects.filter(source="groups.csv").count() == len(rows)
        assert Asset.history.filter(source="groups.csv").count() == len(rows)
        assert RecurringSession.objects.count() == 2 * len(rows)
    finally:
        app.conf.task_default_queue = previous_queue
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
