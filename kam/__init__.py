"""KAM project package: settings, URLs, the Celery app, users and roles, layout."""

from kam.celery import app as celery_app

__all__ = ("celery_app",)
