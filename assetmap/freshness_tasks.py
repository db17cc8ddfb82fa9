"""Celery tasks for freshness work (assetmap/freshness.py), run nightly by beat. Both
are idempotent: a rerun, a retry or a redelivered message does no work twice."""

from celery import shared_task

from assetmap import freshness


class RemindersNotAllSent(Exception):
    """Some reminder emails failed. Raised after the others went out, so the task is
    retried, and the retry sends only those (the sent ones are marked)."""


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=6,
)
def send_freshness_reminders() -> dict:
    """Email "is it still running?" about each listing newly stale."""
    run = freshness.freshness_send_reminders()
    if run.emails_failed:
        raise RemindersNotAllSent(f"{run.emails_failed} reminder emails failed: {run.as_dict()}")
    return run.as_dict()


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def move_unconfirmed_to_review() -> int:
    """Move listings nobody confirmed within the grace period to "needs review"."""
    return freshness.freshness_move_unconfirmed()
