"""The read-only Open Referral UK feed (HSDS 3.0, UK profile) at /openreferral/.

Open to anyone: no key, GET, HEAD and OPTIONS only, and `Access-Control-Allow-Origin: *`
on every response, errors included, so a page on any site can read it. It documents
itself through the official ORUK OpenAPI document (`openapi_url` at the root), not
through /api/schema/. The documents are built in assetmap/openreferral.py.
"""

import functools

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from assetmap import openreferral as oruk
from assetmap.models import Asset, Category

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
NOT_FOUND = "Nothing here: check the id, or list what there is first."
METHOD_NOT_ALLOWED = "This feed is read-only: use GET."


def _not_found() -> JsonResponse:
    return JsonResponse({"detail": NOT_FOUND}, status=404)


def feed_endpoint(view):
    """GET and HEAD go to `view`; OPTIONS answers a CORS preflight; anything else is a
    405. A bad query parameter is a 400 naming it. Exempt from CSRF, which would
    otherwise refuse a POST with an HTML 403 before it reached the 405."""

    @csrf_exempt
    @functools.wraps(view)
    def endpoint(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = "*"
            response["Access-Control-Max-Age"] = "86400"
        elif request.method not in ("GET", "HEAD"):
            response = JsonResponse({"detail": METHOD_NOT_ALLOWED}, status=405)
        else:
            try:
                response = view(request, *args, **kwargs)
            except oruk.BadParameter as error:
                response = JsonResponse({error.name: [error.message]}, status=400)
        if response.status_code in (204, 405):
            response["Allow"] = ALLOWED_METHODS
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return endpoint


@feed_endpoint
def root(request):
    return JsonResponse(
        {"version": oruk.VERSION, "profile": oruk.PROFILE_URL, "openapi_url": oruk.OPENAPI_URL}
    )


@feed_endpoint
def services(request):
    assets = oruk.filter_assets(oruk.for_list(Asset.objects.published()), request.GET)
    return JsonResponse(oruk.page_of(assets, request.GET, oruk.service_summary))


@feed_endpoint
def service(request, service_id):
    asset = oruk.published_asset(service_id)
    return JsonResponse(oruk.service_full(asset)) if asset else _not_found()


@feed_endpoint
def service_at_locations(request):
    assets = oruk.for_list(Asset.objects.published().filter(oruk.HAS_PLACE))
    assets = oruk.filter_assets(assets, request.GET)
    return JsonResponse(oruk.page_of(assets, request.GET, oruk.service_at_location_summary))


@feed_endpoint
def taxonomies(request):
    return JsonResponse(oruk.page_of([oruk.taxonomy()], request.GET, lambda item: item))


@feed_endpoint
def taxonomy(request, taxonomy_id):
    if oruk.pk_of("taxonomy", taxonomy_id) != 1:
        return _not_found()
    return JsonResponse(
        oruk.taxonomy(with_terms=Category.objects.order_by("position", "name", "pk"))
    )


@feed_endpoint
def taxonomy_terms(request):
    terms = Category.objects.order_by("position", "name", "pk")
    return JsonResponse(oruk.page_of(terms, request.GET, oruk.taxonomy_term))


@feed_endpoint
def taxonomy_term(request, term_id):
    pk = oruk.pk_of("category", term_id)
    term = Category.objects.filter(pk=pk).first() if pk else None
    return JsonResponse(oruk.taxonomy_term(term)) if term else _not_found()


@feed_endpoint
def not_found(request, rest=""):
    return _not_found()
