"""'Why this score': an account's latest result, criterion by criterion, for its 360° page."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from kam.texts import bilingual
from scoring.models import AccountScore, KeyOverride, KeyRule, OverrideStatus, RunStatus
from scoring.sources import raw_value_text


@dataclass
class CriterionLine:
    name: str
    axis: str
    raw: float | None
    normalised: float | None
    weight_share: float
    points: float | None
    # Set when the account had no value and the policy filled one in: says what stands in for the data.
    filled: str = ""
    # The raw value with its unit ("2,984,501 EUR", "12.5 %"), in the reader's number format.
    raw_text: str = "—"


FILLED_LABELS = {
    "median": _("median of the portfolio, no data"),
    "zero": _("worst score, no data"),
}


def latest_explanation(account: Account) -> dict | None:
    """The latest finished run's result for the account, with one line per criterion (one query)."""
    score = (
        AccountScore.objects.filter(account=account, run__status=RunStatus.DONE)
        .select_related("run", "override__proposed_by", "override__decided_by", "inherited_from")
        .order_by("-run__finished_at")
        .first()
    )
    if score is None:
        return None
    criteria = score.run.config.get("criteria", [])
    details = score.criterion_details([c["key"] for c in criteria])
    total_weight = sum(c["weight"] for c in criteria) or 1
    lines = [
        CriterionLine(
            name=bilingual(c["name"], c.get("name_fr", "")),
            axis=c["axis"],
            raw=details.get(c["key"], {}).get("raw"),
            normalised=details.get(c["key"], {}).get("norm"),
            weight_share=round(100 * c["weight"] / total_weight, 1),
            points=details.get(c["key"], {}).get("points"),
            filled=_filled_label(c, details.get(c["key"], {})),
            raw_text=raw_value_text(details.get(c["key"], {}).get("raw"), c.get("source", "")),
        )
        for c in criteria
    ]
    thresholds = score.run.config.get("thresholds", {})
    return {
        "score": score,
        "lines": lines,
        "thresholds": thresholds,
        "key_rule": _key_rule_label(thresholds),
        "missing": score.missing_names(criteria) if not score.scored else [],
        "filled_weight": thresholds.get("filled_weight"),
        "has_filled": any(line.filled for line in lines),
        "override": score.override,
        "pending_override": KeyOverride.objects.filter(account=account, status=OverrideStatus.PROPOSED).first(),
    }


def _filled_label(criterion: dict, detail: dict) -> str:
    if detail.get("raw") is not None or detail.get("norm") is None:
        return ""
    return str(FILLED_LABELS.get(criterion.get("missing", ""), ""))


def _key_rule_label(thresholds: dict) -> str:
    rule = thresholds.get("key_accounts", KeyRule.GOLD)
    label = str(KeyRule(rule).label) if rule in KeyRule.values else rule
    if rule == KeyRule.SCORE:
        return f"{label} {thresholds.get('key_score')}"
    if rule == KeyRule.TOP_N:
        return f"{label} (N = {thresholds.get('key_top_n')})"
    return label
