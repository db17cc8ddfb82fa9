"""The volunteering pages: a coordinator's overview, registering volunteers, logging,
approving and rejecting hours, a volunteer's own record, surveys and credits. Each page
that shows volunteer data is tried by the people who may see it and by those who may
not."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from tests.factories import (
    AssetFactory,
    HoursEntryFactory,
    OpportunityFactory,
    SpendPartnerFactory,
    VolunteerFactory,
)
from volunteers import services
from volunteers.models import (
    CreditEntry,
    CreditKind,
    HoursEntry,
    HoursStatus,
    SafeguardingCheck,
    SurveyResponse,
    Volunteer,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture
def pending(volunteer, coordinated_asset, volunteer_user):
    return services.hours_log(
        volunteer=volunteer,
        asset=coordinated_asset,
        date=YESTERDAY,
        hours=Decimal("2.5"),
        description="Led the walk",
        by=volunteer_user,
    )


@pytest.fixture
def approved(pending, coordinator):
    return services.hours_approve(entry=pending, by=coordinator)


def _page(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(f"volunteers:{name}", args=args), query)


# --- Who gets in ----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("volunteers:home"))
    assertRedirects(response, f"{reverse('login')}?next={reverse('volunteers:home')}")


@pytest.mark.parametrize("persona", ["link_worker", "facilitator", "outsider"])
def test_people_who_neither_coordinate_nor_volunteer_are_refused(client, persona, request):
    response = _page(client, request.getfixturevalue(persona), "home")
    assert response.status_code == 403
    assertContains(response, "for volunteer coordinators and volunteers", status_code=403)


def test_a_volunteer_is_taken_to_their_own_record(client, volunteer, volunteer_user):
    assertRedirects(_page(client, volunteer_user, "home"), reverse("volunteers:me"))


def test_the_header_links_to_volunteering_only_for_those_it_is_for(
    client, volunteer, coordinator, link_worker
):
    link = f'href="{reverse("volunteers:home")}"'
    client.force_login(coordinator)
    assertContains(client.get(reverse("networks:list")), link)
    client.force_login(link_worker)
    assertNotContains(client.get(reverse("networks:list")), link)


# --- The coordinator's overview -------------------------------------------------------


def test_coordinator_sees_hours_waiting_at_their_groups(client, coordinator, pending):
    response = _page(client, coordinator, "home")
    assertContains(response, "Val")
    assertContains(response, reverse("volunteers:hours_approve", args=[pending.pk]))


def test_coordinator_does_not_see_hours_waiting_at_other_groups(client, other_coordinator, pending):
    response = _page(client, other_coordinator, "home")
    assertNotContains(response, reverse("volunteers:hours_approve", args=[pending.pk]))
    assertContains(response, "No hours are waiting for you.")


def test_coordinator_sees_checks_due_within_30_days(client, coordinator, volunteer):
    SafeguardingCheck.objects.create(
        volunteer=volunteer,
        level="enhanced",
        issued_on=TODAY - dt.timedelta(days=1000),
        verified_on=TODAY - dt.timedelta(days=990),
        recheck_due=TODAY + dt.timedelta(days=12),
    )
    response = _page(client, coordinator, "home")
    assertContains(response, (TODAY + dt.timedelta(days=12)).strftime("%-d %b %Y"))


# --- Approving and rejecting ----------------------------------------------------------


def test_coordinator_approves_hours_and_the_volunteer_earns_credits(
    client, coordinator, pending, volunteer
):
    client.force_login(coordinator)
    response = client.post(reverse("volunteers:hours_approve", args=[pending.pk]))
    assertRedirects(response, reverse("volunteers:home"), fetch_redirect_response=False)
    pending.refresh_from_db()
    assert pending.status == HoursStatus.APPROVED
    assert services.credit_balance(volunteer=volunteer) == Decimal("2.5")


def test_approving_returns_to_the_group_page_it_was_made_on(
    client, coordinator, pending, coordinated_asset
):
    client.force_login(coordinator)
    group_url = reverse("volunteers:group", args=[coordinated_asset.slug])
    response = client.post(
        reverse("volunteers:hours_approve", args=[pending.pk]), {"next": group_url}
    )
    assertRedirects(response, group_url, fetch_redirect_response=False)


def test_approving_does_not_redirect_to_another_site(client, coordinator, pending):
    client.force_login(coordinator)
    response = client.post(
        reverse("volunteers:hours_approve", args=[pending.pk]), {"next": "//evil.example"}
    )
    assertRedirects(response, reverse("volunteers:home"), fetch_redirect_response=False)


@pytest.mark.parametrize("persona", ["other_coordinator", "link_worker", "volunteer_user"])
def test_others_cannot_approve_hours(client, persona, request, pending):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("volunteers:hours_approve", args=[pending.pk]))
    assert response.status_code in (403, 404)
    pending.refresh_from_db()
    assert pending.status == HoursStatus.PENDING
    assert not CreditEntry.objects.exists()


def test_approving_twice_says_why_and_earns_once(client, coordinator, approved, volunteer):
    client.force_login(coordinator)
    response = client.post(reverse("volunteers:hours_approve", args=[approved.pk]), follow=True)
    assertContains(response, services.NOT_PENDING)
    assert services.credit_balance(volunteer=volunteer) == Decimal("2.5")


def test_coordinator_rejects_hours_with_a_reason_the_volunteer_sees(
    client, coordinator, pending, volunteer_user
):
    client.force_login(coordinator)
    url = reverse("volunteers:hours_reject", args=[pending.pk])
    response = client.post(url, {"reason": "This session was cancelled."})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == HoursStatus.REJECTED
    assertContains(_page(client, volunteer_user, "me"), "This session was cancelled.")


def test_rejecting_without_a_reason_shows_a_form_error(client, coordinator, pending):
    client.force_login(coordinator)
    response = client.post(reverse("volunteers:hours_reject", args=[pending.pk]), {"reason": " "})
    assert response.status_code == 200
    assertContains(response, "This field is required.")
    pending.refresh_from_db()
    assert pending.status == HoursStatus.PENDING


def test_other_coordinators_cannot_open_the_reject_form(client, other_coordinator, pending):
    client.force_login(other_coordinator)
    response = client.get(reverse("volunteers:hours_reject", args=[pending.pk]))
    assert response.status_code == 404


# --- Logging hours --------------------------------------------------------------------


def test_a_volunteer_logs_their_own_hours(client, volunteer, volunteer_user, coordinated_asset):
    client.force_login(volunteer_user)
    response = client.post(
        reverse("volunteers:hours_log"),
        {
            "volunteer": volunteer.pk,
            "asset": coordinated_asset.pk,
            "date": YESTERDAY.isoformat(),
            "hours": "1.75",
            "description": "Made the tea",
        },
    )
    assert response.status_code == 302
    entry = HoursEntry.objects.get()
    assert (entry.volunteer, entry.hours, entry.status) == (
        volunteer,
        Decimal("1.75"),
        HoursStatus.PENDING,
    )


def test_a_volunteer_cannot_log_hours_for_someone_else(
    client, volunteer_user, coordinated_asset, volunteer
):
    somebody = VolunteerFactory(display_name="Somebody", assets=[coordinated_asset])
    client.force_login(volunteer_user)
    response = client.post(
        reverse("volunteers:hours_log"),
        {
            "volunteer": somebody.pk,
            "asset": coordinated_asset.pk,
            "date": YESTERDAY.isoformat(),
            "hours": "1",
        },
    )
    assert response.status_code == 200
    assertContains(response, "Select a valid choice")
    assert not HoursEntry.objects.exists()


@pytest.mark.parametrize(
    ("hours", "date", "message"),
    [
        ("0.3", YESTERDAY, services.NOT_QUARTER),
        ("0", YESTERDAY, "Ensure this value is greater than or equal to 0.25"),
        ("2", TODAY + dt.timedelta(days=1), services.FUTURE_DATE),
    ],
)
def test_bad_hours_are_refused_with_a_form_error(
    client, volunteer, volunteer_user, coordinated_asset, hours, date, message
):
    client.force_login(volunteer_user)
    response = client.post(
        reverse("volunteers:hours_log"),
        {
            "volunteer": volunteer.pk,
            "asset": coordinated_asset.pk,
            "date": date.isoformat(),
            "hours": hours,
        },
    )
    assert response.status_code == 200
    assertContains(response, message)
    assert not HoursEntry.objects.exists()


def test_more_than_24_hours_in_a_day_is_refused(
    client, volunteer, volunteer_user, coordinated_asset
):
    HoursEntryFactory(volunteer=volunteer, asset=coordinated_asset, date=YESTERDAY, hours=20)
    client.force_login(volunteer_user)
    response = client.post(
        reverse("volunteers:hours_log"),
        {
            "volunteer": volunteer.pk,
            "asset": coordinated_asset.pk,
            "date": YESTERDAY.isoformat(),
            "hours": "4.25",
        },
    )
    assertContains(response, services.OVER_DAY_LIMIT)
    assert HoursEntry.objects.count() == 1


def test_coordinator_logs_a_session_for_several_volunteers(
    client, coordinator, coordinated_asset, volunteer
):
    noor = VolunteerFactory(display_name="Noor", assets=[coordinated_asset])
    absent = VolunteerFactory(display_name="Absent", assets=[coordinated_asset])
    client.force_login(coordinator)
    response = client.post(
        reverse("volunteers:session_log", args=[coordinated_asset.slug]),
        {
            "date": YESTERDAY.isoformat(),
            "description": "Saturday walk",
            f"hours_{volunteer.pk}": "2",
            f"hours_{noor.pk}": "1.5",
            f"hours_{absent.pk}": "",
        },
    )
    assert response.status_code == 302
    logged = dict(HoursEntry.objects.values_list("volunteer__display_name", "hours"))
    assert logged == {"Val": Decimal("2"), "Noor": Decimal("1.5")}


def test_a_session_with_one_refused_row_saves_nothing(
    client, coordinator, coordinated_asset, volunteer
):
    noor = VolunteerFactory(display_name="Noor", assets=[coordinated_asset])
    HoursEntryFactory(volunteer=noor, asset=coordinated_asset, date=YESTERDAY, hours=23)
    client.force_login(coordinator)
    response = client.post(
        reverse("volunteers:session_log", args=[coordinated_asset.slug]),
        {"date": YESTERDAY.isoformat(), f"hours_{volunteer.pk}": "2", f"hours_{noor.pk}": "2"},
    )
    assertContains(response, services.OVER_DAY_LIMIT)
    assert HoursEntry.objects.count() == 1


def test_other_coordinators_cannot_log_a_session_at_the_group(
    client, other_coordinator, coordinated_asset, volunteer
):
    client.force_login(other_coordinator)
    response = client.get(reverse("volunteers:session_log", args=[coordinated_asset.slug]))
    assert response.status_code == 403
    assertNotContains(response, "Val", status_code=403)


# --- A volunteer's own record ---------------------------------------------------------


def test_a_volunteer_sees_their_hours_balance_and_reference(
    client, volunteer_user, volunteer, approved
):
    response = _page(client, volunteer_user, "me")
    assertContains(response, "2.50")
    assertContains(response, volunteer.reference)
    assertContains(response, reverse("volunteers:survey", args=[approved.pk]))


def test_a_volunteer_answers_the_survey_once(client, volunteer_user, approved):
    client.force_login(volunteer_user)
    url = reverse("volunteers:survey", args=[approved.pk])
    answer = {"satisfaction": "4", "felt_valued": "5", "would_recommend": "yes", "comment": "Fun"}
    assert client.post(url, answer).status_code == 302
    response = client.post(url, answer)
    assertContains(response, services.SURVEY_ANSWERED)
    survey = SurveyResponse.objects.get()
    assert (survey.satisfaction, survey.felt_valued, survey.would_recommend) == (4, 5, True)


def test_a_survey_needs_its_scores(client, volunteer_user, approved):
    client.force_login(volunteer_user)
    response = client.post(reverse("volunteers:survey", args=[approved.pk]), {"satisfaction": "9"})
    assert response.status_code == 200
    assertContains(response, "Select a valid choice")
    assert not SurveyResponse.objects.exists()


def test_nobody_else_answers_a_volunteers_survey(client, coordinator, approved):
    client.force_login(coordinator)
    response = client.get(reverse("volunteers:survey", args=[approved.pk]))
    assert response.status_code == 403


def test_a_volunteer_corrects_approved_hours_and_the_original_stays(
    client, volunteer_user, approved
):
    client.force_login(volunteer_user)
    response = client.post(
        reverse("volunteers:hours_correct", args=[approved.pk]),
        {"hours": "3", "description": "I stayed to tidy up"},
    )
    assert response.status_code == 302
    correction = HoursEntry.objects.get(corrects=approved)
    assert (correction.hours, correction.status) == (Decimal("3"), HoursStatus.PENDING)
    approved.refresh_from_db()
    assert (approved.hours, approved.status) == (Decimal("2.50"), HoursStatus.APPROVED)


def test_a_volunteer_spends_credits_at_a_partner(client, volunteer_user, volunteer, approved):
    partner = SpendPartnerFactory(asset=AssetFactory(name="Leisure centre")).asset
    client.force_login(volunteer_user)
    response = client.post(
        reverse("volunteers:spend"),
        {"partner": partner.pk, "amount": "2", "what_bought": "A swim"},
    )
    assert response.status_code == 302
    assert services.credit_balance(volunteer=volunteer) == Decimal("0.5")


def test_spending_more_than_the_balance_is_refused(client, volunteer_user, volunteer, approved):
    partner = SpendPartnerFactory(asset=AssetFactory(name="Leisure centre")).asset
    client.force_login(volunteer_user)
    response = client.post(
        reverse("volunteers:spend"),
        {"partner": partner.pk, "amount": "3", "what_bought": "Two swims"},
    )
    assertContains(response, services.NOT_ENOUGH_CREDITS)
    assert not CreditEntry.objects.filter(kind=CreditKind.SPEND).exists()


def test_a_volunteer_gives_credits_by_reference(client, volunteer_user, volunteer, approved):
    friend = VolunteerFactory(display_name="Friend")
    client.force_login(volunteer_user)
    response = client.post(
        reverse("volunteers:gift"), {"reference": friend.reference.lower(), "amount": "1"}
    )
    assert response.status_code == 302
    assert services.credit_balance(volunteer=friend) == Decimal(1)
    assert services.credit_balance(volunteer=volunteer) == Decimal("1.5")


def test_a_gift_to_an_unknown_reference_is_refused(client, volunteer_user, approved):
    client.force_login(volunteer_user)
    response = client.post(reverse("volunteers:gift"), {"reference": "V999999", "amount": "1"})
    assertContains(response, "There is no volunteer with that reference.")
    assert not CreditEntry.objects.filter(kind=CreditKind.GIFT).exists()


def test_a_volunteer_updates_their_own_details(client, volunteer_user, volunteer):
    client.force_login(volunteer_user)
    response = client.post(
        reverse("volunteers:own_details"),
        {"display_name": "Val O.", "email": "val@example.org", "phone": "07700 900777"},
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert (volunteer.display_name, volunteer.phone) == ("Val O.", "07700 900777")


# --- Volunteers' records --------------------------------------------------------------


def test_coordinator_registers_a_volunteer(client, coordinator, coordinated_asset):
    client.force_login(coordinator)
    response = client.post(
        reverse("volunteers:volunteer_add"),
        {
            "display_name": "Noor",
            "email": "noor@example.org",
            "consent_text": "To be contacted and have hours recorded.",
            "assets": [coordinated_asset.pk],
        },
    )
    noor = Volunteer.objects.get(display_name="Noor")
    assertRedirects(response, reverse("volunteers:volunteer", args=[noor.pk]))
    assert list(noor.assets.all()) == [coordinated_asset]
    assert noor.consent_given_at is not None


def test_registering_without_consent_shows_the_error_and_saves_nothing(
    client, coordinator, coordinated_asset
):
    client.force_login(coordinator)
    response = client.post(
        reverse("volunteers:volunteer_add"),
        {"display_name": "Noor", "consent_text": "", "assets": [coordinated_asset.pk]},
    )
    assert response.status_code == 200
    assertContains(response, services.CONSENT_NEEDED)
    assert not Volunteer.objects.filter(display_name="Noor").exists()


def test_coordinator_sees_their_volunteers_contact_details(client, coordinator, volunteer):
    response = _page(client, coordinator, "volunteer", volunteer.pk)
    assertContains(response, "val@example.org")
    assertContains(response, "07700 900123")


def test_network_lead_sees_the_volunteer_but_not_their_contact_details(
    client, network_lead, volunteer
):
    response = _page(client, network_lead, "volunteer", volunteer.pk)
    assertContains(response, "Val")
    assertNotContains(response, "val@example.org")
    assertNotContains(response, "07700 900123")


@pytest.mark.parametrize("persona", ["other_coordinator", "link_worker", "facilitator", "outsider"])
def test_others_cannot_open_a_volunteers_record(client, persona, request, volunteer):
    response = _page(client, request.getfixturevalue(persona), "volunteer", volunteer.pk)
    assert response.status_code == 404


def test_the_volunteer_list_shows_only_a_coordinators_volunteers(
    client, coordinator, volunteer, other_coordinator
):
    their_group = other_coordinator.coordinator_assignments.get().asset
    VolunteerFactory(display_name="Not Cora's", assets=[their_group])
    response = _page(client, coordinator, "list")
    assertContains(response, "Val")
    assertNotContains(response, "Not Cora's")


def test_coordinator_erases_a_volunteer_and_the_totals_stay(
    client, coordinator, volunteer, approved
):
    client.force_login(coordinator)
    response = client.post(reverse("volunteers:volunteer_erase", args=[volunteer.pk]))
    assertRedirects(response, reverse("volunteers:list"))
    volunteer.refresh_from_db()
    assert volunteer.is_erased and volunteer.email == ""
    assert services.credit_balance(volunteer=volunteer) == Decimal("2.5")


def test_other_coordinators_cannot_erase_a_volunteer(client, other_coordinator, volunteer):
    client.force_login(other_coordinator)
    response = client.post(reverse("volunteers:volunteer_erase", args=[volunteer.pk]))
    assert response.status_code == 404
    volunteer.refresh_from_db()
    assert not volunteer.is_erased


def test_coordinator_records_a_dbs_check(client, coordinator, volunteer):
    client.force_login(coordinator)
    response = client.post(
        reverse("volunteers:check_add", args=[volunteer.pk]),
        {
            "level": "enhanced",
            "issued_on": (TODAY - dt.timedelta(days=20)).isoformat(),
            "recheck_due": (TODAY + dt.timedelta(days=1000)).isoformat(),
        },
    )
    assert response.status_code == 302
    check = SafeguardingCheck.objects.get()
    assert (check.verified_by, check.verified_on) == (coordinator, TODAY)


def test_network_lead_cannot_invite_a_volunteer_whose_email_they_cannot_see(
    client, network_lead, coordinated_asset
):
    noor = VolunteerFactory(display_name="Noor", email="noor@example.org", user=None)
    noor.assets.add(coordinated_asset)
    client.force_login(network_lead)
    response = client.post(reverse("volunteers:volunteer_invite", args=[noor.pk]))
    assert response.status_code == 403
    noor.refresh_from_db()
    assert noor.user is None


# --- Groups, roles and the bank -------------------------------------------------------


def test_coordinator_adds_a_role_that_appears_on_the_public_list(
    client, coordinator, coordinated_asset
):
    client.force_login(coordinator)
    response = client.post(
        reverse("volunteers:opportunity_add", args=[coordinated_asset.slug]),
        {"title": "Walk leader", "dbs_level": "none", "is_public": "on"},
    )
    assert response.status_code == 302
    client.logout()
    assertContains(client.get(reverse("volunteers:opportunities")), "Walk leader")


def test_private_roles_are_not_on_the_public_list(client, coordinated_asset):
    OpportunityFactory(asset=coordinated_asset, title="Treasurer", is_public=False)
    assertNotContains(client.get(reverse("volunteers:opportunities")), "Treasurer")


def test_staff_fill_a_group_bank_and_the_coordinator_gives_from_it(
    client, network_lead, coordinator, coordinated_asset, volunteer
):
    client.force_login(network_lead)
    client.post(
        reverse("volunteers:bank_adjust", args=[coordinated_asset.slug]),
        {"amount": "10", "reason": "Grant from the council"},
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("volunteers:bank_give", args=[coordinated_asset.slug]),
        {"volunteer": volunteer.pk, "amount": "4"},
    )
    assert response.status_code == 302
    assert services.credit_balance(bank_asset=coordinated_asset) == Decimal(6)
    assert services.credit_balance(volunteer=volunteer) == Decimal(4)


def test_coordinators_cannot_fill_a_bank(client, coordinator, coordinated_asset):
    client.force_login(coordinator)
    response = client.post(
        reverse("volunteers:bank_adjust", args=[coordinated_asset.slug]),
        {"amount": "10", "reason": "Please"},
    )
    assert response.status_code == 403
    assert not CreditEntry.objects.exists()


def test_giving_more_than_the_bank_holds_is_refused(
    client, coordinator, coordinated_asset, volunteer
):
    client.force_login(coordinator)
    response = client.post(
        reverse("volunteers:bank_give", args=[coordinated_asset.slug]),
        {"volunteer": volunteer.pk, "amount": "1"},
    )
    assertContains(response, services.NOT_ENOUGH_CREDITS)
    assert not CreditEntry.objects.exists()


# --- Found in review ------------------------------------------------------------------


def test_network_lead_cannot_open_the_edit_form_that_holds_contact_details(
    client, network_lead, volunteer
):
    response = _page(client, network_lead, "volunteer_edit", volunteer.pk)
    assert response.status_code == 403
    assertNotContains(response, "val@example.org", status_code=403)


def test_staff_cannot_log_hours_for_someone_outside_the_group(
    client, network_lead, volunteer, other_coordinator
):
    their_group = other_coordinator.coordinator_assignments.get().asset
    client.force_login(network_lead)
    response = client.post(
        reverse("volunteers:hours_log"),
        {
            "volunteer": volunteer.pk,
            "asset": their_group.pk,
            "date": YESTERDAY.isoformat(),
            "hours": "1",
        },
    )
    assert response.status_code in (200, 403)
    assert not HoursEntry.objects.exists()
    # Otherwise Carl would now see Val's contact details.
    assert not volunteer.can_see_contact(other_coordinator)


def test_the_bank_shown_on_the_overview_is_not_multiplied_by_the_volunteers(
    client, network_lead, coordinator, coordinated_asset, volunteer
):
    VolunteerFactory(display_name="Noor", assets=[coordinated_asset])
    services.credit_adjust(
        bank_asset=coordinated_asset, amount=Decimal(10), reason="Grant", by=network_lead
    )
    response = _page(client, coordinator, "home")
    assertContains(response, "bank: 10 credits")


def test_an_odd_gift_reference_is_a_form_error_not_a_crash(client, volunteer_user, approved):
    client.force_login(volunteer_user)
    response = client.post(reverse("volunteers:gift"), {"reference": "V²", "amount": "1"})
    assertContains(response, "There is no volunteer with that reference.")


def test_a_nul_character_in_the_search_is_ignored(client, coordinator, volunteer):
    assertContains(_page(client, coordinator, "list", q="Val\x00"), "Val")


def test_hours_logged_by_someone_since_deleted_can_still_be_approved(
    coordinator, volunteer, coordinated_asset
):
    from tests.factories import UserFactory

    logger = UserFactory(username="gone")
    entry = HoursEntryFactory(
        volunteer=volunteer, asset=coordinated_asset, date=YESTERDAY, logged_by=logger
    )
    logger.delete()
    entry.refresh_from_db()
    services.hours_approve(entry=entry, by=coordinator)
    entry.refresh_from_db()
    assert entry.status == HoursStatus.APPROVED


def test_names_and_reasons_written_as_html_are_shown_as_text(
    client, coordinator, coordinated_asset, volunteer_user
):
    attack = "<img src=x onerror=alert(1)>"
    sneaky = VolunteerFactory(display_name=attack, assets=[coordinated_asset], user=volunteer_user)
    entry = services.hours_log(
        volunteer=sneaky,
        asset=coordinated_asset,
        date=YESTERDAY,
        hours=Decimal(1),
        description=attack,
        by=volunteer_user,
    )
    for name, args in [("home", []), ("list", []), ("volunteer", [sneaky.pk])]:
        response = _page(client, coordinator, name, *args)
        assertContains(response, "&lt;img src=x onerror=alert(1)&gt;")
        assertNotContains(response, attack)
    services.hours_reject(entry=entry, by=coordinator, reason=attack)
    response = _page(client, volunteer_user, "me")
    assertContains(response, "&lt;img src=x onerror=alert(1)&gt;")
    assertNotContains(response, attack)
