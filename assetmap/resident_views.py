"""What residents send in: a group the map is missing (/suggest/) and a problem with a
listing (/assets/<slug>/report/). Both are open to anyone, go to the facilitators'
moderation queue, have a honeypot for robots and share the API's limit per hour."""

from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.gis.db.models import Extent
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from assetmap import services
from assetmap.api import SuggestionThrottle
from assetmap.forms import show_service_errors
from assetmap.models import Asset
from assetmap.resident_forms import (
    ProblemReportForm,
    SessionFormSet,
    SuggestForm,
    sessions_from,
)
from networks.models import Network

TOO_MANY = _("You have sent a lot in the last hour. Nothing has been saved: please try later.")
REPORT_THANKS = _("Thank you for telling us. A facilitator will check this listing.")
# Tower Hamlets (west, south, east, north), for the map before any network is mapped.
AREA_EXTENT = (-0.080, 51.486, 0.010, 51.545)


class ProblemReportThrottle(SuggestionThrottle):
    """Problem reports: the same rate as suggestions, counted separately."""

    scope = "problem_reports"

    def get_rate(self):
        return self.THROTTLE_RATES[SuggestionThrottle.scope]


# The API's throttles look at the viewset's action; a form's submission is a "create".
_FORM_SUBMISSION = SimpleNamespace(action="create")


def over_the_limit(request, throttle_class) -> bool:
    """Count this submission against the same per-person (or per-address) counter the
    API keeps, and say whether it is one too many."""
    return not throttle_class().allow_request(request, _FORM_SUBMISSION)


def suggest(request):
    """Suggest a group: it waits, unpublished, for a facilitator to check it."""
    data = request.POST if request.method == "POST" else None
    form = SuggestForm(data)
    sessions = SessionFormSet(data, prefix="sessions")
    status = 200
    if form.sent_by_a_robot:
        return redirect("suggest-thanks")  # and keep nothing
    if form.is_bound and form.is_valid() and sessions.is_valid():
        if over_the_limit(request, SuggestionThrottle):
            form.add_error(None, TOO_MANY)
            status = 429
        else:
            try:
                _save_suggestion(request, form, sessions)
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                return redirect("suggest-thanks")
    context = {"form": form, "sessions": sessions, "map_config": _map_config()}
    return render(request, "assetmap/suggest.html", context, status=status)


def _save_suggestion(request, form, sessions) -> Asset:
    data = form.cleaned_data
    asset = Asset(
        name=data["name"],
        description=data["description"],
        kind=data["kind"],
        location=data["location"],
        address=data["address"],
        postcode=data["postcode"],
        online_only=data["online_only"],
    )
    return services.asset_suggest(
        asset=asset,
        user=request.user if request.user.is_authenticated else None,
        categories=[data["category"]] if data["category"] else [],
        sessions=sessions_from(sessions),
        email=data["email"],
    )


def suggest_thanks(request):
    return render(request, "assetmap/suggest_thanks.html")


def asset_report(request, slug):
    """Report that a listing on the map is wrong. Nothing about the reporter is kept."""
    asset = get_object_or_404(Asset.objects.published(), slug=slug)
    form = ProblemReportForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.sent_by_a_robot:
        messages.success(request, REPORT_THANKS)
        return redirect(asset)
    if form.is_bound and form.is_valid():
        if over_the_limit(request, ProblemReportThrottle):
            form.add_error(None, TOO_MANY)
            status = 429
        else:
            services.problem_report(
                asset=asset, kind=form.cleaned_data["kind"], details=form.cleaned_data["details"]
            )
            messages.success(request, REPORT_THANKS)
            return redirect(asset)
    context = {"asset": asset, "form": form}
    return render(request, "assetmap/report_problem.html", context, status=status)


def _map_config() -> dict:
    """What suggest-map.js needs: the tiles, and the area the networks cover."""
    extent = Network.objects.aggregate(extent=Extent("boundary"))["extent"] or AREA_EXTENT
    west, south, east, north = extent
    return {
        "tilesUrl": settings.TILES_URL,
        "attribution": settings.TILES_ATTRIBUTION,
        "bounds": [[south, west], [north, east]],
    }
