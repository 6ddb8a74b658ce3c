"""Key-status overrides: managers propose from the account page, sponsors and administrators decide."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_editable_account
from scoring.access import get_decidable_override, get_withdrawable_override, require_reader
from scoring.forms import OverrideDecisionForm, OverrideProposalForm
from scoring.models import KeyOverride, OverrideStatus
from scoring.services import OverrideRefused, override_decide, override_propose, override_withdraw


def override_list(request: HttpRequest) -> HttpResponse:
    """What awaits the user's decision, their own proposals, and the overrides in force."""
    require_reader(request)
    user = request.user
    related = ("account", "proposed_by", "decided_by")
    to_decide = KeyOverride.objects.decidable_by(user).filter(status=OverrideStatus.PROPOSED).select_related(*related)
    context = {
        "to_decide": [
            (o, OverrideDecisionForm(initial={"expires_on": o.expires_on}, prefix=f"o{o.pk}")) for o in to_decide
        ],
        "mine": KeyOverride.objects.filter(Q(proposed_by=user) | Q(account__owner=user)).select_related(*related)[:50],
        "in_force": KeyOverride.objects.in_force().select_related(*related).order_by("expires_on")[:200],
    }
    return render(request, "scoring/overrides.html", context)


def override_propose_view(request: HttpRequest, account_pk: int) -> HttpResponse:
    account = get_editable_account(request, account_pk)
    form = OverrideProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            override_propose(account=account, by=request.user, **form.cleaned_data)
        except OverrideRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Proposal sent for approval."))
            return redirect(account)
    return render(request, "scoring/override_propose.html", {"account": account, "form": form})


@require_POST
def override_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    override = get_decidable_override(request, pk)
    form = OverrideDecisionForm(request.POST, prefix=f"o{override.pk}")
    if not form.is_valid():
        messages.error(request, _("Enter a valid end date."))
        return redirect("scoring:overrides")
    try:
        override_decide(override=override, approve="approve" in request.POST, by=request.user, **form.cleaned_data)
    except OverrideRefused as refused:
        messages.error(request, f"{override.account.name}: {refused.message}")
    else:
        messages.success(request, _("Decision recorded for %(account)s.") % {"account": override.account.name})
    return redirect("scoring:overrides")


@require_POST
def override_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    override = get_withdrawable_override(request, pk)
    try:
        override_withdraw(override=override, by=request.user)
    except OverrideRefused as refused:
        messages.error(request, refused.message)
    return redirect("scoring:overrides")
