"""Link workers' pages: search for support near a patient, keep shortlists, and the
shortlist's shared page, which anyone holding its unguessable link may read until it
expires. Link workers and staff only (others get a 403), except the shared page."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assetmap import shortlists as services
from assetmap.filters import AssetFilter
from assetmap.models import Asset, AssetKind, Category
from assetmap.search_forms import NO_PATIENT_DETAILS, SearchForm, ShortlistForm
from assetmap.shortlist_models import Shortlist, ShortlistItem

MAX_RESULTS = 50


def link_worker_required(view):
    """Signed out: to the sign-in page. Signed in without the role: 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not services.can_shortlist(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _with_details(assets):
    return assets.select_related("organisation").prefetch_related(
        Prefetch("categories", queryset=Category.objects.only("name")), "sessions"
    )


@link_worker_required
def search(request):
    """Search published listings by need, words, place, day, cost, access, language
    and age; ranked by relevance with words, else by distance with a place."""
    form = SearchForm(request.GET or None)
    results, total, params = None, 0, None
    if form.is_bound and form.is_valid():
        params = form.api_params()
        found = AssetFilter(params, queryset=Asset.objects.visible_to(request.user).published())
        if found.is_valid():
            total = found.qs.count()
            results = list(_with_details(found.qs)[:MAX_RESULTS])
        else:
            form.add_filter_errors(found.errors)
            results, params = None, None
    current = services.shortlist_current(request.user)
    now = timezone.localtime()
    for asset in results or []:
        distance = getattr(asset, "distance", None)
        asset.distance_text = services.format_distance(distance.m) if distance else ""
        asset.upcoming = asset.next_session(now)
    context = {
        "form": form,
        "results": results,
        "total": total,
        "max_results": MAX_RESULTS,
        "current": current,
        "shortlisted": set(current.items.values_list("asset_id", flat=True)) if current else (),
        "config": _map_config(params),
    }
    return render(request, "assetmap/search.html", context)


def _map_config(params: dict | None) -> dict | None:
    """The map's settings for search-map.js: the API's map layer with the same query."""
    if params is None:
        return None
    return {
        "mapDataUrl": reverse("asset-map") + "?" + urlencode(params),
        "tilesUrl": settings.TILES_URL,
        "tilesAttribution": settings.TILES_ATTRIBUTION,
        "kinds": dict(AssetKind.choices),
        "text": {
            "details": _("Details in the list"),
            "cluster": _("%(count)s places here, press Enter to zoom in"),
            "mapLabel": _("Map of the search results"),
        },
    }


@require_POST
@link_worker_required
def shortlist_add(request):
    asset = get_object_or_404(
        Asset.objects.visible_to(request.user).published(), pk=request.POST.get("asset")
    )
    shortlist, added = services.shortlist_add(user=request.user, asset=asset)
    if added:
        messages.success(
            request,
            _("Added %(name)s to %(shortlist)s.") % {"name": asset.name, "shortlist": shortlist},
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("shortlist", args=[shortlist.pk])
    return redirect(f"{back}#result-{asset.slug}")


@require_POST
@link_worker_required
def shortlist_new(request):
    shortlist = services.shortlist_create(user=request.user)
    messages.success(request, _("Started a new shortlist. Results you add go on it."))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect("shortlist", shortlist.pk)


@link_worker_required
def shortlist_list(request):
    shortlists = Shortlist.objects.of(request.user).annotate(count=Count("items"))
    return render(request, "assetmap/shortlist_list.html", {"shortlists": shortlists})


def _items(shortlist: Shortlist):
    return shortlist.items.select_related("asset__organisation").prefetch_related("asset__sessions")


@link_worker_required
def shortlist_detail(request, pk):
    """Edit a shortlist (title, notes, order, removal) and share or print it."""
    shortlist = get_object_or_404(Shortlist.objects.of(request.user), pk=pk)
    items = list(_items(shortlist))
    form = ShortlistForm(request.POST or None, instance=shortlist, items=items)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "extend":
            services.shortlist_extend(shortlist=shortlist)
            messages.success(request, _("The link now works until %(date)s.") % _expiry(shortlist))
            return redirect("shortlist", shortlist.pk)
        if action == "new-link":
            services.shortlist_new_link(shortlist=shortlist)
            messages.success(request, _("Made a new link. The old one no longer works."))
            return redirect("shortlist", shortlist.pk)
        if action == "delete":
            services.shortlist_delete(shortlist=shortlist)
            messages.success(request, _("Deleted the shortlist."))
            return redirect("shortlists")
        if form.is_valid():
            services.shortlist_update(
                shortlist=shortlist, title=form.cleaned_data["title"], notes=form.notes()
            )
            return _apply_item_action(request, shortlist, action)
    context = {
        "shortlist": shortlist,
        "form": form,
        "rows": [(item, form.note_field(item)) for item in items],
        "handout": _handout(items),
        "share_url": _share_url(request, shortlist),
        "no_patient_details": NO_PATIENT_DETAILS,
    }
    return render(request, "assetmap/shortlist_detail.html", context)


def _share_url(request, shortlist: Shortlist) -> str:
    return request.build_absolute_uri(reverse("shortlist_shared", args=[shortlist.token]))


def _expiry(shortlist: Shortlist) -> dict:
    return {"date": timezone.localtime(shortlist.expires_at).strftime("%d/%m/%Y")}


def _apply_item_action(request, shortlist: Shortlist, action: str):
    """After saving: "up-<pk>", "down-<pk>" or "remove-<pk>" on one item, if asked."""
    verb, _sep, item_pk = action.partition("-")
    anchor = ""
    if verb in {"up", "down", "remove"} and item_pk.isdigit():
        item = get_object_or_404(ShortlistItem, shortlist=shortlist, pk=int(item_pk))
        if verb == "remove":
            services.shortlist_remove(item=item)
            messages.success(request, _("Removed %(name)s.") % {"name": item.asset.name})
            anchor = "#items"
        else:
            services.shortlist_move(item=item, offset=-1 if verb == "up" else 1)
            anchor = f"#item-{item.pk}"
    else:
        messages.success(request, _("Saved."))
    return redirect(reverse("shortlist", args=[shortlist.pk]) + anchor)


def _handout(items):
    """What the patient gets: the published listings, in order, with their next session."""
    now = timezone.localtime()
    handout = [item for item in items if item.asset.is_published]
    for item in handout:
        item.upcoming = item.asset.next_session(now)
    return handout


@link_worker_required
def shortlist_qr(request, pk):
    shortlist = get_object_or_404(Shortlist.objects.of(request.user), pk=pk)
    svg = services.qr_svg(_share_url(request, shortlist), title=_("QR code of the shared link"))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private"
    return response


def shortlist_shared(request, token):
    """The patient's page: no sign-in, no internal notes, nobody's name. 404 for an
    unknown link, 410 for one that has expired."""
    shortlist = get_object_or_404(Shortlist, token=token)
    if shortlist.is_expired:
        response = render(request, "assetmap/shortlist_expired.html", status=410)
    else:
        context = {"shortlist": shortlist, "handout": _handout(_items(shortlist))}
        response = render(request, "assetmap/shortlist_shared.html", context)
    # The token is the key: never sent on to other sites, never kept by shared caches.
    # ("no-referrer" would also make the browser send "Origin: null" with the page's
    # own forms, the language switcher, which the CSRF check then refuses.)
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
