"""Volunteering in a real browser: a coordinator approves and rejects hours and logs
a session; a volunteer logs hours, says how it went and gives credits. Keyboard only
where it matters, axe on every page, phone and desktop."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import OpportunityFactory, VolunteerFactory
from volunteers import services
from volunteers.models import HoursEntry, HoursStatus, SurveyResponse

pytestmark = pytest.mark.browser

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


@pytest.fixture
def session_hours(live_site, coordinated_asset, volunteer, volunteer_user):
    """Val's pending hours, and approved hours she has not yet said how went."""
    OpportunityFactory(asset=coordinated_asset, title="Walk leader")
    pending = services.hours_log(
        volunteer=volunteer,
        asset=coordinated_asset,
        date=YESTERDAY,
        hours=Decimal("2"),
        description="Led the walk",
        by=volunteer_user,
    )
    earlier = services.hours_log(
        volunteer=volunteer,
        asset=coordinated_asset,
        date=YESTERDAY - dt.timedelta(days=7),
        hours=Decimal("3"),
        description="Led the walk and made tea",
        by=volunteer_user,
    )
    return pending, earlier


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_coordinator_approves_hours_by_keyboard(
    live_site, open_page, coordinator, session_hours, viewport
):
    pending, earlier = session_hours
    page = open_page("/volunteering/", user=coordinator, viewport=viewport)
    assert_accessible(page)
    screenshot(page, f"volunteering-home-{viewport}")

    approve = page.get_by_role("button", name=f"Approve Val's hours on {YESTERDAY:%-d %b}")
    approve.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".message-success")
    assert "Approved 2 hours for Val" in page.locator(".messages").inner_text()
    pending.refresh_from_db()
    assert pending.status == HoursStatus.APPROVED
    assert_accessible(page)


def test_coordinator_rejects_hours_with_a_reason(live_site, open_page, coordinator, session_hours):
    _, earlier = session_hours
    page = open_page("/volunteering/", user=coordinator, viewport="phone")
    page.get_by_role("link", name=f"Reject Val's hours on {earlier.date:%-d %b}").click()
    page.get_by_role("button", name="Reject the hours").click()
    # Refused without a reason: the summary takes focus and names the field.
    page.wait_for_function("() => document.activeElement.matches('[data-error-summary]')")
    assert_accessible(page)
    screenshot(page, "volunteering-reject-error-phone")
    page.get_by_label("Why are these hours rejected?").fill("That walk was cancelled.")
    page.get_by_role("button", name="Reject the hours").click()
    page.wait_for_selector(".message-success")
    earlier.refresh_from_db()
    assert (earlier.status, earlier.rejection_reason) == (
        HoursStatus.REJECTED,
        "That walk was cancelled.",
    )


def test_coordinator_logs_a_session_for_the_group(
    live_site, open_page, coordinator, coordinated_asset, volunteer
):
    VolunteerFactory(display_name="Noor", assets=[coordinated_asset])
    page = open_page(f"/volunteering/groups/{coordinated_asset.slug}/", user=coordinator)
    assert_accessible(page)
    screenshot(page, "volunteering-group-phone")
    page.get_by_role("link", name="Log a session's hours").first.click()
    page.get_by_label("Date of the session").fill(YESTERDAY.isoformat())
    page.get_by_label("Val").fill("2")
    page.get_by_label("Noor").fill("1.5")
    assert_accessible(page)
    screenshot(page, "volunteering-session-phone")
    page.get_by_role("button", name="Log the session").click()
    page.wait_for_selector(".message-success")
    assert dict(HoursEntry.objects.values_list("volunteer__display_name", "hours")) == {
        "Val": Decimal(2),
        "Noor": Decimal("1.5"),
    }


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_volunteer_sees_their_record_and_answers_the_survey(
    live_site, open_page, coordinator, volunteer_user, session_hours, viewport
):
    _, earlier = session_hours
    services.hours_approve(entry=earlier, by=coordinator)
    page = open_page("/volunteering/", user=volunteer_user, viewport=viewport)
    page.wait_for_url("**/volunteering/me/")
    assert_accessible(page)
    screenshot(page, f"volunteering-me-{viewport}")

    page.locator("#surveys-title + p + ul a").first.click()
    page.get_by_role("group", name="How satisfied").get_by_label("4").check()
    page.get_by_role("group", name="I felt valued").get_by_label("5").check()
    page.get_by_role("group", name="Would you recommend").get_by_label("Yes").check()
    assert_accessible(page)
    screenshot(page, f"volunteering-survey-{viewport}")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/volunteering/me/")
    answer = SurveyResponse.objects.get()
    assert (answer.hours_entry, answer.satisfaction, answer.would_recommend) == (earlier, 4, True)


def test_volunteer_logs_hours_and_gives_credits(
    live_site, open_page, coordinator, volunteer, volunteer_user, session_hours
):
    _, earlier = session_hours
    services.hours_approve(entry=earlier, by=coordinator)
    friend = VolunteerFactory(display_name="Friend")
    page = open_page("/volunteering/hours/log/", user=volunteer_user)
    page.get_by_label("Date").fill(YESTERDAY.isoformat())
    page.get_by_label("Hours").fill("1.3")
    page.get_by_role("button", name="Log the hours").click()
    assert "quarter-hour steps" in page.locator("[data-error-summary]").inner_text()
    assert_accessible(page)
    page.get_by_label("Hours").fill("1.25")
    page.get_by_role("button", name="Log the hours").click()
    page.wait_for_selector(".message-success")
    assert HoursEntry.objects.filter(hours=Decimal("1.25"), volunteer=volunteer).exists()

    page.goto(live_site.url + "/volunteering/credits/gift/")
    page.get_by_label("Their volunteer reference").fill(friend.reference)
    page.get_by_label("Credits").fill("1")
    page.get_by_role("button", name="Give the credits").click()
    page.wait_for_url("**/volunteering/me/")
    assert services.credit_balance(volunteer=friend) == Decimal(1)


def test_coordinator_registers_a_volunteer_with_errors_first(
    live_site, open_page, coordinator, coordinated_asset
):
    page = open_page("/volunteering/volunteers/add/", user=coordinator, viewport="desktop")
    page.get_by_label("Display name").fill("Noor")
    page.get_by_role("button", name="Save").click()
    assert (
        "Record what the volunteer agreed to" in page.locator("[data-error-summary]").inner_text()
    )
    assert_accessible(page)
    screenshot(page, "volunteering-register-error-desktop")
    page.get_by_label("What they agreed to").fill("To be contacted and have hours recorded.")
    page.get_by_label(coordinated_asset.name).check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector(".message-success")
    assert_accessible(page)
    screenshot(page, "volunteering-volunteer-desktop")


def test_residents_see_the_volunteering_roles(live_site, open_page, coordinated_asset):
    OpportunityFactory(asset=coordinated_asset, title="Walk leader", dbs_level="enhanced")
    page = open_page("/volunteering/roles/")
    assert page.get_by_role("heading", name="Walk leader").is_visible()
    assert_accessible(page)
    screenshot(page, "volunteering-roles-phone")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_asset_page_shows_its_volunteering_roles(
    live_site, open_page, coordinated_asset, viewport
):
    from assetmap.models import Status

    coordinated_asset.status = Status.PUBLISHED
    coordinated_asset.description = "A gentle hour round Victoria Park."
    coordinated_asset.save()
    OpportunityFactory(asset=coordinated_asset, title="Walk leader", dbs_level="enhanced")
    page = open_page(f"/assets/{coordinated_asset.slug}/", viewport=viewport)
    assert page.get_by_role("heading", name="Volunteer here").is_visible()
    assert page.get_by_role("heading", name="Walk leader").is_visible()
    assert_accessible(page)
    screenshot(page, f"asset-page-{viewport}")


def test_the_api_documentation_works_under_the_content_security_policy(live_site, open_page):
    page = open_page("/api/docs/", viewport="desktop")
    page.wait_for_selector("text=/api/v1/hours/")
    screenshot(page, "api-docs-desktop")
