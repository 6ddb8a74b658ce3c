"""/healthz answers fast whatever the broker does: its state comes from a short, cached check."""

from __future__ import annotations

import time

import pytest

from kam import views

pytestmark = pytest.mark.django_db


def test_healthz_answers_within_100_ms_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6390/0"  # nothing listens there
    client.get("/healthz")  # the first request's connection setup is not what is measured
    views.cache.clear()
    started = time.perf_counter()
    response = client.get("/healthz")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "unavailable"}
    assert elapsed < 0.1, f"/healthz took {elapsed:.3f} s"


def test_a_broker_that_hangs_is_probed_once_per_cache_period(client, settings, monkeypatch):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6390/0"
    probes = []

    def slow_probe(url):
        probes.append(url)
        time.sleep(views.BROKER_PROBE_TIMEOUT)  # the longest a probe may take
        return "unavailable"

    monkeypatch.setattr(views, "_broker_probe", slow_probe)
    timings = []
    for _request in range(5):
        started = time.perf_counter()
        assert client.get("/healthz").json()["broker"] == "unavailable"
        timings.append(time.perf_counter() - started)
    assert len(probes) == 1
    assert max(timings) < 0.1 and max(timings[1:]) < 0.02


def test_the_probe_gives_up_on_a_silent_broker_within_its_timeout():
    import socket

    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        started = time.perf_counter()
        assert views._broker_probe(f"redis://127.0.0.1:{port}/0") == "unavailable"
        assert time.perf_counter() - started < 0.1 + views.BROKER_PROBE_TIMEOUT
