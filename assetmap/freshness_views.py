"""The page a "still running?" email links to. No sign-in: the signed link is the
permission. GET only asks (email scanners fetch links before people click them);
an answer is a POST from the page's buttons."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from assetmap import freshness

YES, NO = "yes", "no"


@never_cache
@require_http_methods(["GET", "POST"])
def still_running(request, token):
    try:
        link = freshness.still_running_link_open(token)
    except freshness.LinkRefused as refused:
        return _refused(request, refused)
    if request.method == "GET":
        return _question(request, link)
    answer = request.POST.get("answer")
    if answer not in {YES, NO}:
        return _question(request, link, _("Choose one of the two answers."), status=400)
    try:
        if answer == YES:
            asset = freshness.still_running_confirm(token=token)
            return render(request, "assetmap/freshness/still_running_yes.html", {"asset": asset})
        freshness.still_running_deny(token=token)
    except freshness.LinkRefused as refused:
        return _refused(request, refused)
    except ValidationError as error:
        return _question(request, link, " ".join(error.messages), status=400)
    return render(request, "assetmap/freshness/still_running_no.html", {"asset": link.asset})


def _question(request, link, error: str = "", status: int = 200):
    context = {"asset": link.asset, "error": error}
    return render(request, "assetmap/freshness/still_running.html", context, status=status)


def _refused(request, refused: freshness.LinkRefused):
    context = {"message": refused.message, "asset": refused.asset}
    return render(request, "assetmap/freshness/link_refused.html", context, status=refused.status)
