"""The export pages, for network leads only (data_views.staff_page): the form, which
streams a small export at once and sends a large one to the worker; a worker's job
page (progress, then a download link); and the download, checked like every page here
(export files are never served from a public media address)."""

from django.conf import settings
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assetmap import exporting, jobs
from assetmap.data_views import RECENT_JOBS, staff_page
from assetmap.exchange_models import DataJob, JobKind, JobStatus
from assetmap.export_forms import ExportForm


def _recent_exports():
    return DataJob.objects.filter(kind=JobKind.EXPORT).select_related("created_by")[:RECENT_JOBS]


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_page
@require_http_methods(["GET", "POST"])
def export_start(request):
    form = ExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        wanted = exporting.ExportRequest(
            export_format=form.cleaned_data["format"],
            filters=form.filters(),
            base_url=request.build_absolute_uri("/"),
        )
        assets = exporting.assets_for_export(wanted.filters)
        if exporting.export_is_large(assets):
            job = exporting.export_job_create(wanted=wanted, user=request.user)
            return redirect("export-job", pk=job.pk)
        pieces = exporting.export_pieces(wanted.export_format, assets, base_url=wanted.base_url)
        response = StreamingHttpResponse(
            (piece.encode() for piece in pieces),
            content_type=exporting.CONTENT_TYPES[wanted.export_format],
        )
        filename = exporting.export_filename(wanted.export_format, on=timezone.localdate())
        return _attachment(response, filename)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "assetmap/data/export_start.html",
        {"export_form": form, "export_jobs": _recent_exports()},
        status=status,
    )


@staff_page
def export_job(request, pk):
    job = get_object_or_404(
        DataJob.objects.select_related("created_by"), pk=pk, kind=JobKind.EXPORT
    )
    return render(
        request,
        "assetmap/data/export_job.html",
        {
            "job": job,
            "job_finished": job.status in jobs.FINISHED,
            "filters": exporting.filters_described(job),
            "keep_days": settings.EXPORT_KEEP_DAYS,
        },
    )


@staff_page
def export_download(request, pk):
    job = get_object_or_404(DataJob, pk=pk, kind=JobKind.EXPORT, status=JobStatus.DONE)
    if not job.result_file:
        raise Http404
    try:
        content = job.result_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None  # deleted by the clean-up, or lost
    filename = exporting.export_filename(job.format, on=timezone.localdate(job.created_at), job=job)
    response = FileResponse(content, content_type=exporting.CONTENT_TYPES[job.format])
    return _attachment(response, filename)
