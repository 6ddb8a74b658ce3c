"""Objectives, KPI checkpoints, actions, resources and unbilled services, edited in place with htmx."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plans.access import can_edit_plan, get_editable_plan, get_plan_for_user
from plans.forms import (
    ActionForm,
    ActionStatusForm,
    ActualForm,
    CheckpointForm,
    ObjectiveForm,
    ResourceForm,
    UnbilledServiceForm,
)
from plans.line_objectives import line_objective_initial
from plans.models import AccountPlan, Action, Checkpoint
from plans.progress import LINE_RULE_TEXT
from plans.services import action_create, checkpoint_record
from plans.views.plan import ADD_FORMS, add_form_context, detail_context, work_html


def _respond(request: HttpRequest, plan: AccountPlan, anchor: str, invalid: bool = False, **forms) -> HttpResponse:
    """htmx swaps the plan's working area in place; without JS the page reloads (or shows the errors)."""
    if request.htmx:
        return HttpResponse(work_html(request, plan, **forms))
    if invalid:
        return render(request, "plans/plan_detail.html", detail_context(request, plan, **forms), status=422)
    return redirect(f"{plan.get_absolute_url()}#{anchor}")


def _add_form_build(kind: str, plan: AccountPlan):
    if kind == "objective":
        return ObjectiveForm(plan=plan)
    if kind == "action":
        return ActionForm(plan=plan)
    return ResourceForm() if kind == "resource" else UnbilledServiceForm()


def add_form(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """One add-form of the plan page: the fragment htmx puts under its button when opened, or, without
    JavaScript, a page of its own (posting to the same address as the folded form)."""
    if kind not in ADD_FORMS and kind != "checkpoint":
        raise Http404
    # Objectives, their checkpoints and resources are written while drafting; actions and services while it runs.
    plan = get_editable_plan(request, pk, draft_only=kind in ("objective", "checkpoint", "resource"))
    context: dict = {"plan": plan, "plan_url": plan.get_absolute_url(), "csrf_input": csrf_input(request)}
    if kind == "checkpoint":
        objective = get_object_or_404(plan.objectives, pk=_int_or_404(request.GET.get("objective")))
        context |= {"kind": kind, "objective": objective, "checkpoint_objective": None, "post_url": ""}
        fragment = "plans/_checkpoint_form.html"
    else:
        context |= add_form_context(context["plan_url"], kind, _add_form_build(kind, plan))
        fragment = "plans/_add_form.html"
    if request.htmx:
        return render(request, fragment, context)
    return render(request, "plans/add_form.html", context | {"fragment": fragment})


def _int_or_404(value: str | None) -> int:
    if value is None or not value.isdigit():
        raise Http404
    return int(value)


@require_POST
def objective_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_editable_plan(request, pk, draft_only=True)
    form = ObjectiveForm(request.POST, plan=plan)
    if not form.is_valid():
        return _respond(request, plan, "objectives", invalid=True, objective_form=form)
    form.instance.plan = plan
    form.instance.position = plan.objectives.count()
    form.save()
    return _respond(request, plan, "objectives")


def objective_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The objective form on its own page, prefilled from ?line=&at= ("win line X at subsidiary Y"), e.g. from
    an untouched cell of the whitespace map; a line or an account the plan may not use is ignored."""
    plan = get_editable_plan(request, pk, draft_only=True)
    initial, refused = line_objective_initial(plan=plan, params=request.GET)
    form = ObjectiveForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.instance.plan = plan
        form.instance.position = plan.objectives.count()
        objective = form.save()
        messages.success(request, _("Objective added to the plan."))
        return redirect(f"{plan.get_absolute_url()}#objective-{objective.pk}")
    status = 422 if request.method == "POST" else 200
    refused = refused if request.method == "GET" else []
    context = {"plan": plan, "form": form, "refused": refused, "line_rule_text": LINE_RULE_TEXT}
    return render(request, "plans/objective_new.html", context, status=status)


@require_POST
def objective_delete(request: HttpRequest, pk: int, objective_pk: int) -> HttpResponse:
    plan = get_editable_plan(request, pk, draft_only=True)
    get_object_or_404(plan.objectives, pk=objective_pk).delete()
    return _respond(request, plan, "objectives")


@require_POST
def checkpoint_add(request: HttpRequest, pk: int, objective_pk: int) -> HttpResponse:
    plan = get_editable_plan(request, pk, draft_only=True)
    objective = get_object_or_404(plan.objectives, pk=objective_pk)
    form = CheckpointForm(request.POST, prefix=f"cp{objective.pk}")
    if not form.is_valid():
        anchor = f"objective-{objective.pk}"
        return _respond(request, plan, anchor, invalid=True, checkpoint_form=form, checkpoint_objective=objective.pk)
    form.instance.objective = objective
    form.save()
    return _respond(request, plan, f"objective-{objective.pk}")


@require_POST
def checkpoint_actual(request: HttpRequest, pk: int, checkpoint_pk: int) -> HttpResponse:
    plan = get_editable_plan(request, pk)
    checkpoint = get_object_or_404(Checkpoint.objects.filter(objective__plan=plan), pk=checkpoint_pk)
    form = ActualForm(request.POST)
    anchor = f"objective-{checkpoint.objective_id}"
    if not form.is_valid():
        # Shown again as typed beside its checkpoint, with the reason: a redirect would lose what was typed.
        return _respond(request, plan, anchor, invalid=True, actual_form=form, actual_checkpoint=checkpoint.pk)
    checkpoint_record(checkpoint=checkpoint, actual=form.cleaned_data["actual"], by=request.user)
    return _respond(request, plan, anchor)


@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_editable_plan(request, pk)
    form = ActionForm(request.POST, plan=plan)
    if not form.is_valid():
        return _respond(request, plan, "actions", invalid=True, action_form=form)
    form.instance.plan = plan
    action_create(action=form.save(commit=False), by=request.user)
    return _respond(request, plan, "actions")


@require_POST
def action_status(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """The plan's key account manager, or the action's owner from any department, updates its status."""
    plan = get_plan_for_user(request, pk)
    action = get_object_or_404(Action.objects.filter(plan=plan), pk=action_pk)
    if plan.is_closed or not (action.owner_id == request.user.pk or can_edit_plan(request.user, plan)):
        raise PermissionDenied
    form = ActionStatusForm(request.POST, instance=action)
    if form.is_valid():
        form.save()
    else:
        messages.error(request, _("Status not changed: choose one of the listed statuses."))
    return _respond(request, plan, "actions")


@require_POST
def resource_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_editable_plan(request, pk, draft_only=True)
    form = ResourceForm(request.POST)
    if not form.is_valid():
        return _respond(request, plan, "resources", invalid=True, resource_form=form)
    form.instance.plan = plan
    form.save()
    return _respond(request, plan, "resources")


@require_POST
def service_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_editable_plan(request, pk)
    form = UnbilledServiceForm(request.POST)
    if not form.is_valid():
        return _respond(request, plan, "services", invalid=True, service_form=form)
    form.instance.plan = plan
    form.save()
    return _respond(request, plan, "services")
