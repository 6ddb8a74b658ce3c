"""Load the demo portfolio and demo users; safe to run again (idempotent)."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kam.demo import DEMO_PASSWORD, DEMO_USERS, seed_users

# Each app adds its demo content by appending "<app>.demo:<function>" here;
# every function takes users=... and runs after the ones before it.
DEMO_STEPS = [
    "accounts.demo:seed_accounts",
    "scoring.demo:seed_scoring",
    "accounts.demo_maps:seed_maps",
    "plans.demo:seed_plans",
    "plans.demo_reviews:seed_reviews",
    "surveys.demo:seed_surveys",
]


class Command(BaseCommand):
    help = "Load a realistic demo portfolio and the demo users (refused when DEBUG is off)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo creates users with a known password: it runs only with DEBUG on.")
        users = seed_users()
        for step in DEMO_STEPS:
            module_name, function_name = step.split(":")
            result = getattr(import_module(module_name), function_name)(users=users)
            self.stdout.write(f"{step}: {result}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in at http://127.0.0.1:8000/login/ as:"))
        for username, _first, _last, role in DEMO_USERS[:4]:  # one per role
            self.stdout.write(f"  {username:<12} / {DEMO_PASSWORD}   ({role.label})")
