"""Celery tasks for import work."""
