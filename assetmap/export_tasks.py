"""Celery tasks for export work."""
