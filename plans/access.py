"""Who may do what with plans and reviews: every plan and review a view touches goes through these."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from plans.content import plan_with_content
from plans.models import AccountPlan, Review


def get_plan_for_user(request: HttpRequest, pk: int, *, with_content: bool = False) -> AccountPlan:
    """A plan the user may read, or 404 (an outsider learns nothing about it).

    with_content: read it with everything its page shows (plans.content.plan_with_content), in one go; its
    actions' objectives are left to be found among the plan's objectives.
    """
    plans = AccountPlan.objects.visible_to(request.user).select_related("account")
    if with_content:
        plans = plan_with_content(plans, action_objectives=False)
    return get_object_or_404(plans, pk=pk)


def can_edit_plan(user, plan: AccountPlan) -> bool:
    # Asked by the page and by its panels (sharing) for the same plan object: answered once per object.
    answers = plan.__dict__.setdefault("_can_edit_by", {})
    if user.pk not in answers:
        answers[user.pk] = AccountPlan.objects.editable_by(user).filter(pk=plan.pk).exists()
    return answers[user.pk]


def can_approve_plan(user, plan: AccountPlan) -> bool:
    return AccountPlan.objects.approvable_by(user).filter(pk=plan.pk).exists()


def get_editable_plan(request: HttpRequest, pk: int, *, draft_only: bool = False) -> AccountPlan:
    """A plan the user may change: 404 if they cannot read it, 403 if they only read it or it is locked."""
    plan = get_plan_for_user(request, pk)
    if not can_edit_plan(request.user, plan):
        raise PermissionDenied
    if plan.is_closed or (draft_only and not plan.is_draft):
        raise PermissionDenied
    return plan


def get_approvable_plan(request: HttpRequest, pk: int) -> AccountPlan:
    plan = get_plan_for_user(request, pk)
    if not can_approve_plan(request.user, plan):
        raise PermissionDenied
    return plan


def get_review_for_user(request: HttpRequest, pk: int) -> Review:
    """A review the user may read, or 404."""
    return get_object_or_404(Review.objects.visible_to(request.user).select_related("account", "plan"), pk=pk)
