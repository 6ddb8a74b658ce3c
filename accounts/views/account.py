"""One account: its 360° page, creation and editing, financials, interactions."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.access import (
    can_create_accounts,
    can_edit_account,
    can_log_interactions,
    get_account_and_edit_right,
    get_account_for_user,
    get_editable_account,
)
from accounts.cards import CARDS, BuiltCard, account_card_list, account_todos_html
from accounts.events import account_event
from accounts.financial_year import financial_year_in_use
from accounts.forms import AccountForm, InteractionForm, YearlyFinancialFormSet
from accounts.models import Account
from accounts.services import account_people, account_roles_notify, financials_refresh
from kam.models import name_fields

# What the first paint shows and the to-do builders read (segment, is_key, created_at): the long
# texts (business, goals, notes...) belong to the profile card, which reads the account itself.
FIRST_PAINT_FIELDS = (
    "name", "reference", "lifecycle", "sector", "country", "city", "website", "employees", "company_turnover",
    "company_turnover_unit", "company_turnover_currency", "founded_year", "is_key", "segment", "tier", "score",
    "created_at", "parent__name",
    *name_fields("owner"), *name_fields("service_manager"), *name_fields("executive_sponsor"),
)  # fmt: skip


def _detail_context(request: HttpRequest, account: Account, can_edit: bool) -> dict:
    """The first paint: identity, segment and what needs doing; every card comes after, from its own URL.

    `account` comes from account_detail's read: FIRST_PAINT_FIELDS, and whether it has subsidiaries.
    """
    subsidiaries = []
    if account.has_subsidiaries:
        subsidiaries = list(account.subsidiaries.order_by("name").only("pk", "name", "last_year_revenue", "parent_id"))
    # Most accounts stand alone: no need to walk a group to learn it has no revenue of its own.
    group_revenue = account.group_revenue() if account.parent_id or subsidiaries else None
    return {
        "account": account,
        "subsidiaries": subsidiaries,
        "group_revenue": group_revenue,
        "can_edit": can_edit,
        "todos_html": account_todos_html(request=request, account=account, can_edit=can_edit),
        # Every app's card (score, plan, reviews, satisfaction, profile, contacts...): see accounts.cards.
        "cards": account_card_list(),
        "currency": settings.KAM_CURRENCY,
        "financial_year": financial_year_in_use() if group_revenue is not None else None,
    }


def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    first_paint = (
        Account.objects.select_related("parent", "owner", "service_manager", "executive_sponsor")
        .only(*FIRST_PAINT_FIELDS)
        .annotate(has_subsidiaries=Exists(Account.objects.filter(parent=OuterRef("pk"))))
    )
    account, can_edit = get_account_and_edit_right(request, pk, accounts=first_paint)
    return render(request, "accounts/account_detail.html", _detail_context(request, account, can_edit))


def _interactions_page(request: HttpRequest, account: Account, form: InteractionForm, *, status: int = 200):
    """Without JS, the interactions card on its own page, with the form (and its errors)."""
    card = CARDS["interactions"]
    context = card.build(request, account, can_edit_account(request.user, account)) or {}
    built = BuiltCard(card.key, card.template, context | {"interaction_form": form})
    return render(
        request, "accounts/account_card_page.html", {"account": account, "card": card, "built": built}, status=status
    )


def account_create(request: HttpRequest) -> HttpResponse:
    if not can_create_accounts(request.user):
        raise PermissionDenied
    form = AccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account = form.save()
        account_roles_notify(account=account, before={}, by=request.user)
        messages.success(request, _("Account “%(name)s” created.") % {"name": account.name})
        return redirect(account)
    return render(request, "accounts/account_form.html", {"form": form})


def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_editable_account(request, pk)
    before = account_people(account)
    form = AccountForm(request.POST or None, instance=account, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_roles_notify(account=form.save(), before=before, by=request.user)
        messages.success(request, _("Changes saved."))
        return redirect(account)
    return render(request, "accounts/account_form.html", {"form": form, "account": account})


def account_financials(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_editable_account(request, pk)
    formset = YearlyFinancialFormSet(
        request.POST or None, instance=account, queryset=account.financials.order_by("year")
    )
    if request.method == "POST" and formset.is_valid():
        try:
            with transaction.atomic():
                formset.save()
                financials_refresh(account_ids=[account.pk])
        except IntegrityError:
            # Two rows swapping their years collide inside the save: say so rather than fail.
            formset._non_form_errors = formset.error_class(
                [_("Each year can appear only once; change one row at a time when swapping years.")]
            )
        else:
            messages.success(request, _("Financials saved."))
            return redirect(account)
    return render(request, "accounts/financials_form.html", {"formset": formset, "account": account})


def interaction_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Log an interaction; htmx swaps the form and the timeline in place, without JS the page reloads."""
    account = get_account_for_user(request, pk)
    if not can_log_interactions(request.user):
        raise PermissionDenied
    if request.method != "POST":
        form = InteractionForm(account=account)
        if request.htmx:
            return render(request, "accounts/_interaction_form.html", {"account": account, "interaction_form": form})
        return _interactions_page(request, account, form)
    form = InteractionForm(request.POST, account=account)
    if form.is_valid():
        interaction = form.save(commit=False)
        interaction.account = account
        interaction.author = request.user
        interaction.save()
        account_event(kind="interaction_logged", account=account, by=request.user, interaction=interaction)
        if not request.htmx:
            messages.success(request, _("Interaction logged."))
            return redirect(account)
        form = None
    elif not request.htmx:
        return _interactions_page(request, account, form, status=422)
    context = {
        "account": account,
        "interaction_form": form,
        "can_log": True,
        "interactions": account.interactions.select_related("author", "contact")[:30],
        "logged": form is None,
    }
    return render(request, "accounts/_interactions.html", context)
