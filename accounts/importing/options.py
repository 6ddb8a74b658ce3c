"""What the user decides in the wizard besides columns.

Our revenue's unit and currency, credit-note values and deal stages (money files); the company turnover's unit
and currency and the close-match corrections accepted from the preview (accounts files); the saved mapping used.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.importing.fields import normalise_header


class Unit(models.IntegerChoices):
    ONE = 1, _("as written (×1)")
    THOUSAND = 1_000, _("in thousands (×1,000)")
    MILLION = 1_000_000, _("in millions (×1,000,000)")


class Outcome(models.TextChoices):
    WON = "won", _("won: becomes revenue")
    OPEN = "open", _("open: counts in the pipeline")
    LOST = "lost", _("lost: counted and ignored")


# Compared after normalise_header(): "Closed Won", "closed-won" and "CLOSED_WON" are one.
STAGE_GUESSES: dict[str, tuple[str, ...]] = {
    Outcome.WON: (
        "won", "closed won", "closedwon", "win", "signed", "booked", "gagné", "gagne", "signé", "conclu", "remporté",
        "affaire gagnée", "commande", "closed - won", "6 closed won",
    ),
    Outcome.OPEN: (
        "open", "engaging", "prospecting", "prospect", "qualification", "qualified", "needs analysis", "proposal",
        "proposition", "quote", "quoted", "negotiation", "negociation", "négociation", "en cours", "ouvert",
        "ouverte", "devis", "découverte", "discovery", "demo", "pending", "in progress", "commit", "best case",
        "pipeline", "id decision makers", "perception analysis", "value proposition", "proposal/price quote",
    ),
    Outcome.LOST: (
        "lost", "closed lost", "closedlost", "perdu", "perdue", "abandoned", "abandonné", "abandonnée", "cancelled",
        "canceled", "annulé", "no decision", "disqualified", "closed - lost", "refusé",
    ),
}  # fmt: skip
_STAGE_INDEX = {normalise_header(text): outcome for outcome, texts in STAGE_GUESSES.items() for text in texts}


def guess_stage(value: str) -> str:
    """Won, open, lost, or "" when the stage's name says nothing we recognise."""
    key = normalise_header(value)
    if key in _STAGE_INDEX:
        return _STAGE_INDEX[key]
    for outcome, word in ((Outcome.LOST, "lost"), (Outcome.WON, "won"), (Outcome.LOST, "perdu")):
        if word in key:
            return outcome
    return ""


def default_currency() -> str:
    return str(getattr(settings, "KAM_CURRENCY", "EUR") or "EUR").upper()


# Answers worth keeping with a saved mapping: how the CRM's export writes its figures and stages, and
# corrections of its usual typos; not which saved mapping was used.
KEPT_OPTIONS = ("unit", "currency", "credit_values", "stages", "turnover_unit", "turnover_currency", "corrections")


@dataclass(frozen=True)
class ImportOptions:
    """The wizard's answers: stored on the batch as JSON, passed to preview and apply."""

    # Unit and currency of our revenue and the potential (×1, ×1,000, ×1,000,000): amounts are stored in units of 1.
    unit: int = Unit.ONE
    currency: str = ""
    # Values of the "credit note flag" column that mean a credit note (compared case-insensitively).
    credit_values: tuple[str, ...] = ()
    # Stage as written in the file -> Outcome; stages not listed are guessed.
    stages: dict[str, str] = field(default_factory=dict)
    # The customer's own company turnover is kept as reported: its unit (TurnoverUnit) and currency.
    turnover_unit: str = ""
    turnover_currency: str = ""
    # {field: {cell as written: replacement}}: the close-match suggestions the user accepted in the preview.
    corrections: dict[str, dict[str, str]] = field(default_factory=dict)
    saved_mapping: int | None = None
    saved_mapping_name: str = ""

    @property
    def currency_code(self) -> str:
        return (self.currency or default_currency()).upper()

    @classmethod
    def from_json(cls, data: dict | None) -> ImportOptions:
        data = data or {}
        unit = int(data.get("unit") or Unit.ONE)
        saved = data.get("saved_mapping")
        return cls(
            unit=unit if unit in Unit.values else Unit.ONE,
            currency=str(data.get("currency") or ""),
            credit_values=tuple(str(value) for value in data.get("credit_values") or ()),
            stages={str(k): str(v) for k, v in (data.get("stages") or {}).items()},
            turnover_unit=str(data.get("turnover_unit") or ""),
            turnover_currency=str(data.get("turnover_currency") or ""),
            corrections={
                str(name): {str(k): str(v) for k, v in fixes.items()}
                for name, fixes in (data.get("corrections") or {}).items()
            },
            saved_mapping=int(saved) if saved else None,
            saved_mapping_name=str(data.get("saved_mapping_name") or ""),
        )

    def as_json(self) -> dict:
        return {
            "unit": int(self.unit),
            "currency": self.currency,
            "credit_values": list(self.credit_values),
            "stages": dict(self.stages),
            "turnover_unit": self.turnover_unit,
            "turnover_currency": self.turnover_currency,
            "corrections": {name: dict(fixes) for name, fixes in self.corrections.items()},
            "saved_mapping": self.saved_mapping,
            "saved_mapping_name": self.saved_mapping_name,
        }

    def kept_json(self) -> dict:
        """What a saved mapping keeps of these answers (only those given)."""
        data = self.as_json()
        return {key: data[key] for key in KEPT_OPTIONS if data[key] and data[key] != Unit.ONE}

    def with_changes(self, **changes) -> ImportOptions:
        return replace(self, **changes)

    def outcome_of(self, stage: str) -> str:
        return self.stages.get(stage) or guess_stage(stage)
