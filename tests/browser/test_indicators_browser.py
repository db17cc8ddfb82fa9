"""The board's indicators in a real browser: charts and tables, phone and desktop,
the strict CSP and axe."""

import pytest

from tests.browser.conftest import assert_accessible, screenshot
from tests.test_indicators import area  # noqa: F401  (the hand-computed fixture)

pytestmark = pytest.mark.browser

PATH = "/volunteering/indicators/?from=2026-01&to=2026-03"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_indicators_page_reads_at_a_glance_and_passes_axe(
    live_site,
    area,  # noqa: F811
    network_lead,
    open_page,
    viewport,  # noqa: F811
):
    page = open_page(PATH, user=network_lead, viewport=viewport)
    assert page.locator("h1").inner_text() == "Indicators for the board"
    assert page.locator("section.indicator svg[role=img]").count() >= 12
    assert page.locator("#approved_hours table tbody tr").count() == 3
    # Nothing wider than the screen but the tables' own scrolling boxes.
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow
    assert_accessible(page)
    screenshot(page, f"indicators-{viewport}")


def test_bad_filters_show_an_error_summary_linking_to_the_field(live_site, network_lead, open_page):
    page = open_page("/volunteering/indicators/?from=2026-03&to=2026-01", user=network_lead)
    summary = page.locator(".error-summary")
    assert "The last month must not be before the first." in summary.inner_text()
    assert_accessible(page)
    screenshot(page, "indicators-error-phone")
