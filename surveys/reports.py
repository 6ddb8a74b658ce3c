"""Turn the analytics frames into rows and labels the pages show (no queries here)."""

from __future__ import annotations

import math

import pandas as pd
from django.utils.translation import gettext_lazy as _

from accounts.models import Segment, Tier
from surveys.analytics import DIMENSIONS
from surveys.models import Dimension
from surveys.services import alert_text

SPLIT_LABELS = {
    "both": _("Satisfied with the product and with the relationship"),
    "product_only": _("Satisfied with the product, not with the relationship"),
    "relationship_only": _("Satisfied with the relationship, not with the product"),
    "neither": _("Dissatisfied with both the product and the relationship"),
    "unknown": _("Not enough answers to tell"),
    "too_few": _("Not enough answers yet"),
}
SPLIT_BADGES = {
    "both": "text-bg-success",
    "product_only": "text-bg-warning",
    "relationship_only": "text-bg-warning",
    "neither": "text-bg-danger",
    "unknown": "text-bg-light border",
    "too_few": "text-bg-light border",
}
DIMENSION_LABELS = dict(Dimension.choices)


def clean(value):
    """NaN and numpy scalars as plain Python for templates: None for missing."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def result_row(row: pd.Series) -> dict:
    data = {key: clean(value) for key, value in row.items()}
    split = data.get("split") or "unknown"
    data["split_label"] = SPLIT_LABELS[split]
    if split == "too_few":
        data["split_label"] = _("Not enough answers yet (%(answered)s of the %(needed)s needed)") % {
            "answered": data.get("responded") or 0,
            "needed": data.get("needed") or 0,
        }
    data["split_badge"] = SPLIT_BADGES[split]
    data["dimensions"] = [(DIMENSION_LABELS[d], data.get(d)) for d in DIMENSIONS]
    return data


def campaign_rows(frame: pd.DataFrame, names: dict[int, str]) -> list[dict]:
    rows = []
    for account_id, row in frame.iterrows():
        data = result_row(row)
        data |= {"account_id": account_id, "name": names.get(account_id, "")}
        rows.append(data)
    return sorted(rows, key=lambda r: r["name"])


def alert_rows(alerts: pd.DataFrame, names: dict[int, str], campaigns: dict[int, str] | None = None) -> list[dict]:
    return [
        {
            "campaign_id": int(row.campaign_id),
            "campaign": (campaigns or {}).get(int(row.campaign_id), ""),
            "account_id": int(row.account_id),
            "name": names.get(int(row.account_id), ""),
            "kind": row.kind,
            "text": alert_text(row.kind, clean(row.value)),
        }
        for row in alerts.itertuples()
    ]


def summary_rows(summary: pd.DataFrame, by: str) -> list[dict]:
    labels = dict(Segment.choices) if by == "segment" else dict(Tier.choices)
    return [
        {"label": labels.get(key) or _("Not set"), **{k: clean(v) for k, v in row.items()}}
        for key, row in summary.iterrows()
    ]
