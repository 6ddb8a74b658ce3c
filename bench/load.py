"""`make bench-load` (`python -m bench.load`): a bounded load test of `make prod` on the loopback.

For each gunicorn worker count (LOAD_WORKERS, default "1,2,4") it starts deploy/prod.sh (release, gunicorn,
a heavy and a light worker, one beat; DEBUG off, PostgreSQL, Redis), waits for /readyz, then LOAD_USERS
virtual users (default 50) play the four roles' journeys for LOAD_DURATION seconds (default 120), at most
LOAD_MAX_REQUESTS requests (default 200,000). Each user reads a page before the next one: a think time drawn
uniformly between 0 and 2 × LOAD_THINK seconds (default 1 s, as a brisk user; LOAD_THINK=0 for a saturation
test). It prints throughput, errors and p50/p95 per page.

The database is DATABASE_URL (PostgreSQL), seeded with the demo portfolio (seed_demo, idempotent). Each role
signs in once (the administrator with the demo's TOTP code) and its virtual users share that session, so the
figures are about pages, not password hashing. The load generator runs on the same machine and takes CPU
from the server: on a 2-core machine the figures are a floor.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

BASE_DIR = Path(__file__).resolve().parent.parent
USERS = int(os.environ.get("LOAD_USERS", "50"))
DURATION = float(os.environ.get("LOAD_DURATION", "120"))
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "200000"))
SOLO_REPEAT = int(os.environ.get("LOAD_SOLO_REPEAT", "5"))
THINK = float(os.environ.get("LOAD_THINK", "1"))
WORKERS = [int(n) for n in os.environ.get("LOAD_WORKERS", "1,2,4").split(",")]
READY_TIMEOUT = 300
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _manage(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def journey_targets(env: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """(page label, URL) per role, with ids of the demo portfolio that each role may see."""
    code = (
        "import json; from accounts.models import Account; from plans.models import AccountPlan; "
        "from kam.models import User; m = User.objects.get(username='manager'); "
        "a = Account.objects.filter(owner=m, is_key=True).order_by('pk').first() "
        "or Account.objects.filter(owner=m).order_by('pk').first(); "
        "p = AccountPlan.objects.order_by('pk').first(); "
        "print(json.dumps({'account': a.pk, 'plan': p.pk if p else None}))"
    )
    ids = json.loads(_manage("shell", "-c", code, env={**env, "DEBUG": "true"}).strip().splitlines()[-1])
    account, plan = ids["account"], ids["plan"]
    plan_pages = [("plan", f"/plans/{plan}/")] if plan else []
    return {
        "manager": [
            ("worklist", "/"),
            ("register", "/accounts/"),
            ("account 360", f"/accounts/{account}/"),
            ("map", f"/accounts/{account}/map/"),
            ("plans", "/plans/"),
            *plan_pages,
            ("reviews", "/plans/reviews/"),
            ("surveys", "/surveys/"),
        ],
        "sponsor": [
            ("worklist", "/"),
            ("dashboard", "/dashboard/"),
            ("plans", "/plans/"),
            *plan_pages,
            ("overrides", "/scoring/overrides/"),
        ],
        "contributor": [
            ("worklist", "/"),
            ("register", "/accounts/"),
            ("register search", "/accounts/?q=a"),
            ("account 360", f"/accounts/{account}/"),
        ],
        "admin": [
            ("worklist", "/"),
            ("criteria", "/scoring/criteria/"),
            ("runs", "/scoring/runs/"),
            ("dashboard", "/dashboard/"),
            ("register", "/accounts/"),
        ],
    }


def _totp(secret: str) -> str:
    from django_otp.oath import totp

    return f"{totp(base64.b32decode(secret), step=30, digits=6):06d}"


async def sign_in(base: str, username: str) -> httpx.Cookies:
    async with httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as client:
        page = await client.get("/login/")
        token = CSRF.search(page.content).group(1).decode()
        response = await client.post(
            "/login/", data={"username": username, "password": "kam-demo", "csrfmiddlewaretoken": token}
        )
        if response.status_code == 302:  # the administrator is then sent to the second step
            landing = await client.get(response.headers["location"])
            if landing.headers.get("location", "").startswith("/login/verify/"):
                response = landing
        if response.headers.get("location", "").startswith("/login/verify/"):
            page = await client.get(response.headers["location"])
            token = CSRF.search(page.content).group(1).decode()
            from kam.demo import DEMO_ADMIN_TOTP_SECRET

            response = await client.post(
                response.headers["location"], data={"code": _totp(DEMO_ADMIN_TOTP_SECRET), "csrfmiddlewaretoken": token}
            )
        if response.status_code != 302:
            raise RuntimeError(f"{username} could not sign in ({response.status_code})")
        return client.cookies


async def play(base: str, targets: dict[str, list[tuple[str, str]]]) -> tuple[dict, int, float]:
    """Run the virtual users; returns {page: [seconds]}, errors by page, and the elapsed time."""
    roles = list(targets)
    cookies = {role: await sign_in(base, role) for role in roles}
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    sent = 0
    # One user alone first: each page's own time, the yardstick for the figures under load.
    solo: dict[str, list[float]] = defaultdict(list)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for role in roles:
            for label, url in targets[role]:
                for _repeat in range(SOLO_REPEAT):
                    t0 = time.perf_counter()
                    await client.get(url, cookies=cookies[role])
                    solo[f"{role}: {label}"].append(time.perf_counter() - t0)
    limits = httpx.Limits(max_connections=USERS, max_keepalive_connections=USERS)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        started = time.monotonic()
        stop_at = started + DURATION

        async def user(number: int) -> None:
            nonlocal sent
            role = roles[number % len(roles)]
            pages = targets[role]
            step = number  # users start at different points of their journey
            while time.monotonic() < stop_at and sent < MAX_REQUESTS:
                label, url = pages[step % len(pages)]
                step += 1
                sent += 1
                key = f"{role}: {label}"
                t0 = time.perf_counter()
                try:
                    response = await client.get(url, cookies=cookies[role])
                    if response.status_code != 200:
                        errors[key] += 1
                except httpx.HTTPError:
                    errors[key] += 1
                timings[key].append(time.perf_counter() - t0)
                if THINK:
                    await asyncio.sleep(random.uniform(0, 2 * THINK))

        await asyncio.gather(*(user(n) for n in range(USERS)))
        elapsed = time.monotonic() - started
    return {"timings": timings, "errors": errors, "solo": solo}, sent, elapsed


def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def report(workers: int, result: dict, sent: int, elapsed: float) -> str:
    timings, errors = result["timings"], result["errors"]
    everything = [t for values in timings.values() for t in values]
    lines = [
        f"\n== {workers} gunicorn worker(s), {USERS} users (think {THINK:g} s), {elapsed:.0f} s: {sent} requests, "
        f"{sent / elapsed:.1f} req/s, {sum(errors.values())} errors, "
        f"p50 {_percentile(everything, 50) * 1000:.0f} ms, p95 {_percentile(everything, 95) * 1000:.0f} ms "
        f"(machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)",
        f"{'page':<28}{'alone p50':>10}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}",
    ]
    for key in sorted(timings):
        values = timings[key]
        alone = statistics.median(result["solo"][key]) * 1000 if result["solo"].get(key) else float("nan")
        lines.append(
            f"{key:<28}{alone:>10.0f}{len(values):>9}{errors.get(key, 0):>8}"
            f"{_percentile(values, 50) * 1000:>9.0f}{_percentile(values, 95) * 1000:>9.0f}"
        )
    return "\n".join(lines)


def _wait_ready(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("make prod stopped before it was ready")
        try:
            if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError("/readyz did not say ready in time")


def main() -> None:
    # The seeding and `make prod` use the product's settings: the test settings' fast password hasher would
    # store demo passwords that the served app cannot check.
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    if not env.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")) or not env.get("CELERY_BROKER_URL"):
        sys.exit("Set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis): the load test runs `make prod`.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings_test")
    import django

    django.setup()  # for the TOTP helper and the demo's constants only
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request would slow the generator down
    print("Seeding the demo portfolio (idempotent)…", flush=True)
    _manage("migrate", "--no-input", "-v0", env={**env, "DEBUG": "true"})
    _manage("seed_demo", env={**env, "DEBUG": "true"})
    targets = journey_targets(env)
    run_dir = tempfile.mkdtemp(prefix="kam-load-")
    outputs = []
    for workers in WORKERS:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(Path(run_dir) / f"prod-{workers}.log", "w")  # noqa: SIM115 - closed below
        process_env = {**env, "WEB_PORT": str(port), "WEB_CONCURRENCY": str(workers), "LOG_LEVEL": "WARNING"}
        if (BASE_DIR / "staticfiles" / "staticfiles.json").exists():
            process_env["KAM_SKIP_COLLECTSTATIC"] = "true"
        process = subprocess.Popen(
            [BASE_DIR / "deploy" / "prod.sh"],
            env=process_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            print(f"Starting make prod with {workers} gunicorn worker(s) on {base}…", flush=True)
            _wait_ready(base, process)
            result, sent, elapsed = asyncio.run(play(base, targets))
            outputs.append(report(workers, result, sent, elapsed))
            print(outputs[-1], flush=True)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
            log.close()
    print(f"\nLogs of each run in {run_dir}; load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
