"""Hours and the experience survey through the API: logging (one by one and in bulk),
approving, rejecting and correcting, who may do each, and bad input refused with field
messages and nothing saved."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.test import APIClient

from assetmap.roles import Role
from tests.factories import (
    AssetFactory,
    CoordinatorAssignmentFactory,
    SurveyResponseFactory,
    UserFactory,
    VolunteerFactory,
)
from volunteers import services
from volunteers.api import VOLUNTEER_NEEDED
from volunteers.models import CreditEntry, CreditKind, HoursEntry, HoursStatus, SurveyResponse

pytestmark = pytest.mark.django_db

API = "/api/v1/"
TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)
NOBODY_FOR_VAL = ["outsider", "link_worker", "facilitator", "other_coordinator"]


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def log(volunteer, asset, by, hours="2", date=YESTERDAY) -> HoursEntry:
    return services.hours_log(
        volunteer=volunteer, asset=asset, date=date, hours=Decimal(hours), description="", by=by
    )


def approved(volunteer, asset, coordinator, hours="2") -> HoursEntry:
    return services.hours_approve(entry=log(volunteer, asset, coordinator, hours), by=coordinator)


@pytest.fixture
def femi(coordinated_asset):
    return VolunteerFactory(display_name="Femi", assets=[coordinated_asset])


# --- Logging -------------------------------------------------------------------------------


def test_volunteer_logs_their_own_hours_without_naming_themselves(
    volunteer_user, volunteer, coordinated_asset
):
    response = client_for(volunteer_user).post(
        f"{API}hours/",
        {"asset": coordinated_asset.pk, "date": YESTERDAY, "hours": "1.5", "description": "Walk"},
    )

    assert response.status_code == 201, response.content
    entry = HoursEntry.objects.get()
    assert (entry.volunteer, entry.hours, entry.status) == (volunteer, Decimal("1.5"), "pending")
    assert entry.logged_by == volunteer_user
    assert response.json()["volunteer"] == volunteer.pk


def test_coordinator_logs_hours_for_their_volunteer(coordinator, volunteer, coordinated_asset):
    response = client_for(coordinator).post(
        f"{API}hours/",
        {"volunteer": volunteer.pk, "asset": coordinated_asset.pk, "date": YESTERDAY, "hours": 2},
    )

    assert response.status_code == 201, response.content
    assert HoursEntry.objects.get().logged_by == coordinator


def test_someone_with_no_volunteer_record_must_say_whose_hours(coordinator, coordinated_asset):
    response = client_for(coordinator).post(
        f"{API}hours/", {"asset": coordinated_asset.pk, "date": YESTERDAY, "hours": 2}
    )

    assert response.status_code == 400
    assert response.json() == {"volunteer": [VOLUNTEER_NEEDED]}
    assert not HoursEntry.objects.exists()


@pytest.mark.parametrize(
    ("hours", "date", "errors"),
    [
        ("0.3", YESTERDAY, {"hours": [services.NOT_QUARTER]}),
        ("0", YESTERDAY, {"hours": [services.NOT_POSITIVE]}),
        ("-1", YESTERDAY, {"hours": [services.NOT_POSITIVE]}),
        ("25", YESTERDAY, {"hours": [services.OVER_DAY_LIMIT]}),
        ("1", TODAY + dt.timedelta(days=1), {"date": [services.FUTURE_DATE]}),
    ],
)
def test_bad_hours_are_refused_with_a_field_message_and_not_saved(
    volunteer_user, volunteer, coordinated_asset, hours, date, errors
):
    response = client_for(volunteer_user).post(
        f"{API}hours/", {"asset": coordinated_asset.pk, "date": date, "hours": hours}
    )

    assert response.status_code == 400
    assert response.json() == errors
    assert not HoursEntry.objects.exists()


def test_more_than_24_hours_in_a_day_across_entries_is_refused(
    volunteer_user, volunteer, coordinated_asset, coordinator
):
    log(volunteer, coordinated_asset, coordinator, hours="20")

    response = client_for(volunteer_user).post(
        f"{API}hours/", {"asset": coordinated_asset.pk, "date": YESTERDAY, "hours": "4.25"}
    )

    assert response.status_code == 400
    assert response.json() == {"hours": [services.OVER_DAY_LIMIT]}
    assert HoursEntry.objects.count() == 1


def test_hours_with_missing_or_malformed_fields_name_each_field(volunteer_user, volunteer):
    response = client_for(volunteer_user).post(f"{API}hours/", {"date": "last week", "hours": "x"})

    assert response.status_code == 400
    assert set(response.json()) == {"asset", "date", "hours"}
    assert not HoursEntry.objects.exists()


@pytest.mark.parametrize("persona", NOBODY_FOR_VAL)
def test_people_who_cannot_see_a_volunteer_cannot_log_their_hours(
    volunteer, coordinated_asset, persona, request
):
    client = client_for(request.getfixturevalue(persona))

    response = client.post(
        f"{API}hours/",
        {"volunteer": volunteer.pk, "asset": coordinated_asset.pk, "date": YESTERDAY, "hours": 2},
    )

    assert response.status_code == 400
    assert list(response.json()) == ["volunteer"]
    assert not HoursEntry.objects.exists()


def test_coordinator_cannot_log_their_volunteers_hours_at_someone_elses_asset(
    other_coordinator, coordinated_asset
):
    carls_asset = other_coordinator.coordinator_assignments.get().asset
    shared = VolunteerFactory(assets=[coordinated_asset, carls_asset])

    response = client_for(other_coordinator).post(
        f"{API}hours/",
        {"volunteer": shared.pk, "asset": coordinated_asset.pk, "date": YESTERDAY, "hours": 2},
    )

    assert response.status_code == 403
    assert response.json() == {"detail": services.NOT_YOUR_HOURS}
    assert not HoursEntry.objects.exists()


def test_anonymous_cannot_log_hours(volunteer, coordinated_asset):
    response = client_for(None).post(
        f"{API}hours/",
        {"volunteer": volunteer.pk, "asset": coordinated_asset.pk, "date": YESTERDAY, "hours": 2},
    )

    assert response.status_code == 401
    assert not HoursEntry.objects.exists()


# --- Reading -------------------------------------------------------------------------------


def test_volunteer_lists_only_their_own_hours(
    volunteer_user, volunteer, femi, coordinated_asset, coordinator
):
    mine = log(volunteer, coordinated_asset, coordinator)
    log(femi, coordinated_asset, coordinator)

    rows = results(client_for(volunteer_user).get(f"{API}hours/"))

    assert [row["id"] for row in rows] == [mine.pk]


def test_coordinator_lists_the_hours_at_their_assets(
    coordinator, volunteer, femi, coordinated_asset
):
    entries = {log(person, coordinated_asset, coordinator).pk for person in (volunteer, femi)}

    rows = results(client_for(coordinator).get(f"{API}hours/"))

    assert {row["id"] for row in rows} == entries


@pytest.mark.parametrize("persona", NOBODY_FOR_VAL)
def test_people_who_do_not_coordinate_an_asset_see_none_of_its_hours(
    volunteer, coordinated_asset, coordinator, persona, request
):
    entry = log(volunteer, coordinated_asset, coordinator)
    client = client_for(request.getfixturevalue(persona))

    assert results(client.get(f"{API}hours/")) == []
    assert client.get(f"{API}hours/{entry.pk}/").status_code == 404


def test_hours_filter_by_status_asset_volunteer_and_dates(
    coordinator, network_lead, volunteer, femi, coordinated_asset
):
    old = log(volunteer, coordinated_asset, coordinator, date=YESTERDAY - dt.timedelta(days=10))
    recent = approved(volunteer, coordinated_asset, coordinator)
    femis = log(femi, coordinated_asset, coordinator)
    other_group = AssetFactory()
    femi.assets.add(other_group)
    elsewhere = log(femi, other_group, network_lead, date=YESTERDAY - dt.timedelta(days=2))
    client = client_for(network_lead)

    def ids(query):
        return {row["id"] for row in results(client.get(f"{API}hours/?{query}"))}

    assert ids("status=approved") == {recent.pk}
    assert ids(f"asset={coordinated_asset.pk}") == {old.pk, recent.pk, femis.pk}
    assert ids(f"volunteer={femi.pk}") == {femis.pk, elsewhere.pk}
    since = YESTERDAY - dt.timedelta(days=5)
    assert ids(f"date_from={since}&date_to={YESTERDAY}") == {recent.pk, femis.pk, elsewhere.pk}


def test_an_unknown_status_filter_is_refused(coordinator):
    response = client_for(coordinator).get(f"{API}hours/?status=lost")

    assert response.status_code == 400
    assert list(response.json()) == ["status"]


def test_hours_cannot_be_edited_or_deleted_only_corrected(
    coordinator, volunteer, coordinated_asset
):
    entry = log(volunteer, coordinated_asset, coordinator)
    client = client_for(coordinator)

    assert client.patch(f"{API}hours/{entry.pk}/", {"hours": 1}).status_code == 405
    assert client.put(f"{API}hours/{entry.pk}/", {"hours": 1}).status_code == 405
    assert client.delete(f"{API}hours/{entry.pk}/").status_code == 405
    entry.refresh_from_db()
    assert entry.hours == 2


# --- Bulk ----------------------------------------------------------------------------------


def bulk(asset, *rows, date=YESTERDAY) -> dict:
    return {
        "asset": asset.pk,
        "date": date.isoformat(),
        "entries": [
            {"volunteer": volunteer.pk, "hours": hours, "description": "Walk"}
            for volunteer, hours in rows
        ],
    }


def test_coordinator_logs_a_sessions_hours_in_bulk(coordinator, volunteer, femi, coordinated_asset):
    response = client_for(coordinator).post(
        f"{API}hours/bulk/", bulk(coordinated_asset, (volunteer, "2"), (femi, "1.5")), format="json"
    )

    assert response.status_code == 201, response.content
    assert len(response.json()) == 2
    saved = HoursEntry.objects.order_by("hours").values_list("volunteer", "hours", "status")
    assert list(saved) == [(femi.pk, Decimal("1.5"), "pending"), (volunteer.pk, 2, "pending")]


def test_bulk_with_one_bad_row_saves_none(coordinator, volunteer, femi, coordinated_asset):
    response = client_for(coordinator).post(
        f"{API}hours/bulk/", bulk(coordinated_asset, (volunteer, "2"), (femi, "0.3")), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"hours": [services.NOT_QUARTER]}
    assert not HoursEntry.objects.exists()


def test_bulk_with_a_malformed_row_names_the_row(coordinator, volunteer, coordinated_asset):
    body = bulk(coordinated_asset, (volunteer, "2"))
    body["entries"].append({"volunteer": volunteer.pk})

    response = client_for(coordinator).post(f"{API}hours/bulk/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"entries": [{}, {"hours": ["This field is required."]}]}
    assert not HoursEntry.objects.exists()


def test_bulk_needs_at_least_one_row(coordinator, coordinated_asset):
    response = client_for(coordinator).post(
        f"{API}hours/bulk/", bulk(coordinated_asset), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["entries"]


def test_a_volunteer_cannot_log_in_bulk(volunteer_user, volunteer, coordinated_asset):
    response = client_for(volunteer_user).post(
        f"{API}hours/bulk/", bulk(coordinated_asset, (volunteer, "2")), format="json"
    )

    assert response.status_code == 403
    assert response.json() == {"detail": services.NOT_COORDINATOR}
    assert not HoursEntry.objects.exists()


# --- Approving, rejecting, correcting --------------------------------------------------------


def test_coordinator_approves_hours_and_they_earn_credits(
    coordinator, volunteer, coordinated_asset
):
    entry = log(volunteer, coordinated_asset, coordinator, hours="2.5")

    response = client_for(coordinator).post(f"{API}hours/{entry.pk}/approve/")

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    entry.refresh_from_db()
    assert (entry.status, entry.decided_by) == (HoursStatus.APPROVED, coordinator)
    earned = CreditEntry.objects.get(kind=CreditKind.EARN)
    assert (earned.volunteer, earned.amount) == (volunteer, Decimal("2.5"))


def test_network_lead_approves_hours_anywhere(network_lead, volunteer, coordinated_asset):
    entry = log(volunteer, coordinated_asset, network_lead)

    response = client_for(network_lead).post(f"{API}hours/{entry.pk}/approve/")

    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.status == HoursStatus.APPROVED


def test_a_volunteer_cannot_approve_their_own_hours(volunteer_user, volunteer, coordinated_asset):
    entry = log(volunteer, coordinated_asset, volunteer_user)

    response = client_for(volunteer_user).post(f"{API}hours/{entry.pk}/approve/")

    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.status == HoursStatus.PENDING
    assert not CreditEntry.objects.exists()


def test_a_coordinator_who_volunteers_cannot_approve_their_own_hours(
    coordinator, coordinated_asset
):
    cora_volunteers = VolunteerFactory(user=coordinator, assets=[coordinated_asset])
    entry = log(cora_volunteers, coordinated_asset, coordinator)

    response = client_for(coordinator).post(f"{API}hours/{entry.pk}/approve/")

    assert response.status_code == 403
    assert response.json() == {"detail": services.NOT_OWN_APPROVAL}
    entry.refresh_from_db()
    assert entry.status == HoursStatus.PENDING


@pytest.mark.parametrize("persona", NOBODY_FOR_VAL)
def test_people_who_do_not_coordinate_the_asset_cannot_approve(
    volunteer, coordinated_asset, coordinator, persona, request
):
    entry = log(volunteer, coordinated_asset, coordinator)

    response = client_for(request.getfixturevalue(persona)).post(f"{API}hours/{entry.pk}/approve/")

    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.status == HoursStatus.PENDING


def test_approving_twice_is_refused_and_earns_once(coordinator, volunteer, coordinated_asset):
    entry = approved(volunteer, coordinated_asset, coordinator)

    response = client_for(coordinator).post(f"{API}hours/{entry.pk}/approve/")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [services.NOT_PENDING]}
    assert CreditEntry.objects.count() == 1


def test_coordinator_rejects_hours_with_a_reason(coordinator, volunteer, coordinated_asset):
    entry = log(volunteer, coordinated_asset, coordinator)

    response = client_for(coordinator).post(
        f"{API}hours/{entry.pk}/reject/", {"reason": "Not a session day"}
    )

    assert response.status_code == 200
    assert response.json()["rejection_reason"] == "Not a session day"
    entry.refresh_from_db()
    assert (entry.status, entry.rejection_reason) == (HoursStatus.REJECTED, "Not a session day")


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_rejecting_without_a_reason_is_refused(coordinator, volunteer, coordinated_asset, body):
    entry = log(volunteer, coordinated_asset, coordinator)

    response = client_for(coordinator).post(f"{API}hours/{entry.pk}/reject/", body)

    assert response.status_code == 400
    assert response.json() == {"reason": [services.REASON_NEEDED]}
    entry.refresh_from_db()
    assert entry.status == HoursStatus.PENDING


def test_volunteer_corrects_their_approved_hours(
    volunteer_user, volunteer, coordinated_asset, coordinator
):
    entry = approved(volunteer, coordinated_asset, coordinator)

    response = client_for(volunteer_user).post(
        f"{API}hours/{entry.pk}/correct/", {"hours": "3", "description": "Stayed to tidy up"}
    )

    assert response.status_code == 201, response.content
    correction = HoursEntry.objects.get(corrects=entry)
    assert response.json()["id"] == correction.pk
    assert (correction.hours, correction.status) == (3, HoursStatus.PENDING)
    entry.refresh_from_db()
    assert (entry.hours, entry.status) == (2, HoursStatus.APPROVED)


def test_pending_hours_cannot_be_corrected(volunteer_user, volunteer, coordinated_asset):
    entry = log(volunteer, coordinated_asset, volunteer_user)

    response = client_for(volunteer_user).post(f"{API}hours/{entry.pk}/correct/", {"hours": "3"})

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [services.ONLY_APPROVED_CORRECTED]}
    assert HoursEntry.objects.count() == 1


def test_a_correction_over_24_hours_is_refused(
    volunteer_user, volunteer, coordinated_asset, coordinator
):
    entry = approved(volunteer, coordinated_asset, coordinator)

    response = client_for(volunteer_user).post(
        f"{API}hours/{entry.pk}/correct/", {"hours": "24.25"}
    )

    assert response.status_code == 400
    assert response.json() == {"hours": [services.OVER_DAY_LIMIT]}
    assert HoursEntry.objects.count() == 1


# --- The survey ----------------------------------------------------------------------------


def answer(entry) -> dict:
    return {"hours_entry": entry.pk, "satisfaction": 5, "felt_valued": 4, "would_recommend": True}


def test_volunteer_answers_the_survey_for_approved_hours(
    volunteer_user, volunteer, coordinated_asset, coordinator
):
    entry = approved(volunteer, coordinated_asset, coordinator)

    response = client_for(volunteer_user).post(
        f"{API}surveys/", {**answer(entry), "comment": "Lovely group"}
    )

    assert response.status_code == 201, response.content
    saved = SurveyResponse.objects.get()
    assert (saved.hours_entry, saved.satisfaction, saved.comment) == (entry, 5, "Lovely group")


def test_the_survey_is_refused_for_pending_hours(volunteer_user, volunteer, coordinated_asset):
    entry = log(volunteer, coordinated_asset, volunteer_user)

    response = client_for(volunteer_user).post(f"{API}surveys/", answer(entry))

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [services.SURVEY_NOT_APPROVED]}
    assert not SurveyResponse.objects.exists()


def test_the_survey_is_answered_once(volunteer_user, volunteer, coordinated_asset, coordinator):
    entry = approved(volunteer, coordinated_asset, coordinator)
    client = client_for(volunteer_user)
    client.post(f"{API}surveys/", answer(entry))

    response = client.post(f"{API}surveys/", answer(entry))

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [services.SURVEY_ANSWERED]}
    assert SurveyResponse.objects.count() == 1


def test_a_score_outside_1_to_5_is_refused(
    volunteer_user, volunteer, coordinated_asset, coordinator
):
    entry = approved(volunteer, coordinated_asset, coordinator)

    response = client_for(volunteer_user).post(
        f"{API}surveys/", {**answer(entry), "satisfaction": 6}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["satisfaction"]
    assert not SurveyResponse.objects.exists()


def test_a_coordinator_cannot_answer_for_the_volunteer(coordinator, volunteer, coordinated_asset):
    entry = approved(volunteer, coordinated_asset, coordinator)

    response = client_for(coordinator).post(f"{API}surveys/", answer(entry))

    assert response.status_code == 403
    assert response.json() == {"detail": services.NOT_YOUR_SURVEY}
    assert not SurveyResponse.objects.exists()


@pytest.fixture
def answered(volunteer, coordinated_asset, coordinator):
    entry = approved(volunteer, coordinated_asset, coordinator)
    return SurveyResponseFactory(hours_entry=entry, satisfaction=2, comment="Too cold")


def test_coordinator_reads_the_scores_and_comments_at_their_asset(coordinator, answered):
    rows = results(client_for(coordinator).get(f"{API}surveys/"))

    assert [(row["satisfaction"], row["comment"]) for row in rows] == [(2, "Too cold")]


def test_staff_see_the_scores_but_not_the_comment(answered, network_lead):
    client = client_for(network_lead)

    rows = results(client.get(f"{API}surveys/"))
    detail = client.get(f"{API}surveys/{answered.pk}/").json()

    assert [row["satisfaction"] for row in rows] == [2]
    assert "comment" not in rows[0]
    assert "comment" not in detail


def test_the_volunteer_reads_their_own_answer_with_its_comment(answered, volunteer_user):
    rows = results(client_for(volunteer_user).get(f"{API}surveys/"))
    assert [(row["satisfaction"], row["comment"]) for row in rows] == [(2, "Too cold")]


@pytest.mark.parametrize("persona", NOBODY_FOR_VAL)
def test_people_who_do_not_coordinate_the_asset_see_no_survey_answers(answered, persona, request):
    client = client_for(request.getfixturevalue(persona))

    assert results(client.get(f"{API}surveys/")) == []
    assert client.get(f"{API}surveys/{answered.pk}/").status_code == 404


def test_a_coordinator_of_two_roles_sees_comments_only_at_the_asset_they_coordinate(
    coordinator, network_lead, answered
):
    # Lee is staff and also coordinates another group: Val's comment stays hidden.
    lee_group = AssetFactory()
    network_lead.groups.add(Group.objects.get(name=Role.COORDINATOR.value))
    CoordinatorAssignmentFactory(user=network_lead, asset=lee_group)
    other = VolunteerFactory(assets=[lee_group], user=UserFactory())
    SurveyResponseFactory(
        hours_entry=approved(other, lee_group, network_lead), comment="Great walk"
    )

    rows = results(client_for(network_lead).get(f"{API}surveys/"))

    comments = {row.get("comment") for row in rows}
    assert comments == {None, "Great walk"}
