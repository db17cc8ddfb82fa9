"""The residents' map at / and an asset's page in a real browser: filtering, the list
matching the map, keyboard use, names shown as text, CSP and axe."""

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from assetmap.models import Category, Cost, Postcode, ProblemKind, ProblemReport, Status
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import AssetFactory, NetworkFactory, RecurringSessionFactory

pytestmark = pytest.mark.browser

XSS_NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture
def places(live_site):
    NetworkFactory(name="Bow", slug="bow")
    walking = Category.objects.get(slug="walking-groups")
    meals = Category.objects.get(slug="community-meals")
    Postcode.objects.create(postcode="E3 3ES", location=Point(-0.0207, 51.5275, srid=4326))
    walk = AssetFactory(
        name="Bow Health Walk",
        slug="bow-health-walk",
        categories=[walking],
        cost=Cost.FREE,
        address="Bow Church",
        location=Point(-0.0207, 51.5280, srid=4326),
        accessibility=["step_free"],
    )
    RecurringSessionFactory(asset=walk)
    AssetFactory(
        name="Victoria Park Striders",
        categories=[walking],
        cost=Cost.PAID,
        location=Point(-0.0400, 51.5360, srid=4326),
    )
    AssetFactory(
        name=XSS_NAME,
        slug="xss",
        categories=[meals],
        cost=Cost.FREE,
        address="Roman Road",
        location=Point(-0.0150, 51.5200, srid=4326),
    )
    AssetFactory(
        name="Lunch club",
        categories=[meals],
        location=Point(-0.0152, 51.5201, srid=4326),
    )
    AssetFactory(name="Online cooking", categories=[meals], location=None, online_only=True)
    AssetFactory(name="Secret draft", status=Status.DRAFT)
    return walk


def map_names(page) -> set[str]:
    """The places on the map, each marker by name and each cluster by its count."""
    markers = page.locator(".marker-asset").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    clustered = sum(int(n) for n in page.locator(".marker-cluster").all_inner_texts())
    return set(markers), clustered


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_map_and_the_list_show_the_same_published_places(places, open_page, viewport):
    page = open_page("/", viewport=viewport)
    page.wait_for_selector("#resident-map[data-ready]")

    listed = page.locator("#result-list .result-name").all_inner_texts()
    assert sorted(listed) == sorted(
        ["Bow Health Walk", "Victoria Park Striders", XSS_NAME, "Lunch club", "Online cooking"]
    )
    markers, clustered = map_names(page)
    # Online cooking has no place on the map.
    assert len(markers) + clustered == 4
    assert markers <= set(listed)
    assert page.locator("#resident-map path.boundary").count() == 1
    assert "4 places" in page.locator("[data-map-status]").inner_text()
    assert_accessible(page)
    screenshot(page, f"resident-map-{viewport}")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_resident_filters_by_category_and_free_and_opens_a_place_by_keyboard(
    places, open_page, viewport
):
    page = open_page("/", viewport=viewport)
    page.wait_for_selector("#resident-map[data-ready]")

    page.select_option("#f-category", "walking-groups")
    page.check("#f-free")
    page.click("#filters button[type=submit]")
    page.wait_for_url(lambda url: "category=walking-groups" in url)
    page.wait_for_selector("#resident-map[data-ready]")

    # Blank fields stay out of the address, which can be shared.
    assert page.url.endswith("/?category=walking-groups&free=true")
    assert page.locator("#result-list .result-name").all_inner_texts() == ["Bow Health Walk"]
    assert page.locator("#results-title").inner_text() == "1 place found"
    markers, clustered = map_names(page)
    assert markers == {"Bow Health Walk"} and clustered == 0
    # The form shows the filters chosen.
    assert page.locator("#f-category").input_value() == "walking-groups"
    assert page.locator("#f-free").is_checked()

    # Tab from the map reaches the marker, named for screen readers; Enter opens it.
    page.focus("#resident-map")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == ("Bow Health Walk")
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator(".popup-title").inner_text() == "Bow Health Walk"
    assert "Walking groups" in popup.locator(".popup-meta").inner_text()
    assert popup.locator(".popup-when").count() == 1
    # The focus moves to the popup's link; Enter follows it to the place's page.
    expect(popup.locator(".popup-link")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/assets/bow-health-walk/")
    assert page.locator("h1").inner_text() == "Bow Health Walk"

    # The times have changed: the resident says so from the place's page.
    page.get_by_role("link", name="Report a problem with this listing").click()
    page.get_by_label("The days or times are wrong").check()
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url("**/assets/bow-health-walk/")
    assert page.get_by_text("Thank you for telling us.").is_visible()
    assert ProblemReport.objects.get().kind == ProblemKind.WRONG_TIMES


def test_a_cluster_is_named_and_zooms_in_from_the_keyboard(places, open_page):
    page = open_page("/?category=food", viewport="phone")
    page.wait_for_selector("#resident-map[data-ready]")
    # The lunch club and the other meal are a few metres apart: one cluster.
    cluster = page.locator(".marker-cluster")
    assert cluster.count() == 1
    assert cluster.get_attribute("aria-label") == "2 places here, press Enter to zoom in"

    cluster.focus()
    page.keyboard.press("Enter")
    # Zoomed in, the focus is on the first of its places, not lost.
    expect(page.locator(".marker-asset:focus, .marker-cluster:focus")).to_have_count(1)


def test_near_a_postcode_the_list_gives_distances(places, open_page):
    page = open_page("/", viewport="phone")
    page.fill("#f-postcode", "e3 3es")
    page.select_option("#f-radius_m", "1000")
    page.click("#filters button[type=submit]")
    page.wait_for_selector("#resident-map[data-ready]")

    first = page.locator("#result-list .result").first
    assert first.locator(".result-name").inner_text() == "Bow Health Walk"
    assert first.locator(".result-distance").inner_text() == "60 m away"
    assert page.locator("path.search-area").count() == 1
    screenshot(page, "resident-map-postcode-phone")


def test_an_unknown_postcode_is_shown_as_an_error(places, open_page):
    page = open_page("/?postcode=E1+1ZZ", viewport="phone")
    summary = page.locator(".error-summary")
    assert "We do not know the postcode E1 1ZZ" in summary.inner_text()
    assert page.locator("#result-list").count() == 0
    assert_accessible(page)
    screenshot(page, "resident-map-error-phone")


def test_a_name_written_as_html_is_text_in_the_popup_the_list_and_the_page(places, open_page):
    page = open_page("/?q=onerror", viewport="desktop")
    page.wait_for_selector("#resident-map[data-ready]")
    page.focus(".marker-asset")
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-content .popup-title").wait_for()

    assert page.locator(".leaflet-popup-content .popup-title").inner_text() == XSS_NAME
    assert page.locator("#result-list .result-name").inner_text() == XSS_NAME
    assert page.locator("main img[src=x]").count() == 0

    page.click(".leaflet-popup-content .popup-link")
    page.wait_for_url("**/assets/xss/")
    assert page.locator("h1").inner_text() == XSS_NAME
    assert page.locator("main img[src=x]").count() == 0


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_an_asset_page_shows_where_it_is_and_passes_axe(places, open_page, viewport):
    page = open_page("/assets/bow-health-walk/", viewport=viewport)
    page.wait_for_selector("#asset-map[data-ready]")
    assert page.locator("#asset-map .marker-here").count() == 1
    assert page.locator("a", has_text="Directions on OpenStreetMap").count() == 1
    assert_accessible(page)
    screenshot(page, f"asset-page-{viewport}")


def test_the_copy_button_copies_the_page_link(places, open_page):
    page = open_page("/assets/bow-health-walk/", viewport="phone")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("[data-copy]")
    expect(page.locator("[data-share-status]")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()").endswith("/assets/bow-health-walk/")
