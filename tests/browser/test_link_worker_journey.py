"""A link worker finds support near a patient's postcode, shortlists two places and
hands over the link, which the patient opens signed out: phone and desktop, axe on
every page, and the shortlist printed."""

import re
from urllib.parse import urlparse

import pytest
from django.contrib.gis.geos import Point

from assetmap.models import Cost, Postcode, Weekday
from tests.browser.conftest import SCREENSHOTS, assert_accessible, screenshot
from tests.factories import AssetFactory, RecurringSessionFactory

pytestmark = pytest.mark.browser


def named(action: str, name: str) -> re.Pattern:
    # "Add to shortlist: <name>", the name visually hidden (which adds a space).
    return re.compile(rf"^{re.escape(action)}\s*:\s*{re.escape(name)}$")


@pytest.fixture
def neighbourhood(live_site):
    Postcode.objects.create(postcode="E3 3ES", location=Point(-0.011, 51.524, srid=4326))
    places = [
        ("Bromley-by-Bow health walk", -0.012, 51.528, Cost.FREE),
        ("Kitchen table lunch club", -0.016, 51.522, Cost.LOW_COST),
        ("Bengali women's sewing circle", -0.004, 51.531, Cost.FREE),
        ("<b>Roman Road</b> chair yoga", -0.020, 51.530, Cost.PAID),
    ]
    for index, (name, lng, lat, cost) in enumerate(places):
        asset = AssetFactory(
            name=name,
            slug=f"place-{index}",
            location=Point(lng, lat, srid=4326),
            cost=cost,
            address=f"{index + 1} Devons Road",
            phone="020 7946 0000",
            internal_notes="Ring ahead: the organiser is away in August.",
        )
        RecurringSessionFactory(asset=asset, weekday=Weekday(index % 5))
    AssetFactory(name="Far away club", location=Point(-0.2, 51.6, srid=4326))


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_link_worker_searches_shortlists_and_shares(
    neighbourhood, open_page, link_worker, viewport
):
    page = open_page("/search/", user=link_worker, viewport=viewport)
    assert_accessible(page)
    page.fill("#id_postcode", "e3 3es")
    page.select_option("#id_radius_m", "2000")
    page.click("button:text('Search')")
    page.wait_for_selector("#search-map[data-ready]")

    listed = page.locator(".result-name a").all_inner_texts()
    assert len(listed) == 4 and "Far away club" not in listed
    markers = page.locator(".marker-asset").count()
    clustered = sum(int(n) for n in page.locator(".marker-cluster").all_inner_texts())
    assert markers + clustered == 4
    assert page.locator(".distance").first.inner_text().endswith("m away")
    assert page.get_by_text("Ring ahead").count() == 4
    assert_accessible(page)
    screenshot(page, f"search-{viewport}")

    for name in ["Bromley-by-Bow health walk", "Kitchen table lunch club"]:
        page.get_by_role("button", name=named("Add to shortlist", name)).click()
        page.wait_for_load_state()
    assert page.locator(".on-shortlist").count() == 2

    page.get_by_role("link", name="Open the shortlist").click()
    page.fill("#id_title", "Tuesday mornings")
    page.locator("textarea").first.fill("Ask for Rina at the door.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("button", name=named("Move up", "Kitchen table lunch club")).click()
    handout = page.locator(".handout .handout-name").all_inner_texts()
    assert handout == ["Kitchen table lunch club", "Bromley-by-Bow health walk"]
    page.wait_for_function(
        "() => [...document.images].every((img) => img.complete && img.naturalWidth > 0)"
    )
    assert_accessible(page)
    screenshot(page, f"shortlist-{viewport}")

    page.emulate_media(media="print")
    screenshot(page, f"shortlist-print-{viewport}")
    pdf = page.pdf(format="A4", path=str(SCREENSHOTS / f"shortlist-{viewport}.pdf"))
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2
    page.emulate_media(media="screen")

    share_url = page.locator(".share-url a").get_attribute("href")
    patient = open_page(urlparse(share_url).path, viewport=viewport)
    assert patient.locator("h1").inner_text() == "Tuesday mornings"
    names = patient.locator(".handout-name").all_inner_texts()
    assert names == ["Kitchen table lunch club", "Bromley-by-Bow health walk"]
    assert patient.get_by_text("Ask for Rina at the door.").count() == 1
    assert patient.get_by_text("Ring ahead").count() == 0
    assert patient.get_by_text("alice").count() == 0
    assert_accessible(patient)
    screenshot(patient, f"shortlist-shared-{viewport}")
    patient.emulate_media(media="print")
    screenshot(patient, f"shortlist-shared-print-{viewport}")


def test_an_unknown_postcode_is_reported_accessibly(neighbourhood, open_page, link_worker):
    page = open_page("/search/?postcode=E1+1AA", user=link_worker, viewport="phone")
    summary = page.locator("[data-error-summary]")
    assert "We do not know the postcode E1 1AA" in summary.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert_accessible(page)
