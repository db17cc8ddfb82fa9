# The shared fixtures are imported from test_networks_api.py; pytest passes them in
# by name, which ruff reads as redefinitions.
# ruff: noqa: F811
"""Listening events and stories through the API: who reads what (residents only the
published, with names withheld), who records and changes them (the network's
facilitators and staff, through the services), and 400s that save nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from assetmap.models import Asset, Provenance, Status
from networks import serializers as s
from networks import services
from networks.models import WITHHELD, Consent, Discovery, ListeningEvent, Story, Theme
from tests.factories import AssetFactory
from tests.test_networks_api import (  # noqa: F401 (fixtures are used by name)
    API,
    WRITERS_REFUSED,
    client_for,
    draft_group,
    network,
    other_facilitator,
    other_network,
    persona,
    results,
    walking_group,
)

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)
TOMORROW = timezone.localdate() + dt.timedelta(days=1)
IN_BROMLEY = {"type": "Point", "coordinates": [-0.011, 51.524]}
IN_WATNEY = {"type": "Point", "coordinates": [-0.056, 51.505]}


@pytest.fixture
def event(network, facilitator, walking_group, draft_group):
    """Unpublished, with notes, a facilitator and two groups found (one a draft)."""
    event = ListeningEvent(
        network=network,
        title="Market day",
        date=YESTERDAY,
        place_name="Roman Road",
        people_count=30,
        notes="People feel unsafe walking home.",
    )
    return services.event_save(
        event=event,
        user=facilitator,
        theme_names=["Isolation", "Safety at night"],
        existing_assets=[walking_group, draft_group],
    )


@pytest.fixture
def published_event(network):
    return ListeningEvent.objects.create(
        network=network,
        title="Coffee morning",
        date=YESTERDAY,
        place_name="Bromley by Bow Centre",
        people_count=12,
        is_published=True,
    )


def event_body(network, **extra):
    return {
        "network": network.pk,
        "title": "Chrisp Street conversation",
        "date": YESTERDAY.isoformat(),
        "place_name": "Chrisp Street market",
        "place": IN_BROMLEY,
        "people_count": 25,
        "themes": ["food", "Isolation"],
        **extra,
    }


# --- Reading events ---------------------------------------------------------------------


def test_residents_see_only_published_events_without_notes(event, published_event):
    rows = results(client_for(None).get(f"{API}events/"))

    assert [row["id"] for row in rows] == [published_event.pk]
    for field in ("notes", "is_published", "facilitators"):
        assert field not in rows[0]


def test_residents_get_404_for_an_unpublished_event(event):
    response = client_for(None).get(f"{API}events/{event.pk}/")

    assert response.status_code == 404
    assert list(response.json()) == ["detail"]


def test_residents_see_only_the_published_groups_found_without_notes(event, walking_group):
    event.is_published = True
    event.save()

    row = client_for(None).get(f"{API}events/{event.pk}/").json()

    assert row["discoveries"] == [{"asset": walking_group.pk, "asset_name": "Walking group"}]
    assert row["themes"] == ["Isolation", "Safety at night"]


def test_professionals_see_every_event_with_its_notes(event, published_event, link_worker):
    rows = results(client_for(link_worker).get(f"{API}events/"))

    assert {row["id"] for row in rows} == {event.pk, published_event.pk}
    mine = next(row for row in rows if row["id"] == event.pk)
    assert mine["notes"] == "People feel unsafe walking home."
    assert mine["is_published"] is False
    assert len(mine["discoveries"]) == 2
    assert mine["place"] is None


def test_events_are_filtered_by_network(event, other_network, link_worker):
    ListeningEvent.objects.create(
        network=other_network, title="Watney", date=YESTERDAY, place_name="X", people_count=1
    )

    rows = results(client_for(link_worker).get(f"{API}events/?network={other_network.slug}"))

    assert [row["title"] for row in rows] == ["Watney"]


# --- Recording events -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["facilitator", "network_lead"])
def test_facilitator_of_the_network_and_staff_record_an_event_with_its_groups(
    network, walking_group, request, who
):
    user = persona(request, who)
    body = event_body(
        network,
        existing_assets=[walking_group.pk],
        new_groups=[{"name": "Sewing circle", "note": "Mentioned by two people."}],
    )

    response = client_for(user).post(f"{API}events/", body, format="json")

    assert response.status_code == 201, response.content
    event = ListeningEvent.objects.get()
    assert event.created_by == user
    assert list(event.facilitators.all()) == [user]
    assert set(event.themes.values_list("name", flat=True)) == {"food", "Isolation"}
    sewing = Asset.objects.get(name="Sewing circle")
    assert (sewing.status, sewing.provenance) == (Status.DRAFT, Provenance.LISTENING_EVENT)
    assert sewing.location == event.place
    assert set(event.assets_found.all()) == {walking_group, sewing}
    assert len(response.json()["discoveries"]) == 2


@pytest.mark.parametrize(("who", "status"), WRITERS_REFUSED)
def test_others_cannot_record_an_event_in_the_network(network, other_network, request, who, status):
    response = client_for(persona(request, who)).post(
        f"{API}events/", event_body(network), format="json"
    )

    assert response.status_code == status
    if status == 403:
        assert response.json() == {"detail": services.NOT_YOUR_NETWORK}
    assert not ListeningEvent.objects.exists()
    assert not Theme.objects.filter(name="food").exists()


@pytest.mark.parametrize(
    ("extra", "errors"),
    [
        ({"date": TOMORROW.isoformat()}, "date"),
        ({"people_count": 200_000}, "people_count"),
        ({"title": ""}, "title"),
        ({"place": IN_WATNEY}, "place"),
        ({"place": {"type": "LineString", "coordinates": [[0, 51], [0, 52]]}}, "place"),
        ({"place": "somewhere"}, "place"),
        ({"place": None, "new_groups": [{"name": "Choir"}]}, "place"),
        ({"new_groups": [{"name": "Choir", "kind": "spaceship"}]}, "new_groups"),
        ({"new_groups": [{"description": "No name"}]}, "new_groups"),
        ({"network": 999999}, "network"),
    ],
)
def test_a_bad_event_is_refused_with_a_message_for_the_field_and_nothing_saved(
    facilitator, network, other_network, extra, errors
):
    assets_before = Asset.objects.count()

    body = {**event_body(network), **extra}

    response = client_for(facilitator).post(f"{API}events/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [errors]
    assert not ListeningEvent.objects.exists()
    assert Asset.objects.count() == assets_before


def test_new_groups_need_the_event_placed_on_the_map(facilitator, network):
    body = event_body(network, place=None, new_groups=[{"name": "Choir"}])

    response = client_for(facilitator).post(f"{API}events/", body, format="json")

    assert response.json() == {"place": [services.NEW_GROUPS_NEED_A_PLACE]}
    assert not Asset.objects.filter(name="Choir").exists()


def test_groups_linked_must_be_in_the_network(facilitator, network, other_network):
    elsewhere = AssetFactory(network=other_network)
    body = event_body(network, existing_assets=[elsewhere.pk])

    response = client_for(facilitator).post(f"{API}events/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"existing_assets": [s.NOT_LINKABLE]}
    assert not ListeningEvent.objects.exists()


def test_facilitators_named_must_facilitate_the_network(
    facilitator, network, other_facilitator, link_worker
):
    body = event_body(network, facilitators=[facilitator.pk, other_facilitator.pk])

    response = client_for(facilitator).post(f"{API}events/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"facilitators": [s.NOT_A_FACILITATOR]}


# --- Changing and deleting events -------------------------------------------------------


def test_facilitator_publishes_an_event_keeping_its_themes_and_facilitators(
    facilitator, event, network_lead
):
    response = client_for(network_lead).patch(
        f"{API}events/{event.pk}/", {"is_published": True}, format="json"
    )

    assert response.status_code == 200, response.content
    event.refresh_from_db()
    assert event.is_published
    assert sorted(event.themes.values_list("name", flat=True)) == ["Isolation", "Safety at night"]
    assert list(event.facilitators.all()) == [facilitator]
    assert Discovery.objects.filter(event=event).count() == 2


def test_facilitator_changes_the_themes_of_an_event(facilitator, event):
    response = client_for(facilitator).patch(
        f"{API}events/{event.pk}/", {"themes": ["Housing"]}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["themes"] == ["Housing"]
    assert list(event.themes.values_list("name", flat=True)) == ["Housing"]


@pytest.mark.parametrize(("who", "status"), WRITERS_REFUSED)
def test_others_cannot_change_or_delete_an_event(event, other_network, request, who, status):
    client = client_for(persona(request, who))

    changed = client.patch(f"{API}events/{event.pk}/", {"title": "Hijacked"}, format="json")
    deleted = client.delete(f"{API}events/{event.pk}/")

    assert (changed.status_code, deleted.status_code) == (status, status)
    if status == 403:
        assert changed.json() == {"detail": services.NOT_YOUR_NETWORK}
    event.refresh_from_db()
    assert event.title == "Market day"


def test_an_event_cannot_be_moved_to_another_network(event, facilitator, other_network):
    response = client_for(facilitator).patch(
        f"{API}events/{event.pk}/", {"network": other_network.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"network": [s.NETWORK_FIXED]}
    event.refresh_from_db()
    assert event.network_id != other_network.pk


def test_a_facilitator_cannot_pull_another_networks_event_into_their_own(
    event, other_facilitator, other_network
):
    response = client_for(other_facilitator).patch(
        f"{API}events/{event.pk}/", {"network": other_network.pk}, format="json"
    )

    assert response.status_code == 403
    event.refresh_from_db()
    assert event.network_id != other_network.pk


@pytest.mark.parametrize("who", ["facilitator", "network_lead"])
def test_facilitator_of_the_network_and_staff_delete_an_event(event, request, who):
    response = client_for(persona(request, who)).delete(f"{API}events/{event.pk}/")

    assert response.status_code == 204
    assert not ListeningEvent.objects.exists()


# --- Stories ----------------------------------------------------------------------------


@pytest.fixture
def stories(network, event, published_event):
    """A published story without consent to name; one named; one private."""
    anonymous = Story.objects.create(
        network=network,
        event=event,
        title="Anne-Marie's walk",
        text="Anne-Marie O'Neil found friends at the walking group. Anne says hello.",
        storyteller_name="Anne-Marie O'Neil",
        consent=Consent.ANONYMOUS,
        is_published=True,
    )
    named = Story.objects.create(
        network=network,
        event=published_event,
        title="Bilal's garden",
        text="Bilal grows chillies.",
        storyteller_name="Bilal Ahmed",
        consent=Consent.NAMED,
        is_published=True,
    )
    private = Story.objects.create(
        network=network,
        title="Not for publication",
        text="Private.",
        storyteller_name="Rosa",
        consent=Consent.PRIVATE,
    )
    return anonymous, named, private


def test_residents_read_published_stories_with_names_withheld(stories):
    anonymous, named, _private = stories

    rows = {row["id"]: row for row in results(client_for(None).get(f"{API}stories/"))}

    assert set(rows) == {anonymous.pk, named.pk}
    withheld = rows[anonymous.pk]
    assert withheld["title"] == f"{WITHHELD}'s walk"
    assert "Anne" not in withheld["text"] and "Neil" not in withheld["text"]
    assert withheld["text"].startswith(f"{WITHHELD} found friends")
    assert withheld["storyteller_name"] == ""
    assert "consent" not in withheld and "is_published" not in withheld
    assert rows[named.pk]["storyteller_name"] == "Bilal Ahmed"


def test_residents_do_not_learn_of_an_unpublished_event_through_a_story(stories, published_event):
    anonymous, named, _private = stories

    rows = {row["id"]: row for row in results(client_for(None).get(f"{API}stories/"))}

    assert rows[anonymous.pk]["event"] is None
    assert rows[named.pk]["event"] == published_event.pk


def test_residents_get_404_for_a_private_story(stories):
    _anonymous, _named, private = stories

    assert client_for(None).get(f"{API}stories/{private.pk}/").status_code == 404


def test_residents_cannot_filter_by_an_event_they_may_not_see(stories, event):
    response = client_for(None).get(f"{API}stories/?event={event.pk}")

    assert response.status_code == 400
    assert list(response.json()) == ["event"]


def test_professionals_read_every_story_as_told(stories, link_worker, event):
    anonymous, _named, private = stories

    rows = {row["id"]: row for row in results(client_for(link_worker).get(f"{API}stories/"))}

    assert len(rows) == 3
    assert rows[anonymous.pk]["storyteller_name"] == "Anne-Marie O'Neil"
    assert rows[anonymous.pk]["text"] == anonymous.text
    assert rows[anonymous.pk]["event"] == event.pk
    assert rows[private.pk]["consent"] == Consent.PRIVATE


@pytest.mark.parametrize("who", ["facilitator", "network_lead"])
def test_facilitator_of_the_network_and_staff_record_a_story(network, event, request, who):
    body = {
        "network": network.pk,
        "event": event.pk,
        "title": "The bench",
        "text": "A bench by the canal changed everything.",
        "storyteller_name": "Joy",
        "consent": Consent.ANONYMOUS,
        "is_published": True,
    }

    response = client_for(persona(request, who)).post(f"{API}stories/", body, format="json")

    assert response.status_code == 201, response.content
    story = Story.objects.get()
    assert (story.event, story.created_by) == (event, persona(request, who))


@pytest.mark.parametrize(
    ("extra", "errors"),
    [
        ({"consent": Consent.PRIVATE, "is_published": True}, {"is_published"}),
        ({"consent": "maybe"}, {"consent"}),
        ({"text": ""}, {"text"}),
        ({"event": "other"}, {"event"}),
    ],
)
def test_a_bad_story_is_refused_with_a_message_for_the_field_and_nothing_saved(
    facilitator, network, other_network, extra, errors
):
    if extra.get("event") == "other":
        elsewhere = ListeningEvent.objects.create(
            network=other_network, title="W", date=YESTERDAY, place_name="W", people_count=1
        )
        extra = {"event": elsewhere.pk}
    body = {"network": network.pk, "title": "T", "text": "Text.", **extra}

    response = client_for(facilitator).post(f"{API}stories/", body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == errors
    assert not Story.objects.exists()


@pytest.mark.parametrize(("who", "status"), WRITERS_REFUSED)
def test_others_cannot_record_change_or_delete_a_story(
    stories, network, other_network, request, who, status
):
    anonymous, _named, _private = stories
    client = client_for(persona(request, who))

    added = client.post(
        f"{API}stories/", {"network": network.pk, "title": "T", "text": "T"}, format="json"
    )
    changed = client.patch(f"{API}stories/{anonymous.pk}/", {"title": "Changed"}, format="json")
    deleted = client.delete(f"{API}stories/{anonymous.pk}/")

    assert {added.status_code, changed.status_code, deleted.status_code} == {status}
    assert Story.objects.count() == 3
    anonymous.refresh_from_db()
    assert anonymous.title == "Anne-Marie's walk"


def test_facilitator_withdraws_a_story_from_publication(facilitator, stories):
    anonymous, _named, _private = stories

    response = client_for(facilitator).patch(
        f"{API}stories/{anonymous.pk}/", {"is_published": False}, format="json"
    )

    assert response.status_code == 200, response.content
    assert client_for(None).get(f"{API}stories/{anonymous.pk}/").status_code == 404


def test_facilitator_deletes_a_story(facilitator, stories):
    anonymous, _named, _private = stories

    response = client_for(facilitator).delete(f"{API}stories/{anonymous.pk}/")

    assert response.status_code == 204
    assert not Story.objects.filter(pk=anonymous.pk).exists()
