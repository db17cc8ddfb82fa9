"""A facilitator on a phone and a desktop: adding a group by tapping the map, and
publishing a resident's suggestion from the moderation queue. axe, CSP and JS errors
are checked on every page."""

import pytest

from assetmap.models import Asset, ModerationDecision, Provenance, Status
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import AssetFactory, NetworkFactory, square

pytestmark = pytest.mark.browser


@pytest.fixture
def bow(live_site, facilitator):
    # The whole borough, so a tap in the middle of the form's map lands in it.
    network = NetworkFactory(name="Bow", slug="bow", boundary=square(-0.08, 51.48, 0.01, 51.55))
    network.facilitators.add(facilitator)
    AssetFactory(name="Bow Health Walk", network=network)
    return network


@pytest.fixture
def suggestion(bow):
    return AssetFactory(
        name="Roman Road knitters",
        network=bow,
        status=Status.PENDING_REVIEW,
        provenance=Provenance.RESIDENT_SUGGESTION,
        suggester_email="resident@example.org",
        address="Roman Road library",
    )


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_facilitator_adds_a_group_by_tapping_the_map(bow, open_page, facilitator, viewport):
    page = open_page("/assets/new/", user=facilitator, viewport=viewport)
    page.wait_for_selector(".leaflet-container")
    assert page.locator("[data-formset=sessions] [data-formset-row]").count() == 1
    assert_accessible(page)
    screenshot(page, f"asset-form-{viewport}")

    page.get_by_label("Name of the group").fill("Knit and natter")
    page.get_by_label("What happens there").fill("Knitting and a chat at the library.")
    page.get_by_label("Association or voluntary group").check()
    page.locator("#asset-map").click()
    assert page.get_by_label("Latitude").input_value() != ""
    assert page.locator(".leaflet-marker-icon").count() == 1
    page.get_by_label("Day").select_option(label="Thursday")
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_label("Ends at").fill("12:00")
    page.get_by_label("Yes: publish it").check()
    page.get_by_role("button", name="Save", exact=True).click()

    page.wait_for_url("**/assets/knit-and-natter/")
    asset = Asset.objects.get(name="Knit and natter")
    assert (asset.status, asset.network) == (Status.PUBLISHED, bow)
    assert bow.boundary.covers(asset.location)
    assert asset.sessions.get().weekday == 3


def test_asset_form_on_a_desktop_with_a_duplicate_warning(bow, open_page, facilitator):
    page = open_page("/assets/new/", user=facilitator, viewport="desktop")
    page.wait_for_selector(".leaflet-container")
    assert_accessible(page)
    screenshot(page, "asset-form-desktop")
    page.get_by_label("Name of the group").fill("Bow health walks")
    page.get_by_label("Association or voluntary group").check()
    page.get_by_label("Latitude").fill("51.524")
    page.get_by_label("Longitude").fill("-0.011")
    page.get_by_role("button", name="Save", exact=True).click()
    warning = page.locator("[data-duplicate-warning]")
    warning.wait_for()
    page.wait_for_function("() => document.activeElement.hasAttribute('data-duplicate-warning')")
    assert warning.get_by_role("link", name="Bow Health Walk").is_visible()
    assert_accessible(page)
    screenshot(page, "asset-form-duplicate-desktop")
    warning.get_by_role("button", name="Save anyway").click()
    page.wait_for_url("**/assets/bow-health-walks/")
    assert Asset.objects.filter(name="Bow health walks", status=Status.DRAFT).exists()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_facilitator_publishes_a_suggestion_from_the_queue(
    suggestion, open_page, facilitator, viewport
):
    AssetFactory(name="Old lunch club", network=suggestion.network, assured_date=None)
    page = open_page("/moderation/", user=facilitator, viewport=viewport)
    assert_accessible(page)
    screenshot(page, f"moderation-{viewport}")

    page.get_by_role("link", name="Roman Road knitters").click()
    page.wait_for_url(f"**/moderation/suggestions/{suggestion.pk}/")
    page.wait_for_selector(".leaflet-marker-icon")
    assert_accessible(page)
    screenshot(page, f"moderation-suggestion-{viewport}")
    page.get_by_role("button", name="Publish it as it is").click()

    page.wait_for_url("**/moderation/")
    assert page.get_by_text("“Roman Road knitters” is published.").is_visible()
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.suggester_email) == (Status.PUBLISHED, "")
    assert ModerationDecision.objects.get().decided_by == facilitator
    assert_accessible(page)

    page.get_by_role("button", name="Still running? Old lunch club").click()
    page.wait_for_url("**/moderation/")
    assert Asset.objects.get(name="Old lunch club").assured_date is not None
