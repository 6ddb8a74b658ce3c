"""Survey results per account, the user's notifications, and bulk imports through the wizard's engine."""

from __future__ import annotations

import json

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import can_create_accounts, get_account_for_user
from accounts.importing import ImportFileError, ImportRejected, guess_mapping, preview_import, read_table
from accounts.importing.batches import import_batch_queue
from accounts.importing.mappings import saved_mapping_find
from accounts.importing.options import ImportOptions
from accounts.models import ImportBatch
from api import serializers as s
from api.pagination import IdCursorPagination
from api.views.accounts import ERRORS
from kam.models import Notification
from surveys.analytics import DIMENSIONS
from surveys.frames import survey_results
from surveys.models import Campaign
from surveys.reports import clean


class SurveyResults(GenericAPIView):
    serializer_class = s.SurveyResultSerializer

    @extend_schema(responses={200: s.SurveyResultSerializer(many=True), **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        """Each campaign's satisfaction result for the account, oldest first, with the change since the last one."""
        account = get_account_for_user(request, pk)
        results = survey_results(account_ids=[account.pk])
        rows = []
        if not results.trended.empty:
            frame = results.trended.reset_index()
            frame = frame[frame.account_id == account.pk]
            names = dict(Campaign.objects.filter(pk__in=list(frame.campaign_id)).values_list("pk", "name"))
            for row in frame.to_dict("records"):
                rows.append(
                    {
                        "campaign": int(row["campaign_id"]),
                        "campaign_name": names.get(int(row["campaign_id"]), ""),
                        "invited": clean(row.get("invited")),
                        "responded": clean(row.get("responded")),
                        "response_rate": clean(row.get("response_rate")),
                        "nps": clean(row.get("nps")),
                        "overall": clean(row.get("overall")),
                        "overall_change": clean(row.get("overall_change")),
                        "dimensions": {str(d): clean(row.get(d)) for d in DIMENSIONS},
                        "split": clean(row.get("split")),
                    }
                )
        return Response(s.SurveyResultSerializer(rows, many=True).data)


class NotificationList(GenericAPIView):
    serializer_class = s.NotificationSerializer
    pagination_class = IdCursorPagination

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool, description="Only the unread ones.")],
        responses={200: s.NotificationSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        """The user's own notifications, newest last (cursor order)."""
        notifications = Notification.objects.filter(user=request.user)
        if request.query_params.get("unread") in ("true", "1"):
            notifications = notifications.filter(read_at=None)
        page = self.paginate_queryset(notifications)
        return self.get_paginated_response(s.NotificationSerializer(page, many=True).data)


class NotificationRead(GenericAPIView):
    serializer_class = s.NotificationSerializer

    @extend_schema(request=None, responses={200: s.NotificationSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        """Mark one of the user's notifications as read."""
        notification = get_object_or_404(Notification.objects.filter(user=request.user), pk=pk)
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return Response(s.NotificationSerializer(notification).data)


def _mapping(raw: str | None, *, columns: list[str], kind: str, user) -> dict[str, str]:
    """The mapping sent, or the one the wizard would offer: a saved mapping of the same header, else the guess."""
    if raw:
        try:
            mapping = json.loads(raw)
        except ValueError:
            mapping = None
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise ValidationError({"mapping": [_('Send the mapping as a JSON object: {"column": "field"}.')]})
        unknown = [str(column) for column in mapping if column not in columns]
        if unknown:
            raise ValidationError({"mapping": [_("No such column in the file: %(c)s.") % {"c": ", ".join(unknown)}]})
        return {str(k): v for k, v in mapping.items()}
    saved = saved_mapping_find(user=user, kind=kind, columns=columns)
    if saved is not None:
        return {column: saved.mapping.get(old, "") for column, old in zip(columns, saved.columns, strict=True)}
    return guess_mapping(columns=columns, kind=kind)


class ImportCreate(GenericAPIView):
    serializer_class = s.ImportJobSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": s.ImportRequestSerializer},
        responses={202: s.ImportJobSerializer, 400: s.ImportRejectedSerializer, 403: s.ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        """Import a file of accounts or transaction lines, all or nothing, as the wizard does.

        The file is checked first: with any row error nothing is queued and every error comes back (400).
        Otherwise a worker applies it; follow the job's URL (`Location`) for its status and report.
        """
        if not can_create_accounts(request.user):
            raise PermissionDenied(_("Only administrators and key account managers import."))
        body = s.ImportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        kind = body.validated_data["kind"]
        try:
            data = upload.read()
            frame = read_table(data=data, filename=upload.name)
        except ImportFileError as error:
            raise ValidationError({"file": [error.message]}) from None
        columns = [str(column) for column in frame.columns if column != "line"]
        mapping = _mapping(body.validated_data.get("mapping"), columns=columns, kind=kind, user=request.user)
        create_missing = body.validated_data["create_missing_accounts"]
        try:
            preview = preview_import(
                frame=frame,
                mapping=mapping,
                kind=kind,
                user=request.user,
                create_missing_accounts=create_missing,
                options=ImportOptions(),
            )
        except ImportRejected as rejected:
            preview = rejected.preview
        if preview.errors:
            rows = [{"line": e.line, "reason": " ".join(str(r) for r in e.reasons)} for e in preview.errors]
            detail = _("Nothing was imported: the file has errors.")
            return Response({"detail": detail, "rows": rows}, status=status.HTTP_400_BAD_REQUEST)
        batch = ImportBatch.objects.create(
            created_by=request.user,
            kind=kind,
            filename=(upload.name or "upload")[:255],
            data=data,
            mapping=mapping,
            create_missing_accounts=create_missing,
            options=ImportOptions().as_json(),
        )
        import_batch_queue(batch=batch)
        response = Response(s.ImportJobSerializer(batch).data, status=status.HTTP_202_ACCEPTED)
        response["Location"] = request.build_absolute_uri(f"/api/v1/imports/{batch.pk}/")
        return response


class ImportDetail(GenericAPIView):
    serializer_class = s.ImportJobSerializer

    @extend_schema(responses={200: s.ImportJobSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        """An import job's status: queued, applying (with progress), applied (with its report) or failed (why)."""
        batch = get_object_or_404(ImportBatch.objects.filter(created_by=request.user).defer("data"), pk=pk)
        return Response(s.ImportJobSerializer(batch).data)
