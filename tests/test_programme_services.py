"""The rules of the programme's services: who may record what, and what is refused."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assetmap.models import Asset, Provenance, Status
from networks import services
from networks.models import (
    WITHHELD,
    Connection,
    ConnectionKind,
    Consent,
    Discovery,
    ListeningEvent,
    Story,
    Theme,
    WishKind,
    WishlistItem,
)
from tests.factories import AssetFactory, NetworkFactory, OrganisationFactory, square

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


@pytest.fixture
def network(facilitator):
    network = NetworkFactory()
    network.facilitators.add(facilitator)
    return network


@pytest.fixture
def other_network():
    return NetworkFactory(boundary=square(-0.08, 51.50, -0.05, 51.51))


def an_event(network, **fields):
    values = {"title": "Market day", "date": YESTERDAY, "place_name": "Roman Road market"}
    return ListeningEvent(network=network, people_count=40, **(values | fields))


def test_facilitator_of_the_network_can_record_an_event(network, facilitator):
    event = services.event_save(event=an_event(network), user=facilitator)

    assert ListeningEvent.objects.get() == event
    assert list(event.facilitators.all()) == [facilitator]
    assert event.created_by == facilitator


def test_facilitator_of_another_network_cannot_record_an_event(other_network, facilitator):
    with pytest.raises(PermissionDenied):
        services.event_save(
            event=an_event(other_network),
            user=facilitator,
            theme_names=["isolation"],
            new_groups=[services.NewGroup(name="Knit and natter")],
        )

    assert not ListeningEvent.objects.exists()
    assert not Theme.objects.exists()
    assert not Asset.objects.exists()


def test_staff_can_record_an_event_in_any_network(other_network, network_lead):
    services.event_save(event=an_event(other_network), user=network_lead)

    assert ListeningEvent.objects.filter(network=other_network).exists()


def test_link_worker_cannot_record_an_event(network, link_worker):
    with pytest.raises(PermissionDenied):
        services.event_save(event=an_event(network), user=link_worker)


def test_themes_are_reused_ignoring_case_across_events(network, facilitator):
    first = services.event_save(
        event=an_event(network), user=facilitator, theme_names=["Isolation", " food "]
    )
    second = services.event_save(
        event=an_event(network, title="Coffee morning"),
        user=facilitator,
        theme_names=["isolation", "Safety at night", "ISOLATION"],
    )

    assert Theme.objects.count() == 3
    assert set(first.themes.values_list("name", flat=True)) == {"Isolation", "food"}
    assert set(second.themes.values_list("name", flat=True)) == {"Isolation", "Safety at night"}


def test_new_groups_become_draft_assets_found_at_the_event(network, facilitator):
    event = an_event(network)
    event.place = Point(-0.011, 51.524, srid=4326)
    services.event_save(
        event=event,
        user=facilitator,
        new_groups=[services.NewGroup(name="Knit and natter", description="Knitting", note="Amy")],
    )

    asset = Asset.objects.get()
    assert asset.status == Status.DRAFT
    assert asset.provenance == Provenance.LISTENING_EVENT
    assert asset.network == network
    assert list(asset.found_at_events.all()) == [event]
    assert Discovery.objects.get().note == "Amy"


def test_existing_assets_are_linked_once(network, facilitator):
    asset = AssetFactory()
    event = services.event_save(event=an_event(network), user=facilitator, existing_assets=[asset])
    services.event_save(event=event, user=facilitator, existing_assets=[asset])

    assert Discovery.objects.filter(event=event, asset=asset).count() == 1


def test_an_event_in_the_future_is_refused(network, facilitator):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        services.event_save(event=an_event(network, date=tomorrow), user=facilitator)

    assert "date" in refused.value.error_dict
    assert not ListeningEvent.objects.exists()


def test_a_bad_new_group_refuses_the_whole_event(network, facilitator):
    with pytest.raises(ValidationError):
        services.event_save(
            event=an_event(network),
            user=facilitator,
            theme_names=["food"],
            new_groups=[services.NewGroup(name="x" * 300)],
        )

    assert not ListeningEvent.objects.exists()
    assert not Theme.objects.exists()
    assert not Asset.objects.exists()


def test_a_story_published_without_consent_is_refused(network, facilitator):
    story = Story(network=network, title="Tea", text="We met.", is_published=True)

    with pytest.raises(ValidationError) as refused:
        services.story_save(story=story, user=facilitator)

    assert "is_published" in refused.value.error_dict
    assert not Story.objects.exists()


def test_facilitator_of_another_network_cannot_save_a_story(other_network, facilitator):
    with pytest.raises(PermissionDenied):
        services.story_save(
            story=Story(network=other_network, title="T", text="x"), user=facilitator
        )

    assert not Story.objects.exists()


def test_public_text_withholds_the_storytellers_name():
    story = Story(
        text="Rahima said the lunch club saved her. Rahima Begum goes every week.",
        storyteller_name="Rahima Begum",
        consent=Consent.ANONYMOUS,
    )

    assert story.public_text() == (
        f"{WITHHELD} said the lunch club saved her. {WITHHELD} goes every week."
    )
    assert story.public_storyteller == ""


def test_public_text_keeps_the_name_when_consent_is_named():
    story = Story(text="Rahima said hello.", storyteller_name="Rahima", consent=Consent.NAMED)

    assert story.public_text() == "Rahima said hello."
    assert story.public_storyteller == "Rahima"


def test_a_connection_needs_one_end_on_each_side(network, facilitator):
    asset, organisation = AssetFactory(), OrganisationFactory()
    both = Connection(
        network=network,
        kind=ConnectionKind.PARTNERS_WITH,
        from_asset=asset,
        from_organisation=organisation,
        to_organisation=OrganisationFactory(),
    )

    with pytest.raises(ValidationError):
        services.connection_save(connection=both, user=facilitator)
    assert not Connection.objects.exists()


def test_an_asset_cannot_be_connected_to_itself(network, facilitator):
    asset = AssetFactory()
    loop = Connection(
        network=network, kind=ConnectionKind.REFERS_TO, from_asset=asset, to_asset=asset
    )

    with pytest.raises(ValidationError):
        services.connection_save(connection=loop, user=facilitator)
    assert not Connection.objects.exists()


def test_facilitator_records_a_connection(network, facilitator):
    connection = Connection(
        network=network,
        kind=ConnectionKind.GREW_OUT_OF,
        from_asset=AssetFactory(),
        to_organisation=OrganisationFactory(),
        note="Started at the centre",
    )

    services.connection_save(connection=connection, user=facilitator)

    assert Connection.objects.get().created_by == facilitator


def test_wishlist_item_assets_are_set(network, facilitator):
    first, second = AssetFactory(), AssetFactory()
    item = services.wishlist_item_save(
        item=WishlistItem(network=network, kind=WishKind.CONNECTION, title="Link the clubs"),
        user=facilitator,
        assets=[first, second],
    )
    services.wishlist_item_save(item=item, user=facilitator, assets=[second])

    assert list(item.assets.all()) == [second]


def test_facilitator_of_another_network_cannot_delete_its_work(other_network, facilitator):
    item = WishlistItem.objects.create(network=other_network, kind=WishKind.CAPACITY, title="Hall")

    with pytest.raises(PermissionDenied):
        services.programme_delete(obj=item, user=facilitator)

    assert WishlistItem.objects.filter(pk=item.pk).exists()


def test_a_storyteller_without_consent_to_be_named_is_withheld_from_title_and_text_too():
    story = Story(
        storyteller_name="Anne-Marie Li",
        consent=Consent.ANONYMOUS,
        title="Anne's allotment",
        text="Li said Marie grows chillies.",
    )

    assert story.public_title == f"{WITHHELD}'s allotment"
    assert story.public_text() == f"{WITHHELD} said {WITHHELD} grows chillies."
    story.consent = Consent.NAMED
    assert story.public_title == "Anne's allotment"


def test_a_long_theme_recorded_twice_is_one_theme(network, facilitator):
    long_theme = "Nowhere warm to sit in the afternoons " * 4

    for _ in range(2):
        services.event_save(event=an_event(network), user=facilitator, theme_names=[long_theme])

    assert Theme.objects.count() == 1
    assert len(Theme.objects.get().name) == 80


def test_new_groups_need_the_event_on_the_map_and_nothing_is_saved_without(network, facilitator):
    with pytest.raises(ValidationError) as refused:
        services.event_save(
            event=an_event(network),
            user=facilitator,
            new_groups=[services.NewGroup(name="Knit and natter")],
        )

    assert str(services.NEW_GROUPS_NEED_A_PLACE) in str(refused.value)
    assert not ListeningEvent.objects.exists()
    assert not Asset.objects.exists()
