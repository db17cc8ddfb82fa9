"""The public page of one asset: what residents read, what only professionals read,
and the volunteering roles it offers."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from assetmap.models import Status
from tests.factories import AssetFactory, OpportunityFactory, RecurringSessionFactory

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
