"""Our side of a shared plan: what is shared, whom we invited and when they read it, the customer's proposals."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plans.models import IN_FORCE, AccountPlan
from sharing import services
from sharing.access import (
    can_manage_sharing,
    get_decidable_proposal,
    get_editable_invitation,
    get_plan_for_sharing,
    get_plan_for_sharing_editor,
)
from sharing.forms import DecideForm, InviteForm, ShareForm
from sharing.models import PlanShare, ProposalStatus


def _context(request: HttpRequest, plan: AccountPlan, **forms) -> dict:
    share = PlanShare.objects.filter(plan=plan).first()
    can_manage = can_manage_sharing(request.user, plan)
    initial = {}
    if share is not None:
        initial = {
            "sections": share.shared_sections,
            "objectives": share.objectives.all(),
            "actions": share.actions.all(),
            "customer_actions": share.customer_actions.all(),
        }
    return {
        "plan": plan,
        "share": share,
        "shareable": plan.status in IN_FORCE,
        "can_manage": can_manage,
        "form": forms.get("form") or (ShareForm(plan=plan, initial=initial) if can_manage else None),
        "invite_form": forms.get("invite_form") or (InviteForm(plan=plan) if can_manage and share else None),
        "invitations": share.invitations.select_related("contact") if share else [],
        "proposals": share.proposals.select_related("contact", "decided_by") if share else [],
        "events": share.events.select_related("contact", "user")[:50] if share else [],
        "pending": ProposalStatus.PENDING,
    }


def share_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """Read by whoever reads the plan; changed by its key account manager or an administrator."""
    if request.method == "POST":
        plan = get_plan_for_sharing_editor(request, pk)
        form = ShareForm(request.POST, plan=plan)
        if form.is_valid():
            try:
                services.share_update(
                    plan=plan,
                    sections=form.cleaned_data["sections"],
                    objective_ids=[o.pk for o in form.cleaned_data["objectives"]],
                    action_ids=[a.pk for a in form.cleaned_data["actions"]],
                    customer_action_ids=[a.pk for a in form.cleaned_data["customer_actions"]],
                    by=request.user,
                )
            except services.ShareRefused as refused:
                messages.error(request, refused.message)
            else:
                messages.success(request, _("What the customer sees is saved."))
            return redirect("sharing:manage", pk=plan.pk)
        return render(request, "sharing/manage.html", _context(request, plan, form=form))
    plan = get_plan_for_sharing(request, pk)
    return render(request, "sharing/manage.html", _context(request, plan))


@require_POST
def share_invite(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_sharing_editor(request, pk)
    share = PlanShare.objects.filter(plan=plan).first()
    if share is None:
        messages.error(request, _("Choose what is shared before inviting anyone."))
        return redirect("sharing:manage", pk=plan.pk)
    form = InviteForm(request.POST, plan=plan)
    if not form.is_valid():
        return render(request, "sharing/manage.html", _context(request, plan, invite_form=form))
    try:
        services.invitation_create(share=share, contact=form.cleaned_data["contact"], by=request.user)
    except services.ShareRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Invitation sent to %(name)s.") % {"name": form.cleaned_data["contact"]})
    return redirect("sharing:manage", pk=plan.pk)


@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_editable_invitation(request, pk)
    services.invitation_resend(invitation=invitation, by=request.user)
    messages.success(
        request, _("A new link was sent to %(name)s; the old one no longer works.") % {"name": invitation.contact}
    )
    return redirect("sharing:manage", pk=invitation.share.plan_id)


@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_editable_invitation(request, pk)
    services.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, _("The link of %(name)s no longer works.") % {"name": invitation.contact})
    return redirect("sharing:manage", pk=invitation.share.plan_id)


@require_POST
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_decidable_proposal(request, pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or decline the proposal."))
        return redirect("sharing:manage", pk=proposal.share.plan_id)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.proposal_decide(
            proposal=proposal, by=request.user, accept=accept, customer_side=form.cleaned_data["side"] != "ours"
        )
    except services.ShareRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("Proposal accepted: it is now an action of the plan.") if accept else _("Proposal declined.")
        )
    return redirect("sharing:manage", pk=proposal.share.plan_id)
