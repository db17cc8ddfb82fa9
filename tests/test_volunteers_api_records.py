"""Volunteers, opportunities and safeguarding checks through the API: who sees and
changes what, bad input refused with field messages and nothing saved."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import (
    AssetFactory,
    CoordinatorAssignmentFactory,
    HoursEntryFactory,
    OpportunityFactory,
    SafeguardingCheckFactory,
    UserFactory,
    VolunteerFactory,
)
from volunteers import services
from volunteers.models import Opportunity, SafeguardingCheck, Volunteer
from volunteers.serializers import CONTACT_FIELDS

pytestmark = pytest.mark.django_db

API = "/api/v1/"
TODAY = timezone.localdate()
NOBODY_FOR_VAL = ["outsider", "link_worker", "facilitator", "other_coordinator"]


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def new_volunteer(asset, **fields) -> dict:
    return {
        "display_name": "Femi",
        "email": "femi@example.org",
        "phone": "07700 900456",
        "consent_text": "Femi agreed on the phone to us keeping these details.",
        "assets": [asset.pk],
        **fields,
    }


# --- Volunteers: reading -------------------------------------------------------------------


def test_coordinator_lists_their_volunteers_with_contact_details(coordinator, volunteer):
    rows = results(client_for(coordinator).get(f"{API}volunteers/"))

    assert len(rows) == 1
    assert rows[0]["display_name"] == "Val"
    assert rows[0]["email"] == "val@example.org"
    assert rows[0]["phone"] == "07700 900123"
    assert rows[0]["assets"] == list(volunteer.assets.values_list("pk", flat=True))
    assert rows[0]["has_login"] is True


def test_volunteer_sees_only_their_own_record_with_contact_details(
    volunteer_user, volunteer, coordinated_asset
):
    VolunteerFactory(display_name="Femi", assets=[coordinated_asset])

    rows = results(client_for(volunteer_user).get(f"{API}volunteers/"))

    assert [row["display_name"] for row in rows] == ["Val"]
    assert rows[0]["email"] == "val@example.org"


def test_volunteer_cannot_open_another_volunteers_record(volunteer_user, coordinated_asset):
    femi = VolunteerFactory(display_name="Femi", assets=[coordinated_asset])

    response = client_for(volunteer_user).get(f"{API}volunteers/{femi.pk}/")

    assert response.status_code == 404


def test_network_lead_sees_every_volunteer_but_no_contact_details(network_lead, volunteer):
    row = client_for(network_lead).get(f"{API}volunteers/{volunteer.pk}/").json()

    assert row["display_name"] == "Val"
    for field in CONTACT_FIELDS:
        assert field not in row


@pytest.mark.parametrize("persona", NOBODY_FOR_VAL)
def test_people_who_do_not_coordinate_a_volunteer_list_none(volunteer, persona, request):
    rows = results(client_for(request.getfixturevalue(persona)).get(f"{API}volunteers/"))

    assert rows == []


@pytest.mark.parametrize("persona", NOBODY_FOR_VAL)
def test_people_who_do_not_coordinate_a_volunteer_cannot_open_their_record(
    volunteer, persona, request
):
    response = client_for(request.getfixturevalue(persona)).get(f"{API}volunteers/{volunteer.pk}/")

    assert response.status_code == 404
    assert "Val" not in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["coordinator", "other_coordinator", "network_lead", "volunteer_user"]
)
def test_contact_details_in_lists_follow_can_see_contact_exactly(
    volunteer, coordinated_asset, other_coordinator, persona, request
):
    user = request.getfixturevalue(persona)
    carls_asset = other_coordinator.coordinator_assignments.get().asset
    # A member of both groups, one who only logged hours at Carl's, one of nobody's.
    both = VolunteerFactory(assets=[coordinated_asset, carls_asset])
    HoursEntryFactory(volunteer=VolunteerFactory(), asset=carls_asset)
    VolunteerFactory()

    rows = results(client_for(user).get(f"{API}volunteers/"))

    assert rows
    for row in rows:
        expected = Volunteer.objects.get(pk=row["id"]).can_see_contact(user)
        assert ("email" in row) is expected, row
    if persona in ("coordinator", "other_coordinator"):
        assert "email" in next(row for row in rows if row["id"] == both.pk)


def test_a_volunteers_balance_is_the_sum_of_their_ledger(
    coordinator, network_lead, volunteer, coordinated_asset
):
    entry = services.hours_log(
        volunteer=volunteer,
        asset=coordinated_asset,
        date=TODAY,
        hours=Decimal("2.5"),
        description="",
        by=coordinator,
    )
    services.hours_approve(entry=entry, by=coordinator)
    services.credit_adjust(volunteer=volunteer, amount=Decimal(-1), reason="Typo", by=network_lead)
    client = client_for(coordinator)

    listed = results(client.get(f"{API}volunteers/"))[0]["balance"]
    detail = client.get(f"{API}volunteers/{volunteer.pk}/").json()["balance"]

    assert listed == detail == "1.50"
    assert services.credit_balance(volunteer=volunteer) == Decimal("1.5")


# --- Volunteers: writing -------------------------------------------------------------------


def test_coordinator_registers_a_volunteer_at_their_group(coordinator, coordinated_asset):
    response = client_for(coordinator).post(
        f"{API}volunteers/", new_volunteer(coordinated_asset), format="json"
    )

    assert response.status_code == 201, response.content
    femi = Volunteer.objects.get(display_name="Femi")
    assert response.json()["id"] == femi.pk
    assert response.json()["email"] == "femi@example.org"
    assert response.json()["balance"] == "0.00"
    assert list(femi.assets.all()) == [coordinated_asset]
    assert femi.consent_given_at is not None


def test_registering_a_volunteer_without_consent_is_refused_and_saves_nothing(
    coordinator, coordinated_asset
):
    response = client_for(coordinator).post(
        f"{API}volunteers/", new_volunteer(coordinated_asset, consent_text=""), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"consent_text": [services.CONSENT_NEEDED]}
    assert not Volunteer.objects.exists()


def test_registering_a_volunteer_at_someone_elses_group_is_refused(coordinator, coordinated_asset):
    elsewhere = AssetFactory()

    response = client_for(coordinator).post(
        f"{API}volunteers/", new_volunteer(elsewhere), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"assets": [services.NOT_YOUR_GROUP]}
    assert not Volunteer.objects.exists()


def test_registering_a_volunteer_with_a_bad_email_or_unknown_group_names_both_fields(
    coordinator, coordinated_asset
):
    response = client_for(coordinator).post(
        f"{API}volunteers/",
        new_volunteer(coordinated_asset, email="not an email", assets=[999999]),
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"email", "assets"}
    assert not Volunteer.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "link_worker", "facilitator", "volunteer_user"])
def test_people_who_are_not_coordinators_cannot_register_volunteers(
    coordinated_asset, persona, request
):
    client = client_for(request.getfixturevalue(persona))

    response = client.post(f"{API}volunteers/", new_volunteer(coordinated_asset), format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": services.NOT_A_COORDINATOR}
    assert not Volunteer.objects.exists()


def test_anonymous_cannot_register_volunteers(coordinated_asset):
    response = client_for(None).post(
        f"{API}volunteers/", new_volunteer(coordinated_asset), format="json"
    )

    assert response.status_code == 401
    assert not Volunteer.objects.exists()


def test_volunteer_changes_their_own_phone_number(volunteer_user, volunteer):
    response = client_for(volunteer_user).patch(
        f"{API}volunteers/{volunteer.pk}/", {"phone": "07700 900789"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "07700 900789"
    volunteer.refresh_from_db()
    assert volunteer.phone == "07700 900789"


def test_volunteer_cannot_move_themselves_into_a_group(volunteer_user, volunteer):
    other = AssetFactory()

    response = client_for(volunteer_user).patch(
        f"{API}volunteers/{volunteer.pk}/", {"assets": [other.pk]}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"assets": [services.NOT_YOUR_GROUP]}
    assert other not in volunteer.assets.all()


def test_other_coordinator_cannot_change_a_volunteer(other_coordinator, volunteer):
    response = client_for(other_coordinator).patch(
        f"{API}volunteers/{volunteer.pk}/", {"phone": "0"}, format="json"
    )

    assert response.status_code == 404
    volunteer.refresh_from_db()
    assert volunteer.phone == "07700 900123"


def test_volunteers_cannot_be_replaced_or_deleted_only_erased(coordinator, volunteer):
    client = client_for(coordinator)
    url = f"{API}volunteers/{volunteer.pk}/"

    assert client.put(url, new_volunteer(volunteer.assets.get()), format="json").status_code == 405
    assert client.delete(url).status_code == 405
    assert Volunteer.objects.get(pk=volunteer.pk).display_name == "Val"


def test_coordinator_erases_a_volunteer(coordinator, volunteer):
    response = client_for(coordinator).post(f"{API}volunteers/{volunteer.pk}/erase/")

    assert response.status_code == 200
    assert response.json()["display_name"] == f"Erased volunteer #{volunteer.pk}"
    volunteer.refresh_from_db()
    assert volunteer.is_erased
    assert volunteer.email == volunteer.phone == ""


def test_volunteer_cannot_erase_themselves_through_the_api(volunteer_user, volunteer):
    response = client_for(volunteer_user).post(f"{API}volunteers/{volunteer.pk}/erase/")

    assert response.status_code == 403
    assert response.json() == {"detail": services.NOT_THEIR_COORDINATOR}
    volunteer.refresh_from_db()
    assert not volunteer.is_erased


def test_coordinator_invites_a_volunteer_to_sign_in(
    coordinator, coordinated_asset, django_capture_on_commit_callbacks
):
    femi = VolunteerFactory(email="femi@example.org", assets=[coordinated_asset])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(f"{API}volunteers/{femi.pk}/invite/")

    assert response.status_code == 200, response.content
    assert response.json()["has_login"] is True
    femi.refresh_from_db()
    assert femi.user.email == "femi@example.org"
    assert len(mail.outbox) == 1
    assert "http://testserver/accounts/reset/" in mail.outbox[0].body


def test_inviting_a_volunteer_with_no_email_is_refused_with_a_field_message(
    coordinator, coordinated_asset, django_capture_on_commit_callbacks
):
    femi = VolunteerFactory(email="", assets=[coordinated_asset])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(f"{API}volunteers/{femi.pk}/invite/")

    assert response.status_code == 400
    assert response.json() == {"email": [services.NO_EMAIL]}
    femi.refresh_from_db()
    assert femi.user is None
    assert mail.outbox == []


def test_network_lead_who_cannot_see_the_email_cannot_send_the_invitation(
    network_lead, coordinated_asset, django_capture_on_commit_callbacks
):
    femi = VolunteerFactory(email="femi@example.org", assets=[coordinated_asset])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(network_lead).post(f"{API}volunteers/{femi.pk}/invite/")

    assert response.status_code == 403
    assert mail.outbox == []


# --- Opportunities -------------------------------------------------------------------------


@pytest.fixture
def opportunities(coordinated_asset):
    return (
        OpportunityFactory(asset=coordinated_asset, title="Walk leader"),
        OpportunityFactory(asset=coordinated_asset, title="Tea maker", is_public=False),
    )


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "volunteer_user"])
def test_residents_see_only_public_opportunities(opportunities, persona, request):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)

    rows = results(client_for(user).get(f"{API}opportunities/"))

    assert [row["title"] for row in rows] == ["Walk leader"]


def test_link_workers_see_every_opportunity(opportunities, link_worker):
    rows = results(client_for(link_worker).get(f"{API}opportunities/"))

    assert {row["title"] for row in rows} == {"Walk leader", "Tea maker"}


def test_opportunities_filter_by_asset(opportunities, link_worker):
    OpportunityFactory(title="Elsewhere")
    asset = opportunities[0].asset_id

    rows = results(client_for(link_worker).get(f"{API}opportunities/?asset={asset}"))

    assert {row["title"] for row in rows} == {"Walk leader", "Tea maker"}


def test_coordinator_adds_an_opportunity_at_their_asset(coordinator, coordinated_asset):
    response = client_for(coordinator).post(
        f"{API}opportunities/",
        {"asset": coordinated_asset.pk, "title": "Walk leader", "dbs_level": "basic"},
        format="json",
    )

    assert response.status_code == 201, response.content
    opportunity = Opportunity.objects.get()
    assert (opportunity.title, opportunity.dbs_level) == ("Walk leader", "basic")


@pytest.mark.parametrize(
    "persona", ["outsider", "link_worker", "facilitator", "other_coordinator", "volunteer_user"]
)
def test_only_the_assets_coordinators_and_staff_add_opportunities(
    coordinated_asset, volunteer, persona, request
):
    client = client_for(request.getfixturevalue(persona))

    response = client.post(
        f"{API}opportunities/", {"asset": coordinated_asset.pk, "title": "Walk leader"}
    )

    assert response.status_code == 403
    assert response.json() == {"detail": services.NOT_COORDINATOR}
    assert not Opportunity.objects.exists()


def test_network_lead_adds_an_opportunity_anywhere(network_lead):
    response = client_for(network_lead).post(
        f"{API}opportunities/", {"asset": AssetFactory().pk, "title": "Gardener"}
    )

    assert response.status_code == 201
    assert Opportunity.objects.get().title == "Gardener"


def test_anonymous_cannot_add_opportunities(coordinated_asset):
    response = client_for(None).post(
        f"{API}opportunities/", {"asset": coordinated_asset.pk, "title": "Walk leader"}
    )

    assert response.status_code == 401
    assert not Opportunity.objects.exists()


def test_coordinator_changes_an_opportunity(coordinator, opportunities):
    walk = opportunities[0]

    response = client_for(coordinator).patch(
        f"{API}opportunities/{walk.pk}/", {"time_commitment": "Saturday mornings"}
    )

    assert response.status_code == 200
    walk.refresh_from_db()
    assert walk.time_commitment == "Saturday mornings"


def test_other_coordinator_cannot_change_an_opportunity(other_coordinator, opportunities):
    walk = opportunities[0]

    response = client_for(other_coordinator).patch(
        f"{API}opportunities/{walk.pk}/", {"title": "Mine now"}
    )

    assert response.status_code == 403
    walk.refresh_from_db()
    assert walk.title == "Walk leader"


def test_coordinator_cannot_move_an_opportunity_to_someone_elses_asset(coordinator, opportunities):
    walk = opportunities[0]

    response = client_for(coordinator).patch(
        f"{API}opportunities/{walk.pk}/", {"asset": AssetFactory().pk}
    )

    assert response.status_code == 403
    walk.refresh_from_db()
    assert walk.asset == opportunities[1].asset


def test_an_opportunity_with_an_unknown_dbs_level_is_refused(coordinator, coordinated_asset):
    response = client_for(coordinator).post(
        f"{API}opportunities/",
        {"asset": coordinated_asset.pk, "title": "Walk leader", "dbs_level": "platinum"},
    )

    assert response.status_code == 400
    assert list(response.json()) == ["dbs_level"]
    assert not Opportunity.objects.exists()


def test_opportunities_cannot_be_deleted_through_the_api(coordinator, opportunities):
    response = client_for(coordinator).delete(f"{API}opportunities/{opportunities[0].pk}/")

    assert response.status_code == 405
    assert Opportunity.objects.count() == 2


# --- Safeguarding checks -------------------------------------------------------------------


def check_for(volunteer, **fields) -> dict:
    return {
        "volunteer": volunteer.pk,
        "level": "enhanced",
        "issued_on": "2025-03-01",
        "recheck_due": "2028-03-01",
        **fields,
    }


def test_coordinator_records_a_check_they_verified_today(coordinator, volunteer):
    response = client_for(coordinator).post(f"{API}safeguarding-checks/", check_for(volunteer))

    assert response.status_code == 201, response.content
    check = SafeguardingCheck.objects.get()
    assert check.verified_by == coordinator
    assert check.verified_on == TODAY
    assert response.json()["verified_by"] == coordinator.pk


def test_a_check_issued_in_the_future_is_refused_and_not_saved(coordinator, volunteer):
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()

    response = client_for(coordinator).post(
        f"{API}safeguarding-checks/", check_for(volunteer, issued_on=tomorrow)
    )

    assert response.status_code == 400
    assert response.json()["issued_on"] == [services.CHECK_IN_FUTURE]
    assert not SafeguardingCheck.objects.exists()


def test_a_recheck_date_before_the_issue_date_is_refused(coordinator, volunteer):
    response = client_for(coordinator).post(
        f"{API}safeguarding-checks/", check_for(volunteer, recheck_due="2024-01-01")
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["The re-check date must be after the issue date."]
    }
    assert not SafeguardingCheck.objects.exists()


def test_the_volunteer_cannot_record_their_own_check(volunteer_user, volunteer):
    response = client_for(volunteer_user).post(f"{API}safeguarding-checks/", check_for(volunteer))

    assert response.status_code == 403
    assert response.json() == {"detail": services.NOT_THEIR_CHECKER}
    assert not SafeguardingCheck.objects.exists()


@pytest.mark.parametrize("persona", NOBODY_FOR_VAL)
def test_people_who_cannot_see_a_volunteer_cannot_record_their_check(volunteer, persona, request):
    client = client_for(request.getfixturevalue(persona))

    response = client.post(f"{API}safeguarding-checks/", check_for(volunteer))

    assert response.status_code == 400
    assert list(response.json()) == ["volunteer"]
    assert not SafeguardingCheck.objects.exists()


def test_volunteer_sees_their_own_checks_only(volunteer_user, volunteer, coordinated_asset):
    mine = SafeguardingCheckFactory(volunteer=volunteer)
    SafeguardingCheckFactory(volunteer=VolunteerFactory(assets=[coordinated_asset]))

    rows = results(client_for(volunteer_user).get(f"{API}safeguarding-checks/"))

    assert [row["id"] for row in rows] == [mine.pk]


@pytest.mark.parametrize("persona", NOBODY_FOR_VAL)
def test_people_who_do_not_coordinate_a_volunteer_see_none_of_their_checks(
    volunteer, persona, request
):
    SafeguardingCheckFactory(volunteer=volunteer)

    rows = results(client_for(request.getfixturevalue(persona)).get(f"{API}safeguarding-checks/"))

    assert rows == []


def test_due_within_lists_current_checks_to_redo_soon_and_overdue(coordinator, volunteer):
    soon = SafeguardingCheckFactory(volunteer=volunteer, recheck_due=TODAY + dt.timedelta(days=10))
    overdue = SafeguardingCheckFactory(
        volunteer=volunteer, level="basic", recheck_due=TODAY - dt.timedelta(days=3)
    )
    SafeguardingCheckFactory(
        volunteer=volunteer, level="standard", recheck_due=TODAY + dt.timedelta(days=60)
    )

    rows = results(client_for(coordinator).get(f"{API}safeguarding-checks/?due_within=30"))

    assert [row["id"] for row in rows] == [overdue.pk, soon.pk]


def test_due_within_must_be_a_number_of_days(coordinator):
    response = client_for(coordinator).get(f"{API}safeguarding-checks/?due_within=soon")

    assert response.status_code == 400
    assert list(response.json()) == ["due_within"]


def test_coordinator_can_also_be_given_a_volunteer_at_a_second_group(coordinator, volunteer):
    # A coordinator of two groups registers a volunteer at both.
    second = AssetFactory()
    CoordinatorAssignmentFactory(user=coordinator, asset=second)

    response = client_for(coordinator).patch(
        f"{API}volunteers/{volunteer.pk}/",
        {"assets": [volunteer.assets.get().pk, second.pk]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert set(response.json()["assets"]) == set(volunteer.assets.values_list("pk", flat=True))
    assert second in volunteer.assets.all()


def test_a_login_without_a_volunteer_record_lists_no_volunteers(db):
    rows = results(client_for(UserFactory()).get(f"{API}volunteers/"))

    assert rows == []
