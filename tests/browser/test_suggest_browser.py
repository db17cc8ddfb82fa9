"""A resident suggests a group and reports a problem, in a real browser: the map, the
postcode path for people who do not use the map, CSP and axe."""

import uuid

import pytest
from django.contrib.gis.geos import Point

from assetmap.models import Asset, Postcode, ProblemKind, ProblemReport, Status
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import AssetFactory, NetworkFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _own_throttle_counters(settings):
    # The live server counts suggestions in Redis; count in a key space of our own.
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


@pytest.fixture
def bow(live_site):
    return NetworkFactory(name="Bow", slug="bow")


@pytest.fixture
def walk(live_site):
    return AssetFactory(name="Bow Health Walk", slug="bow-health-walk")


def test_a_resident_suggests_a_group_by_tapping_the_map(bow, open_page):
    page = open_page("/suggest/", viewport="phone")
    page.wait_for_selector(".leaflet-container")
    # With JavaScript, one row for a time and a button for the next.
    assert page.locator("[data-session-row]:visible").count() == 1
    assert_accessible(page)
    screenshot(page, "suggest-phone")

    page.get_by_label("Name of the group").fill("Knit and natter")
    page.get_by_label("What it does").fill("Knitting and a chat at the library.")
    page.get_by_label("Category").select_option(label="Crafts")
    first_time = page.get_by_role("group", name="Time 1", exact=True)
    first_time.get_by_label("Day").select_option(label="Thursday")
    first_time.get_by_label("Starts at").fill("14:00")
    first_time.get_by_label("Ends at").fill("16:00")
    page.get_by_role("button", name="Add another time").click()
    assert page.locator("[data-session-row]:visible").count() == 2
    page.locator("#suggest-map").click()
    assert page.locator(".leaflet-marker-icon").count() == 1
    assert page.get_by_text("A point is on the map").is_visible()
    page.get_by_role("button", name="Send the suggestion").click()

    page.wait_for_url("**/suggest/thanks/")
    assert page.get_by_role("heading", name="Thank you: we have your suggestion").is_visible()
    assert_accessible(page)
    screenshot(page, "suggest-thanks-phone")
    asset = Asset.objects.get()
    assert asset.status == Status.PENDING_REVIEW
    assert asset.network == bow
    assert asset.categories.get().name == "Crafts"
    assert asset.sessions.count() == 1


def test_a_resident_suggests_a_group_by_postcode_with_the_keyboard(bow, open_page):
    Postcode.objects.create(postcode="E3 3BT", location=Point(-0.0125, 51.5235, srid=4326))
    page = open_page("/suggest/", viewport="desktop")
    page.wait_for_selector(".leaflet-container")

    page.get_by_label("Name of the group").fill("Bow Chess Club")
    page.get_by_label("What it does").fill("Chess for all ages.")
    page.get_by_label("Postcode").fill("E3 3bt")
    page.get_by_label("Your email (optional)").fill("resident@example.org")
    page.get_by_role("button", name="Send the suggestion").press("Enter")

    page.wait_for_url("**/suggest/thanks/")
    asset = Asset.objects.get()
    assert (asset.postcode, asset.suggester_email) == ("E3 3BT", "resident@example.org")
    assert asset.location.equals(Point(-0.0125, 51.5235, srid=4326))


def test_suggestion_errors_are_summarised_and_keep_the_point(bow, open_page):
    page = open_page("/suggest/", viewport="phone")
    page.wait_for_selector(".leaflet-container")
    page.locator("#suggest-map").click()
    page.get_by_label("Postcode").fill("nowhere")
    page.get_by_role("button", name="Send the suggestion").click()

    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    page.wait_for_function("() => document.activeElement.hasAttribute('data-error-summary')")
    summary.get_by_role("link", name="Name of the group").click()
    assert page.evaluate("document.activeElement.id") == "id_name"
    # The point tapped before is still there, on the map and in the form.
    page.wait_for_selector(".leaflet-marker-icon")
    assert page.locator("#id_latitude").input_value() != ""
    assert_accessible(page)
    screenshot(page, "suggest-errors-phone")
    assert not Asset.objects.exists()


def test_the_suggest_page_on_a_desktop(bow, open_page):
    page = open_page("/suggest/", viewport="desktop")
    page.wait_for_selector(".leaflet-container")
    assert_accessible(page)
    screenshot(page, "suggest-desktop")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_resident_reports_a_problem_with_a_listing(walk, open_page, viewport):
    page = open_page(f"/assets/{walk.slug}/report/", viewport=viewport)
    assert_accessible(page)
    screenshot(page, f"report-problem-{viewport}")

    page.get_by_label("The days or times are wrong").check()
    page.get_by_label("More detail (optional)").fill("It is on Thursdays now.")
    page.get_by_role("button", name="Send the report").click()

    page.wait_for_url(f"**/assets/{walk.slug}/")
    assert page.get_by_text("Thank you for telling us.").is_visible()
    report = ProblemReport.objects.get()
    assert (report.asset, report.kind) == (walk, ProblemKind.WRONG_TIMES)


def test_report_errors_are_accessible(walk, open_page):
    page = open_page(f"/assets/{walk.slug}/report/", viewport="phone")
    page.get_by_role("button", name="Send the report").click()

    page.locator("[data-error-summary]").wait_for()
    assert_accessible(page)
    screenshot(page, "report-problem-errors-phone")
    assert not ProblemReport.objects.exists()
