"""A network lead imports listings through the browser: upload, watch the check's
progress bar, read the preview, import, watch again, read the result."""

import csv
import io
import re

from django.contrib.gis.geos import Point

from assetmap.models import Asset, Category
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import AssetFactory


def groups_csv(count: int, *, invalid: int = 0) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "name", "kind", "categories", "latitude", "longitude", "sessions"])
    for n in range(count):
        writer.writerow(
            [
                f"g{n}",
                f"Community group {n}",
                "club" if n < invalid else "association",
                "walking-groups;befriending",
                f"{51.49 + (n // 300) * 0.0014:.6f}",
                f"{-0.08 + (n % 300) * 0.0022:.6f}",
                "Mon 10:00-12:00; 1st Tue 18:00-20:00",
            ]
        )
    return out.getvalue().encode()


def watch_progress(page, shot: str = "") -> list[float]:
    """The progress bar's values while it is on the page (it reloads when done), with
    a screenshot named `shot` of the bar part-way."""
    seen = []
    while page.locator("progress").count():
        try:
            value = page.locator("progress").evaluate("bar => bar.position")
            if shot and 0 < value < 1:
                screenshot(page, shot)
                shot = ""
        except Exception:  # the page reloaded between the count and the read
            break
        seen.append(value)
        page.wait_for_timeout(100)
    return seen


def upload(page, content: bytes, name: str) -> None:
    page.get_by_label("File", exact=True).set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Check the file").click()


def test_a_network_lead_imports_10000_rows_watching_the_progress_bar(
    open_page, celery_worker, network_lead, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page = open_page("/data/imports/new/", user=network_lead, viewport="phone")
    assert_accessible(page)
    screenshot(page, "import-upload-phone")

    upload(page, groups_csv(10_000), "groups.csv")

    checking = watch_progress(page, "import-checking-phone")
    assert any(0 < value < 1 for value in checking), checking  # it moved
    page.get_by_role("button", name="Import 10000 rows").wait_for(timeout=60_000)
    assert page.get_by_text("New listings").is_visible()
    assert_accessible(page)
    screenshot(page, "import-preview-phone")

    page.get_by_role("button", name="Import 10000 rows").click()
    importing = watch_progress(page)
    assert any(0 < value < 1 for value in importing), importing
    page.get_by_role("heading", name="Imported").wait_for(timeout=60_000)
    counts = page.locator(".import-counts").inner_text()
    assert re.search(r"New listings\s+10000", counts), counts
    assert_accessible(page)
    screenshot(page, "import-result-phone")
    assert Asset.objects.filter(source="groups.csv").count() == 10_000
    assert Category.objects.get(slug="walking-groups").assets.count() == 10_000


def test_the_preview_lists_invalid_rows_and_duplicates_on_a_desktop(
    open_page, celery_worker, network_lead, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    AssetFactory(name="Community group 7", location=Point(-0.0646, 51.4902, srid=4326))
    page = open_page("/data/imports/new/", user=network_lead, viewport="desktop")
    screenshot(page, "import-upload-desktop")

    upload(page, groups_csv(40, invalid=3), "groups.csv")

    page.get_by_role("button", name="Import 37 rows").wait_for(timeout=30_000)
    assert page.get_by_role("heading", name="Invalid rows").is_visible()
    assert page.locator(".import-table").first.get_by_text("club").count() == 3
    assert page.get_by_role("link", name="Community group 7").is_visible()
    assert_accessible(page)
    screenshot(page, "import-preview-desktop")

    page.get_by_role("button", name="Import 37 rows").click()
    page.get_by_role("heading", name="Imported").wait_for(timeout=30_000)
    assert_accessible(page)
    screenshot(page, "import-result-desktop")
