"""The public page of one asset: what residents read, what only professionals read,
and the volunteering roles it offers."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from assetmap.models import Status
from tests.factories import (
    AssetFactory,
    ListeningEventFactory,
    OpportunityFactory,
    RecurringSessionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def walk():
    asset = AssetFactory(
        name="Bow health walk",
        description="A gentle hour round Victoria Park.",
        status=Status.PUBLISHED,
        internal_notes="Leader is off in August.",
        email="walks@example.org",
    )
    RecurringSessionFactory(asset=asset)
    return asset


def test_residents_read_what_when_and_how_to_get_in_touch(client, walk):
    response = client.get(reverse("asset", args=[walk.slug]))
    assertContains(response, "A gentle hour round Victoria Park.")
    assertContains(response, "walks@example.org")
    assertContains(response, str(walk.sessions.get()))


def test_public_volunteering_roles_appear_on_the_page_and_private_ones_do_not(client, walk):
    OpportunityFactory(asset=walk, title="Walk leader", is_public=True)
    OpportunityFactory(asset=walk, title="Treasurer", is_public=False)
    response = client.get(reverse("asset", args=[walk.slug]))
    assertContains(response, "Volunteer here")
    assertContains(response, "Walk leader")
    assertNotContains(response, "Treasurer")


def test_internal_notes_are_for_professionals_only(client, walk, link_worker, outsider):
    url = reverse("asset", args=[walk.slug])
    assertNotContains(client.get(url), "Leader is off in August.")
    client.force_login(outsider)
    assertNotContains(client.get(url), "Leader is off in August.")
    client.force_login(link_worker)
    assertContains(client.get(url), "Leader is off in August.")


def test_a_draft_is_not_found_by_residents_but_shown_to_professionals(client, link_worker):
    draft = AssetFactory(name="Not yet checked", status=Status.DRAFT)
    url = reverse("asset", args=[draft.slug])
    assert client.get(url).status_code == 404
    client.force_login(link_worker)
    assertContains(client.get(url), "Not shown to residents")


def test_a_name_written_as_html_is_shown_as_text(client):
    asset = AssetFactory(name="<img src=x onerror=alert(1)>", status=Status.PUBLISHED)
    response = client.get(reverse("asset", args=[asset.slug]))
    assertContains(response, "&lt;img src=x onerror=alert(1)&gt;")
    assertNotContains(response, "<img src=x")


def test_a_place_has_a_map_its_address_and_directions_to_it(client):
    asset = AssetFactory(
        address="St Paul's Way", postcode="E3 4AJ", location=Point(-0.0207, 51.5175, srid=4326)
    )
    response = client.get(reverse("asset", args=[asset.slug]))
    assertContains(response, "St Paul&#x27;s Way, E3 4AJ")
    assertContains(response, 'id="asset-map-config"')
    assertContains(
        response,
        'href="https://www.openstreetmap.org/directions?route=%3B51.517500%2C-0.020700"',
    )


def test_an_online_only_group_says_so_and_has_no_map(client):
    asset = AssetFactory(location=None, postcode="", online_only=True)
    response = client.get(reverse("asset", args=[asset.slug]))
    assertContains(response, "Online only.")
    assertNotContains(response, "asset-map-config")
    assertNotContains(response, "openstreetmap.org/directions")
    assertNotContains(response, "leaflet.js")


def test_it_says_where_it_was_found_at_published_listening_events_only(client, walk):
    shown = ListeningEventFactory(title="Roman Road market day", is_published=True)
    hidden = ListeningEventFactory(title="Planning meeting", is_published=False)
    shown.assets_found.add(walk)
    hidden.assets_found.add(walk)
    response = client.get(reverse("asset", args=[walk.slug]))
    assertContains(response, "Where we heard about it")
    assertContains(response, "Roman Road market day")
    assertNotContains(response, "Planning meeting")


def test_it_says_when_it_was_last_checked_and_warns_when_that_was_long_ago(client):
    fresh = AssetFactory(assured_date=timezone.localdate() - dt.timedelta(days=10))
    stale = AssetFactory(assured_date=dt.date(2020, 3, 1))
    response = client.get(reverse("asset", args=[fresh.slug]))
    assertNotContains(response, "not checked recently")
    response = client.get(reverse("asset", args=[stale.slug]))
    assertContains(response, "1 March 2020")
    assertContains(response, "(not checked recently)")


def test_it_shows_the_next_session_and_cost(client, walk):
    page = client.get(reverse("asset", args=[walk.slug])).content.decode()
    # The factory's session is on Tuesdays: on a Tuesday morning it may be on now.
    assert "Next session: Tuesday" in page or "Open now" in page
    assert "Free" in page


def test_it_offers_its_own_link_to_share_and_a_way_to_report_a_problem(client, walk):
    response = client.get(reverse("asset", args=[walk.slug]))
    assertContains(response, f'value="http://testserver/assets/{walk.slug}/" readonly')
    assertContains(response, f'href="{reverse("asset-report", args=[walk.slug])}"')


def test_editors_may_change_a_listing_or_say_it_still_runs_from_its_page(
    client, facilitator, link_worker
):
    asset = AssetFactory()

    assert b"Still running?" not in client.get(asset.get_absolute_url()).content
    client.force_login(link_worker)
    assert b"Still running?" not in client.get(asset.get_absolute_url()).content
    client.force_login(facilitator)
    page = client.get(asset.get_absolute_url()).content.decode()
    assert "Still running?" in page
    assert f"/assets/{asset.slug}/edit/" in page
