"""The Celery application; tasks are discovered in each app's tasks.py.

Routing and limits per queue: "heavy" (segmentation, PDFs, imports) and the default "light" queue
(mail, digests, reminders, notifications, the outbox); see KAM_TASK_QUEUES in the settings.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")

app = Celery("kam")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def task_queue(name: str) -> str:
    """The queue a task is published to: its entry in KAM_TASK_QUEUES, else the default (light) queue."""
    from django.conf import settings

    return settings.KAM_TASK_QUEUES.get(name, settings.CELERY_TASK_DEFAULT_QUEUE)


def route_task(name: str, args: Any, kwargs: Any, options: dict, task: Any = None, **kw: Any) -> dict | None:
    """Celery router (CELERY_TASK_ROUTES): heavy tasks to their queue; an explicit `queue=` still wins."""
    from django.conf import settings

    queue = settings.KAM_TASK_QUEUES.get(name)
    return {"queue": queue} if queue else None


class QueueAnnotations:
    """Celery annotations (CELERY_TASK_ANNOTATIONS): each task gets the time limits of its queue."""

    def annotate(self, task: Any) -> dict[str, Any]:
        from django.conf import settings

        if task.name in settings.KAM_HEAVY_TASKS:
            return {
                "soft_time_limit": settings.CELERY_TASK_SOFT_TIME_LIMIT,
                "time_limit": settings.CELERY_TASK_TIME_LIMIT,
            }
        return {
            "soft_time_limit": settings.KAM_LIGHT_SOFT_TIME_LIMIT,
            "time_limit": settings.KAM_LIGHT_TIME_LIMIT,
            "default_retry_delay": 60,
        }
