"""How a worker's import or export tells the page how far it has got.

The task reports progress through the Celery result backend (Redis), not the
database: an import commits in one transaction, which the page's connection could not
see into until the end. The page polls `progress_of(job)` as JSON."""

from celery import current_task
from celery.result import AsyncResult
from django.utils import timezone

from assetmap.exchange_models import DataJob, JobStatus

# Reporting every row would cost a Redis write each; a hundred steps look smooth.
STEPS = 100
FINISHED = {JobStatus.PREVIEWED, JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED}


class ProgressReporter:
    """`reporter.advance(done)` from inside a task; it writes at most ~STEPS times."""

    def __init__(self, total: int):
        self.total = total
        self.every = max(1, total // STEPS)
        self._last = -1

    def advance(self, done: int) -> None:
        if done - self._last < self.every and done != self.total:
            return
        self._last = done
        task = current_task
        # A proxy, never None: it is falsy outside a task (a shell, a command).
        if task and task.request.id and not task.request.is_eager:
            task.update_state(state="PROGRESS", meta={"done": done, "total": self.total})


def job_start(job: DataJob, *, status: JobStatus, task_id: str) -> None:
    """Mark `job` as running in `status` under the Celery task `task_id`."""
    job.status = status
    job.task_id = task_id
    job.error = ""
    job.save(update_fields=["status", "task_id", "error", "updated_at"])


def job_finish(job: DataJob, *, status: JobStatus, report: dict | None = None, error="") -> None:
    job.status = status
    if report is not None:
        job.report = report
    job.error = error
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "report", "error", "finished_at", "updated_at"])


def progress_of(job: DataJob) -> dict:
    """What the page shows: the job's status, and how many rows of how many are done
    while a task runs (None when the total is not known yet)."""
    done = total = None
    if job.status not in FINISHED and job.task_id:
        result = AsyncResult(job.task_id)
        if result.state == "PROGRESS" and isinstance(result.info, dict):
            done, total = result.info.get("done"), result.info.get("total")
    return {
        "status": job.status,
        "label": str(job.get_status_display()),
        "done": done,
        "total": total,
        "finished": job.status in FINISHED,
    }
