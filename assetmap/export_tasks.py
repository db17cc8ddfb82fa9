"""Celery tasks for export work: large exports (assetmap.exporting) and the nightly
clean-up of old export files."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from assetmap import exporting
from assetmap.exchange_models import DataJob, JobKind, JobStatus

# Worth another try: the database or the disk failing for a moment. Anything else is
# a bug that would fail the same way again, so the job is marked failed at once.
PASSING_FAILURES = (DatabaseError, OSError)
MAX_RETRIES = 5


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=PASSING_FAILURES,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def export_assets(self, job_id: int) -> None:
    """Write export job `job_id`'s file. Safe to run twice (see exporting.export_job_run):
    a job already done is left as it is."""
    job = DataJob.objects.filter(pk=job_id, kind=JobKind.EXPORT).first()
    if job is None or job.status in (JobStatus.DONE, JobStatus.CANCELLED):
        return
    try:
        exporting.export_job_run(job, task_id=self.request.id or "")
    except PASSING_FAILURES as error:
        if self.request.retries >= self.max_retries:
            exporting.export_job_fail(job, error=str(error))
        raise
    except Exception as error:
        exporting.export_job_fail(job, error=str(error))
        raise


@shared_task(acks_late=True, autoretry_for=PASSING_FAILURES, retry_backoff=True, max_retries=3)
def delete_old_exports() -> int:
    """Delete exports older than settings.EXPORT_KEEP_DAYS, with their files."""
    before = timezone.now() - dt.timedelta(days=settings.EXPORT_KEEP_DAYS)
    return exporting.exports_delete_old(before=before)
