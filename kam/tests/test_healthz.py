"""/healthz answers whatever the broker does: its state comes from a short, cached check.

How fast it answers is measured by `make bench`, not here: a loaded CI machine must not fail these.
"""

from __future__ import annotations

import time

import pytest

from kam import views

pytestmark = pytest.mark.django_db


def test_healthz_says_alive_and_reports_an_unreachable_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6390/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "unavailable"}


def test_a_broker_that_hangs_is_probed_once_per_cache_period(client, settings, monkeypatch):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6390/0"
    probes = []

    def slow_probe(url):
        probes.append(url)
        time.sleep(views.BROKER_PROBE_TIMEOUT)  # the longest a probe may take
        return "unavailable"

    monkeypatch.setattr(views, "_broker_probe", slow_probe)
    for _request in range(5):
        assert client.get("/healthz").json()["broker"] == "unavailable"
    assert len(probes) == 1  # the four later requests read the cached state and wait for nothing


def test_the_probe_gives_up_on_a_silent_broker_within_its_timeout():
    import socket

    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        started = time.perf_counter()
        assert views._broker_probe(f"redis://127.0.0.1:{port}/0") == "unavailable"
        # Without its timeouts the probe would wait forever; the bound is loose on purpose (a busy machine).
        assert time.perf_counter() - started < 25 * views.BROKER_PROBE_TIMEOUT
