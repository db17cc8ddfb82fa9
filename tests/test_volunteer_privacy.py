"""Who sees volunteers' personal data, proved both ways for every persona, and erasure
that removes it while keeping every total."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.utils import timezone

from assetmap.roles import Role
from tests.factories import (
    AssetFactory,
    CoordinatorAssignmentFactory,
    OpportunityFactory,
    SafeguardingCheckFactory,
    SpendPartnerFactory,
    UserFactory,
    VolunteerFactory,
)
from volunteers import services
from volunteers.models import (
    CreditEntry,
    HoursEntry,
    Opportunity,
    SafeguardingCheck,
    SurveyResponse,
    Volunteer,
)

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


@pytest.fixture
def asset(coordinator):
    asset = AssetFactory(name="Bromley-by-Bow walking group")
    CoordinatorAssignmentFactory(user=coordinator, asset=asset)
    return asset


@pytest.fixture
def other_coordinator(db):
    user = UserFactory(username="carl")
    user.groups.add(Group.objects.get(name=Role.COORDINATOR.value))
    CoordinatorAssignmentFactory(user=user, asset=AssetFactory(name="Watney Market lunch club"))
    return user


@pytest.fixture
def volunteer_user(db):
    return UserFactory(username="val", first_name="Valerie", last_name="Okafor")


@pytest.fixture
def volunteer(volunteer_user, asset):
    return VolunteerFactory(
        display_name="Val", email="val@example.org", user=volunteer_user, assets=[asset]
    )


@pytest.fixture
def other_volunteer(db):
    return VolunteerFactory(display_name="Omar", user=UserFactory(username="omar"))


@pytest.fixture
def approved(volunteer, asset, volunteer_user, coordinator):
    entry = services.hours_log(
        volunteer=volunteer,
        asset=asset,
        date=YESTERDAY,
        hours=Decimal("3"),
        description="Led the walk",
        by=volunteer_user,
    )
    return services.hours_approve(entry=entry, by=coordinator)


NO_VOLUNTEER_DATA = ["other_coordinator", "link_worker", "facilitator", "outsider"]


# --- Volunteers ------------------------------------------------------------------------


def test_coordinator_of_the_asset_sees_the_volunteer_and_their_contact_details(
    volunteer, other_volunteer, coordinator
):
    assert list(Volunteer.objects.visible_to(coordinator)) == [volunteer]
    assert volunteer.can_see_contact(coordinator)


def test_coordinator_sees_volunteers_who_logged_hours_at_their_asset(asset, coordinator):
    helper = VolunteerFactory(user=UserFactory(username="helper"))
    services.hours_log(
        volunteer=helper,
        asset=asset,
        date=YESTERDAY,
        hours=Decimal(1),
        description="",
        by=helper.user,
    )
    assert helper in Volunteer.objects.visible_to(coordinator)
    assert helper.can_see_contact(coordinator)


@pytest.mark.parametrize("persona", NO_VOLUNTEER_DATA)
def test_people_who_do_not_coordinate_the_volunteer_see_no_volunteer_data(
    volunteer, approved, persona, request
):
    user = request.getfixturevalue(persona)
    SafeguardingCheckFactory(volunteer=volunteer)
    services.survey_answer(
        entry=approved,
        by=volunteer.user,
        satisfaction=4,
        felt_valued=4,
        would_recommend=True,
        comment="My knee hurt",
    )
    assert not Volunteer.objects.visible_to(user).exists()
    assert not volunteer.can_see_contact(user)
    assert not HoursEntry.objects.visible_to(user).exists()
    assert not CreditEntry.objects.visible_to(user).exists()
    assert not SafeguardingCheck.objects.visible_to(user).exists()
    assert not SurveyResponse.objects.visible_to(user).exists()
    assert not SurveyResponse.objects.comments_visible_to(user).exists()


def test_residents_see_no_volunteer_data(volunteer, approved):
    resident = AnonymousUser()
    assert not Volunteer.objects.visible_to(resident).exists()
    assert not volunteer.can_see_contact(resident)
    assert not HoursEntry.objects.visible_to(resident).exists()
    assert not CreditEntry.objects.visible_to(resident).exists()
    assert not SafeguardingCheck.objects.visible_to(resident).exists()
    assert not SurveyResponse.objects.visible_to(resident).exists()


def test_a_volunteer_sees_only_their_own_record(
    volunteer, other_volunteer, volunteer_user, approved
):
    assert list(Volunteer.objects.visible_to(volunteer_user)) == [volunteer]
    assert volunteer.can_see_contact(volunteer_user)
    assert not other_volunteer.can_see_contact(volunteer_user)
    assert list(HoursEntry.objects.visible_to(volunteer_user)) == [approved]
    assert set(CreditEntry.objects.visible_to(volunteer_user)) == set(
        CreditEntry.objects.filter(volunteer=volunteer)
    )


def test_a_volunteer_does_not_see_fellow_volunteers_of_their_group(
    volunteer, volunteer_user, asset
):
    VolunteerFactory(assets=[asset])
    assert list(Volunteer.objects.visible_to(volunteer_user)) == [volunteer]


def test_staff_see_every_volunteer_but_not_their_contact_details(
    volunteer, other_volunteer, network_lead
):
    assert set(Volunteer.objects.visible_to(network_lead)) == {volunteer, other_volunteer}
    assert not volunteer.can_see_contact(network_lead)


def test_a_coordinator_without_the_role_any_more_sees_nothing(volunteer, coordinator):
    coordinator.groups.clear()
    coordinator = type(coordinator).objects.get(pk=coordinator.pk)  # roles are cached
    assert not Volunteer.objects.visible_to(coordinator).exists()
    assert not volunteer.can_see_contact(coordinator)


def test_coordinator_sees_hours_and_safeguarding_of_their_volunteers(
    volunteer, approved, coordinator, other_coordinator
):
    check = SafeguardingCheckFactory(volunteer=volunteer)
    assert list(HoursEntry.objects.visible_to(coordinator)) == [approved]
    assert list(SafeguardingCheck.objects.visible_to(coordinator)) == [check]
    assert not SafeguardingCheck.objects.visible_to(other_coordinator).exists()


# --- Survey comments -------------------------------------------------------------------


def test_survey_comments_are_for_the_assets_coordinators_only(
    approved, volunteer_user, coordinator, network_lead
):
    response = services.survey_answer(
        entry=approved,
        by=volunteer_user,
        satisfaction=5,
        felt_valued=5,
        would_recommend=True,
        comment="Felt part of something",
    )
    assert list(SurveyResponse.objects.comments_visible_to(coordinator)) == [response]
    # Staff see the scores for the indicators, not the words.
    assert list(SurveyResponse.objects.visible_to(network_lead)) == [response]
    assert not SurveyResponse.objects.comments_visible_to(network_lead).exists()


# --- Opportunities ---------------------------------------------------------------------


def test_public_opportunities_are_seen_by_everybody_and_private_ones_by_professionals(
    link_worker, outsider
):
    public = OpportunityFactory(is_public=True)
    private = OpportunityFactory(is_public=False)
    assert list(Opportunity.objects.visible_to(AnonymousUser())) == [public]
    assert list(Opportunity.objects.visible_to(outsider)) == [public]
    assert set(Opportunity.objects.visible_to(link_worker)) == {public, private}


# --- Erasure ---------------------------------------------------------------------------


@pytest.fixture
def busy_volunteer(volunteer, volunteer_user, approved, other_volunteer, network_lead):
    """Val with approved hours, a survey, a spend and a gift, and a safeguarding check."""
    services.survey_answer(
        entry=approved,
        by=volunteer_user,
        satisfaction=4,
        felt_valued=5,
        would_recommend=True,
        comment="Thanks to Sam for the lift",
    )
    cafe = SpendPartnerFactory().asset
    services.credit_spend(
        volunteer=volunteer,
        partner_asset=cafe,
        amount=Decimal(1),
        what_bought="Tea",
        by=volunteer_user,
    )
    services.credit_gift(
        from_volunteer=volunteer,
        to_volunteer=other_volunteer,
        amount=Decimal("0.5"),
        by=volunteer_user,
    )
    SafeguardingCheckFactory(volunteer=volunteer)
    return volunteer


def totals():
    return (
        HoursEntry.objects.counted().aggregate(total=Sum("hours"))["total"],
        CreditEntry.objects.aggregate(total=Sum("amount"))["total"],
        SurveyResponse.objects.aggregate(total=Sum("satisfaction"))["total"],
    )


def test_erasure_removes_personal_data_and_keeps_every_total(busy_volunteer, coordinator):
    before = totals()
    balance = services.credit_balance(volunteer=busy_volunteer)
    user = busy_volunteer.user

    services.volunteer_erase(volunteer=busy_volunteer, by=coordinator)

    erased = Volunteer.objects.get(pk=busy_volunteer.pk)
    assert erased.display_name == f"Erased volunteer #{erased.pk}"
    assert (erased.email, erased.phone, erased.skills, erased.consent_text) == ("", "", "", "")
    assert erased.consent_given_at is None
    assert erased.user is None
    assert erased.erased_at is not None
    assert not erased.networks.exists()
    user.refresh_from_db()
    assert not user.is_active
    assert (user.first_name, user.last_name, user.email) == ("", "", "")
    assert SurveyResponse.objects.get().comment == ""

    assert totals() == before
    assert services.credit_balance(volunteer=erased) == balance
    assert HoursEntry.objects.filter(volunteer=erased).count() == 1


def test_an_erased_volunteer_logs_no_more_hours(busy_volunteer, asset, coordinator):
    services.volunteer_erase(volunteer=busy_volunteer, by=coordinator)
    with pytest.raises(Exception, match=str(services.ERASED)):
        services.hours_log(
            volunteer=busy_volunteer,
            asset=asset,
            date=YESTERDAY,
            hours=Decimal(1),
            description="",
            by=coordinator,
        )


def test_staff_can_erase_a_volunteer(volunteer, network_lead):
    services.volunteer_erase(volunteer=volunteer, by=network_lead)
    assert Volunteer.objects.get().is_erased


@pytest.mark.parametrize("persona", [*NO_VOLUNTEER_DATA, "volunteer_user"])
def test_only_staff_or_the_volunteers_coordinator_can_erase(volunteer, persona, request):
    with pytest.raises(PermissionDenied, match=str(services.NOT_THEIR_COORDINATOR)):
        services.volunteer_erase(volunteer=volunteer, by=request.getfixturevalue(persona))
    volunteer.refresh_from_db()
    assert volunteer.display_name == "Val"
    assert volunteer.erased_at is None


# --- Admin -----------------------------------------------------------------------------


def test_the_admin_hides_contact_details_from_staff_who_do_not_coordinate(
    client, volunteer, network_lead
):
    from django.contrib.auth.models import Permission

    network_lead.user_permissions.add(
        Permission.objects.get(codename="view_volunteer"),
        Permission.objects.get(codename="change_volunteer"),
    )
    client.force_login(network_lead)
    page = client.get(f"/admin/volunteers/volunteer/{volunteer.pk}/change/")
    assert page.status_code == 200
    assert b"val@example.org" not in page.content
    assert b"Val" in page.content
