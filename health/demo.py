"""Demo health: a payment issue, a champion gone, a detractor decision maker, each acted on by its playbook;
a risk with a mitigation action; and eight weeks of health history in which a few accounts slip.

The past weeks are generated from this week's figures (the product keeps history only from the day it runs):
each account keeps its level, give or take a few points, and the accounts hit by the demo's events were
healthier four weeks ago, so the trend chart and the slipping list have something to show.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.events import account_event
from accounts.models import Account, Attitude, BuyingRole, Contact, Interaction, InteractionKind
from health.frames import week_of
from health.models import Playbook, Risk, RiskCategory, Trigger
from health.playbooks import _detractors_detected, playbook_fire
from health.services import health_weekly, snapshots_write
from kam.models import User
from plans.models import Action

HISTORY_WEEKS = 8
DEMO_SUMMARY = "Invoice 2026-114 unpaid for 60 days; finance has put deliveries on hold."


def _payment_issue(account: Account, users: dict[str, User]) -> None:
    if Interaction.objects.filter(account=account, kind=InteractionKind.PAYMENT_ISSUE, summary=DEMO_SUMMARY).exists():
        return
    interaction = Interaction.objects.create(
        account=account,
        kind=InteractionKind.PAYMENT_ISSUE,
        summary=DEMO_SUMMARY,
        department="Finance",
        author=users["contributor"],
    )
    account_event(kind="interaction_logged", account=account, by=users["contributor"], interaction=interaction)


def _champion_leaves(account: Account, users: dict[str, User]) -> None:
    people = Contact.objects.filter(account=account, is_active=True).filter(
        Q(buying_role=BuyingRole.CHAMPION) | Q(attitude=Attitude.CHAMPION) | Q(buying_role=BuyingRole.DECISION_MAKER)
    )
    contact = people.order_by("-buying_role", "pk").first()
    if contact is None:
        return
    contact.is_active = False
    contact.save(update_fields=["is_active"])
    account_event(kind="contact_left", account=account, by=account.owner, contact=contact)


def _detractors(today: date) -> None:
    """The surveys demo's detractor decision makers answered weeks ago: act on them as the weekly job would have."""
    found = _detractors_detected(date(2000, 1, 1))
    accounts = Account.objects.select_related("owner", "service_manager", "executive_sponsor").in_bulk(
        {d.account_id for d in found}
    )
    for playbook in Playbook.objects.filter(is_active=True, trigger=Trigger.DETRACTOR).prefetch_related("steps"):
        for detected in found:
            playbook_fire(
                playbook=playbook, account=accounts[detected.account_id], key=detected.key, reason=detected.reason,
                today=today,
            )  # fmt: skip


def _risk_with_mitigation(account: Account, users: dict[str, User]) -> None:
    if Risk.objects.filter(account=account, category=RiskCategory.COMPETITOR).exists():
        return
    risk = Risk.objects.create(
        account=account,
        title="A competitor courts purchasing with a 10 % discount",
        category=RiskCategory.COMPETITOR,
        likelihood=3,
        impact=4,
        owner=account.owner or users["manager"],
        mitigation="Show the unbilled services at the next review; propose the logistics partnership.",
        review_on=timezone.localdate() + timedelta(days=30),
        created_by=account.owner or users["manager"],
    )
    action = Action.objects.filter(plan__account=account).order_by("due_on").first()
    if action is not None:
        risk.mitigation_actions.add(action)


def _history(today: date, slipping: set[int]) -> None:
    """Past weekly snapshots, generated once from this week's (see the module's docstring)."""
    from health.models import HealthSnapshot

    week = week_of(today)
    if HealthSnapshot.objects.filter(week__lt=week).exists():
        return
    current = pd.Series(dict(HealthSnapshot.objects.filter(week=week).values_list("account_id", "score")), dtype=float)
    rng = np.random.default_rng(19)
    for back in range(HISTORY_WEEKS, 0, -1):
        noise = pd.Series(rng.integers(-3, 4, len(current)), index=current.index).astype(float)
        past = current + noise
        recovering = past.index.isin(list(slipping))
        # The accounts hit by this week's events were 20–30 points healthier a month ago.
        past[recovering] = past[recovering] + np.where(back >= 2, 20 + back, 5)
        snapshots_write(health=past.clip(0, 100).round(1), week=week - timedelta(weeks=back))


def seed_health(*, users: dict[str, User]) -> str:
    today = timezone.localdate()
    manager = users["manager"]
    key = Account.objects.filter(is_key=True).select_related("owner", "service_manager", "executive_sponsor")
    mine = list(key.filter(owner=manager).order_by("-last_year_revenue")[:6]) or list(key.order_by("pk")[:6])
    if len(mine) < 3:
        return "health: not enough key accounts"
    payment, champion, risky = mine[0], mine[1], mine[2]
    if payment.service_manager_id is None:
        payment.service_manager = users["tom"]
        payment.save(update_fields=["service_manager"])
    with transaction.atomic():
        _payment_issue(payment, users)
        if not Contact.objects.filter(account=champion, is_active=False).exists():
            _champion_leaves(champion, users)
        _detractors(today)
        _risk_with_mitigation(risky, users)
    result = health_weekly(today=today)
    _history(today, {payment.pk, champion.pk})
    return f"health: {result['accounts']} accounts snapshotted, {result['fired']} playbook firings this week"
