"""Production mode: refuses to start half-configured, passes Django's deploy checklist."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x7!k2p$9-production-like-secret-key-with-enough-entropy-3f8a1c",
    "ALLOWED_HOSTS": "kam.example.com",
    "DATABASE_URL": "sqlite:////tmp/kam-deploy-check.sqlite3",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean["DJANGO_SETTINGS_MODULE"] = "kam.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_checklist():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_behind_the_tls_proxy_passes_the_deploy_checklist_and_trusts_the_proxies():
    env = {**PRODUCTION_ENV, "BEHIND_TLS_PROXY": "true", "PROXY_COUNT": "2"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    shown = _manage("shell", "-c", "from django.conf import settings; print(settings.KAM_TRUSTED_PROXY_COUNT)", env=env)
    assert shown.stdout.strip().splitlines()[-1] == "2", shown.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "ALLOWED_HOSTS"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_seed_demo_is_refused_in_production():
    result = _manage("seed_demo", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "DEBUG" in result.stderr
