"""The programme's pages through HTTP: events, stories, connections and the wishlist.
Each test checks the response and the database."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
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
    WishStatus,
)
from tests.factories import AssetFactory, NetworkFactory, OrganisationFactory, square

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


@pytest.fixture
def network(facilitator):
    network = NetworkFactory(name="Bromley-by-Bow", slug="bromley-by-bow")
    network.facilitators.add(facilitator)
    return network


@pytest.fixture
def other_network():
    return NetworkFactory(
        name="Watney Market", slug="watney", boundary=square(-0.08, 51.50, -0.05, 51.51)
    )


@pytest.fixture
def walking_group(network):
    return AssetFactory(name="Walking group", network=network)


@pytest.fixture
def event(network):
    return ListeningEvent.objects.create(
        network=network,
        title="Market day",
        date=YESTERDAY,
        place_name="Roman Road",
        people_count=30,
        notes="People feel unsafe walking home.",
        is_published=False,
    )


def url(name, network, *args):
    return reverse(f"networks:{name}", args=[network.slug, *args])


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def event_post(facilitator, **extra):
    data = {
        "title": "Market day conversation",
        "date": YESTERDAY.isoformat(),
        "place_name": "Roman Road market",
        "latitude": "51.524",
        "longitude": "-0.011",
        "people_count": "42",
        "theme_names": "Isolation, safety at night",
        "facilitators": [str(facilitator.pk)],
        "notes": "Older people feel cut off.",
        **management("new", 3),
        **management("story", 1),
        # What a browser sends for the untouched rows: their defaults.
        **{f"new-{row}-kind": "association" for row in range(3)},
        "story-0-consent": "private",
    }
    return data | extra


# Recording an event ---------------------------------------------------------------


def test_facilitator_sees_the_event_form(client, network, facilitator, walking_group):
    client.force_login(facilitator)

    response = client.get(url("event_add", network))

    assert response.status_code == 200
    assert b"Record a listening event" in response.content
    assert b"Walking group" in response.content
    assert response.content.count(b'name="new-') >= 3 * 4


def test_facilitator_records_an_event_with_themes_groups_and_a_story(
    client, network, facilitator, walking_group
):
    client.force_login(facilitator)
    data = event_post(
        facilitator,
        existing_assets=[str(walking_group.pk)],
        **{
            "new-0-name": "Knit and natter",
            "new-0-description": "Knitting at the library on Thursdays",
            "new-0-kind": "association",
            "new-0-note": "Mentioned by two people",
            "story-0-title": "The lunch club",
            "story-0-text": "Rahima said the lunch club got her out of the house.",
            "story-0-storyteller_name": "Rahima",
            "story-0-consent": "anonymous",
            "story-0-is_published": "on",
        },
    )

    response = client.post(url("event_add", network), data, follow=True)

    assert response.redirect_chain[-1][0] == network.get_absolute_url()
    event = ListeningEvent.objects.get()
    assert event.network == network
    assert event.place.y == pytest.approx(51.524)
    assert set(event.themes.values_list("name", flat=True)) == {"Isolation", "safety at night"}
    assert list(event.facilitators.all()) == [facilitator]
    new_group = Asset.objects.get(name="Knit and natter")
    assert new_group.status == Status.DRAFT
    assert new_group.provenance == Provenance.LISTENING_EVENT
    assert set(event.assets_found.all()) == {walking_group, new_group}
    assert list(new_group.found_at_events.all()) == [event]
    story = Story.objects.get()
    assert (story.event, story.network, story.is_published) == (event, network, True)
    assert "saved" in [str(m) for m in response.context["messages"]][0]


def test_facilitator_of_another_network_is_refused_the_event_pages(
    client, other_network, facilitator
):
    other_event = ListeningEvent.objects.create(
        network=other_network, title="T", date=YESTERDAY, place_name="P", people_count=1
    )
    client.force_login(facilitator)

    assert client.get(url("event_add", other_network)).status_code == 403
    assert client.get(url("event_edit", other_network, other_event.pk)).status_code == 403
    response = client.post(url("event_add", other_network), event_post(facilitator))
    edit = client.post(
        url("event_edit", other_network, other_event.pk), event_post(facilitator, title="Mine")
    )

    assert (response.status_code, edit.status_code) == (403, 403)
    assert b"ask a network lead to assign you" in response.content
    assert ListeningEvent.objects.get() == other_event
    other_event.refresh_from_db()
    assert other_event.title == "T"
    assert not Theme.objects.exists()


def test_anonymous_visitor_is_sent_to_sign_in(client, network):
    response = client.get(url("event_add", network))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert "next=" in response["Location"]


def test_link_worker_cannot_record_an_event(client, network, link_worker):
    client.force_login(link_worker)

    assert client.get(url("event_add", network)).status_code == 403
    assert client.post(url("event_add", network), event_post(link_worker)).status_code == 403
    assert not ListeningEvent.objects.exists()


def test_staff_can_edit_an_event_anywhere(client, other_network, network_lead):
    event = ListeningEvent.objects.create(
        network=other_network, title="Old", date=YESTERDAY, place_name="P", people_count=1
    )
    client.force_login(network_lead)
    data = event_post(network_lead, title="Renamed", latitude="", longitude="")

    response = client.post(url("event_edit", other_network, event.pk), data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Renamed"
    assert event.place is None


def test_edit_page_shows_the_event_and_its_groups(client, network, facilitator, event):
    found = AssetFactory(name="Bike club")
    Discovery.objects.create(event=event, asset=found)
    event.themes.create(name="food", slug="food")
    client.force_login(facilitator)

    response = client.get(url("event_edit", network, event.pk))

    assert response.status_code == 200
    assert b'value="Market day"' in response.content
    assert b'value="food"' in response.content
    assert b"Bike club" in response.content


def test_a_bad_new_group_row_saves_nothing(client, network, facilitator):
    client.force_login(facilitator)
    data = event_post(
        facilitator,
        **{"new-0-description": "A group with no name", "new-0-kind": "association"},
    )

    response = client.post(url("event_add", network), data)

    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b'href="#id_new-0-name"' in response.content
    assert not ListeningEvent.objects.exists()
    assert not Asset.objects.exists()
    assert not Theme.objects.exists()


def test_a_story_published_without_consent_saves_nothing(client, network, facilitator):
    client.force_login(facilitator)
    data = event_post(
        facilitator,
        **{
            "new-0-name": "Knit and natter",
            "new-0-kind": "association",
            "story-0-title": "Tea",
            "story-0-text": "We had tea.",
            "story-0-consent": "private",
            "story-0-is_published": "on",
        },
    )

    response = client.post(url("event_add", network), data)

    assert response.status_code == 200
    assert b"no consent to publish" in response.content
    assert not ListeningEvent.objects.exists()
    assert not Asset.objects.exists()
    assert not Theme.objects.exists()
    assert not Story.objects.exists()


def test_a_refusal_after_the_event_was_written_saves_nothing(
    client, network, facilitator, monkeypatch
):
    def refuse(**kwargs):
        raise ValidationError("The story could not be saved.")

    monkeypatch.setattr(services, "story_save", refuse)
    client.force_login(facilitator)
    data = event_post(
        facilitator,
        **{"new-0-name": "Knit and natter", "story-0-title": "Tea", "story-0-text": "We met."},
    )

    response = client.post(url("event_add", network), data)

    assert response.status_code == 200
    assert b"The story could not be saved." in response.content
    assert b"Record a listening event" in response.content
    assert not ListeningEvent.objects.exists()
    assert not Asset.objects.exists()
    assert not Theme.objects.exists()


def test_an_event_in_the_future_is_shown_as_an_error(client, network, facilitator):
    client.force_login(facilitator)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()

    response = client.post(url("event_add", network), event_post(facilitator, date=tomorrow))

    assert response.status_code == 200
    assert b'href="#id_date"' in response.content
    assert not ListeningEvent.objects.exists()


def test_a_point_outside_the_uk_is_shown_on_the_latitude(client, network, facilitator):
    client.force_login(facilitator)

    response = client.post(
        url("event_add", network), event_post(facilitator, latitude="-0.011", longitude="51.5")
    )

    assert response.status_code == 200
    assert b'href="#id_latitude"' in response.content
    assert not ListeningEvent.objects.exists()


def test_an_event_placed_in_another_network_is_refused(client, network, facilitator):
    client.force_login(facilitator)

    # Watney Market: in the UK, far from this network's boundary.
    response = client.post(
        url("event_add", network), event_post(facilitator, latitude="51.513", longitude="-0.056")
    )

    assert response.status_code == 200
    assert "outside" in response.content.decode()
    assert not ListeningEvent.objects.exists()


# Reading events and stories -------------------------------------------------------


def test_resident_cannot_see_an_unpublished_event(client, network, event):
    assert client.get(url("event", network, event.pk)).status_code == 404


def test_resident_sees_a_published_event_without_notes_or_draft_groups(client, network, event):
    event.is_published = True
    event.save()
    Discovery.objects.create(event=event, asset=AssetFactory(name="Public walk"))
    Discovery.objects.create(
        event=event, asset=AssetFactory(name="Secret draft", status=Status.DRAFT)
    )

    response = client.get(url("event", network, event.pk))

    assert response.status_code == 200
    assert b"Market day" in response.content
    assert b"Public walk" in response.content
    assert b"Secret draft" not in response.content
    assert b"unsafe walking home" not in response.content


def test_facilitator_sees_the_notes_of_an_event(client, network, event, facilitator):
    client.force_login(facilitator)

    response = client.get(url("event", network, event.pk))

    assert b"unsafe walking home" in response.content


def test_event_is_not_found_under_another_network(client, other_network, event, network_lead):
    client.force_login(network_lead)

    assert client.get(url("event", other_network, event.pk)).status_code == 404


def a_story(network, **fields):
    values = {
        "title": "The lunch club",
        "text": "Rahima said the lunch club got her out of the house.",
        "storyteller_name": "Rahima",
        "consent": Consent.ANONYMOUS,
        "is_published": True,
    }
    return Story.objects.create(network=network, **(values | fields))


def test_resident_sees_a_published_story_without_the_storytellers_name(client, network):
    story = a_story(network)

    response = client.get(url("story", network, story.pk))

    assert response.status_code == 200
    assert WITHHELD.encode() in response.content
    assert b"Rahima" not in response.content


def test_resident_sees_the_name_when_the_storyteller_agreed(client, network):
    story = a_story(network, consent=Consent.NAMED)

    response = client.get(url("story", network, story.pk))

    assert b"Told by Rahima" in response.content


def test_resident_cannot_see_an_unpublished_story(client, network):
    story = a_story(network, is_published=False)

    assert client.get(url("story", network, story.pk)).status_code == 404


def test_facilitator_sees_the_full_story_and_its_consent(client, network, facilitator):
    story = a_story(network, is_published=False)
    client.force_login(facilitator)

    response = client.get(url("story", network, story.pk))

    assert b"Rahima said" in response.content
    assert b"Publish without names" in response.content


def test_html_in_a_story_is_escaped(client, network):
    story = a_story(network, text='<script>alert("x")</script> We met.')

    response = client.get(url("story", network, story.pk))

    assert b"<script>alert" not in response.content
    assert b"&lt;script&gt;alert" in response.content


# Standalone stories ---------------------------------------------------------------


def test_facilitator_adds_a_story_to_an_event(client, network, facilitator, event):
    client.force_login(facilitator)
    data = {
        "event": str(event.pk),
        "title": "Bus stop",
        "text": "The bus stop is dark.",
        "consent": "private",
    }

    response = client.post(url("story_add", network), data)

    assert response.status_code == 302
    story = Story.objects.get()
    assert (story.event, story.network, story.created_by) == (event, network, facilitator)


def test_facilitator_edits_a_story(client, network, facilitator):
    story = a_story(network)
    client.force_login(facilitator)
    data = {"title": "New title", "text": "Text", "consent": "named", "is_published": "on"}

    response = client.post(url("story_edit", network, story.pk), data)

    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.title, story.consent) == ("New title", Consent.NAMED)


def test_story_published_without_consent_is_refused_on_its_page(client, network, facilitator):
    client.force_login(facilitator)
    data = {"title": "T", "text": "Text", "consent": "private", "is_published": "on"}

    response = client.post(url("story_add", network), data)

    assert response.status_code == 200
    assert b"no consent to publish" in response.content
    assert not Story.objects.exists()


def test_facilitator_of_another_network_cannot_edit_its_stories(client, other_network, facilitator):
    story = a_story(other_network)
    client.force_login(facilitator)

    assert client.get(url("story_add", other_network)).status_code == 403
    response = client.post(
        url("story_edit", other_network, story.pk), {"title": "Hacked", "text": "x"}
    )

    assert response.status_code == 403
    story.refresh_from_db()
    assert story.title == "The lunch club"


# Connections ----------------------------------------------------------------------


def test_facilitator_records_a_connection(client, network, facilitator, walking_group):
    organisation = OrganisationFactory(name="Bromley by Bow Centre")
    client.force_login(facilitator)
    data = {
        "source": f"asset-{walking_group.pk}",
        "kind": ConnectionKind.GREW_OUT_OF,
        "target": f"organisation-{organisation.pk}",
        "note": "Started in the garden",
    }

    response = client.post(url("connection_add", network), data)

    assert response.status_code == 302
    connection = Connection.objects.get()
    assert (connection.from_asset, connection.to_organisation) == (walking_group, organisation)
    assert connection.network == network


def test_an_asset_connected_to_itself_is_refused(client, network, facilitator, walking_group):
    client.force_login(facilitator)
    end = f"asset-{walking_group.pk}"

    response = client.post(
        url("connection_add", network), {"source": end, "target": end, "kind": "partners_with"}
    )

    assert response.status_code == 200
    assert b"cannot be connected to itself" in response.content
    assert not Connection.objects.exists()


def test_an_asset_of_another_network_cannot_be_connected(client, network, facilitator):
    elsewhere = AssetFactory(location=None)
    organisation = OrganisationFactory()
    client.force_login(facilitator)
    data = {
        "source": f"asset-{elsewhere.pk}",
        "target": f"organisation-{organisation.pk}",
        "kind": "partners_with",
    }

    response = client.post(url("connection_add", network), data)

    assert response.status_code == 200
    assert not Connection.objects.exists()


def a_connection(network):
    return Connection.objects.create(
        network=network,
        kind=ConnectionKind.PARTNERS_WITH,
        from_organisation=OrganisationFactory(),
        to_organisation=OrganisationFactory(),
    )


def test_facilitator_deletes_a_connection_after_confirming(client, network, facilitator):
    connection = a_connection(network)
    client.force_login(facilitator)

    page = client.get(url("connection_delete", network, connection.pk))
    response = client.post(url("connection_delete", network, connection.pk))

    assert page.status_code == 200
    assert b"Delete this connection?" in page.content
    assert response.status_code == 302
    assert not Connection.objects.exists()


def test_facilitator_of_another_network_cannot_delete_a_connection(
    client, other_network, facilitator
):
    connection = a_connection(other_network)
    client.force_login(facilitator)

    assert client.get(url("connection_delete", other_network, connection.pk)).status_code == 403
    assert client.post(url("connection_delete", other_network, connection.pk)).status_code == 403
    assert client.get(url("connection_add", other_network)).status_code == 403
    assert Connection.objects.filter(pk=connection.pk).exists()


# Wishlist -------------------------------------------------------------------------


def test_facilitator_adds_and_edits_a_wish(client, network, facilitator, walking_group):
    client.force_login(facilitator)
    data = {
        "kind": WishKind.CONNECTION,
        "title": "Walking group meets the lunch club",
        "description": "",
        "status": WishStatus.IDEA,
        "assets": [str(walking_group.pk)],
    }

    added = client.post(url("wish_add", network), data)
    item = WishlistItem.objects.get()
    edited = client.post(
        url("wish_edit", network, item.pk), data | {"status": "in_progress", "assets": []}
    )

    assert (added.status_code, edited.status_code) == (302, 302)
    item.refresh_from_db()
    assert item.status == WishStatus.IN_PROGRESS
    assert not item.assets.exists()
    assert item.created_by == facilitator


def test_facilitator_of_another_network_cannot_change_its_wishlist(
    client, other_network, facilitator
):
    item = WishlistItem.objects.create(network=other_network, kind="capacity", title="A hall")
    client.force_login(facilitator)

    assert client.get(url("wish_add", other_network)).status_code == 403
    response = client.post(
        url("wish_edit", other_network, item.pk),
        {"kind": "capacity", "title": "Changed", "status": "done"},
    )

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.title == "A hall"
    assert not WishlistItem.objects.filter(title="Changed").exists()


def test_outsider_without_a_role_is_refused(client, network, outsider):
    client.force_login(outsider)

    assert client.get(url("wish_add", network)).status_code == 403
    assert client.get(url("story_add", network)).status_code == 403
