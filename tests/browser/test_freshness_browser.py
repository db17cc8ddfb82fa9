"""The "still running?" link in a real browser: the page answers with one press, on a
phone, with no sign-in (the browser's own Origin header must pass the CSRF check), and
the moderation queue's "needs review" section. CSP and axe on each page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assetmap import freshness
from assetmap.models import Asset, Status
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import AssetFactory, NetworkFactory

pytestmark = pytest.mark.browser

LONG_AGO = timezone.localdate() - dt.timedelta(days=420)


def test_the_emailed_link_confirms_a_group_with_one_press_on_a_phone(live_site, open_page):
    asset = AssetFactory(name="Bow knitters", address="St Leonard's Church", assured_date=LONG_AGO)
    page = open_page(reverse("still-running", args=[freshness.still_running_token(asset)]))
    assert_accessible(page)
    screenshot(page, "still-running-phone")

    page.get_by_role("button", name="Yes, it is still running").click()

    page.get_by_role("heading", name="Thank you").wait_for()
    assert_accessible(page)
    asset.refresh_from_db()
    assert asset.assured_date == timezone.localdate()
    page.reload()
    assert "This link cannot be used" in page.content()


def test_the_queue_shows_listings_needing_review_with_their_actions(
    live_site, open_page, facilitator
):
    network = NetworkFactory(name="Bromley-by-Bow")
    network.facilitators.add(facilitator)
    asset = AssetFactory(
        name="Bow walkers", network=network, status=Status.NEEDS_REVIEW, assured_date=LONG_AGO
    )
    page = open_page(reverse("moderation"), user=facilitator, viewport="desktop")
    assert_accessible(page)
    screenshot(page, "moderation-needs-review-desktop")

    page.get_by_role("button", name="Still running Bow walkers").click()

    page.get_by_text("“Bow walkers” is marked as still running today.").wait_for()
    assert Asset.objects.get(pk=asset.pk).status == Status.PUBLISHED
