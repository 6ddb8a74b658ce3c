"""What the user decides at the mapping step besides columns: unit and currency, credit-note values, deal stages."""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class ImportOptions:
    """The wizard's answers: stored on the batch as JSON, passed to preview and apply."""

    unit: int = Unit.ONE
    currency: str = ""
    # Values of the "credit note flag" column that mean a credit note (compared case-insensitively).
    credit_values: tuple[str, ...] = ()
    # Stage as written in the file -> Outcome; stages not listed are guessed.
    stages: dict[str, str] = field(default_factory=dict)

    @property
    def currency_code(self) -> str:
        return (self.currency or default_currency()).upper()

    @classmethod
    def from_json(cls, data: dict | None) -> ImportOptions:
        data = data or {}
        unit = int(data.get("unit") or Unit.ONE)
        return cls(
            unit=unit if unit in Unit.values else Unit.ONE,
            currency=str(data.get("currency") or ""),
            credit_values=tuple(str(value) for value in data.get("credit_values") or ()),
            stages={str(k): str(v) for k, v in (data.get("stages") or {}).items()},
        )

    def as_json(self) -> dict:
        return {
            "unit": int(self.unit),
            "currency": self.currency,
            "credit_values": list(self.credit_values),
            "stages": dict(self.stages),
        }

    def outcome_of(self, stage: str) -> str:
        return self.stages.get(stage) or guess_stage(stage)
