"""The plan list, one plan's page, its sections, its workflow and its approved versions."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_editable_account
from plans.access import (
    can_approve_plan,
    can_edit_plan,
    get_approvable_plan,
    get_editable_plan,
    get_plan_for_user,
)
from plans.content import objective_rows, plan_sections, plan_with_content
from plans.forms import (
    ActionForm,
    CheckpointForm,
    CommentForm,
    ObjectiveForm,
    PlanDatesForm,
    PlanFilterForm,
    PlanSectionsForm,
    ResourceForm,
    UnbilledServiceForm,
    plan_people,
)
from plans.history import plan_changes
from plans.models import AccountPlan, ActionStatus, PlanStatus
from plans.panels import plan_panels
from plans.progress import LINE_RULE_TEXT, RULE_TEXT
from plans.services import (
    PlanRefused,
    plan_approve,
    plan_comment_add,
    plan_create,
    plan_default_dates,
    plan_revise,
    plan_send_back,
    plan_start_next,
    plan_submit,
)


def plan_list(request: HttpRequest) -> HttpResponse:
    plans = AccountPlan.objects.visible_to(request.user).select_related("account", "account__owner")
    form = PlanFilterForm(request.GET or None)
    if form.is_valid():
        if form.cleaned_data["status"]:
            plans = plans.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["owner"]:
            plans = plans.filter(account__owner=form.cleaned_data["owner"])
    page = Paginator(plans.order_by("account__name", "-starts_on"), 50).get_page(request.GET.get("page"))
    return render(request, "plans/plan_list.html", {"page": page, "form": form})


def plan_create_view(request: HttpRequest, account_pk: int) -> HttpResponse:
    account = get_editable_account(request, account_pk)
    start, end = plan_default_dates()
    form = PlanDatesForm(request.POST or None, initial={"starts_on": start, "ends_on": end})
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_create(account=account, by=request.user, **form.cleaned_data)
        except PlanRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Plan drafted from the account profile. Add objectives and actions."))
            return redirect(plan)
    return render(request, "plans/plan_create.html", {"form": form, "account": account})


def detail_context(request: HttpRequest, plan: AccountPlan, **forms) -> dict:
    """Everything the plan page shows, in a fixed number of queries whatever the plan's size."""
    plan = plan_with_content(AccountPlan.objects.filter(pk=plan.pk)).get()
    can_edit = can_edit_plan(request.user, plan)
    can_decide = can_approve_plan(request.user, plan)
    editable = can_edit and plan.is_draft
    tracking = can_edit and plan.tracking_open
    actions = list(plan.actions.all())
    services = list(plan.unbilled_services.all())
    rows = objective_rows(plan.objectives.all())
    return {
        "plan": plan,
        # Row forms append ids to this instead of reversing a URL per row.
        "plan_url": plan.get_absolute_url(),
        "sections": plan_sections(lambda field: getattr(plan, field)),
        "objective_rows": rows,
        "actions": actions,
        "overdue_count": sum(1 for a in actions if a.overdue),
        "resources": plan.resources.all(),
        "services": services,
        "services_total": sum(s.estimated_value for s in services),
        "comments": plan.comments.select_related("author"),
        "versions": plan.versions.select_related("approved_by").only("plan_id", "number", "approved_at", "approved_by"),
        "can_edit": can_edit,
        "editable": editable,
        "tracking": tracking,
        "can_approve": plan.status == PlanStatus.SUBMITTED and can_decide,
        # Someone whose role would approve, but who wrote the plan, is told why there is no button.
        "approves_elsewhere": plan.status == PlanStatus.SUBMITTED
        and not can_decide
        and (request.user.is_administrator or plan.account.executive_sponsor_id == request.user.pk),
        "can_comment": can_edit or can_decide,
        "objective_form": forms.get("objective_form") or (ObjectiveForm(plan=plan) if editable else None),
        "action_form": forms.get("action_form") or (ActionForm(plan=plan) if tracking else None),
        "resource_form": forms.get("resource_form") or (ResourceForm() if editable else None),
        "service_form": forms.get("service_form") or (UnbilledServiceForm() if tracking else None),
        "checkpoint_form": forms.get("checkpoint_form"),
        "checkpoint_objective": forms.get("checkpoint_objective"),
        "actual_form": forms.get("actual_form"),
        "actual_checkpoint": forms.get("actual_checkpoint"),
        "comment_form": CommentForm(),
        # Translated once, not once per option of every action's status select.
        "action_statuses": [(value, str(label)) for value, label in ActionStatus.choices],
        "people": plan_people() if tracking else [],
        "rule_text": RULE_TEXT,
        "line_rule_text": LINE_RULE_TEXT if any(row["line"] for row in rows) else "",
        "currency": settings.KAM_CURRENCY,
        "CheckpointForm": CheckpointForm,
        # Administrators audit the plan's content; None hides the section from everyone else.
        "changes": plan_changes(plan) if request.user.is_administrator else None,
        "panels": plan_panels(request=request, plan=plan),
    }


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request, pk)
    return render(request, "plans/plan_detail.html", detail_context(request, plan))


def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_editable_plan(request, pk, draft_only=True)
    form = PlanSectionsForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Plan saved."))
        return redirect(plan)
    return render(request, "plans/plan_edit.html", {"form": form, "plan": plan})


def _workflow_step(request: HttpRequest, plan: AccountPlan, step, done: str) -> HttpResponse:
    try:
        result = step()
    except (PlanRefused, IntegrityError) as refused:
        messages.error(request, getattr(refused, "message", _("Another plan of this account is in the way.")))
        return redirect(plan)
    messages.success(request, done)
    return redirect(result if isinstance(result, AccountPlan) else plan)


def _posted_comment(request: HttpRequest) -> str | None:
    """The comment posted with a step, or None (and why, as a message) when the form refuses it, e.g. a NUL."""
    form = CommentForm(request.POST)
    if form.is_valid():
        return form.cleaned_data["text"]
    for error in form.errors.get("text", []):
        messages.error(request, error)
    return None


@require_POST
def plan_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_editable_plan(request, pk, draft_only=True)
    step = lambda: plan_submit(plan=plan, by=request.user)  # noqa: E731
    return _workflow_step(request, plan, step, _("Plan submitted: the executive sponsor has been notified."))


@require_POST
def plan_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_approvable_plan(request, pk)
    if (comment := _posted_comment(request)) is None:
        return redirect(plan)
    step = lambda: plan_approve(plan=plan, by=request.user, comment=comment)  # noqa: E731
    return _workflow_step(request, plan, step, _("Plan approved: this version is frozen and stays readable."))


@require_POST
def plan_send_back_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_approvable_plan(request, pk)
    if (comment := _posted_comment(request)) is None:
        return redirect(plan)
    step = lambda: plan_send_back(plan=plan, by=request.user, comment=comment)  # noqa: E731
    return _workflow_step(request, plan, step, _("Plan sent back to the key account manager with your comment."))


@require_POST
def plan_revise_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_editable_plan(request, pk)
    step = lambda: plan_revise(plan=plan, by=request.user)  # noqa: E731
    return _workflow_step(request, plan, step, _("Plan reopened as a draft; approved versions stay readable."))


@require_POST
def plan_next_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request, pk)
    if not can_edit_plan(request.user, plan):
        raise PermissionDenied
    step = lambda: plan_start_next(plan=plan, by=request.user)  # noqa: E731
    return _workflow_step(request, plan, step, _("Next year's plan started as a copy of this one."))


@require_POST
def plan_comment_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request, pk)
    if not (can_edit_plan(request.user, plan) or can_approve_plan(request.user, plan)):
        raise PermissionDenied
    if (comment := _posted_comment(request)) is None:
        return redirect(plan)
    step = lambda: plan_comment_add(plan=plan, by=request.user, text=comment)  # noqa: E731
    return _workflow_step(request, plan, step, _("Comment added."))


def plan_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    plan = get_plan_for_user(request, pk)
    version = get_object_or_404(plan.versions.select_related("approved_by"), number=number)
    sections = plan_sections(lambda field: version.snapshot["sections"].get(field, ""))
    context = {"plan": plan, "version": version, "snapshot": version.snapshot, "sections": sections}
    return render(request, "plans/plan_version.html", context)
