"""The plan list, one plan's page, its sections, its workflow and its approved versions."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils.formats import date_format, localize_input
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import get_editable_account
from kam.models import name_fields
from kam.stamp import CSRF_SLOT, stamped_html
from plans.access import (
    can_approve_plan,
    can_edit_plan,
    get_approvable_plan,
    get_editable_plan,
    get_plan_for_user,
)
from plans.content import objective_rows, page_actions, page_objectives, plan_sections
from plans.forms import CommentForm, PlanDatesForm, PlanFilterForm, PlanSectionsForm
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


# The add-forms of the plan page: folded behind their buttons and fetched (htmx) only when opened, since
# most visits open none of them; each also has a page of its own for browsers without JavaScript.
ADD_FORMS = {
    "objective": ("objectives/", "objective-form", gettext_lazy("Add objective"), "row-cols-md-3"),
    "action": ("actions/", "action-form", gettext_lazy("Add action"), "row-cols-md-3"),
    "resource": ("resources/", "resource-form", gettext_lazy("Add resource"), "row-cols-1 mb-2"),
    "service": ("services/", "service-form", gettext_lazy("Add service"), "row-cols-1 mb-2"),
}


def add_form_context(plan_url: str, kind: str, form) -> dict:
    """What plans/_add_form.html needs to render one add-form (posting to its own address)."""
    path, form_id, button, columns = ADD_FORMS[kind]
    return {"form": form, "kind": kind, "post_url": plan_url + path, "form_id": form_id, "button": button,
            "columns": columns}  # fmt: skip


def _prepare_rows(*, rows: list[dict], actions: list, plan: AccountPlan, user, tracking: bool) -> None:
    """The row texts of the plan page computed once here: a template filter or translation per cell, on ~100
    rows, was most of the page's time. Dates, owners and statuses repeat, so each is formatted once."""
    plan_url = plan.get_absolute_url()
    short_dates: dict = {}
    numbers: dict = {None: "—"}

    def short(day) -> str:
        if day not in short_dates:
            short_dates[day] = date_format(day, "SHORT_DATE_FORMAT")
        return short_dates[day]

    def number(value) -> str:
        if value not in numbers:
            numbers[value] = floatformat(value, "-2g")
        return numbers[value]

    for row in rows:
        objective, progress = row["objective"], row["progress"]
        row["badge_text"] = progress.label
        if progress.checkpoint_percent is not None:
            row["badge_text"] += " · " + _("%(checkpoint)s %% of the checkpoint (%(target)s %% of the target)") % {
                "checkpoint": progress.checkpoint_percent,
                "target": progress.percent,
            }
        row["measure_text"] = _("%(metric)s: baseline %(baseline)s → target %(target)s, due %(due)s") % {
            "metric": objective.metric_label,
            "baseline": number(objective.baseline),
            "target": number(objective.target),
            "due": short(objective.due_on),
        }
        if row["line"]:
            row["line_text"] = _line_text(row, number)
        row["caption"] = _("Checkpoints of %(title)s") % {"title": objective.title}
        for checkpoint in row["checkpoints"]:
            checkpoint.due_text = short(checkpoint.due_on)
            checkpoint.target_text = number(checkpoint.target)
            checkpoint.actual_text = number(checkpoint.actual)
            checkpoint.actual_value = "" if checkpoint.actual is None else localize_input(checkpoint.actual)
            checkpoint.actual_label = _("Actual for %(label)s") % {"label": checkpoint.label}
            checkpoint.actual_url = f"{plan_url}checkpoints/{checkpoint.pk}/actual/"
    # A status <select>'s options depend only on the selected status: rendered once per status, not per row.
    options = {
        value: render_to_string("plans/_status_options.html", {"choices": ActionStatus.choices, "selected": value})
        for value in ActionStatus.values
    }
    labels = {value: str(label) for value, label in ActionStatus.choices}
    owners: dict = {None: "—"}
    titles = {row["objective"].pk: row["objective"].title for row in rows}
    for action in actions:
        if action.owner_id not in owners:
            owners[action.owner_id] = str(action.owner)
        action.owner_name = owners[action.owner_id]
        action.objective_title = titles.get(action.objective_id, "—")
        action.due_text = short(action.due_on)
        action.status_text = labels.get(action.status, action.status)
        action.status_options = options.get(action.status, "")
        action.status_of = _("Status of %(title)s") % {"title": action.title}
        action.status_url = f"{plan_url}actions/{action.pk}/status/"
        # The plan's manager updates any action while the plan runs; an owner from another department, hers.
        action.updatable = tracking or (action.owner_id == user.pk and not plan.is_closed)


def _line_text(row: dict, number: Callable) -> str:
    """An objective on a product line: where, and the line's revenue (the PDF says it with _line_objective.html)."""
    objective = row["objective"]
    text = _("Product line %(line)s at %(at)s") % {"line": objective.line.name, "at": objective.line_place}
    if row["line"]["actual"] is None:
        return text + " · " + _("no revenue recorded on the line yet (missing, not zero)")
    revenue = {"year": row["line"]["year"], "amount": number(row["line"]["actual"])}
    return text + " · " + _("revenue on the line in %(year)s: %(amount)s") % revenue


def _reader_rights(request: HttpRequest, plan: AccountPlan) -> dict[str, bool]:
    can_edit = can_edit_plan(request.user, plan)
    return {"can_edit": can_edit, "editable": can_edit and plan.is_draft, "tracking": can_edit and plan.tracking_open}


def work_context(request: HttpRequest, plan: AccountPlan, *, csrf: str, **forms) -> dict:
    """What templates/plans/_work.html shows: the plan's objectives, checkpoints, actions, resources and
    services, read here in a fixed number of queries whatever the plan's size.

    csrf: what each of its forms carries as its hidden token. forms: a refused form, shown with its errors.
    """
    rights = _reader_rights(request, plan)
    actions = page_actions(plan)
    services = list(plan.unbilled_services.all())
    rows = objective_rows(page_objectives(plan))
    plan_url = plan.get_absolute_url()
    _prepare_rows(rows=rows, actions=actions, plan=plan, user=request.user, tracking=rights["tracking"])
    # An add-form comes with the page only when it was refused and shows its errors.
    refused = {kind: forms[f"{kind}_form"] for kind in ADD_FORMS if forms.get(f"{kind}_form")}
    return rights | {
        "plan": plan,
        # Row forms append ids to this instead of reversing a URL per row.
        "plan_url": plan_url,
        "objective_rows": rows,
        "actions": actions,
        "overdue_count": sum(1 for a in actions if a.overdue),
        "resources": plan.resources.all(),
        "services": services,
        "services_total": sum(s.estimated_value for s in services),
        "csrf_input": csrf,
        "refused_forms": {kind: add_form_context(plan_url, kind, form) for kind, form in refused.items()},
        "checkpoint_form": forms.get("checkpoint_form"),
        "checkpoint_objective": forms.get("checkpoint_objective"),
        "actual_form": forms.get("actual_form"),
        "actual_checkpoint": forms.get("actual_checkpoint"),
        "rule_text": RULE_TEXT,
        "line_rule_text": LINE_RULE_TEXT if any(row["line"] for row in rows) else "",
        "currency": settings.KAM_CURRENCY,
    }


def work_html(request: HttpRequest, plan: AccountPlan, **forms) -> SafeString:
    """The plan's working area (#plan-work), which its forms swap with htmx.

    A plain GET takes it from the cache while nothing it shows has changed (kam.stamp), kept apart by what the
    reader may do there; a form's answer (a refusal with the typed values and errors, or the area after a
    change) is rendered afresh and never kept.
    """
    if forms or request.method != "GET":
        return render_to_string("plans/_work.html", work_context(request, plan, csrf=csrf_input(request), **forms))
    user = request.user
    rights = _reader_rights(request, plan)
    # The reader's id with the plan's state tells which actions they may update (their own, or all).
    about = (
        f"plan={plan.pk} reader={user.pk} roles={','.join(sorted(user.role_names))} super={user.is_superuser} "
        f"editable={rights['editable']} tracking={rights['tracking']} closed={plan.is_closed} "
        f"currency={settings.KAM_CURRENCY}"
    )

    def render_work(_stamp: str | None) -> str:
        return render_to_string("plans/_work.html", work_context(request, plan, csrf=CSRF_SLOT))

    return stamped_html(name="plan-work", about=about, render=render_work, request=request)


def record_html(request: HttpRequest, plan: AccountPlan, *, can_comment: bool) -> SafeString:
    """The plan's comments and decisions, with the comment form for those who may comment, and its approved
    versions: the same for every reader with that right, kept while nothing tracked changes (kam.stamp)."""

    def render_record(_stamp: str | None) -> str:
        context = {
            "plan": plan,
            "comments": plan.comments.select_related("author").only(
                "plan_id", "kind", "text", "created_at", *name_fields("author")
            ),
            "versions": plan.versions.select_related("approved_by").only(
                "plan_id", "number", "approved_at", *name_fields("approved_by")
            ),
            "can_comment": can_comment,
            "csrf_input": CSRF_SLOT,
        }
        return render_to_string("plans/_record.html", context)

    about = f"plan={plan.pk} can_comment={can_comment}"
    return stamped_html(name="plan-record", about=about, render=render_record, request=request)


def detail_context(request: HttpRequest, plan: AccountPlan, **forms) -> dict:
    """Everything the plan page shows, in a fixed number of queries whatever the plan's size."""
    rights = _reader_rights(request, plan)
    can_decide = can_approve_plan(request.user, plan)
    return rights | {
        "plan": plan,
        "sections": plan_sections(lambda field: getattr(plan, field)),
        "work": work_html(request, plan, **forms),
        "record": record_html(request, plan, can_comment=rights["can_edit"] or can_decide),
        "can_approve": plan.status == PlanStatus.SUBMITTED and can_decide,
        # Someone whose role would approve, but who wrote the plan, is told why there is no button.
        "approves_elsewhere": plan.status == PlanStatus.SUBMITTED
        and not can_decide
        and (request.user.is_administrator or plan.account.executive_sponsor_id == request.user.pk),
        # Administrators audit the plan's content; None hides the section from everyone else.
        "changes": plan_changes(plan) if request.user.is_administrator else None,
        "panels": plan_panels(request=request, plan=plan),
    }


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request, pk, for_page=True)
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
