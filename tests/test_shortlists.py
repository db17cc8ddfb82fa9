"""Shortlists: a link worker's own, never another's; edited, reordered and shared by a
link that expires; the shared page shows the patient what residents see, no more."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from assetmap import shortlists as services
from assetmap.models import Status
from assetmap.roles import Role
from assetmap.shortlist_models import Shortlist
from tests.factories import AssetFactory, RecurringSessionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_link_worker(db):
    user = UserFactory(username="bob")
    user.groups.add(Group.objects.get(name=Role.LINK_WORKER.value))
    return user


@pytest.fixture
def walk():
    asset = AssetFactory(
        name="Bow health walk",
        phone="020 7946 0001",
        internal_notes="Leader is off in August.",
    )
    RecurringSessionFactory(asset=asset)
    return asset


@pytest.fixture
def lunch():
    return AssetFactory(name="Lunch club", cost_description="£2 for lunch")


@pytest.fixture
def shortlist(link_worker, walk, lunch):
    services.shortlist_add(user=link_worker, asset=walk)
    shortlist, _added = services.shortlist_add(user=link_worker, asset=lunch)
    shortlist.items.filter(asset=walk).update(note="Ask for Rina at the door.")
    return shortlist


def detail(shortlist) -> str:
    return reverse("shortlist", args=[shortlist.pk])


def shared(shortlist) -> str:
    return reverse("shortlist_shared", args=[shortlist.token])


def order(shortlist) -> list[str]:
    return [item.asset.name for item in shortlist.items.select_related("asset")]


# --- Adding from the search --------------------------------------------------------------


def test_the_first_add_starts_a_shortlist_and_the_next_joins_it(client, link_worker, walk, lunch):
    client.force_login(link_worker)
    response = client.post(reverse("shortlist_add"), {"asset": walk.pk, "next": "/search/?q=a"})
    assert response.status_code == 302
    assert response.url == f"/search/?q=a#result-{walk.slug}"
    client.post(reverse("shortlist_add"), {"asset": lunch.pk})
    client.post(reverse("shortlist_add"), {"asset": lunch.pk})  # twice: still once
    shortlist = Shortlist.objects.get()
    assert shortlist.created_by == link_worker
    assert order(shortlist) == ["Bow health walk", "Lunch club"]


def test_adding_after_the_link_expired_starts_a_new_shortlist(client, link_worker, shortlist):
    shortlist.expires_at = timezone.now() - dt.timedelta(minutes=1)
    shortlist.save()
    client.force_login(link_worker)
    client.post(reverse("shortlist_add"), {"asset": AssetFactory().pk})
    assert Shortlist.objects.of(link_worker).count() == 2


def test_starting_a_new_shortlist_sends_later_adds_there(client, link_worker, shortlist, walk):
    client.force_login(link_worker)
    client.post(reverse("shortlist_new"))
    client.post(reverse("shortlist_add"), {"asset": walk.pk})
    newest = Shortlist.objects.of(link_worker).first()
    assert newest != shortlist
    assert order(newest) == ["Bow health walk"]


def test_a_draft_cannot_be_added(client, link_worker):
    draft = AssetFactory(status=Status.DRAFT)
    client.force_login(link_worker)
    assert client.post(reverse("shortlist_add"), {"asset": draft.pk}).status_code == 404
    assert not Shortlist.objects.exists()


def test_an_offsite_next_is_ignored(client, link_worker, walk):
    client.force_login(link_worker)
    response = client.post(
        reverse("shortlist_add"), {"asset": walk.pk, "next": "https://evil.example/"}
    )
    assert response.url.startswith(detail(Shortlist.objects.get()))


@pytest.mark.parametrize("persona", ["outsider", "facilitator", "coordinator"])
def test_people_without_the_role_cannot_keep_shortlists(client, request, persona, walk):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("shortlists")).status_code == 403
    assert client.post(reverse("shortlist_add"), {"asset": walk.pk}).status_code == 403
    assert not Shortlist.objects.exists()


def test_signed_out_people_are_sent_to_sign_in(client, shortlist):
    for url in (reverse("shortlists"), detail(shortlist)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


# --- A link worker's own shortlists -----------------------------------------------------


def test_my_shortlists_lists_mine_only(client, link_worker, other_link_worker, shortlist):
    Shortlist.objects.create(created_by=other_link_worker, title="Bob's Friday list")
    shortlist.title = "Tuesday mornings"
    shortlist.save()
    client.force_login(link_worker)
    response = client.get(reverse("shortlists"))
    assertContains(response, "Tuesday mornings")
    assertNotContains(response, "Bob's Friday list")


def test_another_link_workers_shortlist_is_not_found(client, other_link_worker, shortlist):
    client.force_login(other_link_worker)
    assert client.get(detail(shortlist)).status_code == 404
    assert client.get(reverse("shortlist_qr", args=[shortlist.pk])).status_code == 404
    response = client.post(detail(shortlist), {"action": "delete"})
    assert response.status_code == 404
    assert Shortlist.objects.filter(pk=shortlist.pk).exists()


def test_the_page_warns_against_patient_details(client, link_worker, shortlist):
    client.force_login(link_worker)
    response = client.get(detail(shortlist))
    assertContains(response, "Never write the patient&#x27;s name, NHS number")
    assertContains(response, "Never the patient&#x27;s name")


def test_title_and_notes_are_saved(client, link_worker, shortlist, lunch):
    item = shortlist.items.get(asset=lunch)
    client.force_login(link_worker)
    response = client.post(
        detail(shortlist),
        {"title": "Tuesday mornings", f"note_{item.pk}": "Bring a friend if you like."},
    )
    assert response.status_code == 302
    shortlist.refresh_from_db()
    item.refresh_from_db()
    assert shortlist.title == "Tuesday mornings"
    assert item.note == "Bring a friend if you like."


def test_a_note_too_long_is_refused_and_nothing_is_saved(client, link_worker, shortlist, lunch):
    item = shortlist.items.get(asset=lunch)
    client.force_login(link_worker)
    response = client.post(detail(shortlist), {"title": "New", f"note_{item.pk}": "x" * 281})
    assert response.status_code == 200
    assertContains(response, "There is a problem")
    shortlist.refresh_from_db()
    assert shortlist.title == ""


def test_items_move_up_and_down_and_are_removed(client, link_worker, shortlist, walk, lunch):
    lunch_item = shortlist.items.get(asset=lunch)
    client.force_login(link_worker)
    client.post(detail(shortlist), {"title": "", "action": f"up-{lunch_item.pk}"})
    assert order(shortlist) == ["Lunch club", "Bow health walk"]
    client.post(detail(shortlist), {"title": "", "action": f"up-{lunch_item.pk}"})  # at the top
    assert order(shortlist) == ["Lunch club", "Bow health walk"]
    client.post(detail(shortlist), {"title": "", "action": f"down-{lunch_item.pk}"})
    assert order(shortlist) == ["Bow health walk", "Lunch club"]
    client.post(detail(shortlist), {"title": "", "action": f"remove-{lunch_item.pk}"})
    assert order(shortlist) == ["Bow health walk"]


def test_extending_keeps_the_link_working_for_the_configured_days(
    client, link_worker, shortlist, settings
):
    settings.SHORTLIST_EXPIRES_DAYS = 30
    shortlist.expires_at = timezone.now() + dt.timedelta(days=1)
    shortlist.save()
    client.force_login(link_worker)
    client.post(detail(shortlist), {"action": "extend"})
    shortlist.refresh_from_db()
    left = shortlist.expires_at - timezone.now()
    assert dt.timedelta(days=29) < left <= dt.timedelta(days=30)


def test_a_new_link_stops_the_old_one(client, link_worker, shortlist):
    old = shared(shortlist)
    client.force_login(link_worker)
    client.post(detail(shortlist), {"action": "new-link"})
    shortlist.refresh_from_db()
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(shared(shortlist)).status_code == 200


def test_deleting_a_shortlist_stops_its_link(client, link_worker, shortlist):
    url = shared(shortlist)
    client.force_login(link_worker)
    assert client.post(detail(shortlist), {"action": "delete"}).url == reverse("shortlists")
    assert client.get(url).status_code == 404


def test_the_qr_code_is_an_svg_of_the_shared_link(client, link_worker, shortlist):
    client.force_login(link_worker)
    response = client.get(reverse("shortlist_qr", args=[shortlist.pk]))
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert b"<script" not in response.content
    assertContains(client.get(detail(shortlist)), reverse("shortlist_qr", args=[shortlist.pk]))


def test_the_default_expiry_comes_from_settings(link_worker, settings):
    settings.SHORTLIST_EXPIRES_DAYS = 90
    shortlist = services.shortlist_create(user=link_worker)
    left = shortlist.expires_at - timezone.now()
    assert dt.timedelta(days=89) < left <= dt.timedelta(days=90)


# --- The shared page ------------------------------------------------------------------------


def test_the_shared_link_works_signed_out(client, shortlist):
    response = client.get(shared(shortlist))
    assert response.status_code == 200
    assertContains(response, "Bow health walk")
    assertContains(response, "Ask for Rina at the door.")
    assertContains(response, "020 7946 0001")
    assertContains(response, "£2 for lunch")
    assertContains(response, str(shortlist.items.first().asset.sessions.get()))
    assertContains(response, "From your link worker")


def test_the_shared_page_keeps_professional_details_back(client, link_worker, shortlist):
    response = client.get(shared(shortlist))
    assertNotContains(response, "Leader is off in August.")
    assertNotContains(response, link_worker.username)
    assertNotContains(response, link_worker.email)


def test_the_shared_page_is_private_and_not_indexed(client, shortlist):
    response = client.get(shared(shortlist))
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "private"
    assertContains(response, '<meta name="robots" content="noindex, nofollow">')


def test_a_listing_no_longer_published_is_left_off_the_shared_page(client, shortlist, walk):
    walk.status = Status.ARCHIVED
    walk.save()
    assertNotContains(client.get(shared(shortlist)), "Bow health walk")


def test_an_expired_link_says_so(client, shortlist):
    shortlist.expires_at = timezone.now() - dt.timedelta(seconds=1)
    shortlist.save()
    response = client.get(shared(shortlist))
    assert response.status_code == 410
    assertContains(response, "This link has expired", status_code=410)
    assertNotContains(response, "Bow health walk", status_code=410)
    assert response["Referrer-Policy"] == "same-origin"


def test_an_unknown_link_is_not_found(client, shortlist):
    assert client.get(reverse("shortlist_shared", args=["not-the-token"])).status_code == 404


# --- Services --------------------------------------------------------------------------------


def test_moving_renumbers_positions_after_a_removal(link_worker, shortlist, walk, lunch):
    third = AssetFactory(name="Third")
    services.shortlist_add(user=link_worker, asset=third)
    services.shortlist_remove(item=shortlist.items.get(asset=lunch))
    services.shortlist_move(item=shortlist.items.get(asset=third), offset=-1)
    assert order(shortlist) == ["Third", "Bow health walk"]
    assert list(shortlist.items.values_list("position", flat=True)) == [0, 1]


def test_only_published_listings_can_be_added(link_worker):
    with pytest.raises(ValueError, match="Only published"):
        services.shortlist_add(user=link_worker, asset=AssetFactory(status=Status.DRAFT))
