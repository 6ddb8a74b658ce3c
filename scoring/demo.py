"""Demo scoring model: the three axes of the KAM literature, manual ratings, two past runs."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from django.utils import timezone

from accounts.models import Account
from kam.models import User
from scoring.models import Criterion, KeyOverride, Rating, SegmentationRun
from scoring.services import (
    override_decide,
    override_propose,
    segmentation_execute,
    segmentation_make_current,
    segmentation_run_request,
)

DEFAULT_CRITERIA = [
    # name, axis, weight, source, higher is better, rubric (0, 5, 10)
    ("Revenue of the financial year", "value", 25, "last_year_revenue", True, None),
    ("Share of wallet", "value", 10, "share_of_wallet", True, None),
    ("Revenue growth", "potential", 15, "revenue_growth", True, None),
    ("Untapped headroom", "potential", 20, "headroom", True, None),
    (
        "Cultural fit",
        "fit",
        10,
        "manual",
        True,
        ("Opposite ways of working", "Workable", "Same values, easy to work together"),
    ),
    ("Solvency", "fit", 10, "manual", True, ("Payment incidents", "Pays late at times", "Always pays on time")),
    (
        "Image and prescription power",
        "image",
        10,
        "manual",
        True,
        ("Unknown in its market", "Known locally", "Opinion leader others follow"),
    ),
]


# The same criteria in French (name, rubric 0, 5, 10): stored beside the English, shown to French readers.
FRENCH_CRITERIA = {
    "Revenue of the financial year": ("Chiffre d’affaires de l’exercice", None),
    "Share of wallet": ("Part de portefeuille", None),
    "Revenue growth": ("Croissance du chiffre d’affaires", None),
    "Untapped headroom": ("Potentiel inexploité", None),
    "Cultural fit": (
        "Compatibilité culturelle",
        ("Façons de travailler opposées", "Compatible", "Mêmes valeurs, travail en commun facile"),
    ),
    "Solvency": ("Solvabilité", ("Incidents de paiement", "Paie parfois en retard", "Paie toujours à l’heure")),
    "Image and prescription power": (
        "Image et pouvoir de prescription",
        ("Inconnu sur son marché", "Connu localement", "Leader d’opinion que les autres suivent"),
    ),
}


def _french_wording_fill() -> None:
    """Give the default criteria their French wording where none was written (demo databases seeded before)."""
    for criterion in Criterion.objects.filter(name__in=FRENCH_CRITERIA, name_fr=""):
        name_fr, rubric = FRENCH_CRITERIA[criterion.name]
        criterion.name_fr = name_fr
        if rubric and not (criterion.rubric_low_fr or criterion.rubric_mid_fr or criterion.rubric_high_fr):
            criterion.rubric_low_fr, criterion.rubric_mid_fr, criterion.rubric_high_fr = rubric
        criterion.save()


def seed_default_criteria() -> list[Criterion]:
    """The default model, created once; administrators change it afterwards."""
    if Criterion.objects.exists():
        _french_wording_fill()
        return list(Criterion.objects.all())
    for position, (name, axis, weight, source, higher, rubric) in enumerate(DEFAULT_CRITERIA):
        Criterion.objects.create(
            name=name,
            axis=axis,
            weight=weight,
            source=source,
            higher_is_better=higher,
            position=position,
            normalisation="fixed" if source == "manual" else "percentile",
            rubric_low=rubric[0] if rubric else "",
            rubric_mid=rubric[1] if rubric else "",
            rubric_high=rubric[2] if rubric else "",
        )
    _french_wording_fill()
    return list(Criterion.objects.all())


def seed_scoring(*, users: dict[str, User]) -> str:
    criteria = seed_default_criteria()
    manual = [c for c in criteria if c.is_manual]
    rng = np.random.default_rng(11)
    rated = set(Rating.objects.values_list("account_id", "criterion_id"))
    accounts = list(Account.objects.order_by("pk").values_list("pk", "owner_id"))
    Rating.objects.bulk_create(
        [
            Rating(
                account_id=pk,
                criterion=criterion,
                value=int(rng.integers(2, 11)),
                rated_by_id=owner,
                justification="Assessed at the last account review.",
            )
            for pk, owner in accounts
            for criterion in manual
            if (pk, criterion.pk) not in rated
        ]
    )
    runs_needed = max(0, 2 - SegmentationRun.objects.filter(status="done").count())
    for number in range(runs_needed):
        if number == 1:
            _rising_accounts(manual)
            _demo_overrides(users)
        segmentation_execute(run=segmentation_run_request(by=users["admin"]))
    # Re-seeding resets the register's initial key list: the latest run's results stay the current ones.
    latest = SegmentationRun.objects.filter(status="done").order_by("-finished_at").first()
    if latest is not None:
        segmentation_make_current(run=latest)
    return f"{len(criteria)} criteria, {SegmentationRun.objects.count()} runs"


def _rising_accounts(manual: list[Criterion]) -> None:
    """Between the two demo runs, a few mid-table accounts get better ratings, so the demo shows migrations."""
    rising = list(Account.objects.filter(is_key=False, score__isnull=False).order_by("-score")[:8])
    Rating.objects.filter(account__in=rising, criterion__in=manual).update(
        value=10, justification="New management, strong partnership signals at the last review."
    )


def _demo_overrides(users: dict[str, User]) -> None:
    """One approved inclusion (applies in the next run) and one exclusion awaiting the sponsor."""
    if KeyOverride.objects.exists():
        return
    manager, sponsor = users["manager"], users["sponsor"]
    until = timezone.localdate() + timedelta(days=300)
    candidates = Account.objects.filter(owner=manager).order_by("-score")
    newcomer = candidates.filter(is_key=False).first()
    if newcomer is not None:
        override = override_propose(
            account=newcomer,
            decision="include",
            reason="Opens the hospital-catering market for us: a reference we can show every prospect in the sector.",
            expires_on=until,
            by=manager,
        )
        # A non-key account has no sponsor yet: an administrator decides.
        override_decide(override=override, approve=True, by=users["admin"], comment="Agreed for this year.")
    fading = candidates.filter(is_key=True, executive_sponsor=sponsor).last()
    if fading is not None:
        override_propose(
            account=fading,
            decision="exclude",
            reason="Announced it is moving its purchasing to a central platform we do not serve.",
            expires_on=until,
            by=manager,
        )
