"""A plan shared with two contacts, and the helpers to read their e-mailed link and code."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core import mail

from accounts.models import Contact
from accounts.tests.factories import AccountFactory, ContactFactory
from kam.models import User
from plans.models import AccountPlan, Action, Objective, PlanStatus
from plans.tests.factories import AccountPlanFactory, ActionFactory, CheckpointFactory, ObjectiveFactory
from sharing.models import PlanShare, ShareInvitation
from sharing.services import invitation_create, share_update

LINK = re.compile(r"https?://[^\s]+/p/([A-Za-z0-9_\-]+)/")
CODE = re.compile(r"\b(\d{6})\b")


@dataclass
class Shared:
    plan: AccountPlan
    share: PlanShare
    objective: Objective
    hidden_objective: Objective
    ours: Action
    theirs: Action
    hidden_action: Action
    alice: Contact
    bob: Contact


def shared_plan(*, manager: User, status: str = PlanStatus.ACTIVE) -> Shared:
    account = AccountFactory(owner=manager, name="Customer Ltd")
    plan = AccountPlanFactory(account=account, status=status, title="Mutual plan 2027")
    objective = ObjectiveFactory(plan=plan, title="Grow the joint revenue")
    CheckpointFactory(objective=objective, actual=130)
    hidden_objective = ObjectiveFactory(plan=plan, title="Internal margin objective")
    ours = ActionFactory(plan=plan, title="Run the joint workshop", objective=objective)
    theirs = ActionFactory(plan=plan, title="Send the forecast")
    hidden_action = ActionFactory(plan=plan, title="Internal escalation call")
    share = share_update(
        plan=plan,
        sections=["business", "shared_goals", "strengths"],
        objective_ids=[objective.pk],
        action_ids=[ours.pk, theirs.pk],
        customer_action_ids=[theirs.pk],
        by=manager,
    )
    alice = ContactFactory(account=account, name="Alice Buyer", email="alice@customer.test", language="fr")
    bob = ContactFactory(account=account, name="Bob User", email="bob@customer.test")
    return Shared(plan, share, objective, hidden_objective, ours, theirs, hidden_action, alice, bob)


def invite(shared: Shared, contact: Contact, *, by: User) -> tuple[ShareInvitation, str]:
    """Invite a contact; returns the invitation and the token read from the e-mail sent."""
    mail.outbox.clear()
    invitation = invitation_create(share=shared.share, contact=contact, by=by)
    return invitation, last_token(contact.email)


def last_token(email: str) -> str:
    message = [m for m in mail.outbox if email in m.to][-1]
    return LINK.search(message.body).group(1)


def last_code(email: str) -> str:
    message = [m for m in mail.outbox if email in m.to and "code" in m.subject.lower()][-1]
    return CODE.search(message.body).group(1)
