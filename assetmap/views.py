"""Residents' pages: the neighbourhood map at / (a filter form, the map and the same
places as a paged list) and one asset's page."""

from collections import defaultdict
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.translation import gettext as _

from assetmap import roles
from assetmap.filters import DEFAULT_RADIUS_M, AssetFilter
from assetmap.models import (
    AccessibilityFeature,
    Asset,
    AssetKind,
    Category,
    Language,
    RecurringSession,
    Status,
    Weekday,
)
from assetmap.postcode_import import last_postcode_import
from networks.models import ListeningEvent, Network
from networks.queries import with_first_category
from volunteers.models import Opportunity

RESULTS_PER_PAGE = 20
# Popups show each place's category and next session, sent with the page; past this
# many matching places a popup shows the name and kind only (the list has the rest).
MAX_POPUP_DETAILS = 500
RADIUS_CHOICES_M = [500, 1000, 2000, 5000]
# The API's parameters the page takes; several values of one (checkboxes) are joined
# with commas, the API's way. Archived and draft listings are never asked for here.
FILTER_PARAMS = [name for name in AssetFilter.base_filters if name not in {"status", "bbox"}]
MULTI_VALUE_PARAMS = {"category", "kind", "accessibility", "language"}
WHEN_NOW = "now"


def filter_query(params: QueryDict) -> QueryDict:
    """The page's query string as the API's filter parameters: blanks dropped, repeated
    values joined, "open_at=now" as open_now, and the radius only with a place."""
    query = QueryDict(mutable=True)
    for name in FILTER_PARAMS:
        values = [value.strip() for value in params.getlist(name) if value.strip()]
        if values:
            query[name] = ",".join(values) if name in MULTI_VALUE_PARAMS else values[-1]
    if query.get("open_at", "").lower() == WHEN_NOW:
        del query["open_at"]
        query["open_now"] = "true"
    if "near" not in query and "postcode" not in query:
        query.pop("radius_m", None)
    return query


def home(request):
    """The neighbourhood map: published assets filtered as the API filters them, on a
    map (the API's map layer, asked with the same query) and in a paged list."""
    query = filter_query(request.GET)
    filterset = AssetFilter(query, queryset=Asset.objects.published())
    results = _filter_results(filterset)
    listed = results.select_related("organisation").prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("position", "name")),
        "sessions",
    )
    page = Paginator(listed, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    _describe(page.object_list, with_distance=filterset.point is not None)
    context = {
        "filters": filterset.form,
        "query": query,
        "page": page,
        "page_query": query.urlencode(),
        "options": _filter_options(query),
        "networks": Network.objects.annotate(
            published_assets=Count("assets", filter=Q(assets__status=Status.PUBLISHED))
        ).order_by("name"),
        "online_only": Asset.objects.published().filter(online_only=True).count(),
        "config": _map_config(query, valid=filterset.is_valid(), point=filterset.point),
        "popups": _popup_details(results),
    }
    return render(request, "assetmap/home.html", context)


def _filter_results(filterset: AssetFilter):
    """The matching assets, or none when a filter is wrong (its error is then on the
    form: an empty list must never look like "nothing there")."""
    if not filterset.is_valid():
        errors = filterset.form.errors
        if "postcode" in errors:
            # An unknown postcode is the problem; "radius needs a place" only follows.
            errors.pop("radius_m", None)
        return Asset.objects.none()
    return filterset.qs


def _describe(assets, *, with_distance: bool) -> None:
    """What each list entry shows beyond the asset's own fields."""
    now = timezone.now()
    for asset in assets:
        asset.open_now = asset.current_session(now)
        asset.upcoming = asset.next_session(now)
        distance = getattr(asset, "distance", None) if with_distance else None
        asset.distance_text = _distance_text(distance.m) if distance is not None else ""


def _distance_text(metres: float) -> str:
    if metres < 1000:
        return _("%(metres)s m away") % {"metres": int(round(metres, -1))}
    return _("%(km)s km away") % {"km": formats.number_format(round(metres / 1000, 1), 1)}


def _session_text(occurrence) -> str:
    start, end = timezone.localtime(occurrence.start), timezone.localtime(occurrence.end)
    return f"{dateformat.format(start, 'l j F, H:i')}–{end:%H:%M}"


def _popup_details(results) -> dict:
    """For the map's popups, by asset id: the first category and the next session."""
    on_the_map = results.filter(location__isnull=False).values_list("pk", flat=True)
    ids = list(on_the_map[:MAX_POPUP_DETAILS])
    if not ids:
        return {}
    categories = dict(
        with_first_category(Asset.objects.filter(pk__in=ids)).values_list("pk", "category_name")
    )
    sessions = defaultdict(list)
    for session in RecurringSession.objects.filter(asset_id__in=ids):
        sessions[session.asset_id].append(session)
    now = timezone.now()
    details = {}
    for pk in ids:
        upcoming = [o for s in sessions[pk] if (o := s.next_occurrence(now)) is not None]
        running = [o for s in sessions[pk] if (o := s.occurrence_at(now)) is not None]
        details[pk] = {
            "category": categories.get(pk) or "",
            "next": _session_text(min(upcoming, key=lambda o: o.start)) if upcoming else "",
            "openNow": bool(running),
        }
    return details


def _filter_options(query: QueryDict) -> dict:
    """The choices the filter form offers, each marked when chosen."""
    chosen = {name: set(query.get(name, "").split(",")) for name in MULTI_VALUE_PARAMS}
    when = WHEN_NOW if query.get("open_now") == "true" else query.get("open_at", "").lower()
    top_level = Category.objects.filter(parent=None).prefetch_related("children")
    return {
        "categories": [
            (
                parent,
                parent.slug in chosen["category"],
                [(child, child.slug in chosen["category"]) for child in parent.children.all()],
            )
            for parent in top_level.order_by("position", "name")
        ],
        "kinds": [
            (value, label, value in chosen["kind"])
            for value, label in AssetKind.choices
            # An individual's skills are never published.
            if value != AssetKind.INDIVIDUAL_SKILLS
        ],
        "days": [(day.label.lower(), day.label, day.label.lower() == when) for day in Weekday],
        "open_now": when == WHEN_NOW,
        "other_when": when not in {"", WHEN_NOW, *(d.label.lower() for d in Weekday)},
        "languages": [
            (value, label, value in chosen["language"]) for value, label in Language.choices
        ],
        "accessibility": [
            (value, label, value in chosen["accessibility"])
            for value, label in AccessibilityFeature.choices
        ],
        "radii": [
            (metres, _distance_choice(metres), str(metres) == query.get("radius_m", ""))
            for metres in RADIUS_CHOICES_M
        ],
        "default_radius": DEFAULT_RADIUS_M,
        "more_open": bool(
            {"kind", "accessibility", "language", "age", "network"} & set(query)
            or query.get("free")
        ),
    }


def _distance_choice(metres: int) -> str:
    if metres < 1000:
        return _("%(metres)s metres") % {"metres": metres}
    return _("%(km)s km") % {"km": formats.number_format(metres / 1000, 1 if metres % 1000 else 0)}


def _map_config(query: QueryDict, *, valid: bool, point) -> dict:
    """What resident-map.js needs, URLs included, handed over with json_script."""
    # Professionals see drafts through the API: the map asks for what the list shows.
    map_query = urlencode({**query.dict(), "status": Status.PUBLISHED})
    return {
        "markersUrl": f"{reverse('asset-map')}?{map_query}" if valid else None,
        "networksUrl": f"{reverse('network-list')}?page_size=200",
        "tilesUrl": settings.TILES_URL,
        "tilesAttribution": settings.TILES_ATTRIBUTION,
        "near": [point.y, point.x] if point is not None else None,
        "radius": float(query.get("radius_m") or DEFAULT_RADIUS_M),
        "kinds": dict(AssetKind.choices),
        "text": {
            "mapLabel": _("Map of the places listed"),
            "cluster": _("%(count)s places here, press Enter to zoom in"),
            "details": _("More about %(name)s"),
            "next": _("Next session: %(when)s"),
            "openNow": _("Open now"),
            "loading": _("Loading the map…"),
            "shown": _("The map shows %(count)s places with a location."),
            "shownOne": _("The map shows 1 place with a location."),
            "none": _("None of these places has a location to show on the map."),
            "failed": _("The map could not be loaded. Every place is in the list."),
        },
    }


def asset_detail(request, slug):
    """One asset's page: what it is, when and where it meets, what it costs, who it is
    for, how to get in touch, where it was found and the volunteering roles it offers."""
    asset = get_object_or_404(
        Asset.objects.visible_to(request.user).select_related("organisation", "network"),
        slug=slug,
    )
    now = timezone.localtime()
    context = {
        "asset": asset,
        "sessions": asset.sessions.all(),
        "open_now": asset.current_session(now),
        "next_session": asset.next_session(now),
        "categories": asset.categories.all(),
        "opportunities": Opportunity.objects.public().filter(asset=asset),
        "found_at": ListeningEvent.objects.visible_to(request.user)
        .filter(assets_found=asset)
        .select_related("network"),
        "is_professional": roles.is_professional(request.user),
        "can_edit": asset.can_edit(request.user),
        "share_url": request.build_absolute_uri(asset.get_absolute_url()),
        "config": _asset_map_config(asset),
        "directions_url": _directions_url(asset),
    }
    return render(request, "assetmap/asset_detail.html", context)


def _directions_url(asset: Asset) -> str:
    """OpenStreetMap's route planner with the asset as the destination."""
    if asset.location is None:
        return ""
    return (
        "https://www.openstreetmap.org/directions?route=%3B"
        f"{asset.location.y:.6f}%2C{asset.location.x:.6f}"
    )


def _asset_map_config(asset: Asset) -> dict | None:
    if asset.location is None:
        return None
    return {
        "lat": asset.location.y,
        "lng": asset.location.x,
        "name": asset.name,
        "tilesUrl": settings.TILES_URL,
        "tilesAttribution": settings.TILES_ATTRIBUTION,
        "text": {"mapLabel": _("Map of where %(name)s is") % {"name": asset.name}},
    }


def about_data(request):
    """Where the data comes from, with the attribution its licences require: the
    postcode directory loaded last (file, release, when) and the map's tiles."""
    context = {
        "postcodes": last_postcode_import(),
        "tiles_attribution": settings.TILES_ATTRIBUTION,
    }
    return render(request, "assetmap/about_data.html", context)
