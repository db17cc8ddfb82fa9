"""The network page in a real browser: map, list, graph, keyboard, CSP and axe."""

import pytest
from django.contrib.gis.geos import Point

from assetmap.models import Category, Status
from networks.models import Connection, ConnectionKind
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import (
    AssetFactory,
    NetworkFactory,
    OrganisationFactory,
    PracticeFactory,
)

pytestmark = pytest.mark.browser

XSS_NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture
def bow(live_site):
    network = NetworkFactory(name="Bow", slug="bow", description="Around Roman Road.")
    PracticeFactory(network=network, name="Roman Road Surgery")
    walking = Category.objects.get(slug="walking-groups")
    food = Category.objects.get(slug="community-meals")
    walk = AssetFactory(
        name="Bow Health Walk",
        slug="bow-health-walk",
        network=network,
        categories=[walking],
        location=Point(-0.027, 51.513, srid=4326),
    )
    AssetFactory(
        name=XSS_NAME,
        slug="xss",
        network=network,
        categories=[food],
        location=Point(-0.003, 51.537, srid=4326),
    )
    AssetFactory(
        name="Roman Road Lunch Club",
        network=network,
        categories=[food],
        location=Point(-0.015, 51.525, srid=4326),
    )
    AssetFactory(name="Secret draft", network=network, status=Status.DRAFT)
    Connection.objects.create(
        network=network,
        from_asset=walk,
        kind=ConnectionKind.REFERS_TO,
        to_organisation=OrganisationFactory(name="Bow Health Trust"),
    )
    return network


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_network_page_shows_the_same_places_on_the_map_and_in_the_list(bow, open_page, viewport):
    page = open_page("/networks/bow/", viewport=viewport)
    page.wait_for_selector("#network-map[data-ready]")
    page.wait_for_selector("#connections-graph[data-ready]")

    assert page.locator("#network-map path.boundary").count() == 1
    # Places close together are clustered; a cluster shows how many it holds.
    markers = page.locator(".marker-asset").evaluate_all("els => els.map(e => e.title)")
    clustered = sum(int(n) for n in page.locator(".marker-cluster").all_inner_texts())
    listed = page.locator("#asset-list .asset-name").all_inner_texts()
    assert len(markers) + clustered == len(listed) == 3
    assert set(markers) <= set(listed) == {"Bow Health Walk", XSS_NAME, "Roman Road Lunch Club"}
    assert page.locator(".marker-practice").count() == 1
    assert_accessible(page)
    screenshot(page, f"network-{viewport}")


def test_a_marker_opens_its_popup_from_the_keyboard_with_the_name_as_text(bow, open_page):
    page = open_page("/networks/bow/", viewport="desktop")
    page.wait_for_selector("#network-map[data-ready]")
    # Tab from the map itself reaches a marker, which has an accessible name.
    page.focus("#network-map")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.className, document.activeElement.getAttribute('aria-label')]"
    )
    assert "marker-asset" in focused[0]
    assert focused[1] in {"Bow Health Walk", XSS_NAME, "Roman Road Lunch Club"}

    page.focus(f'.marker-asset[aria-label="{XSS_NAME}"]')
    page.keyboard.press("Enter")

    popup = page.locator(".leaflet-popup-content .popup-title")
    popup.wait_for()
    assert popup.inner_text() == XSS_NAME
    assert page.locator(".leaflet-popup-content img").count() == 0


def test_a_graph_node_opens_the_places_list_entry_from_the_keyboard(bow, open_page):
    page = open_page("/networks/bow/", viewport="phone")
    page.wait_for_selector("#connections-graph[data-ready]")
    page.focus('#connections-graph a.node[href="#asset-bow-health-walk"]')
    page.keyboard.press("Enter")

    page.wait_for_function("() => document.activeElement.id === 'asset-bow-health-walk'")
    assert page.evaluate("location.hash") == "#asset-bow-health-walk"
