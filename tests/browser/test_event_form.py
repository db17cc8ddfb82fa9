"""Recording a listening event on a phone, in a real browser: the map, a new group,
the keyboard, CSP and axe."""

import datetime as dt

import pytest
from django.utils import timezone

from assetmap.models import Asset, Provenance, Status
from networks.models import ListeningEvent, Theme
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import AssetFactory, NetworkFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def bow(live_site, facilitator):
    network = NetworkFactory(name="Bow", slug="bow")
    network.facilitators.add(facilitator)
    for name in ("Bow Health Walk", "Roman Road Lunch Club", "Chess in the park"):
        AssetFactory(name=name, network=network)
    return network


def test_facilitator_records_an_event_with_a_new_group_on_a_phone(bow, open_page, facilitator):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    page = open_page("/networks/bow/events/add/", user=facilitator, viewport="phone")
    page.wait_for_selector(".leaflet-container")
    # With JavaScript, one empty new-group row and an "Add another" button.
    assert page.locator("[data-formset=new] [data-formset-row]").count() == 1
    assert_accessible(page)
    screenshot(page, "event-form-phone")

    page.locator("#id_title").fill("Market day conversation")
    page.get_by_label("Date").fill(yesterday.isoformat())
    page.get_by_label("Where it was held").fill("Roman Road market")
    page.get_by_label("Number of people").fill("42")
    page.get_by_label("Themes heard").fill("isolation, food")
    page.locator("#event-map").click()
    assert page.get_by_label("Latitude").input_value() != ""
    assert page.locator(".leaflet-marker-icon").count() == 1
    page.get_by_label("Find a group on the map").fill("lunch")
    assert page.get_by_label("Bow Health Walk").is_hidden()
    page.get_by_label("Roman Road Lunch Club").check()
    page.get_by_label("Name of the group").fill("Knit and natter")
    page.get_by_label("What it does").fill("Knitting and a chat at the library on Thursdays")
    page.get_by_role("button", name="Save the event").press("Enter")

    page.wait_for_url("**/networks/bow/")
    event = ListeningEvent.objects.get()
    assert event.place is not None
    assert bow.boundary.covers(event.place)
    assert set(Theme.objects.values_list("name", flat=True)) == {"isolation", "food"}
    group = Asset.objects.get(name="Knit and natter")
    assert (group.status, group.provenance) == (Status.DRAFT, Provenance.LISTENING_EVENT)
    assert list(group.found_at_events.all()) == [event]
    assert event.assets_found.filter(name="Roman Road Lunch Club").exists()
    assert page.get_by_text("The listening event was saved.").is_visible()


def test_event_form_errors_are_summarised_and_accessible(bow, open_page, facilitator):
    page = open_page("/networks/bow/events/add/", user=facilitator, viewport="phone")
    page.get_by_role("button", name="Add another group").click()
    page.locator("#id_new-1-description").fill("A group with no name")
    page.get_by_role("button", name="Save the event").click()

    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    # The script moves focus to the summary once it has run.
    page.wait_for_function("() => document.activeElement.hasAttribute('data-error-summary')")
    summary.get_by_role("link", name="Title").click()
    assert page.evaluate("document.activeElement.id") == "id_title"
    assert_accessible(page)
    screenshot(page, "event-form-errors-phone")
    assert not ListeningEvent.objects.exists()
    assert not Asset.objects.filter(provenance=Provenance.LISTENING_EVENT).exists()


def test_event_form_on_a_desktop(bow, open_page, facilitator):
    page = open_page("/networks/bow/events/add/", user=facilitator, viewport="desktop")
    page.wait_for_selector(".leaflet-container")
    assert_accessible(page)
    screenshot(page, "event-form-desktop")


@pytest.fixture
def bow_programme(bow, facilitator):
    from networks.models import Connection, ConnectionKind, Consent, Story, WishlistItem
    from tests.factories import OrganisationFactory

    event = ListeningEvent.objects.create(
        network=bow,
        title="Coffee morning",
        date=timezone.localdate() - dt.timedelta(days=3),
        place_name="Bow Church",
        people_count=12,
        notes="Buses at night.",
        is_published=True,
    )
    story = Story.objects.create(
        network=bow,
        event=event,
        title="The lunch club",
        text="Rahima said the club got her out of the house.",
        storyteller_name="Rahima",
        consent=Consent.ANONYMOUS,
        is_published=True,
    )
    connection = Connection.objects.create(
        network=bow,
        kind=ConnectionKind.REFERS_TO,
        from_asset=Asset.objects.first(),
        to_organisation=OrganisationFactory(name="Bow Health Trust"),
    )
    wish = WishlistItem.objects.create(network=bow, kind="capacity", title="A warm hall")
    return {"event": event, "story": story, "connection": connection, "wish": wish}


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/networks/bow/events/{event}/", "event-detail"),
        ("/networks/bow/events/{event}/edit/", "event-edit"),
        ("/networks/bow/stories/{story}/", "story-detail"),
        ("/networks/bow/stories/add/", "story-form"),
        ("/networks/bow/connections/add/", "connection-form"),
        ("/networks/bow/connections/{connection}/delete/", "connection-delete"),
        ("/networks/bow/wishlist/add/", "wish-form"),
        ("/networks/bow/wishlist/{wish}/edit/", "wish-edit"),
    ],
)
def test_programme_pages_are_accessible_on_a_phone(
    bow_programme, open_page, facilitator, path, name
):
    ids = {key: obj.pk for key, obj in bow_programme.items()}
    page = open_page(path.format(**ids), user=facilitator, viewport="phone")
    assert_accessible(page)
    screenshot(page, f"programme-{name}-phone")


def test_resident_reads_a_published_story_without_the_name(bow_programme, open_page):
    page = open_page(f"/networks/bow/stories/{bow_programme['story'].pk}/")
    assert page.get_by_text("[name withheld] said").is_visible()
    assert page.get_by_text("Rahima").count() == 0
    assert_accessible(page)


def test_theme_suggestions_follow_the_last_comma(bow, open_page, facilitator):
    Theme.objects.create(name="Isolation", slug="isolation")
    Theme.objects.create(name="Food", slug="food")
    page = open_page("/networks/bow/events/add/", user=facilitator)

    page.get_by_label("Themes heard").fill("isolation, fo")

    values = page.eval_on_selector_all("#theme-suggestions option", "os => os.map(o => o.value)")
    assert values == ["isolation, Food"]
