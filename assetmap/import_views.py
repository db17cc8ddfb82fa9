"""The staff's import pages: upload, follow the check, read the preview, confirm or
cancel, follow the import, read the result. The work runs in a worker
(assetmap/import_tasks.py); these pages start it and show where it is."""

from django.conf import settings
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from assetmap import import_tasks
from assetmap.data_views import staff_page
from assetmap.import_forms import ImportForm
from assetmap.jobs import FINISHED
from assetmap.models import DataJob, JobKind, JobStatus

TEMPLATE = settings.BASE_DIR / "docs" / "import-template.csv"


def _import_job(pk: int) -> DataJob:
    return get_object_or_404(
        DataJob.objects.select_related("created_by"), pk=pk, kind=JobKind.IMPORT
    )


@staff_page
def import_new(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = import_tasks.import_start(
            user=request.user,
            source=data["source"],
            upload=data["upload"],
            url=data["url"] or "",
            file_format=data["file_format"],
            default_status=data["default_status"],
            language=request.LANGUAGE_CODE,
        )
        return redirect("import-job", pk=job.pk)
    return render(request, "assetmap/data/import_new.html", {"form": form})


@staff_page
def import_job(request, pk):
    job = _import_job(pk)
    return render(
        request,
        "assetmap/data/import_job.html",
        {"job": job, "running": job.status not in FINISHED, "report": job.report},
    )


@staff_page
@require_POST
def import_commit(request, pk):
    job = _import_job(pk)
    if job.status == JobStatus.PREVIEWED:
        import_tasks.import_confirm(job=job)
    return redirect("import-job", pk=job.pk)


@staff_page
@require_POST
def import_cancel(request, pk):
    job = import_tasks.import_cancel(job=_import_job(pk))
    return redirect("import-job", pk=job.pk)


@staff_page
def import_template(request):
    return FileResponse(
        TEMPLATE.open("rb"), as_attachment=True, filename="assetmap-import-template.csv"
    )
