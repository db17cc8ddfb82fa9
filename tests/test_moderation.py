"""The moderation queue through HTTP: who sees what, and each decision with the
record it leaves (ModerationDecision) and the suggester's email deleted."""

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from assetmap import moderation
from assetmap.models import (
    Asset,
    Decision,
    ModerationDecision,
    ProblemReport,
    Provenance,
    ReportStatus,
    Status,
)
from tests.factories import AssetFactory, NetworkFactory, square

pytestmark = pytest.mark.django_db

WATNEY = Point(-0.065, 51.505, srid=4326)


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


def suggest(**fields):
    defaults = {
        "status": Status.PENDING_REVIEW,
        "provenance": Provenance.RESIDENT_SUGGESTION,
        "suggester_email": "resident@example.org",
    }
    return AssetFactory(**{**defaults, **fields})


@pytest.fixture
def suggestion(network):
    return suggest(name="Bow knitters", network=network)


@pytest.fixture
def far_suggestion(other_network):
    return suggest(name="Watney chess", network=other_network, location=WATNEY)


def test_signed_out_person_is_sent_to_sign_in(client, suggestion):
    for url in (reverse("moderation"), reverse("moderation-suggestion", args=[suggestion.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["link_worker", "outsider"])
def test_people_who_do_not_edit_listings_are_refused(client, request, persona, suggestion):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("moderation")).status_code == 403
    assert client.get(reverse("moderation-suggestion", args=[suggestion.pk])).status_code == 403
    response = client.post(reverse("moderation-publish", args=[suggestion.pk]))
    assert response.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == Status.PENDING_REVIEW
    assert not ModerationDecision.objects.exists()


def test_facilitator_sees_suggestions_and_reports_of_their_networks_and_none(
    client, facilitator, suggestion, far_suggestion
):
    nowhere = suggest(name="Online poetry", network=None, location=None, online_only=True)
    report = ProblemReport.objects.create(
        asset=AssetFactory(network=suggestion.network), kind="closed"
    )
    far_report = ProblemReport.objects.create(
        asset=AssetFactory(network=far_suggestion.network, location=WATNEY), kind="closed"
    )
    client.force_login(facilitator)
    response = client.get(reverse("moderation"))
    assert response.status_code == 200
    assert set(response.context["suggestions"]) == {suggestion, nowhere}
    assert list(response.context["reports"]) == [report]
    assert far_report not in response.context["reports"]


def test_network_lead_sees_everything(client, network_lead, suggestion, far_suggestion):
    client.force_login(network_lead)
    response = client.get(reverse("moderation"))
    assert set(response.context["suggestions"]) == {suggestion, far_suggestion}


def test_facilitator_cannot_decide_on_another_networks_suggestion(
    client, facilitator, network, far_suggestion
):
    client.force_login(facilitator)
    assert client.get(reverse("moderation-suggestion", args=[far_suggestion.pk])).status_code == 403
    response = client.post(
        reverse("moderation-reject", args=[far_suggestion.pk]), {"reject-reason": "No"}
    )
    assert response.status_code == 403
    far_suggestion.refresh_from_db()
    assert far_suggestion.status == Status.PENDING_REVIEW
    assert far_suggestion.suggester_email
    assert not ModerationDecision.objects.exists()


def test_suggestion_page_shows_the_details_and_nearby_listings(client, facilitator, suggestion):
    nearby = AssetFactory(name="Bow Knitting Circle", network=suggestion.network)
    client.force_login(facilitator)
    response = client.get(reverse("moderation-suggestion", args=[suggestion.pk]))
    assert response.status_code == 200
    assert nearby in response.context["candidates"]
    assert "resident@example.org" in response.content.decode()


def test_publish_records_the_decision_and_deletes_the_email(client, facilitator, suggestion):
    client.force_login(facilitator)
    response = client.post(reverse("moderation-publish", args=[suggestion.pk]))
    assert response.status_code == 302
    assert response.url == reverse("moderation")
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.suggester_email) == (Status.PUBLISHED, "")
    decision = ModerationDecision.objects.get()
    assert (decision.decision, decision.suggestion, decision.decided_by, decision.subject) == (
        Decision.PUBLISHED,
        suggestion,
        facilitator,
        "Bow knitters",
    )


def test_publishing_from_the_edit_form_is_a_moderation_decision(client, facilitator, suggestion):
    from tests.test_asset_editing import form_data

    client.force_login(facilitator)
    response = client.post(
        reverse("asset-edit", args=[suggestion.slug]),
        form_data(name="Bow knitters", description="Corrected.", status="published"),
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.description) == (Status.PUBLISHED, "Corrected.")
    assert suggestion.suggester_email == ""
    assert ModerationDecision.objects.get().decision == Decision.PUBLISHED


def test_editing_a_suggestion_without_publishing_keeps_it_waiting(client, facilitator, suggestion):
    from tests.test_asset_editing import form_data

    client.force_login(facilitator)
    response = client.post(
        reverse("asset-edit", args=[suggestion.slug]),
        form_data(name="Bow knitters", status="pending_review"),
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Status.PENDING_REVIEW
    assert suggestion.suggester_email
    assert not ModerationDecision.objects.exists()


def test_merge_archives_the_suggestion_and_records_the_listing(client, facilitator, suggestion):
    existing = AssetFactory(name="Bow Knitting Circle", network=suggestion.network)
    client.force_login(facilitator)
    response = client.post(
        reverse("moderation-merge", args=[suggestion.pk]),
        {"merge-into": existing.pk, "merge-reason": "Same group, new name"},
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.suggester_email) == (Status.ARCHIVED, "")
    decision = ModerationDecision.objects.get()
    assert (decision.decision, decision.merged_into, decision.reason) == (
        Decision.MERGED,
        existing,
        "Same group, new name",
    )


def test_merge_into_a_listing_that_is_not_a_candidate_is_refused(client, facilitator, suggestion):
    far = AssetFactory(name="Unrelated", location=WATNEY)
    client.force_login(facilitator)
    response = client.post(
        reverse("moderation-merge", args=[suggestion.pk]), {"merge-into": far.pk}
    )
    assert response.status_code == 200
    assert response.context["merge_form"].errors
    suggestion.refresh_from_db()
    assert suggestion.status == Status.PENDING_REVIEW


def test_reject_needs_a_reason(client, facilitator, suggestion):
    client.force_login(facilitator)
    response = client.post(
        reverse("moderation-reject", args=[suggestion.pk]), {"reject-reason": ""}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == Status.PENDING_REVIEW
    assert not ModerationDecision.objects.exists()


def test_reject_archives_with_the_reason(client, facilitator, suggestion):
    client.force_login(facilitator)
    response = client.post(
        reverse("moderation-reject", args=[suggestion.pk]), {"reject-reason": "A private party"}
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.suggester_email) == (Status.ARCHIVED, "")
    decision = ModerationDecision.objects.get()
    assert (decision.decision, decision.reason, decision.decided_by) == (
        Decision.REJECTED,
        "A private party",
        facilitator,
    )


def test_a_suggestion_is_decided_only_once(client, facilitator, suggestion):
    client.force_login(facilitator)
    client.post(reverse("moderation-publish", args=[suggestion.pk]))
    response = client.post(
        reverse("moderation-reject", args=[suggestion.pk]), {"reject-reason": "Late"}, follow=True
    )
    assert "already been dealt with" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == Status.PUBLISHED
    assert ModerationDecision.objects.count() == 1


@pytest.mark.parametrize(
    ("choice", "status", "decision"),
    [
        ("resolved", ReportStatus.RESOLVED, Decision.RESOLVED),
        ("dismissed", ReportStatus.REJECTED, Decision.DISMISSED),
    ],
)
def test_report_decisions_are_recorded(client, facilitator, network, choice, status, decision):
    asset = AssetFactory(name="Bow walk", network=network)
    report = ProblemReport.objects.create(asset=asset, kind="wrong_times")
    client.force_login(facilitator)
    response = client.post(
        reverse("moderation-report", args=[report.pk]),
        {f"report-{report.pk}-decision": choice, f"report-{report.pk}-note": "Rang them"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == status
    recorded = ModerationDecision.objects.get()
    assert (recorded.decision, recorded.report, recorded.reason, recorded.decided_by) == (
        decision,
        report,
        "Rang them",
        facilitator,
    )
    assert recorded.subject.startswith("Bow walk: ")


def test_facilitator_cannot_close_a_report_in_another_network(
    client, facilitator, network, other_network
):
    report = ProblemReport.objects.create(
        asset=AssetFactory(network=other_network, location=WATNEY), kind="closed"
    )
    client.force_login(facilitator)
    response = client.post(
        reverse("moderation-report", args=[report.pk]), {f"report-{report.pk}-decision": "resolved"}
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.OPEN


def test_queue_lists_recent_decisions_and_stale_listings(client, facilitator, suggestion):
    stale = AssetFactory(name="Old lunch club", network=suggestion.network, assured_date=None)
    client.force_login(facilitator)
    client.post(reverse("moderation-reject", args=[suggestion.pk]), {"reject-reason": "Duplicate"})
    response = client.get(reverse("moderation"))
    html = response.content.decode()
    assert stale in response.context["stale"]
    assert "Still running?" in html
    assert "fran" in html and "Duplicate" in html


def test_services_refuse_a_link_worker(link_worker, suggestion):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        moderation.moderation_publish(suggestion=suggestion, user=link_worker)
    assert Asset.objects.get(pk=suggestion.pk).status == Status.PENDING_REVIEW


def test_the_header_links_to_moderation_for_editors_only(client, link_worker, facilitator):
    client.force_login(link_worker)
    assert b'href="/moderation/"' not in client.get("/suggest/").content
    client.force_login(facilitator)
    assert b'href="/moderation/"' in client.get("/suggest/").content
