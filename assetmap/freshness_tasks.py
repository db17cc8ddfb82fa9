"""Celery tasks for freshness work."""
