"""Health pages: the portfolio's health, an account's risk register, a risk, the playbooks' log."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import can_edit_account, get_account_for_user, get_editable_account
from accounts.models import Account
from health.access import can_edit_risk, get_editable_playbook_action, get_editable_risk, get_risk_for_user
from health.cards import health_card_context
from health.forms import RiskForm
from health.models import HealthSnapshot, PlaybookFiring, Risk
from health.reports import slipping_accounts
from health.services import playbook_action_complete, risk_save


def portfolio(request: HttpRequest) -> HttpResponse:
    """The visible portfolio's weakest and slipping accounts, from the latest weekly snapshot."""
    accounts = Account.objects.visible_to(request.user)
    if not request.user.has_any_role():
        raise PermissionDenied
    latest = HealthSnapshot.objects.order_by("-week").values_list("week", flat=True).first()
    weakest = []
    if latest is not None:
        weakest = list(
            HealthSnapshot.objects.filter(week=latest, score__isnull=False, account__in=accounts)
            .select_related("account")
            .order_by("score", "account__name")[:20]
        )
    context = {
        "week": latest,
        "weakest": weakest,
        "slipping": slipping_accounts(accounts=accounts, today=latest or None, n=20),
    }
    return render(request, "health/portfolio.html", context)


def account_health(request: HttpRequest, pk: int) -> HttpResponse:
    """The health card's content: the fragment for the account page (htmx), else a page of its own."""
    account = get_account_for_user(request, pk)
    context = health_card_context(account=account, can_edit=can_edit_account(request.user, account))
    template = "health/_card_body.html" if request.htmx else "health/card_page.html"
    return render(request, template, context)


def risk_list(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for_user(request, pk)
    risks = Risk.objects.filter(account=account).select_related("owner", "firing__playbook")
    context = {"account": account, "risks": risks, "can_edit": can_edit_account(request.user, account)}
    return render(request, "health/risk_list.html", context)


def risk_create(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_editable_account(request, pk)
    risk = Risk(account=account, owner=account.owner or request.user)
    form = RiskForm(request.POST or None, instance=risk, account=account)
    if request.method == "POST" and form.is_valid():
        risk_save(risk=form.save(commit=False), by=request.user, actions=list(form.cleaned_data["mitigation_actions"]))
        messages.success(request, _("Risk “%(title)s” opened.") % {"title": risk.title})
        return redirect("health:risks", pk=account.pk)
    status = 422 if form.is_bound else 200
    return render(request, "health/risk_form.html", {"form": form, "account": account}, status=status)


def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    risk = get_risk_for_user(request, pk)
    if request.method == "POST":
        risk = get_editable_risk(request, pk)
    form = RiskForm(request.POST or None, instance=risk, account=risk.account)
    if request.method == "POST" and form.is_valid():
        risk_save(risk=form.save(commit=False), by=request.user, actions=list(form.cleaned_data["mitigation_actions"]))
        messages.success(request, _("Risk saved."))
        return redirect("health:risks", pk=risk.account_id)
    context = {"form": form, "account": risk.account, "risk": risk, "can_edit": can_edit_risk(request.user, risk)}
    return render(request, "health/risk_form.html", context, status=422 if form.is_bound else 200)


def firing_log(request: HttpRequest) -> HttpResponse:
    """Every playbook firing on the accounts the user reads, newest first."""
    if not request.user.has_any_role():
        raise PermissionDenied
    firings = PlaybookFiring.objects.visible_to(request.user).select_related("playbook", "account")
    page = Paginator(firings, 50).get_page(request.GET.get("page"))
    return render(request, "health/firing_log.html", {"page": page})


@require_POST
def playbook_action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_editable_playbook_action(request, pk)
    playbook_action_complete(action=action)
    messages.success(request, _("“%(title)s” done.") % {"title": action.title})
    return redirect(request.POST.get("next") if request.POST.get("next") == "/" else action.account.get_absolute_url())
