"""Load the demo portfolio and demo users; safe to run again (idempotent)."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kam.demo import DEMO_ADMIN_TOTP_SECRET, DEMO_PASSWORD, DEMO_STEPS, DEMO_USERS, seed_admin_two_factor, seed_users


class Command(BaseCommand):
    help = "Load a realistic demo portfolio and the demo users (refused when DEBUG is off)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo creates users with a known password: it runs only with DEBUG on.")
        users = seed_users()
        seed_admin_two_factor(user=users["admin"])
        for _order, step in DEMO_STEPS:
            module_name, function_name = step.split(":")
            result = getattr(import_module(module_name), function_name)(users=users)
            self.stdout.write(f"{step}: {result}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in at http://127.0.0.1:8000/login/ as:"))
        for username, _first, _last, role in DEMO_USERS[:4]:  # one per role
            self.stdout.write(f"  {username:<12} / {DEMO_PASSWORD}   ({role.label})")
        self.stdout.write(
            f"  The administrator also gives a code: add the secret {DEMO_ADMIN_TOTP_SECRET} to an authenticator "
            f"app, or run `oathtool --totp -b {DEMO_ADMIN_TOTP_SECRET}` (demo only)."
        )
