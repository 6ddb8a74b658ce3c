"""Scores with their explanation and history, segmentation runs, key-status overrides."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import get_account_for_user
from accounts.models import Account
from api import serializers as s
from api.pagination import IdCursorPagination
from api.views.accounts import ERRORS
from scoring.access import can_edit_model, require_reader
from scoring.explanations import latest_explanation
from scoring.models import AccountScore, KeyOverride, RunStatus, SegmentationRun
from scoring.services.runs import segmentation_run_queue

HISTORY_LENGTH = 20


class AccountScoreView(GenericAPIView):
    serializer_class = s.ScoreExplanationSerializer

    @extend_schema(responses={200: s.ScoreExplanationSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        """The latest score with one line per criterion (as the account page explains it), and earlier runs."""
        account = get_account_for_user(request, pk)
        explanation = latest_explanation(account)
        history = (
            AccountScore.objects.filter(account=account, run__status=RunStatus.DONE)
            .select_related("run")
            .order_by("-run__finished_at")[:HISTORY_LENGTH]
        )
        data = {
            "account": account.pk,
            "latest": explanation["score"] if explanation else None,
            "criteria": [line.__dict__ for line in explanation["lines"]] if explanation else [],
            "key_rule": str(explanation["key_rule"]) if explanation else "",
            "missing": [str(name) for name in explanation["missing"]] if explanation else [],
            "history": list(history),
        }
        return Response(s.ScoreExplanationSerializer(data).data)


class RunList(GenericAPIView):
    serializer_class = s.RunSerializer
    pagination_class = IdCursorPagination

    @extend_schema(responses={200: s.RunSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        require_reader(request)
        page = self.paginate_queryset(SegmentationRun.objects.defer("criterion_matrix"))
        return self.get_paginated_response(s.RunSerializer(page, many=True).data)

    @extend_schema(request=None, responses={202: s.RunSerializer, **ERRORS, 409: s.ErrorSerializer})
    def post(self, request: Request) -> Response:
        """Start a segmentation now (administrators); refused while another is waiting or running."""
        require_reader(request)
        if not can_edit_model(request.user):
            raise PermissionDenied(_("Only administrators run a segmentation."))
        run = segmentation_run_queue(by=request.user)
        return Response(s.RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunDetail(GenericAPIView):
    serializer_class = s.RunSerializer

    @extend_schema(responses={200: s.RunSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        require_reader(request)
        return Response(
            s.RunSerializer(get_object_or_404(SegmentationRun.objects.defer("criterion_matrix"), pk=pk)).data
        )


class OverrideList(GenericAPIView):
    serializer_class = s.OverrideSerializer
    pagination_class = IdCursorPagination

    @extend_schema(responses={200: s.OverrideSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        """Key-status overrides of the accounts the user reads: proposed, approved, rejected, expired."""
        overrides = KeyOverride.objects.filter(account__in=Account.objects.visible_to(request.user))
        page = self.paginate_queryset(overrides.select_related("proposed_by", "decided_by"))
        return self.get_paginated_response(s.OverrideSerializer(page, many=True).data)
