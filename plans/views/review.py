"""Review meetings: record and edit one, read it, update its actions; an account's cadence; what is due."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import can_edit_account, get_editable_account
from accounts.models import Account
from plans.access import get_review_for_user
from plans.forms import ActionStatusForm
from plans.models import Action, ActionStatus, Review, ReviewCadence, UnbilledService
from plans.review_forms import AccountCadenceForm, FollowUpFormSet, ReviewDueFilterForm, ReviewForm
from plans.review_services import FollowUp, account_cadence_set, review_current_plan, review_save
from plans.reviews import CADENCE_RULE_TEXT, reviews_due


def _review_form_page(request: HttpRequest, account: Account, review: Review) -> HttpResponse:
    plan = review_current_plan(account=account)
    data = request.POST if request.method == "POST" else None
    initial = {}
    if review.pk is None:
        # Highlight by default what was given since the last review (everything, before the first one).
        last = account.reviews.order_by("-held_on").values_list("held_on", flat=True).first()
        recent = plan.unbilled_services.all() if plan else UnbilledService.objects.none()
        recent = recent.filter(given_on__gt=last) if last else recent
        initial = {"our_attendees": [request.user], "highlighted_services": list(recent)}
        if request.GET.get("type"):
            initial["review_type"] = request.GET["type"]
    form = ReviewForm(data, instance=review, account=account, plan=plan, initial=initial)
    follow_ups = FollowUpFormSet(data, prefix="followup")
    if data is not None and form.is_valid() and follow_ups.is_valid():
        review = form.save(commit=False)
        review_save(
            review=review,
            by=request.user,
            our_attendees=form.cleaned_data["our_attendees"],
            their_attendees=form.cleaned_data["their_attendees"],
            services=form.cleaned_data["highlighted_services"],
            follow_ups=[FollowUp(**row) for row in follow_ups.cleaned_data if row.get("title")],
        )
        messages.success(request, _("Review recorded."))
        return redirect(review)
    context = {"form": form, "follow_ups": follow_ups, "account": account, "review": review, "plan": plan}
    return render(request, "plans/review_form.html", context, status=422 if data is not None else 200)


def review_create(request: HttpRequest, account_pk: int) -> HttpResponse:
    account = get_editable_account(request, account_pk)
    return _review_form_page(request, account, Review(account=account))


def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for_user(request, pk)
    account = get_editable_account(request, review.account_id)
    return _review_form_page(request, account, review)


def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for_user(request, pk)
    can_edit = can_edit_account(request.user, review.account)
    actions = list(review.actions.select_related("owner", "plan"))
    context = {
        "review": review,
        "account": review.account,
        "our_attendees": review.our_attendees.order_by("first_name", "username"),
        "their_attendees": review.their_attendees.order_by("name"),
        "services": list(review.highlighted_services.all()),
        "actions": [(a, can_edit or a.owner_id == request.user.pk) for a in actions],
        "action_statuses": ActionStatus.choices,
        "can_edit": can_edit,
    }
    context["services_total"] = sum(s.estimated_value for s in context["services"])
    return render(request, "plans/review_detail.html", context)


@require_POST
def review_action_status(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """The account's key account manager, or the action's owner, updates a follow-up action."""
    review = get_review_for_user(request, pk)
    action = get_object_or_404(Action.objects.filter(review=review), pk=action_pk)
    if not (action.owner_id == request.user.pk or can_edit_account(request.user, review.account)):
        raise PermissionDenied
    form = ActionStatusForm(request.POST, instance=action)
    if form.is_valid():
        form.save()
        messages.success(request, _("Action updated."))
    return redirect(f"{review.get_absolute_url()}#actions")


def account_cadence_edit(request: HttpRequest, account_pk: int) -> HttpResponse:
    account = get_editable_account(request, account_pk)
    rules = {r.review_type: r for r in ReviewCadence.objects.filter(segment=account.segment)}
    initial = {c.review_type: c.every_months for c in account.review_cadences.all()}
    form = AccountCadenceForm(request.POST or None, initial=initial, segment_rules=rules)
    if request.method == "POST" and form.is_valid():
        account_cadence_set(account=account, every_months=form.cleaned_data)
        messages.success(request, _("Review cadence saved."))
        return redirect(f"{account.get_absolute_url()}#reviews")
    context = {"form": form, "account": account, "rule_text": CADENCE_RULE_TEXT}
    return render(request, "plans/review_cadence.html", context)


def _my_accounts(user) -> QuerySet[Account]:
    """The accounts a user looks after: all for administrators, sponsored ones for sponsors, run ones for managers."""
    if user.is_administrator:
        return Account.objects.all()
    if user.is_executive_sponsor:
        return Account.objects.filter(executive_sponsor=user)
    return Account.objects.editable_by(user)


def review_due_list(request: HttpRequest) -> HttpResponse:
    default_scope = "all" if request.user.is_administrator or request.user.is_contributor else "mine"
    form = ReviewDueFilterForm(request.GET or None, initial={"scope": default_scope, "when": "7"})
    filters = form.cleaned_data if form.is_valid() else {}
    scope = filters.get("scope") or default_scope
    accounts = Account.objects.visible_to(request.user) if scope == "all" else _my_accounts(request.user)
    if filters.get("segment"):
        accounts = accounts.filter(segment=filters["segment"])
    if filters.get("owner"):
        accounts = accounts.filter(owner=filters["owner"])
    when = filters.get("when") or "7"
    within_days = 0 if when == "overdue" else int(when)
    due = reviews_due(accounts=accounts.select_related("owner", "executive_sponsor"), within_days=within_days)
    if when == "overdue":
        due = [d for d in due if d.is_overdue]
    if filters.get("review_type"):
        due = [d for d in due if d.review_type == filters["review_type"]]
    page = Paginator(due, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": form,
        "query": query.urlencode(),
        "overdue_count": sum(1 for d in due if d.is_overdue),
        "today": timezone.localdate(),
        "soon": timezone.localdate() + timedelta(days=7),
    }
    return render(request, "plans/review_list.html", context)
