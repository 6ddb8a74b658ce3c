"""A request id on every log line: taken from X-Request-ID (or made), sent back, carried into the tasks it enqueues.

Infrastructure, not domain flow: Celery's before_task_publish signal copies the current id into the
message headers and task_prerun puts it back in the worker, so one id follows a click to its e-mails.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
CELERY_HEADER = "kam_request_id"
# An id from a proxy or client is kept only when it is short and plain (it ends up in logs).
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
access_logger = logging.getLogger("kam.requests")


def current_request_id() -> str:
    return request_id_var.get()


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id_var.get()
        return True


class RequestIdMiddleware:
    """Sets the request's id, answers it in X-Request-ID and logs one line per request (method, path, status, ms)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        request_id = given if _ACCEPTABLE.match(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        request.request_id = request_id  # type: ignore[attr-defined]
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            access_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


@before_task_publish.connect(dispatch_uid="kam_request_id_publish")
def _request_id_into_message(headers: dict | None = None, **kwargs: Any) -> None:
    request_id = request_id_var.get()
    if request_id and headers is not None:
        headers.setdefault(CELERY_HEADER, request_id)


@task_prerun.connect(dispatch_uid="kam_request_id_prerun")
def _request_id_from_message(task: Any = None, **kwargs: Any) -> None:
    if task is None or task.request.is_eager:
        return  # run inside the request itself: its id is already set
    request_id_var.set(getattr(task.request, CELERY_HEADER, None) or "")


@task_postrun.connect(dispatch_uid="kam_request_id_postrun")
def _request_id_forget(task: Any = None, **kwargs: Any) -> None:
    if task is not None and not task.request.is_eager:
        request_id_var.set("")
