"""Facilitators' and network leads' pages: adding and changing listings, "still
running?" checks, and the moderation queue. Each view refuses early those who may not
edit (the services check again), then calls `assetmap.editing` or
`assetmap.moderation`."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assetmap import editing, freshness, moderation, roles
from assetmap.editor_forms import (
    AssetForm,
    MergeForm,
    RejectForm,
    ReportDecisionForm,
    session_formset,
)
from assetmap.forms import show_service_errors
from assetmap.models import Asset, ProblemReport, Provenance, Status

FORBIDDEN_TEMPLATE = "assetmap/editor_forbidden.html"
# Fields whose change makes a listing worth checking again for duplicates.
PLACE_AND_NAME = {"name", "latitude", "longitude", "postcode"}
# Where the form's map opens: Tower Hamlets (south, west, north, east).
BOROUGH_BOUNDS = (51.486, -0.080, 51.545, 0.010)


def _refusal(request, asset: Asset | None = None):
    """The response refusing `request` the editors' pages (for `asset`), or None."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    allowed = asset.can_edit(request.user) if asset else roles.edits_listings(request.user)
    if not allowed:
        return _forbidden(request)
    return None


def _forbidden(request):
    return render(request, FORBIDDEN_TEMPLATE, status=403)


# Adding and changing listings ------------------------------------------------------


@require_http_methods(["GET", "POST"])
def asset_add(request):
    return _refusal(request) or _asset_form(request, Asset(provenance=Provenance.STAFF))


@require_http_methods(["GET", "POST"])
def asset_edit(request, slug):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    asset = get_object_or_404(Asset.objects.visible_to(request.user), slug=slug)
    return _refusal(request, asset) or _asset_form(request, asset)


def _asset_form(request, asset: Asset):
    """The listing and its sessions, saved together or not at all; possible duplicates
    nearby are shown, and nothing saved, until the person confirms."""
    data = request.POST if request.method == "POST" else None
    form = AssetForm(data, instance=asset)
    sessions = session_formset(data, asset)
    duplicates = []
    if data is not None and form.is_valid() and sessions.is_valid():
        duplicates = _possible_duplicates(form)
        if not duplicates:
            adding = asset.pk is None
            try:
                saved = editing.asset_form_save(
                    asset=form.instance,
                    user=request.user,
                    categories=form.cleaned_data["categories"],
                    sessions=sessions.sessions(),
                )
            except PermissionDenied as error:
                # Refused where the point now lies (a network the person does not work in).
                _forget_id(form.instance, adding)
                form.add_error("latitude", str(error))
            except ValidationError as error:
                _forget_id(form.instance, adding)
                show_service_errors(form, error, also=("location",))
            else:
                messages.success(request, _("“%(name)s” was saved.") % {"name": saved.name})
                return redirect(saved)
    context = {
        "form": form,
        "sessions": sessions,
        "asset": asset if asset.pk else None,
        "duplicates": duplicates,
        "map_config": _map_config(),
    }
    return render(request, "assetmap/asset_form.html", context)


def _possible_duplicates(form) -> list[Asset]:
    asset = form.instance
    if form.cleaned_data.get("save_anyway"):
        return []
    if asset.pk and not PLACE_AND_NAME & set(form.changed_data):
        return []
    return list(editing.similar_nearby(asset.name, asset.location, exclude_pk=asset.pk))


def _forget_id(asset: Asset, adding: bool) -> None:
    # The rows were rolled back; a new listing must not keep its lost id and slug.
    if adding:
        asset.pk, asset.slug = None, ""
        asset._state.adding = True


def _map_config(point=None) -> dict:
    """What the scripts need to draw a map, handed over with json_script."""
    south, west, north, east = BOROUGH_BOUNDS
    config = {
        "tilesUrl": settings.TILES_URL,
        "attribution": settings.TILES_ATTRIBUTION,
        "bounds": [[south, west], [north, east]],
        "markerTitle": _("The place you chose"),
    }
    if point is not None:
        config["point"] = [point.y, point.x]
    return config


@require_POST
def asset_verify(request, slug):
    """ "Still running?": one click records that the listing was checked today."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    asset = get_object_or_404(Asset.objects.visible_to(request.user), slug=slug)
    try:
        editing.asset_still_running(asset=asset, user=request.user)
    except PermissionDenied:
        return _forbidden(request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("“%(name)s” is marked as still running today.") % {"name": asset.name}
        )
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect(asset)


# The moderation queue --------------------------------------------------------------


def moderation_queue(request):
    if refused := _refusal(request):
        return refused
    user = request.user
    context = {
        "suggestions": moderation.waiting_suggestions(user),
        "reports": moderation.open_reports(user),
        "stale": moderation.stale_listings(user),
        "needs_review": moderation.needs_review_listings(user),
        "decisions": moderation.recent_decisions(),
    }
    return render(request, "assetmap/moderation.html", context)


def _suggestion_or_refusal(request, pk: int):
    """(suggestion, None) when the person may decide on it, else (None, response)."""
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    suggestion = get_object_or_404(
        Asset.objects.select_related("network"), pk=pk, provenance=Provenance.RESIDENT_SUGGESTION
    )
    refused = _refusal(request, suggestion)
    if refused is None and suggestion.status != Status.PENDING_REVIEW:
        messages.info(request, str(moderation.NOT_WAITING))
        refused = redirect("moderation")
    return (None, refused) if refused else (suggestion, None)


def moderation_suggestion(request, pk):
    suggestion, refused = _suggestion_or_refusal(request, pk)
    return refused or _suggestion_page(request, suggestion)


def _suggestion_page(request, suggestion: Asset, merge_form=None, reject_form=None):
    candidates = list(moderation.merge_candidates(suggestion))
    context = {
        "suggestion": suggestion,
        "categories": suggestion.categories.all(),
        "sessions": suggestion.sessions.all(),
        "candidates": candidates,
        "merge_form": merge_form or MergeForm(candidates=candidates),
        "reject_form": reject_form or RejectForm(),
        "map_config": _map_config(suggestion.location),
    }
    return render(request, "assetmap/moderation_suggestion.html", context)


@require_POST
def moderation_publish(request, pk):
    suggestion, refused = _suggestion_or_refusal(request, pk)
    if refused:
        return refused
    return _decided(
        request,
        lambda: moderation.moderation_publish(suggestion=suggestion, user=request.user),
        _("“%(name)s” is published.") % {"name": suggestion.name},
    )


@require_POST
def moderation_merge(request, pk):
    suggestion, refused = _suggestion_or_refusal(request, pk)
    if refused:
        return refused
    form = MergeForm(request.POST, candidates=moderation.merge_candidates(suggestion))
    if not form.is_valid():
        return _suggestion_page(request, suggestion, merge_form=form)
    into = form.cleaned_data["into"]
    return _decided(
        request,
        lambda: moderation.moderation_merge(
            suggestion=suggestion, into=into, user=request.user, reason=form.cleaned_data["reason"]
        ),
        _("“%(name)s” was merged into “%(into)s”.") % {"name": suggestion.name, "into": into.name},
    )


@require_POST
def moderation_reject(request, pk):
    suggestion, refused = _suggestion_or_refusal(request, pk)
    if refused:
        return refused
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _suggestion_page(request, suggestion, reject_form=form)
    return _decided(
        request,
        lambda: moderation.moderation_reject(
            suggestion=suggestion, user=request.user, reason=form.cleaned_data["reason"]
        ),
        _("“%(name)s” was rejected.") % {"name": suggestion.name},
    )


@require_POST
def moderation_report(request, pk):
    if refused := _refusal(request):
        return refused
    report = get_object_or_404(ProblemReport.objects.select_related("asset"), pk=pk)
    form = ReportDecisionForm(request.POST, prefix=f"report-{pk}")
    if not form.is_valid():
        messages.error(request, _("Choose “Dealt with” or “Not a problem”."))
        return redirect("moderation")
    decide = (
        moderation.report_resolve
        if form.cleaned_data["decision"] == ReportDecisionForm.RESOLVED
        else moderation.report_dismiss
    )
    return _decided(
        request,
        lambda: decide(report=report, user=request.user, note=form.cleaned_data["note"]),
        _("The report about “%(name)s” is closed.") % {"name": report.asset.name},
    )


@require_POST
def moderation_archive(request, pk):
    """Archive a listing in "needs review": nobody confirmed it still runs."""
    if refused := _refusal(request):
        return refused
    asset = get_object_or_404(Asset, pk=pk)
    return _decided(
        request,
        lambda: freshness.needs_review_archive(asset=asset, user=request.user),
        _("“%(name)s” is archived.") % {"name": asset.name},
    )


def _decided(request, decide, done: str):
    """Make a decision; back to the queue with what happened, or why it could not."""
    try:
        decide()
    except PermissionDenied:
        return _forbidden(request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("moderation")
