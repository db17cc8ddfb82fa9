"""Registering volunteers, inviting them to sign in, their groups' opportunities and
their safeguarding checks: who may do each, and what is refused."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import AssetFactory, VolunteerFactory
from volunteers import services
from volunteers.models import Opportunity, SafeguardingCheck, Volunteer

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SITE = "https://assetmap.example.org"


def _new_volunteer(**fields):
    return Volunteer(
        display_name=fields.pop("display_name", "Noor"),
        consent_text=fields.pop("consent_text", "Agreed to have hours recorded."),
        **fields,
    )


def test_coordinator_registers_a_volunteer_at_their_group(coordinator, coordinated_asset):
    volunteer = services.volunteer_save(
        volunteer=_new_volunteer(email="noor@example.org"),
        by=coordinator,
        assets=[coordinated_asset],
    )
    volunteer.refresh_from_db()
    assert list(volunteer.assets.all()) == [coordinated_asset]
    assert volunteer.consent_given_at is not None
    assert volunteer.is_coordinated_by(coordinator)


def test_the_volunteer_joins_the_network_of_their_group(coordinator, coordinated_asset):
    from tests.factories import NetworkFactory

    network = NetworkFactory()
    coordinated_asset.network = network
    coordinated_asset.save()
    volunteer = services.volunteer_save(
        volunteer=_new_volunteer(), by=coordinator, assets=[coordinated_asset]
    )
    assert list(volunteer.networks.all()) == [network]


def test_a_volunteer_is_not_kept_without_a_consent_record(coordinator, coordinated_asset):
    with pytest.raises(ValidationError) as refused:
        services.volunteer_save(
            volunteer=_new_volunteer(consent_text=" "), by=coordinator, assets=[coordinated_asset]
        )
    assert refused.value.message_dict == {"consent_text": [services.CONSENT_NEEDED]}
    assert not Volunteer.objects.exists()


def test_consent_cannot_be_dated_in_the_future(coordinator, coordinated_asset):
    volunteer = _new_volunteer(consent_given_at=timezone.now() + dt.timedelta(days=2))
    with pytest.raises(ValidationError):
        services.volunteer_save(volunteer=volunteer, by=coordinator, assets=[coordinated_asset])
    assert not Volunteer.objects.exists()


def test_coordinator_cannot_add_a_volunteer_to_a_group_they_do_not_coordinate(
    coordinator, coordinated_asset
):
    elsewhere = AssetFactory(name="Someone else's group")
    with pytest.raises(ValidationError) as refused:
        services.volunteer_save(
            volunteer=_new_volunteer(), by=coordinator, assets=[coordinated_asset, elsewhere]
        )
    assert refused.value.message_dict == {"assets": [services.NOT_YOUR_GROUP]}
    assert not Volunteer.objects.exists()


def test_coordinator_must_give_a_new_volunteer_a_group(coordinator, coordinated_asset):
    with pytest.raises(ValidationError):
        services.volunteer_save(volunteer=_new_volunteer(), by=coordinator, assets=[])
    assert not Volunteer.objects.exists()


@pytest.mark.parametrize("persona", ["link_worker", "facilitator", "outsider"])
def test_only_coordinators_and_staff_register_volunteers(persona, request, coordinated_asset):
    with pytest.raises(PermissionDenied):
        services.volunteer_save(
            volunteer=_new_volunteer(),
            by=request.getfixturevalue(persona),
            assets=[coordinated_asset],
        )
    assert not Volunteer.objects.exists()


def test_changing_groups_keeps_the_groups_another_coordinator_looks_after(
    volunteer, coordinator, coordinated_asset, other_coordinator
):
    their_group = other_coordinator.coordinator_assignments.get().asset
    volunteer.assets.add(their_group)
    mine_too = AssetFactory(name="Another of Cora's groups")
    coordinator.coordinator_assignments.create(asset=mine_too)

    services.volunteer_save(volunteer=volunteer, by=coordinator, assets=[mine_too])

    assert set(volunteer.assets.all()) == {their_group, mine_too}


def test_a_volunteer_updates_their_own_phone_number(volunteer, volunteer_user):
    volunteer.phone = "07700 900999"
    services.volunteer_save(volunteer=volunteer, by=volunteer_user)
    volunteer.refresh_from_db()
    assert volunteer.phone == "07700 900999"


def test_other_coordinators_cannot_change_a_volunteer(volunteer, other_coordinator):
    volunteer.display_name = "Changed"
    with pytest.raises(PermissionDenied):
        services.volunteer_save(volunteer=volunteer, by=other_coordinator)
    volunteer.refresh_from_db()
    assert volunteer.display_name == "Val"


def test_an_erased_volunteer_cannot_be_edited(volunteer, coordinator):
    services.volunteer_erase(volunteer=volunteer, by=coordinator)
    volunteer.refresh_from_db()
    volunteer.display_name = "Back again"
    with pytest.raises(ValidationError):
        services.volunteer_save(volunteer=volunteer, by=coordinator)


# --- Invitations ------------------------------------------------------------------------


@pytest.fixture
def without_login(coordinated_asset):
    return VolunteerFactory(
        display_name="Noor", email="Noor@example.org", user=None, assets=[coordinated_asset]
    )


def test_coordinator_invites_a_volunteer_to_sign_in(
    without_login, coordinator, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        services.volunteer_invite(volunteer=without_login, by=coordinator, site_url=SITE)

    without_login.refresh_from_db()
    assert without_login.user.username == "noor@example.org"
    assert not without_login.user.has_usable_password()
    [email] = mail.outbox
    assert email.to == ["Noor@example.org"]
    link = next(line for line in email.body.splitlines() if line.startswith(SITE))
    # The link lets Noor choose a password, and then sign in.
    page = client.get(link.removeprefix(SITE), follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0]
    done = client.post(
        form_url,
        {"new_password1": "a long pass phrase 42", "new_password2": "a long pass phrase 42"},
    )
    assert done.status_code == 302
    assert client.login(username="noor@example.org", password="a long pass phrase 42")


def test_an_invitation_needs_an_email_address(without_login, coordinator):
    without_login.email = ""
    without_login.save()
    with pytest.raises(ValidationError):
        services.volunteer_invite(volunteer=without_login, by=coordinator, site_url=SITE)
    assert mail.outbox == []


@pytest.mark.parametrize("persona", ["network_lead", "other_coordinator", "link_worker"])
def test_only_the_volunteers_coordinators_invite_them(without_login, persona, request):
    with pytest.raises(PermissionDenied):
        services.volunteer_invite(
            volunteer=without_login, by=request.getfixturevalue(persona), site_url=SITE
        )
    without_login.refresh_from_db()
    assert without_login.user is None


# --- Opportunities ----------------------------------------------------------------------


def test_coordinator_adds_an_opportunity_at_their_group(coordinator, coordinated_asset):
    role = services.opportunity_save(
        opportunity=Opportunity(asset=coordinated_asset, title="Walk leader", dbs_level="none"),
        by=coordinator,
    )
    assert role.pk is not None


def test_coordinator_cannot_move_an_opportunity_from_another_group(coordinator, coordinated_asset):
    theirs = Opportunity.objects.create(asset=AssetFactory(), title="Cook")
    theirs.asset = coordinated_asset
    with pytest.raises(PermissionDenied):
        services.opportunity_save(opportunity=theirs, by=coordinator)


@pytest.mark.parametrize("persona", ["other_coordinator", "facilitator", "link_worker"])
def test_others_cannot_add_opportunities_at_a_group(persona, request, coordinated_asset):
    with pytest.raises(PermissionDenied):
        services.opportunity_save(
            opportunity=Opportunity(asset=coordinated_asset, title="Walk leader"),
            by=request.getfixturevalue(persona),
        )
    assert not Opportunity.objects.exists()


# --- Safeguarding -----------------------------------------------------------------------


def _check(volunteer, **dates):
    return SafeguardingCheck(
        volunteer=volunteer,
        level="enhanced",
        issued_on=dates.get("issued_on", TODAY - dt.timedelta(days=300)),
        verified_on=dates.get("verified_on"),
        recheck_due=dates.get("recheck_due", TODAY + dt.timedelta(days=400)),
    )


def test_coordinator_records_a_check_they_verified_today(volunteer, coordinator):
    check = services.safeguarding_check_record(check=_check(volunteer), by=coordinator)
    assert (check.verified_by, check.verified_on) == (coordinator, TODAY)


def test_a_check_cannot_be_issued_in_the_future(volunteer, coordinator):
    with pytest.raises(ValidationError) as refused:
        services.safeguarding_check_record(
            check=_check(volunteer, issued_on=TODAY + dt.timedelta(days=1)), by=coordinator
        )
    assert "issued_on" in refused.value.message_dict
    assert not SafeguardingCheck.objects.exists()


def test_a_recheck_due_before_the_issue_date_is_refused(volunteer, coordinator):
    with pytest.raises(ValidationError):
        services.safeguarding_check_record(
            check=_check(volunteer, recheck_due=TODAY - dt.timedelta(days=400)), by=coordinator
        )
    assert not SafeguardingCheck.objects.exists()


@pytest.mark.parametrize("persona", ["other_coordinator", "link_worker", "volunteer_user"])
def test_others_cannot_record_a_volunteers_check(volunteer, persona, request):
    with pytest.raises(PermissionDenied):
        services.safeguarding_check_record(
            check=_check(volunteer), by=request.getfixturevalue(persona)
        )
    assert not SafeguardingCheck.objects.exists()


def test_a_newer_check_takes_the_old_one_off_the_due_list(volunteer, coordinator):
    old = services.safeguarding_check_record(
        check=_check(
            volunteer,
            issued_on=TODAY - dt.timedelta(days=1000),
            recheck_due=TODAY + dt.timedelta(days=10),
        ),
        by=coordinator,
    )
    assert list(SafeguardingCheck.objects.due_within(30)) == [old]
    services.safeguarding_check_record(check=_check(volunteer), by=coordinator)
    assert list(SafeguardingCheck.objects.due_within(30)) == []


# --- Rules found in review ------------------------------------------------------------


def test_coordinator_cannot_log_hours_for_a_volunteer_outside_their_group(
    coordinator, coordinated_asset, other_coordinator
):
    stranger = VolunteerFactory(display_name="Stranger", email="stranger@example.org")
    with pytest.raises(ValidationError) as refused:
        services.hours_log(
            volunteer=stranger,
            asset=coordinated_asset,
            date=TODAY,
            hours=1,
            description="",
            by=coordinator,
        )
    assert refused.value.message_dict == {"volunteer": [services.NOT_A_MEMBER]}
    # Otherwise logging hours would have made Stranger's contact details Cora's to see.
    assert not stranger.can_see_contact(coordinator)


def test_a_session_including_a_non_member_saves_nothing(coordinator, coordinated_asset, volunteer):
    stranger = VolunteerFactory(display_name="Stranger")
    with pytest.raises(ValidationError):
        services.hours_log_bulk(
            asset=coordinated_asset,
            date=TODAY,
            entries=[(volunteer, 1, ""), (stranger, 1, "")],
            by=coordinator,
        )
    assert not volunteer.hours_entries.exists()


def test_staff_cannot_adjust_a_balance_below_zero(network_lead, volunteer):
    from decimal import Decimal

    services.credit_adjust(
        volunteer=volunteer, amount=Decimal(2), reason="Welcome", by=network_lead
    )
    with pytest.raises(ValidationError) as refused:
        services.credit_adjust(
            volunteer=volunteer, amount=Decimal(-3), reason="Oops", by=network_lead
        )
    assert refused.value.message_dict == {"amount": [services.NOT_ENOUGH_CREDITS]}
    assert services.credit_balance(volunteer=volunteer) == Decimal(2)


def test_an_adjustment_of_nothing_is_refused_with_a_message(network_lead, volunteer):
    with pytest.raises(ValidationError) as refused:
        services.credit_adjust(volunteer=volunteer, amount=0, reason="Nothing", by=network_lead)
    assert refused.value.message_dict == {"amount": [services.ADJUST_NOT_ZERO]}


def test_a_volunteer_reads_their_own_survey_comment(volunteer, volunteer_user, coordinator):
    from volunteers.models import SurveyResponse

    entry = services.hours_log(
        volunteer=volunteer,
        asset=volunteer.assets.get(),
        date=TODAY,
        hours=1,
        description="",
        by=volunteer_user,
    )
    services.hours_approve(entry=entry, by=coordinator)
    services.survey_answer(
        entry=entry,
        by=volunteer_user,
        satisfaction=5,
        felt_valued=5,
        would_recommend=True,
        comment="Loved it",
    )
    assert SurveyResponse.objects.comments_visible_to(volunteer_user).count() == 1
