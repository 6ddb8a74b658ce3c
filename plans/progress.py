"""How far an objective has come: a pure rule over its baseline, target and recorded checkpoints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
NOT_MEASURED = "not_measured"

# Share of the way from the baseline to the checkpoint's target below which an objective is off track.
AT_RISK_FLOOR = Decimal("0.8")

STATUS_LABELS = {
    ON_TRACK: _("On track"),
    AT_RISK: _("At risk"),
    OFF_TRACK: _("Off track"),
    NOT_MEASURED: _("Not measured yet"),
}

BADGES = {
    ON_TRACK: "text-bg-success",
    AT_RISK: "text-bg-warning",
    OFF_TRACK: "text-bg-danger",
    NOT_MEASURED: "text-bg-light border",
}

RULE_TEXT = _(
    "Each objective is judged on its latest checkpoint with an actual value: on track when the actual reaches "
    "that checkpoint's target; at risk when it covers at least 80 % of the way from the baseline to that target; "
    "off track below 80 %. Objectives without any recorded actual are not measured yet."
)


@dataclass(frozen=True)
class Progress:
    status: str
    # Share of the way from the baseline to the final target covered by the latest actual (0–1+), or None.
    completion: Decimal | None
    latest_actual: Decimal | None
    # Share of the way from the baseline to the judged checkpoint's target: what the status says.
    checkpoint_share: Decimal | None = None

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def badge(self) -> str:
        """Bootstrap badge classes; the label always goes with the colour."""
        return BADGES[self.status]

    @property
    def percent(self) -> int | None:
        """Per cent of the way to the final target."""
        return _percent(self.completion)

    @property
    def checkpoint_percent(self) -> int | None:
        """Per cent of the way to the checkpoint the status judges against."""
        return _percent(self.checkpoint_share)


def _percent(share: Decimal | None) -> int | None:
    return None if share is None else int((share * 100).to_integral_value())


def _share(*, baseline: Decimal, target: Decimal, actual: Decimal) -> Decimal:
    """Share of the way from baseline to target; works for falling targets too (e.g. fewer incidents)."""
    if target == baseline:
        return Decimal(1) if actual >= target else Decimal(0)
    return (actual - baseline) / (target - baseline)


def objective_progress(
    *, baseline: Decimal, target: Decimal, checkpoints: list[tuple[Decimal, Decimal | None]]
) -> Progress:
    """`checkpoints` are (target, actual) pairs in date order; actual None means not recorded yet."""
    recorded = [(cp_target, actual) for cp_target, actual in checkpoints if actual is not None]
    if not recorded:
        return Progress(NOT_MEASURED, None, None)
    cp_target, actual = recorded[-1]
    reached = _share(baseline=baseline, target=cp_target, actual=actual)
    if reached >= 1:
        status = ON_TRACK
    elif reached >= AT_RISK_FLOOR:
        status = AT_RISK
    else:
        status = OFF_TRACK
    return Progress(status, _share(baseline=baseline, target=target, actual=actual), actual, reached)


LINE_RULE_TEXT = _(
    "An objective on a product line reads its actual from the revenue by line of its account or subsidiary: "
    "the year of its due date, or the latest year with data before it. That figure is judged on the latest "
    "checkpoint due in or before that year, else on the final target. Without revenue on the line, it is not "
    "measured yet."
)


def line_objective_progress(
    *,
    baseline: Decimal,
    target: Decimal,
    checkpoints: list[tuple[date, Decimal]],
    actual: Decimal | None,
    year: int | None,
) -> Progress:
    """Progress of a "win line X at Y" objective from one year's revenue on the line (None: no data, not 0).

    `checkpoints` are (due date, target) pairs in date order; their hand-recorded actuals are not used, the
    revenue by line is the one source of the actual.
    """
    if actual is None or year is None:
        return Progress(NOT_MEASURED, None, None)
    judged = [cp_target for due_on, cp_target in checkpoints if due_on.year <= year]
    return objective_progress(
        baseline=baseline, target=target, checkpoints=[(judged[-1] if judged else target, actual)]
    )
