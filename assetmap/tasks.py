"""Celery looks for an app's tasks in its `tasks` module; Assetmap keeps one module per
kind of work, and importing them here registers their tasks."""

from assetmap import export_tasks, freshness_tasks, import_tasks  # noqa: F401
