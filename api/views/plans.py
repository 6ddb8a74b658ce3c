"""Account plans with objectives, progress (KPI checkpoints) and actions; reviews due."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Account
from api import serializers as s
from api.pagination import IdCursorPagination
from api.views.accounts import ERRORS
from plans.access import can_edit_plan, get_plan_for_user
from plans.models import AccountPlan, Action, Objective
from plans.reviews import reviews_due


class PlanList(GenericAPIView):
    serializer_class = s.PlanSerializer
    pagination_class = IdCursorPagination

    @extend_schema(
        parameters=[OpenApiParameter("account", int), OpenApiParameter("status", str)],
        responses={200: s.PlanSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        plans = AccountPlan.objects.visible_to(request.user)
        account = request.query_params.get("account", "")
        if account.isdigit() and len(account) < 19:
            plans = plans.filter(account_id=int(account))
        if request.query_params.get("status"):
            plans = plans.filter(status=request.query_params["status"][:20])
        page = self.paginate_queryset(plans)
        return self.get_paginated_response(s.PlanSerializer(page, many=True).data)


class PlanDetail(GenericAPIView):
    serializer_class = s.PlanDetailSerializer

    @extend_schema(responses={200: s.PlanDetailSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        plan = get_plan_for_user(request, pk)
        objectives = Objective.objects.select_related("line").prefetch_related("checkpoints")
        prefetches = (Prefetch("objectives", queryset=objectives), "actions__owner")
        plan = AccountPlan.objects.prefetch_related(*prefetches).get(pk=plan.pk)
        return Response(s.PlanDetailSerializer(plan).data)


class ActionStatusView(GenericAPIView):
    serializer_class = s.ActionSerializer

    @extend_schema(request=s.ActionStatusSerializer, responses={200: s.ActionSerializer, **ERRORS})
    def patch(self, request: Request, pk: int) -> Response:
        """Change a plan action's status: its owner (any department) or whoever may edit the plan."""
        visible = Action.objects.filter(plan__in=AccountPlan.objects.visible_to(request.user))
        action = get_object_or_404(visible.select_related("plan", "owner"), pk=pk)
        plan = action.plan
        if plan.is_closed or not (action.owner_id == request.user.pk or can_edit_plan(request.user, plan)):
            raise PermissionDenied(_("You may read this but not change it."))
        body = s.ActionStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        action.status = body.validated_data["status"]
        action.save(update_fields=["status"])
        return Response(s.ActionSerializer(action).data)


class ReviewsDue(GenericAPIView):
    serializer_class = s.ReviewDueSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("within_days", int, description="Due within this many days (0–366); default 7."),
            OpenApiParameter("mine", bool, description="Only the accounts I run or sponsor."),
        ],
        responses={200: s.ReviewDueSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        """Reviews overdue or due soon, for the accounts the user reads."""
        raw = request.query_params.get("within_days", "7")
        within = int(raw) if raw.isdigit() and len(raw) < 4 else 7
        accounts = Account.objects.visible_to(request.user)
        if request.query_params.get("mine") in ("true", "1"):
            user = request.user
            accounts = accounts.filter(Q(owner=user) | Q(service_manager=user) | Q(executive_sponsor=user))
        due = reviews_due(accounts=accounts, within_days=min(within, 366))
        return Response(s.ReviewDueSerializer(due, many=True).data)
