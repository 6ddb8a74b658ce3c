"""Run a segmentation now, synchronously, and print its summary."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from scoring.models import RunStatus
from scoring.services import RunRefused, segmentation_execute, segmentation_run_request


class Command(BaseCommand):
    help = "Score and segment the whole portfolio now, and print the summary."

    def handle(self, *args, **options) -> None:
        try:
            run = segmentation_run_request()
        except RunRefused as refused:
            raise CommandError(refused.message) from refused
        run = segmentation_execute(run=run)
        if run.status != RunStatus.DONE:
            raise CommandError(f"Run #{run.pk} failed: {run.error}")
        summary = run.summary
        not_scored = summary.get("not_scored", 0)
        scored = summary["accounts"] - not_scored
        message = f"Run #{run.pk}: {scored} accounts scored."
        if not_scored:
            message += f" {not_scored} not scored: too little data."
        self.stdout.write(self.style.SUCCESS(message))
        self.stdout.write(
            f"  key accounts: {summary['key_accounts']} ({summary['entered']} entered, {summary['left']} left)"
        )
        for label in ("segments", "tiers"):
            counts = ", ".join(f"{name} {count}" for name, count in summary[label].items())
            self.stdout.write(f"  {label}: {counts}")
        if summary.get("overrides"):
            self.stdout.write(f"  key status decided by approved overrides: {summary['overrides']}")
        for row in summary.get("over_capacity", []):
            self.stdout.write(
                self.style.WARNING(
                    f"  {row['name']}: {row['count']} key accounts, capacity {summary['capacity']}"
                    f" ({row['count'] - summary['capacity']} over)"
                )
            )
