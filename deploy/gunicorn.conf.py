"""gunicorn settings for deploy/web.sh; every value can be changed from the environment."""

import os

bind = os.environ.get("BIND", "127.0.0.1:" + os.environ.get("WEB_PORT", "8000"))
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))  # about 1-2 per core: pages are CPU-bound Python
threads = int(os.environ.get("WEB_THREADS", "1"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))  # long work goes to Celery; a page over 30 s is a bug
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, staggered, so slow leaks never add up.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
accesslog = None  # kam.request_id logs one structured line per request, with its id
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server, worker):
    """A dead worker's metric files are merged into the totals, not counted as live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
