"""The closed loop: improvement actions from what customers said, the monthly list, the quarterly summary."""

from __future__ import annotations

from datetime import MAXYEAR, MINYEAR, date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import can_edit_account, get_account_for_user
from kam.ids import parse_id
from surveys.access import get_editable_action, get_response_for_user, require_reader
from surveys.forms import ActionStatusForm, ImprovementActionForm
from surveys.frames import survey_results
from surveys.models import OPEN_STATUSES, ActionStatus, ImprovementAction
from surveys.reports import result_row
from surveys.services import SurveyRefused, improvement_action_create, improvement_action_update


def _month(value: str) -> date | None:
    """The first day of a `YYYY-MM` month whose end is a date too, or None."""
    try:
        year, month = (int(part) for part in value.split("-"))
        if MINYEAR <= year < MAXYEAR:
            return date(year, month, 1)
    except ValueError:
        pass
    return None


def action_list(request: HttpRequest) -> HttpResponse:
    """Open actions by account and department; those due by the end of the chosen month stand out."""
    require_reader(request.user)
    month = _month(request.GET.get("month", ""))
    if month is None:
        if request.GET.get("month"):
            messages.warning(request, _("This month is not valid; showing the current month."))
        month = timezone.localdate().replace(day=1)
    month_end = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    actions = (
        ImprovementAction.objects.visible_to(request.user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("account", "owner", "answer")
        .order_by("account__name", "department", "due_on", "pk")
    )
    done = ImprovementAction.objects.visible_to(request.user).filter(
        status=ActionStatus.DONE, done_at__date__gte=month, done_at__date__lt=month_end
    )
    context = {
        "actions": actions,
        "month": month,
        "month_end": month_end,
        "done_count": done.count(),
        "today": timezone.localdate(),
        "status_form": ActionStatusForm,
        "statuses": ActionStatus.choices,
    }
    return render(request, "surveys/action_list.html", context)


def action_new(request: HttpRequest, response_pk: int) -> HttpResponse:
    response = get_response_for_user(request, response_pk)
    if not can_edit_account(request.user, response.account):
        raise PermissionDenied
    answer = None
    answer_pk = request.GET.get("answer") or request.POST.get("answer")
    if answer_pk:
        answer_id = parse_id(answer_pk)
        answer = response.answers.filter(pk=answer_id).first() if answer_id is not None else None
        if answer is None:
            raise Http404
    form = ImprovementActionForm(request.POST or None, initial={"owner": request.user})
    if request.method == "POST" and form.is_valid():
        try:
            improvement_action_create(by=request.user, account=response.account, answer=answer, response=response,
                                      **form.cleaned_data)  # fmt: skip
        except SurveyRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Improvement action created; it is tracked in the monthly list."))
            return redirect("surveys:account_results", response.campaign_id, response.account_id)
    return render(request, "surveys/action_form.html", {"form": form, "response": response, "answer": answer})


@require_POST
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_editable_action(request, pk)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        improvement_action_update(action=action, **form.cleaned_data)
        messages.success(request, _("Action updated."))
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect(
        request.POST.get("next") if request.POST.get("next", "").startswith("/surveys/") else "surveys:actions"
    )


def _quarter(value: str) -> tuple[int, int] | None:
    """The year and quarter of a `YYYY-Qn` value whose end is a date too, or None."""
    try:
        year, quarter = (int(part) for part in value.split("-Q"))
        if MINYEAR <= year < MAXYEAR and 1 <= quarter <= 4:
            return year, quarter
    except ValueError:
        pass
    return None


def quarterly_summary(request: HttpRequest, account_pk: int) -> HttpResponse:
    """ "You said / we did" for one account and quarter, printable for the executive sponsor."""
    account = get_account_for_user(request, account_pk)
    chosen = _quarter(request.GET.get("quarter", ""))
    if chosen is None:
        if request.GET.get("quarter"):
            messages.warning(request, _("This quarter is not valid; showing the current quarter."))
        today = timezone.localdate()
        chosen = today.year, (today.month - 1) // 3 + 1
    year, quarter = chosen
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + quarter // 4, (3 * quarter) % 12 + 1, 1)
    actions = (
        ImprovementAction.objects.filter(account=account, created_at__date__lt=end)
        .exclude(status=ActionStatus.DONE, done_at__date__lt=start)
        .select_related("owner", "answer__question", "response__contact")
        .order_by("status", "due_on")
    )
    results = survey_results(account_ids=[account.pk])
    latest = results.latest() if not results.trended.empty else None
    row = result_row(latest.loc[account.pk]) if latest is not None and account.pk in latest.index else None
    context = {
        "account": account,
        "actions": actions,
        "row": row,
        "year": year,
        "quarter": quarter,
        "previous_quarter": f"{year - (quarter == 1)}-Q{(quarter - 2) % 4 + 1}",
        "next_quarter": f"{year + (quarter == 4)}-Q{quarter % 4 + 1}",
        "generated": timezone.now(),
    }
    return render(request, "surveys/quarterly_summary.html", context)
