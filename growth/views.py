"""Whitespace map pages: an account's (or a group's) grid, one cell's editor, and the peer settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.access import can_edit_account, get_account_for_user
from accounts.models import Account, ProductLine
from growth import analytics
from growth.access import can_edit_peer_settings, get_cell_for_user
from growth.forms import MarkForm, PeerSettingsForm, PotentialForm, size_edges_text
from growth.models import LinePotential, PeerSettings, WhitespaceMark
from growth.services import (
    line_potential_clear,
    line_potential_set,
    peer_settings_update,
    whitespace_mark_clear,
    whitespace_mark_set,
)
from growth.whitespace import current_plan, whitespace_cell, whitespace_map
from plans.line_objectives import line_objective_anchor, line_objectives_on
from plans.models import AccountPlan


@require_safe
def map_view(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for_user(request, pk)
    grid = whitespace_map(account=account, user=request.user)
    return render(request, "growth/whitespace_map.html", {"account": account, "grid": grid})


def _map_url(account: Account, row: Account, line: ProductLine) -> str:
    return f"{reverse('growth:map', args=[account.pk])}#cell-{row.pk}-{line.pk}"


def objective_url(*, account: Account, row: Account, line: ProductLine, plan: AccountPlan | None) -> str:
    """Where an untouched cell becomes an objective of the account's plan (or, without a plan, where one starts)."""
    if plan is None:
        return reverse("plans:create", args=[account.pk])
    # plans serves /plans/<pk>/objectives/new/ with the line and the account it targets filled in.
    return f"/plans/{plan.pk}/objectives/new/?{urlencode({'line': line.pk, 'at': row.pk})}"


def _cell_context(request: HttpRequest, account: Account, row: Account, line: ProductLine, **forms: Any) -> dict:
    mark = WhitespaceMark.objects.filter(account=row, line=line).select_related("marked_by").first()
    potential = LinePotential.objects.filter(account=row, line=line).select_related("entered_by").first()
    cell = whitespace_cell(account=row, line=line)
    can_edit = can_edit_account(request.user, row)
    mark_initial = {"kind": mark.kind, "competitor": mark.competitor} if mark else {}
    potential_initial = {"amount": potential.amount, "reason": potential.reason} if potential else {}
    is_untouched = cell.status == analytics.UNTOUCHED
    targeted = line_objectives_on(cells=[(row.pk, line.pk)], user=request.user) if is_untouched else {}
    objective = targeted.get((row.pk, line.pk))
    # One objective per cell: a cell already targeted links to its objective rather than offer another.
    untouched = is_untouched and objective is None and can_edit_account(request.user, account)
    plan = current_plan(account) if untouched else None
    return {
        "account": account,
        "row": row,
        "line": line,
        "cell": cell,
        "mark": mark,
        "potential": potential,
        "can_edit": can_edit,
        "mark_form": forms.get("mark_form") or MarkForm(initial=mark_initial, prefix="mark"),
        "potential_form": forms.get("potential_form") or PotentialForm(initial=potential_initial, prefix="potential"),
        "objective_url": objective_url(account=account, row=row, line=line, plan=plan) if untouched else None,
        "objective": objective,
        "objective_anchor": line_objective_anchor(objective) if objective else "",
        "has_plan": plan is not None,
        "map_url": _map_url(account, row, line),
    }


def _render_cell(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    template = "growth/_cell_editor.html" if request.htmx else "growth/cell_page.html"
    return render(request, template, context, status=status)


@require_safe
def cell_view(request: HttpRequest, pk: int, row_pk: int, line_pk: int) -> HttpResponse:
    """One cell: what it says and, for whoever may change the row's account, its editor."""
    account, row, line = get_cell_for_user(request, pk, row_pk, line_pk)
    return _render_cell(request, _cell_context(request, account, row, line))


@require_POST
def mark_set_view(request: HttpRequest, pk: int, row_pk: int, line_pk: int) -> HttpResponse:
    account, row, line = get_cell_for_user(request, pk, row_pk, line_pk, edit=True)
    form = MarkForm(request.POST, prefix="mark")
    if not form.is_valid():
        return _render_cell(request, _cell_context(request, account, row, line, mark_form=form), status=422)
    data = form.cleaned_data
    whitespace_mark_set(account=row, line=line, kind=data["kind"], competitor=data["competitor"], by=request.user)
    messages.success(request, _("%(account)s · %(line)s: mark saved.") % {"account": row.name, "line": line.name})
    return redirect(_map_url(account, row, line))


@require_POST
def mark_clear_view(request: HttpRequest, pk: int, row_pk: int, line_pk: int) -> HttpResponse:
    account, row, line = get_cell_for_user(request, pk, row_pk, line_pk, edit=True)
    if whitespace_mark_clear(account=row, line=line, by=request.user):
        messages.success(request, _("%(account)s · %(line)s: mark cleared.") % {"account": row.name, "line": line.name})
    return redirect(_map_url(account, row, line))


@require_POST
def potential_set_view(request: HttpRequest, pk: int, row_pk: int, line_pk: int) -> HttpResponse:
    account, row, line = get_cell_for_user(request, pk, row_pk, line_pk, edit=True)
    form = PotentialForm(request.POST, prefix="potential")
    if not form.is_valid():
        return _render_cell(request, _cell_context(request, account, row, line, potential_form=form), status=422)
    data = form.cleaned_data
    line_potential_set(account=row, line=line, amount=data["amount"], reason=data["reason"], by=request.user)
    messages.success(request, _("%(account)s · %(line)s: potential saved.") % {"account": row.name, "line": line.name})
    return redirect(_map_url(account, row, line))


@require_POST
def potential_clear_view(request: HttpRequest, pk: int, row_pk: int, line_pk: int) -> HttpResponse:
    account, row, line = get_cell_for_user(request, pk, row_pk, line_pk, edit=True)
    if line_potential_clear(account=row, line=line, by=request.user):
        messages.success(
            request, _("%(account)s · %(line)s: potential cleared.") % {"account": row.name, "line": line.name}
        )
    return redirect(_map_url(account, row, line))


def peer_settings_view(request: HttpRequest) -> HttpResponse:
    """How peers are found for the estimated potentials (administrators)."""
    if not can_edit_peer_settings(request.user):
        raise PermissionDenied
    current = PeerSettings.load()
    initial = {
        "size_basis": current.size_basis,
        "size_edges": size_edges_text(current.size_edges),
        "min_peers": current.min_peers,
    }
    form = PeerSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        peer_settings_update(**form.cleaned_data, by=request.user)
        messages.success(request, _("Peer settings saved."))
        return redirect("growth:peers")
    status = 422 if form.is_bound else 200
    return render(request, "growth/peer_settings.html", {"form": form}, status=status)
