"""Freshness: the nightly "still running?" email, its one-click link, and "needs review"
for listings nobody confirms (assetmap/freshness.py)."""

import datetime as dt
import re
import time
from unittest import mock

import psycopg2
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail, signing
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assetmap import freshness
from assetmap.freshness_tasks import (
    RemindersNotAllSent,
    move_unconfirmed_to_review,
    send_freshness_reminders,
)
from assetmap.models import Asset, ProblemKind, ProblemReport, ReportStatus, Status
from tests.conftest import wait_for
from tests.factories import AssetFactory, NetworkFactory, UserFactory, square

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LONG_AGO = TODAY - dt.timedelta(days=400)
LINK = re.compile(r"http://testserver(/still-running/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "http://testserver"
    settings.ASSET_STALE_AFTER_DAYS = 365
    settings.FRESHNESS_GRACE_DAYS = 60
    settings.FRESHNESS_LINK_DAYS = 30


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


def stale(**fields):
    return AssetFactory(**{"assured_date": LONG_AGO, **fields})


def links_in(message) -> list[str]:
    return LINK.findall(message.body)


def reminded_at(asset) -> dt.datetime | None:
    return Asset.objects.get(pk=asset.pk).freshness_reminder_sent_at


def token_of(path: str) -> str:
    return path.removeprefix("/still-running/").removesuffix("/")


# Who is emailed, and about what -----------------------------------------------------


def test_it_emails_the_network_facilitators_one_email_with_a_link_per_listing(facilitator, network):
    knitters = stale(name="Bow knitters", network=network, email="knit@example.org")
    walkers = stale(name="Bow walkers", network=network, assured_date=None)

    run = freshness.freshness_send_reminders()

    assert (run.emails_sent, run.listings_reminded, run.emails_failed) == (1, 2, 0)
    [message] = mail.outbox
    assert message.to == [facilitator.email]
    assert message.subject == "Are your 2 groups still running?"
    assert "Bow knitters" in message.body and "Bow walkers" in message.body
    assert "Never checked" in message.body
    assert len(set(links_in(message))) == 2
    # The group's contact is not asked when the network's facilitators are.
    assert "knit@example.org" not in {to for m in mail.outbox for to in m.to}
    assert reminded_at(knitters) is not None and reminded_at(walkers) is not None


def test_it_asks_the_groups_contact_when_the_listing_is_in_no_network():
    online = stale(name="Online poetry", location=None, online_only=True, email="poems@example.org")

    freshness.freshness_send_reminders()

    [message] = mail.outbox
    assert message.to == ["poems@example.org"]
    assert message.subject == "Is “Online poetry” still running?"
    assert "You are the contact for this listing" in message.body
    [path] = links_in(message)
    assert freshness.still_running_link_open(token_of(path)).asset == online


def test_it_asks_the_contact_when_no_facilitator_can_be_emailed(network, facilitator):
    facilitator.email = ""
    facilitator.save()
    network.facilitators.add(UserFactory(username="gone", is_active=False))
    stale(network=network, email="group@example.org")

    freshness.freshness_send_reminders()

    assert [m.to for m in mail.outbox] == [["group@example.org"]]


def test_each_facilitator_gets_only_their_networks_listings(facilitator, network, other_network):
    colleague = UserFactory(username="wanda")
    other_network.facilitators.add(colleague)
    stale(name="Bow knitters", network=network)
    stale(name="Watney chess", network=other_network)

    freshness.freshness_send_reminders()

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert set(bodies) == {facilitator.email, colleague.email}
    assert "Bow knitters" in bodies[facilitator.email]
    assert "Watney chess" not in bodies[facilitator.email]
    assert "Watney chess" in bodies[colleague.email]


def test_a_listing_with_nobody_to_email_is_counted_once():
    lonely = stale(email="")

    first = freshness.freshness_send_reminders()
    second = freshness.freshness_send_reminders()

    assert first.listings_with_nobody_to_email == 1
    assert second.listings_with_nobody_to_email == 0
    assert mail.outbox == []
    assert reminded_at(lonely) is not None


def test_checked_draft_and_archived_listings_get_no_email(network):
    stale(network=network, assured_date=TODAY - dt.timedelta(days=300))
    stale(network=network, status=Status.DRAFT)
    stale(network=network, status=Status.ARCHIVED)
    stale(network=network, status=Status.NEEDS_REVIEW)

    run = freshness.freshness_send_reminders()

    assert run.emails_sent == 0
    assert mail.outbox == []


def test_it_is_sent_once_per_stale_spell(network):
    asset = stale(network=network)

    freshness.freshness_send_reminders()
    rerun = freshness.freshness_send_reminders()
    assert (len(mail.outbox), rerun.emails_sent) == (1, 0)

    # Confirmed after the reminder, then stale again a year later: a new spell.
    Asset.objects.filter(pk=asset.pk).update(assured_date=TODAY)
    next_year = timezone.now() + dt.timedelta(days=366)
    assert freshness.freshness_send_reminders(now=next_year).emails_sent == 1
    assert freshness.freshness_send_reminders(now=next_year).emails_sent == 0
    assert len(mail.outbox) == 2


class FailsForBob(LocmemBackend):
    """The in-memory backend, except that mail to bob@example.org cannot be sent."""

    def send_messages(self, messages):
        if any("bob@example.org" in message.to for message in messages):
            raise ConnectionError("bob's mail server is down")
        return super().send_messages(messages)


def test_one_failed_email_loses_no_other_and_the_retry_sends_only_it(settings, network):
    bob = UserFactory(username="bob")
    bobs_network = NetworkFactory(boundary=square(-0.08, 51.50, -0.05, 51.51))
    bobs_network.facilitators.add(bob)
    stale(name="Bow knitters", network=network)
    bobs = stale(name="Watney chess", network=bobs_network)
    stale(name="Online poetry", location=None, online_only=True, email="poems@example.org")
    settings.EMAIL_BACKEND = "tests.test_freshness.FailsForBob"

    with pytest.raises(RemindersNotAllSent):
        send_freshness_reminders()

    assert sorted(m.to[0] for m in mail.outbox) == ["fran@example.org", "poems@example.org"]
    assert reminded_at(bobs) is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_freshness_reminders()["emails_sent"] == 1
    assert [m.to for m in mail.outbox[2:]] == [["bob@example.org"]]
    assert "Watney chess" in mail.outbox[2].body


def test_a_run_while_another_holds_the_lock_sends_nothing(network):
    stale(network=network)
    key = freshness.zlib.crc32(b"assetmap.freshness.reminders")
    params = connection.get_connection_params()
    other = psycopg2.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})
    other.autocommit = True
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
            assert freshness.freshness_send_reminders().skipped
            assert mail.outbox == []
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    finally:
        other.close()
    assert freshness.freshness_send_reminders().emails_sent == 1


def test_the_console_backend_prints_the_email_with_a_link_that_works_once(
    settings, capsys, client, facilitator, network
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    asset = stale(name="Bow knitters", network=network)

    freshness.freshness_send_reminders()

    printed = capsys.readouterr().out
    assert f"To: {facilitator.email}" in printed
    assert "Bow knitters" in printed
    [path] = LINK.findall(printed)
    page = client.get(path)
    assert page.status_code == 200
    assert "Is “Bow knitters” still running?" in page.content.decode()

    assert client.post(path, {"answer": "yes"}).status_code == 200
    asset.refresh_from_db()
    assert asset.assured_date == TODAY

    again = client.post(path, {"answer": "yes"})
    assert again.status_code == 410
    assert str(freshness.LINK_ALREADY_CONFIRMED) in again.content.decode()
    assert client.get(path).status_code == 410


def test_the_management_command_sends_the_reminders_now(network, capsys):
    stale(network=network)

    call_command("send_freshness_reminders")

    assert len(mail.outbox) == 1
    assert "Emails sent: 1, listings reminded: 1" in capsys.readouterr().out
    call_command("send_freshness_reminders")
    assert len(mail.outbox) == 1


def test_the_management_command_fails_when_an_email_fails(settings):
    stale(location=None, online_only=True, email="bob@example.org")
    settings.EMAIL_BACKEND = "tests.test_freshness.FailsForBob"

    with pytest.raises(CommandError):
        call_command("send_freshness_reminders")


# The one-click link -----------------------------------------------------------------


@pytest.fixture
def asset(network):
    return stale(name="Bow knitters", network=network)


@pytest.fixture
def link(asset, facilitator):
    recipient = freshness.Recipient(email=facilitator.email, user_id=facilitator.pk)
    return reverse("still-running", args=[freshness.still_running_token(asset, recipient)])


def test_opening_the_link_asks_and_changes_nothing(client, asset, link):
    response = client.get(link)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Yes, it is still running" in html and "No, it has stopped" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    asset.refresh_from_db()
    assert asset.assured_date == LONG_AGO
    assert not ProblemReport.objects.exists()


def test_the_question_shows_a_listings_name_as_text(client, network, facilitator):
    named = stale(name='<img src=x onerror="alert(1)"> club', network=network)
    recipient = freshness.Recipient(email=facilitator.email, user_id=facilitator.pk)
    link = reverse("still-running", args=[freshness.still_running_token(named, recipient)])

    html = client.get(link).content.decode()

    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; club" in html
    assert "<img src=x" not in html


def test_yes_marks_it_checked_today_by_the_facilitator_it_was_sent_to(
    client, asset, link, facilitator, network_lead
):
    client.force_login(network_lead)  # someone else signed in on the same browser

    response = client.post(link, {"answer": "yes"})

    assert response.status_code == 200
    assert "marked as checked today" in response.content.decode()
    asset.refresh_from_db()
    assert (asset.assured_date, asset.assured_by, asset.status) == (
        TODAY,
        facilitator,
        Status.PUBLISHED,
    )
    change = asset.history.first()
    assert change.history_user == facilitator
    assert change.history_change_reason == str(freshness.CONFIRMED_BY_LINK)


def test_yes_from_the_contacts_link_is_recorded_as_nobody(client, network_lead):
    asset = stale(location=None, online_only=True, email="poems@example.org")
    path = reverse("still-running", args=[freshness.still_running_token(asset)])
    client.force_login(network_lead)

    client.post(path, {"answer": "yes"})

    asset.refresh_from_db()
    assert (asset.assured_date, asset.assured_by) == (TODAY, None)
    assert asset.history.first().history_user is None


def test_yes_puts_a_listing_in_needs_review_back_on_the_map(client, asset, link):
    Asset.objects.filter(pk=asset.pk).update(status=Status.NEEDS_REVIEW)
    assert "off the public map" in client.get(link).content.decode()

    client.post(link, {"answer": "yes"})

    asset.refresh_from_db()
    assert (asset.status, asset.assured_date) == (Status.PUBLISHED, TODAY)
    assert client.get(asset.get_absolute_url()).status_code == 200


def test_no_files_a_closed_report_for_moderation_and_spends_the_link(
    client, asset, link, facilitator
):
    response = client.post(link, {"answer": "no"})

    assert response.status_code == 200
    [report] = ProblemReport.objects.all()
    assert (report.asset, report.kind, report.status) == (
        asset,
        ProblemKind.CLOSED,
        ReportStatus.OPEN,
    )
    asset.refresh_from_db()
    assert asset.status == Status.PUBLISHED  # a facilitator decides, not the link
    again = client.post(link, {"answer": "yes"})
    assert again.status_code == 410
    assert str(freshness.LINK_ALREADY_REPORTED) in again.content.decode()
    assert ProblemReport.objects.count() == 1
    client.force_login(facilitator)
    assert report in client.get(reverse("moderation")).context["reports"]


def test_an_expired_link_is_refused(client, asset, facilitator):
    month_ago = signing.b62_encode(int(time.time()) - 31 * 24 * 3600)
    with mock.patch.object(signing.TimestampSigner, "timestamp", return_value=month_ago):
        token = freshness.still_running_token(asset)

    response = client.post(reverse("still-running", args=[token]), {"answer": "yes"})

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    asset.refresh_from_db()
    assert asset.assured_date == LONG_AGO


def test_a_link_almost_a_month_old_still_works(client, asset):
    days_ago = signing.b62_encode(int(time.time()) - 29 * 24 * 3600)
    with mock.patch.object(signing.TimestampSigner, "timestamp", return_value=days_ago):
        token = freshness.still_running_token(asset)

    assert client.get(reverse("still-running", args=[token])).status_code == 200


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        signing.dumps({"a": 1, "d": None, "u": None}, salt="another.purpose"),
    ],
)
def test_a_broken_or_forged_link_is_refused(client, token):
    response = client.post(reverse("still-running", args=[token]), {"answer": "yes"})

    assert response.status_code == 400
    assert "This link is not complete" in response.content.decode()


def test_a_tampered_link_is_refused(client, asset, link, facilitator):
    other = stale(name="Someone else's group")
    signature = token_of(link).split(":", 1)[1]
    forged_claim = signing.dumps(
        {"a": other.pk, "d": LONG_AGO.isoformat(), "u": facilitator.pk}, compress=True
    )
    forged = forged_claim.split(":", 1)[0] + ":" + signature

    response = client.post(reverse("still-running", args=[forged]), {"answer": "yes"})

    assert response.status_code == 400
    other.refresh_from_db()
    assert other.assured_date == LONG_AGO


def test_a_link_to_an_archived_listing_is_refused(client, asset, link):
    Asset.objects.filter(pk=asset.pk).update(status=Status.ARCHIVED)

    response = client.get(link)

    assert response.status_code == 410
    assert str(freshness.LINK_NOT_LISTED) in response.content.decode()


def test_an_answer_must_be_yes_or_no(client, asset, link):
    response = client.post(link, {"answer": "maybe"})

    assert response.status_code == 400
    assert "Choose one of the two answers" in response.content.decode()
    asset.refresh_from_db()
    assert asset.assured_date == LONG_AGO


def test_the_answer_needs_the_pages_csrf_token(asset, link):
    client = Client(enforce_csrf_checks=True)

    assert client.post(link, {"answer": "yes"}).status_code == 403
    page = client.get(link)
    token = page.context["csrf_token"]
    assert client.post(link, {"answer": "yes", "csrfmiddlewaretoken": token}).status_code == 200


# Needs review -----------------------------------------------------------------------


def remind(asset, days_ago: int) -> None:
    Asset.objects.filter(pk=asset.pk).update(
        freshness_reminder_sent_at=timezone.now() - dt.timedelta(days=days_ago)
    )


def test_after_the_grace_period_an_unconfirmed_listing_needs_review_and_is_kept(asset):
    long_ago = TODAY - dt.timedelta(days=500)
    Asset.objects.filter(pk=asset.pk).update(assured_date=long_ago)
    remind(asset, days_ago=61)
    waited = stale(name="Waited long enough", assured_date=None)
    remind(waited, days_ago=60)
    recent = stale(name="Reminded last month", assured_date=long_ago)
    remind(recent, days_ago=30)
    confirmed = stale(name="Confirmed since", assured_date=TODAY - dt.timedelta(days=10))
    remind(confirmed, days_ago=61)
    # Reminded two years ago, confirmed after that, stale again and not reminded yet.
    last_spell = stale(name="Reminded last spell", assured_date=TODAY - dt.timedelta(days=430))
    remind(last_spell, days_ago=800)
    not_reminded = stale(name="Never reminded", assured_date=long_ago)
    count = Asset.objects.count()

    assert move_unconfirmed_to_review() == 2

    statuses = dict(Asset.objects.values_list("name", "status"))
    assert statuses == {
        "Bow knitters": Status.NEEDS_REVIEW,
        "Waited long enough": Status.NEEDS_REVIEW,
        "Reminded last month": Status.PUBLISHED,
        "Confirmed since": Status.PUBLISHED,
        "Reminded last spell": Status.PUBLISHED,
        not_reminded.name: Status.PUBLISHED,
    }
    assert Asset.objects.count() == count
    change = Asset.objects.get(pk=asset.pk).history.first()
    assert change.status == Status.NEEDS_REVIEW
    assert change.history_user is None
    assert change.history_change_reason == str(freshness.MOVED_TO_REVIEW)
    assert move_unconfirmed_to_review() == 0


def test_a_listing_nobody_could_be_asked_about_still_moves_after_the_grace_period():
    lonely = stale(email="")
    freshness.freshness_send_reminders()
    later = timezone.now() + dt.timedelta(days=61)

    assert freshness.freshness_move_unconfirmed(now=later) == 1
    assert Asset.objects.get(pk=lonely.pk).status == Status.NEEDS_REVIEW


def test_residents_do_not_see_a_listing_that_needs_review(client, outsider, link_worker, asset):
    Asset.objects.filter(pk=asset.pk).update(status=Status.NEEDS_REVIEW)

    assert client.get(asset.get_absolute_url()).status_code == 404
    client.force_login(outsider)
    assert client.get(asset.get_absolute_url()).status_code == 404
    assert asset not in Asset.objects.visible_to(AnonymousUser())
    assert asset not in Asset.objects.visible_to(outsider)
    api = client.get("/api/v1/assets/")
    assert asset.name not in api.content.decode()


# The moderation queue ---------------------------------------------------------------


@pytest.fixture
def needing_review(asset, other_network):
    far = stale(name="Watney chess", network=other_network, status=Status.NEEDS_REVIEW)
    Asset.objects.filter(pk=asset.pk).update(status=Status.NEEDS_REVIEW)
    asset.refresh_from_db()
    return asset, far


def test_facilitator_sees_their_networks_listings_needing_review_with_both_actions(
    client, facilitator, needing_review
):
    mine, far = needing_review
    client.force_login(facilitator)

    response = client.get(reverse("moderation"))

    assert list(response.context["needs_review"]) == [mine]
    html = response.content.decode()
    assert "Not confirmed for over a year" in html
    assert reverse("moderation-archive", args=[mine.pk]) in html
    assert reverse("asset-still-running", args=[mine.slug]) in html
    assert far.name not in html


def test_still_running_from_the_queue_puts_it_back_on_the_map(client, facilitator, needing_review):
    mine, _ = needing_review
    client.force_login(facilitator)

    response = client.post(
        reverse("asset-still-running", args=[mine.slug]), {"next": reverse("moderation")}
    )

    assert response.url == reverse("moderation")
    mine.refresh_from_db()
    assert (mine.status, mine.assured_date, mine.assured_by) == (
        Status.PUBLISHED,
        TODAY,
        facilitator,
    )


def test_archive_from_the_queue_keeps_the_listing(client, facilitator, needing_review):
    mine, _ = needing_review
    client.force_login(facilitator)

    response = client.post(reverse("moderation-archive", args=[mine.pk]))

    assert response.url == reverse("moderation")
    mine.refresh_from_db()
    assert mine.status == Status.ARCHIVED
    assert mine.history.first().history_user == facilitator


def test_archive_is_refused_once_someone_has_dealt_with_it(client, facilitator, network):
    published = stale(network=network)
    client.force_login(facilitator)

    response = client.post(reverse("moderation-archive", args=[published.pk]), follow=True)

    assert str(freshness.NOT_NEEDING_REVIEW) in response.content.decode()
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED


def test_archive_is_refused_to_facilitators_of_another_network(client, facilitator, needing_review):
    _, far = needing_review
    client.force_login(facilitator)

    assert client.post(reverse("moderation-archive", args=[far.pk])).status_code == 403
    far.refresh_from_db()
    assert far.status == Status.NEEDS_REVIEW


def test_people_who_do_not_edit_listings_cannot_act_on_needs_review(
    client, link_worker, needing_review
):
    mine, _ = needing_review
    signed_out = client.post(reverse("moderation-archive", args=[mine.pk]))
    assert signed_out.status_code == 302
    assert signed_out.url.startswith(reverse("login"))
    client.force_login(link_worker)
    assert client.get(reverse("moderation")).status_code == 403
    assert client.post(reverse("moderation-archive", args=[mine.pk])).status_code == 403
    assert client.post(reverse("asset-still-running", args=[mine.slug])).status_code == 403
    mine.refresh_from_db()
    assert mine.status == Status.NEEDS_REVIEW


def test_the_edit_form_offers_a_listing_in_needs_review_its_status(
    client, facilitator, needing_review
):
    mine, _ = needing_review
    client.force_login(facilitator)

    form = client.get(reverse("asset-edit", args=[mine.slug])).context["form"]

    assert set(dict(form.fields["status"].choices)) == {
        Status.NEEDS_REVIEW,
        Status.PUBLISHED,
        Status.ARCHIVED,
    }
    assert form["status"].value() == Status.NEEDS_REVIEW


def test_publishing_from_the_edit_form_counts_as_a_check(client, facilitator, needing_review):
    mine, _ = needing_review
    remind(mine, days_ago=90)
    client.force_login(facilitator)
    data = {
        "name": mine.name,
        "description": mine.description,
        "kind": mine.kind,
        "cost": mine.cost,
        "status": Status.PUBLISHED,
        "latitude": str(mine.location.y),
        "longitude": str(mine.location.x),
        "sessions-TOTAL_FORMS": "0",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "30",
    }

    response = client.post(reverse("asset-edit", args=[mine.slug]), data)

    assert response.status_code == 302, response.context["form"].errors
    mine.refresh_from_db()
    assert (mine.status, mine.assured_date) == (Status.PUBLISHED, TODAY)
    assert move_unconfirmed_to_review() == 0


# Through the real worker ------------------------------------------------------------


@pytest.mark.worker
def test_the_nightly_task_emails_through_the_worker(celery_worker, settings):
    facilitator = UserFactory(username="fran")
    network = NetworkFactory()
    network.facilitators.add(facilitator)
    stale(name="Bow knitters", network=network)

    result = send_freshness_reminders.delay()

    assert result.get(timeout=30)["emails_sent"] == 1
    assert wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == ["fran@example.org"]
    assert reminded_at(Asset.objects.get(name="Bow knitters")) is not None
