"""The staff's "Import & export" page. Imports (assetmap.import_views) and exports
(assetmap.export_views) each have their own pages; this one lists both."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from assetmap import jobs, roles
from assetmap.export_forms import ExportForm
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
            "export_form": ExportForm(),
        },
    )


@staff_page
def job_progress(request, pk):
    """The polling end of a job's progress bar (static/assetmap/js/job-progress.js)."""
    job = get_object_or_404(DataJob, pk=pk)
    return JsonResponse(jobs.progress_of(job))
