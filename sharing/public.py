"""What the customer's page shows of a shared plan: only what was shared, never our internal view."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from plans.content import _label, objective_rows
from sharing.models import EventKind, ShareInvitation


def shared_plan_context(*, invitation: ShareInvitation) -> dict[str, Any]:
    """The page's content, built from an allowlist: sections shared, objectives and actions shared."""
    share = invitation.share
    plan = share.plan
    sections = [(_label(field), getattr(plan, field)) for field in share.shared_sections if getattr(plan, field)]
    objectives = share.objectives.order_by("position", "id").prefetch_related("checkpoints")
    shared_objectives = set(share.objectives.values_list("pk", flat=True))
    customer_ids = set(share.customer_actions.values_list("pk", flat=True))
    actions = [
        {
            "id": a.pk,
            "title": a.title,
            "due_on": a.due_on,
            "status": a.get_status_display(),
            "done": a.status == "done",
            "customer_side": a.pk in customer_ids,
            # The objective's name only when that objective is shared too.
            "objective": a.objective.title if a.objective is not None and a.objective_id in shared_objectives else "",
        }
        for a in share.actions.select_related("objective").order_by("due_on", "id")
    ]
    rows = [
        {
            "id": row["objective"].pk,
            "title": row["objective"].title,
            "metric": row["objective"].custom_metric or row["objective"].get_metric_display(),
            "baseline": row["objective"].baseline,
            "target": row["objective"].target,
            "due_on": row["objective"].due_on,
            "progress": row["progress"],
            # The bar's width in tenths, within 0–10 whatever the actual (a CSS class: no inline style).
            "bar": max(0, min(10, round((row["progress"].percent or 0) / 10))),
            "checkpoints": [
                {"label": c.label, "due_on": c.due_on, "target": c.target, "actual": c.actual}
                for c in row["checkpoints"]
            ],
        }
        for row in objective_rows(objectives)
    ]
    comments = [
        {"who": str(e.contact or ""), "when": e.created_at, "text": e.text}
        for e in share.events.filter(kind=EventKind.COMMENTED).select_related("contact").order_by("created_at")
    ]
    proposals = [
        {"title": p.title, "due_on": p.due_on, "status": p.get_status_display(), "who": str(p.contact or "")}
        for p in share.proposals.select_related("contact").order_by("created_at")
    ]
    return {
        "organisation": settings.KAM_ORGANISATION_NAME or "KAM",  # unset: the product speaks for itself
        "plan_title": plan.title,
        "customer_name": plan.account.name,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "contact_name": invitation.contact.name,
        "sections": sections,
        "objectives": rows,
        "actions": actions,
        "comments": comments,
        "proposals": proposals,
    }
