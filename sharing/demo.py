"""Demo: the sponsor's running plan shared with two contacts of its account, one of whom read it and answered."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kam.models import User
from plans.models import IN_FORCE, AccountPlan
from sharing.models import ActionProposal, EventKind, PlanShare, ShareEvent, ShareInvitation
from sharing.services import new_token, share_update


def seed_sharing(*, users: dict[str, User]) -> int:
    """Share the demo sponsor's plan in force, once; no e-mail leaves (the links are re-sent from the page)."""
    plan = (
        AccountPlan.objects.filter(status__in=IN_FORCE, account__executive_sponsor=users["sponsor"])
        .select_related("account")
        .first()
    )
    if plan is None or PlanShare.objects.filter(plan=plan).exists():
        return 0
    contacts = list(plan.account.contacts.exclude(email="").filter(is_active=True).order_by("pk")[:2])
    if not contacts:
        return 0
    kam = plan.account.owner or users["manager"]
    actions = list(plan.actions.order_by("due_on", "pk")[:3])
    now = timezone.now()
    with transaction.atomic():
        share = share_update(
            plan=plan,
            sections=["business", "strategy", "shared_goals", "recommendations"],
            objective_ids=list(plan.objectives.values_list("pk", flat=True)),
            action_ids=[a.pk for a in actions],
            customer_action_ids=[a.pk for a in actions[1:2]],
            by=kam,
        )
        for index, contact in enumerate(contacts):
            opened = now - timedelta(days=3) if index == 0 else None
            ShareInvitation.objects.create(
                share=share,
                contact=contact,
                token_hash=new_token()[1],  # no one holds this link: "Send a new link" mails a working one
                expires_at=now + timedelta(days=90),
                created_by=kam,
                sent_at=now - timedelta(days=5),
                first_opened_at=opened,
                last_opened_at=opened,
                open_count=1 if opened else 0,
            )
            ShareEvent.objects.create(
                share=share, kind=EventKind.INVITED, user=kam, contact=contact, created_at=now - timedelta(days=5)
            )
        reader = contacts[0]
        ShareEvent.objects.create(
            share=share, kind=EventKind.OPENED, contact=reader, created_at=now - timedelta(days=3)
        )
        ShareEvent.objects.create(
            share=share,
            kind=EventKind.COMMENTED,
            contact=reader,
            text="Agreed on the forecast; our operations team will join the workshop.",
            created_at=now - timedelta(days=3),
        )
        ActionProposal.objects.create(share=share, contact=reader, title="Visit our new warehouse together")
        ShareEvent.objects.create(
            share=share, kind=EventKind.PROPOSED, contact=reader, text="Visit our new warehouse together"
        )
    return 1
