"""Imports and exports that run in a Celery worker: one DataJob row per upload or
export, which the page polls for progress and the result. Imported by assetmap.models."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")


class JobFormat(models.TextChoices):
    CSV = "csv", _("CSV spreadsheet")
    GEOJSON = "geojson", _("GeoJSON")
    OPENREFERRAL = "openreferral", _("Open Referral UK JSON")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    PREVIEWING = "previewing", _("Checking the file")
    PREVIEWED = "previewed", _("Checked: ready to import")
    COMMITTING = "committing", _("Importing")
    EXPORTING = "exporting", _("Exporting")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class DataJob(models.Model):
    """One import (preview, then commit) or one export. Progress while a task runs is
    reported through the Celery result backend (`task_id`), because an import commits
    in one transaction that other connections cannot see into; the counts and errors
    it ends with are stored here in `report`."""

    kind = models.CharField(_("kind"), max_length=8, choices=JobKind.choices)
    format = models.CharField(_("format"), max_length=16, choices=JobFormat.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    # Imports: the uploaded file, or the Open Referral feed it reads instead.
    source_file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    source_url = models.URLField(_("feed address"), blank=True, max_length=500)
    # Exports: the file made, and the filters it was made with.
    result_file = models.FileField(_("download"), upload_to="exports/%Y/%m/", blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    # The Celery task now running (or last run) for this job.
    task_id = models.CharField(max_length=64, blank=True)
    # What the preview or commit found: counts, invalid rows with their errors,
    # likely duplicates. Written once per phase, by the task.
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=JobKind.values), name="datajob_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values), name="datajob_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk} ({self.get_status_display()})"
