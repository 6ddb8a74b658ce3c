"""Sharing's panel on the plan page, its lines in the plan's history, and the dashboard's card."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import Account
from kam.history import Change
from plans.models import IN_FORCE, AccountPlan
from sharing.access import can_manage_sharing
from sharing.models import EventKind, PlanShare, ProposalStatus, ShareEvent


def share_panel(request: HttpRequest, plan: AccountPlan) -> dict[str, Any] | None:
    """Who of the customer was invited and read the plan; hidden when the plan is neither shared nor shareable."""
    share = PlanShare.objects.filter(plan=plan).first()
    if share is None and not (plan.status in IN_FORCE and can_manage_sharing(request.user, plan)):
        return None
    invitations = list(share.invitations.select_related("contact")) if share else []
    pending = share.proposals.filter(status=ProposalStatus.PENDING).count() if share else 0
    return {"plan": plan, "share": share, "invitations": invitations, "pending": pending}


def share_history(plan: AccountPlan, limit: int) -> list[Change]:
    """What the customer did (and we answered) on the shared plan, as lines of the plan's history."""
    events = ShareEvent.objects.filter(share__plan=plan).select_related("contact", "user", "action", "objective")
    changes = []
    for event in events.order_by("-created_at", "-id")[:limit]:
        if event.contact_id and event.kind in (
            EventKind.OPENED,
            EventKind.COMMENTED,
            EventKind.ACTION_DONE,
            EventKind.PROPOSED,
        ):
            who = _("%(name)s (customer)") % {"name": event.contact}
        else:
            who = str(event.user or _("system"))
        what = _("Shared plan: %(what)s") % {"what": event.get_kind_display()}
        subject = event.action or event.objective
        if event.contact_id and event.user_id:
            what = f"{what} — {event.contact}"
        fields = [(_("About"), "", str(subject))] if subject else []
        if event.text:
            fields.append((_("Text"), "", event.text[:200]))
        changes.append(Change(event.created_at, who, what, fields))
    return changes


def shared_plans_read(*, accounts: QuerySet[Account], limit: int = 10) -> list[dict[str, Any]]:
    """Plans shared with the customer on these accounts: contacts invited, how many read it, when last."""
    shares = (
        PlanShare.objects.filter(plan__account__in=accounts)
        .annotate(
            invited=Count("invitations", filter=Q(invitations__revoked_at=None)),
            read=Count("invitations", filter=Q(invitations__first_opened_at__isnull=False)),
            last_read=Max("invitations__last_opened_at"),
        )
        .filter(invited__gt=0)
        .select_related("plan__account")
        .order_by(F("last_read").desc(nulls_last=True), "plan__account__name")[:limit]
    )
    return [
        {
            "plan": share.plan,
            "account": share.plan.account,
            "invited": share.invited,
            "read": share.read,
            "last_read": share.last_read,
        }
        for share in shares
    ]
