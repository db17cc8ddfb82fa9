"""The staff's "Import & export" page. Imports (assetmap.import_views) and exports
(assetmap.export_views) each have their own pages; this one lists both."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from assetmap import roles
from assetmap.models import DataJob, JobKind

RECENT_JOBS = 10


def staff_page(view):
    """Only network leads and superusers import and export listings."""

    @wraps(view)
    def staff_only(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles.is_staff_member(request.user):
            return render(request, "assetmap/data/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return staff_only


@staff_page
def index(request):
    jobs = DataJob.objects.select_related("created_by")
    return render(
        request,
        "assetmap/data/index.html",
        {
            "import_jobs": jobs.filter(kind=JobKind.IMPORT)[:RECENT_JOBS],
            "export_jobs": jobs.filter(kind=JobKind.EXPORT)[:RECENT_JOBS],
        },
    )
