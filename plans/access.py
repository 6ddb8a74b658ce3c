"""Who may do what with plans and reviews: every plan and review a view touches goes through these."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from kam.models import name_fields
from plans.models import AccountPlan, Review

# What the plan page's head shows of the account and its people (not their whole rows: the page is read often).
_PAGE_FIELDS = [
    *(f.name for f in AccountPlan._meta.concrete_fields),
    "account__name",
    *name_fields("account__owner"),
    *name_fields("account__executive_sponsor"),
]


def get_plan_for_user(request: HttpRequest, pk: int, *, for_page: bool = False) -> AccountPlan:
    """A plan the user may read, or 404 (an outsider learns nothing about it).

    for_page: with what the plan page's head shows, and whether the reader may edit it, in the same query (its
    objectives, checkpoints and actions are read by plans.views.plan.work_context, only when rendered).
    """
    plans = AccountPlan.objects.visible_to(request.user).select_related("account")
    if not for_page:
        return get_object_or_404(plans, pk=pk)
    editable = AccountPlan.objects.editable_by(request.user).filter(pk=OuterRef("pk"))
    plans = plans.select_related("account__owner", "account__executive_sponsor").only(*_PAGE_FIELDS)
    plan = get_object_or_404(plans.annotate(reader_edits=Exists(editable)), pk=pk)
    plan.__dict__["_can_edit_by"] = {request.user.pk: plan.reader_edits}
    return plan


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
