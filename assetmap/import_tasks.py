"""Imports as jobs: a staff user starts one (`import_start`), a worker previews it
(`preview_import`), the user confirms (`import_confirm`) and a worker commits it
(`commit_import`), or cancels it (`import_cancel`).

Both tasks are acknowledged late, so a worker that dies mid-task leaves its message
to be delivered again, and both are safe to run twice. The commit holds the job's row
locked for its whole transaction: a second delivery waits, then finds the job done
and does nothing; a delivery after a crash finds it still COMMITTING (the crash
rolled everything back) and runs the whole import again.
"""

import logging
import uuid

from celery import shared_task
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerError

from assetmap import importing, jobs
from assetmap.exchange_models import DataJob, JobFormat, JobKind, JobStatus
from assetmap.models import Status

logger = logging.getLogger(__name__)

# Worth another try later: the database or the feed did not answer.
TRANSIENT = (OperationalError, InterfaceError, BrokerError, importing.FeedUnreachable)
MAX_RETRIES = 5

FILE_CHANGED = _(
    "The file or feed changed after it was checked: start the import again to check it first."
)
UNEXPECTED = _("Something went wrong on our side; nothing was imported. Try again later.")
NOT_READY = _("Only a checked import that is waiting can be imported.")


# --- Services the pages and the command call ------------------------------------------


def import_start(
    *,
    user,
    source: str,
    upload=None,
    url: str = "",
    file_format: str = "",
    default_status: str = Status.DRAFT,
    language: str = "",
) -> DataJob:
    """A new import job for an uploaded file or an ORUK feed's address, and its preview
    queued once the job is saved."""
    if upload is not None and not file_format:
        head = upload.read(4096)
        upload.seek(0)
        file_format = importing.detect_format(upload.name, head)
    job = DataJob(
        kind=JobKind.IMPORT,
        format=JobFormat.OPENREFERRAL if url else file_format,
        source_url=url,
        # The worker writes the report's messages in the language of the person asking.
        options={"source": source, "default_status": default_status, "language": language},
        created_by=user,
        task_id=str(uuid.uuid4()),
    )
    if upload is not None:
        job.options["file_name"] = upload.name
        job.source_file.save(upload.name, upload, save=False)
    job.save()
    task_id = job.task_id
    transaction.on_commit(lambda: preview_import.apply_async((job.pk,), task_id=task_id))
    return job


@transaction.atomic
def import_confirm(*, job: DataJob) -> DataJob:
    """Commit a previewed import: the job shows "Importing" at once, and the task is
    queued with its id known, so the page can follow its progress from the start."""
    job = DataJob.objects.select_for_update().get(pk=job.pk)
    if job.status != JobStatus.PREVIEWED:
        raise ValueError(NOT_READY)
    job.status = JobStatus.COMMITTING
    job.task_id = str(uuid.uuid4())
    job.save(update_fields=["status", "task_id", "updated_at"])
    task_id = job.task_id
    transaction.on_commit(lambda: commit_import.apply_async((job.pk,), task_id=task_id))
    return job


@transaction.atomic
def import_cancel(*, job: DataJob) -> DataJob:
    job = DataJob.objects.select_for_update().get(pk=job.pk)
    if job.status == JobStatus.PREVIEWED:
        jobs.job_finish(job, status=JobStatus.CANCELLED)
    return job


def import_read(job: DataJob) -> tuple[list[importing.Row], list[str], str]:
    """The job's rows, warnings about the file and a digest of what was read."""
    if job.source_url:
        rows, digest = importing.feed_rows(job.source_url)
        return rows, [], digest
    with job.source_file.open("rb") as stream:
        return importing.file_rows(stream.read(), job.format)


def import_job_plan(job: DataJob, *, progress=importing.no_progress) -> importing.ImportPlan:
    rows, warnings, digest = import_read(job)
    return importing.import_plan(
        rows,
        source=job.options["source"],
        digest=digest,
        warnings=warnings,
        default_status=job.options.get("default_status", Status.DRAFT),
        progress=progress,
    )


# --- Tasks -----------------------------------------------------------------------------


class _Progress:
    """importing's progress(done, total) calls, onto one jobs.ProgressReporter counted
    in rows: a commit checks the rows (phase 0), then writes them (phase 1)."""

    def __init__(self, *, phases: int = 1):
        self.phases, self.phase = phases, 0
        self.reporter, self.rows = None, 0

    def __call__(self, done: int, total: int) -> None:
        if self.reporter is None:
            self.rows = total
            self.reporter = jobs.ProgressReporter(total * self.phases)
        share = round(done / total * self.rows) if total else self.rows
        self.reporter.advance(self.phase * self.rows + share)


# Both steps of an import: acknowledged only when done (a worker dying mid-import
# leaves the message to be delivered again), retried with backoff on passing failures.
job_task = shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=MAX_RETRIES,
)


def _give_up_or_retry(task, job_id: int, error: Exception) -> None:
    """Let autoretry try again; after the last try, the job fails with a message."""
    if task.request.retries >= MAX_RETRIES:
        job = DataJob.objects.get(pk=job_id)
        jobs.job_finish(job, status=JobStatus.FAILED, error=str(error) or str(UNEXPECTED))
    raise error


@job_task
def preview_import(self, job_id: int) -> None:
    """Read and check the job's file or feed; store what importing it would do."""
    job = DataJob.objects.get(pk=job_id)
    with translation.override(job.options.get("language") or None):
        _preview(self, job)


def _preview(task, job: DataJob) -> None:
    job_id = job.pk
    if job.status not in (JobStatus.QUEUED, JobStatus.PREVIEWING):
        return  # previewed already: a second delivery of the same message
    jobs.job_start(job, status=JobStatus.PREVIEWING, task_id=task.request.id or job.task_id)
    try:
        plan = import_job_plan(job, progress=_Progress())
    except TRANSIENT as error:
        _give_up_or_retry(task, job_id, error)
    except importing.ImportProblem as problem:
        jobs.job_finish(job, status=JobStatus.FAILED, error=str(problem))
        return
    except Exception:
        logger.exception("Import %s could not be previewed", job_id)
        jobs.job_finish(job, status=JobStatus.FAILED, error=str(UNEXPECTED))
        raise
    jobs.job_finish(job, status=JobStatus.PREVIEWED, report=plan.report())


@job_task
def commit_import(self, job_id: int) -> None:
    """Import every valid row of a confirmed job, all in one transaction or nothing."""
    try:
        with transaction.atomic():
            job = DataJob.objects.select_for_update().get(pk=job_id)
            if job.status != JobStatus.COMMITTING:
                return  # done already, or cancelled
            import_run_commit(job)
    except TRANSIENT as error:
        _give_up_or_retry(self, job_id, error)
    except importing.ImportProblem as problem:
        # Rolled back: mark the job failed in a transaction of its own.
        jobs.job_finish(DataJob.objects.get(pk=job_id), status=JobStatus.FAILED, error=str(problem))
    except DatabaseError as error:
        # A constraint the rows broke after all (a listing added meanwhile, say).
        logger.exception("Import %s was refused by the database", job_id)
        message = f"{UNEXPECTED} ({str(error).splitlines()[0]})"
        jobs.job_finish(DataJob.objects.get(pk=job_id), status=JobStatus.FAILED, error=message)
    except Exception:
        logger.exception("Import %s could not be committed", job_id)
        jobs.job_finish(
            DataJob.objects.get(pk=job_id), status=JobStatus.FAILED, error=str(UNEXPECTED)
        )
        raise


def import_run_commit(job: DataJob) -> dict:
    """Check the job's rows again and write them, inside the caller's transaction (so
    under its lock on the job); the job ends DONE in the same transaction."""
    progress = _Progress(phases=2)
    with translation.override(job.options.get("language") or None):
        plan = import_job_plan(job, progress=progress)
    if plan.digest != job.report.get("digest"):
        raise importing.ImportProblem(FILE_CHANGED)
    progress.phase = 1
    result = importing.import_commit(plan, user=job.created_by, progress=progress)
    jobs.job_finish(job, status=JobStatus.DONE, report={**plan.report(), "result": result})
    return result
