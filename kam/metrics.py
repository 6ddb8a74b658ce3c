"""Prometheus metrics for operators: requests and latency, Celery task counts and failures, queue lengths.

prometheus-client directly (not django-prometheus): HTTP metrics need its multiprocess mode to add up
gunicorn's workers (PROMETHEUS_MULTIPROC_DIR, set by deploy/web.sh), and task counts must add up
workers on other machines, which no per-process registry can: workers count into a Redis hash on the
broker (Celery signals), read back at scrape time with the queue lengths.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from celery.signals import task_failure, task_retry, task_success
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

logger = logging.getLogger(__name__)

TASKS_KEY = "kam:metrics:tasks"
_REDIS_TIMEOUT = 0.2

REQUESTS = Counter("kam_http_requests", "HTTP requests answered", ["method", "view", "status"])
LATENCY = Histogram(
    "kam_http_request_duration_seconds",
    "Time to answer a request",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


class MetricsMiddleware:
    """Counts each request by view name (not path: ids would make a series per object) and times it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        view = (match.view_name if match else "") or ("static" if request.path.startswith("/static/") else "unresolved")
        try:
            LATENCY.labels(view).observe(time.perf_counter() - started)
            REQUESTS.labels(request.method or "", view, str(response.status_code)).inc()
        except Exception:  # a full disk in the multiprocess directory must not fail the page
            logger.warning("Could not record request metrics", exc_info=True)
        return response


_redis_clients: dict[str, Any] = {}


def _redis() -> Any:
    """A client to the broker's Redis with short timeouts (one per address), or None (no broker, or not Redis)."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return None
    if url not in _redis_clients:
        import redis

        _redis_clients[url] = redis.Redis.from_url(
            url, socket_connect_timeout=_REDIS_TIMEOUT, socket_timeout=_REDIS_TIMEOUT
        )
    return _redis_clients[url]


def _count_task(sender: Any, state: str) -> None:
    if sender is None or getattr(sender.request, "is_eager", False):
        return
    try:
        client = _redis()
        if client is not None:
            client.hincrby(TASKS_KEY, f"{sender.name}|{state}", 1)
    except Exception:  # the broker away: the task's own outcome matters more than its count
        logger.warning("Could not count task %s", getattr(sender, "name", "?"))


@task_success.connect(dispatch_uid="kam_metrics_success")
def _task_succeeded(sender: Any = None, **kwargs: Any) -> None:
    _count_task(sender, "succeeded")


@task_failure.connect(dispatch_uid="kam_metrics_failure")
def _task_failed(sender: Any = None, **kwargs: Any) -> None:
    _count_task(sender, "failed")


@task_retry.connect(dispatch_uid="kam_metrics_retry")
def _task_retried(sender: Any = None, **kwargs: Any) -> None:
    _count_task(sender, "retried")


class ClusterCollector:
    """Read at scrape time: task counts of every worker, queue lengths, outbox messages waiting."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from kam.health import expected_queues
        from kam.models import OutboxMessage

        tasks = GaugeMetricFamily(
            "kam_celery_tasks_total", "Tasks finished by every worker, by outcome", labels=["task", "state"]
        )
        queues = GaugeMetricFamily("kam_celery_queue_length", "Messages waiting in each queue", labels=["queue"])
        up = GaugeMetricFamily("kam_broker_up", "1 when the broker answered this scrape")
        try:
            client = _redis()
            if client is not None:
                for field, value in sorted(client.hgetall(TASKS_KEY).items()):
                    name, _sep, state = field.decode().rpartition("|")
                    tasks.add_metric([name, state], float(value))
                for queue in expected_queues():
                    queues.add_metric([queue], float(client.llen(queue)))
                up.add_metric([], 1.0)
        except Exception:
            up.add_metric([], 0.0)
        yield tasks
        yield queues
        yield up
        waiting = GaugeMetricFamily("kam_outbox_waiting", "Background work recorded but not yet handed to the broker")
        waiting.add_metric([], float(OutboxMessage.objects.filter(published_at=None, done_at=None).count()))
        yield waiting


def metrics_exposition() -> bytes:
    """The text exposition: HTTP metrics of every process of this machine, then the cluster-wide figures."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        local = CollectorRegistry()
        multiprocess.MultiProcessCollector(local)
        http = generate_latest(local)
    else:
        http = generate_latest(_local_registry())
    cluster = CollectorRegistry()
    cluster.register(ClusterCollector())
    return http + generate_latest(cluster)


def _local_registry() -> CollectorRegistry:
    from prometheus_client import REGISTRY

    return REGISTRY


def metrics_allowed(request: HttpRequest) -> bool:
    """An operator's token (constant-time compare) or a signed-in administrator."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_administrator)


__all__ = ["CONTENT_TYPE_LATEST", "MetricsMiddleware", "metrics_allowed", "metrics_exposition"]
