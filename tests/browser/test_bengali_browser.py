"""Switching to Bengali with the keyboard on a phone: the choice is remembered, the
home page and an asset's page are in Bengali, fit the screen and pass axe."""

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from assetmap.models import Category
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import AssetFactory, RecurringSessionFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def walk(live_site):
    asset = AssetFactory(
        name="Bow Health Walk",
        slug="bow-health-walk",
        description="A gentle walk around Mile End Park, with a cup of tea after.",
        categories=[Category.objects.get(slug="walking-groups")],
        address="Bow Church",
        location=Point(-0.0207, 51.5280, srid=4326),
        accessibility=["step_free"],
    )
    RecurringSessionFactory(asset=asset)
    return asset


def tab_to(page, selector: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_it_switches_to_bengali_with_the_keyboard_on_a_phone(open_page, walk):
    page = open_page("/", viewport="phone")
    expect(page.locator("h1")).to_have_text("What's on near you")

    tab_to(page, "#language-select")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#language-select")).to_have_value("bn")
    tab_to(page, ".language-form button")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.locator("html")).to_have_attribute("lang", "bn")
    expect(page.locator("h1")).to_have_text("আপনার কাছে কী হচ্ছে")
    expect(page.locator(".site-nav")).to_contain_text("একটি গ্রুপের কথা জানান")
    expect(page.locator("#language-select")).to_have_value("bn")
    assert fits_the_width(page)
    assert_accessible(page)
    screenshot(page, "bengali-home-phone")

    # The choice is remembered: another page opens in Bengali too.
    page.goto(page.url.split("/?")[0].rstrip("/") + "/assets/bow-health-walk/")
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    expect(page.locator("h1")).to_have_text("Bow Health Walk")
    expect(page.locator("#where-title")).to_have_text("কোথায়")
    # The description stays in the language it was written in.
    expect(page.locator("main")).to_contain_text("A gentle walk around Mile End Park")
    assert fits_the_width(page)
    assert_accessible(page)
    screenshot(page, "bengali-asset-phone")


def test_bengali_pages_pass_axe_on_a_desktop(open_page, walk):
    page = open_page("/", viewport="desktop")
    page.select_option("#language-select", "bn")
    with page.expect_navigation():
        page.click(".language-form button")

    expect(page.locator("h1")).to_have_text("আপনার কাছে কী হচ্ছে")
    assert_accessible(page)
    screenshot(page, "bengali-home-desktop")
