"""Accounts and what hangs on them: contacts, yearly financials, interactions; the same forms as the pages."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import (
    can_create_accounts,
    can_edit_account,
    can_log_interactions,
    get_account_for_user,
    get_editable_account,
)
from accounts.filters import AccountFilter
from accounts.forms import AccountForm, ContactForm, InteractionForm, YearlyFinancialForm
from accounts.models import Account, Contact, YearlyFinancial
from accounts.services import financials_refresh
from api import serializers as s
from api.pagination import IdCursorPagination
from api.views.common import form_data, form_valid_or_raise

ERRORS = {400: s.ErrorSerializer, 403: s.ErrorSerializer, 404: s.ErrorSerializer}
ACCOUNT_RELATED = ("owner", "service_manager", "executive_sponsor")

FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="Name contains, or reference equals."),
    OpenApiParameter("segment", str, description="A segment, or not_scored."),
    OpenApiParameter("tier", str),
    OpenApiParameter("key", str, enum=["yes", "no"]),
    OpenApiParameter("owner", int, description="User id of the key account manager."),
    OpenApiParameter("sector", str),
    OpenApiParameter("country", str),
    OpenApiParameter("lifecycle", str),
]


def _account_form(request: Request, account: Account | None, *, reference: str | None = None) -> AccountForm:
    extra = {}
    if account is not None and account.parent_id:
        extra["parent_name"] = account.parent.reference or account.parent.name
    data = form_data(request, AccountForm, instance=account, extra=extra)
    if reference is not None:
        data["reference"] = reference
    form = AccountForm(data, instance=account, user=request.user)
    return form_valid_or_raise(form)  # type: ignore[return-value]


class AccountList(GenericAPIView):
    serializer_class = s.AccountSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self):
        return Account.objects.visible_to(self.request.user).select_related(*ACCOUNT_RELATED)

    @extend_schema(parameters=FILTER_PARAMETERS, responses={200: s.AccountSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        """The register, with its filters; ordered by id, a page at a time (follow `next`)."""
        params = request.query_params.copy()
        params.pop("sort", None)  # cursor pages keep one order: by id
        filterset = AccountFilter(params, queryset=self.get_queryset())
        if not filterset.is_valid():
            raise ValidationError({k: [str(m) for m in v] for k, v in filterset.errors.items()})
        page = self.paginate_queryset(filterset.qs.order_by("id"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=s.AccountWriteSerializer, responses={201: s.AccountSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        """Create an account (administrators and key account managers), checked as the page's form checks it."""
        if not can_create_accounts(request.user):
            raise PermissionDenied(_("Only administrators and key account managers create accounts."))
        account = _account_form(request, None).save()
        return Response(s.AccountSerializer(account).data, status=status.HTTP_201_CREATED)


class AccountDetail(GenericAPIView):
    serializer_class = s.AccountSerializer

    @extend_schema(responses={200: s.AccountSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.AccountSerializer(get_account_for_user(request, pk)).data)

    @extend_schema(request=s.AccountWriteSerializer, responses={200: s.AccountSerializer, **ERRORS})
    def patch(self, request: Request, pk: int) -> Response:
        """Change the fields sent; the others keep their value."""
        account = get_editable_account(request, pk)
        return Response(s.AccountSerializer(_account_form(request, account).save()).data)


class AccountByReference(GenericAPIView):
    serializer_class = s.AccountSerializer

    def _find(self, request: Request, reference: str) -> Account | None:
        return Account.objects.visible_to(request.user).filter(reference=reference).first()

    @extend_schema(responses={200: s.AccountSerializer, **ERRORS})
    def get(self, request: Request, reference: str) -> Response:
        account = self._find(request, reference)
        if account is None:
            return Response({"detail": _("Not found, or not yours to see.")}, status=status.HTTP_404_NOT_FOUND)
        return Response(s.AccountSerializer(account).data)

    @extend_schema(
        request=s.AccountWriteSerializer,
        responses={200: s.AccountSerializer, 201: s.AccountSerializer, **ERRORS},
    )
    def put(self, request: Request, reference: str) -> Response:
        """Upsert: update the account with this reference, or create it (for a nightly sync from another system)."""
        account = self._find(request, reference)
        if account is None:
            if Account.objects.filter(reference=reference).exists():
                raise PermissionDenied(_("You may read this but not change it."))
            if not can_create_accounts(request.user):
                raise PermissionDenied(_("Only administrators and key account managers create accounts."))
        elif not can_edit_account(request.user, account):
            raise PermissionDenied(_("You may read this but not change it."))
        data_reference = request.data.get("reference") if isinstance(request.data, dict) else None
        if data_reference not in (None, reference):
            raise ValidationError({"reference": [_("The reference in the body differs from the one in the URL.")]})
        created = account is None
        with transaction.atomic():
            account = _account_form(request, account, reference=reference).save()
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(s.AccountSerializer(account).data, status=code)


class ContactList(GenericAPIView):
    serializer_class = s.ContactSerializer
    pagination_class = IdCursorPagination

    @extend_schema(responses={200: s.ContactSerializer(many=True), **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        account = get_account_for_user(request, pk)
        contacts = Contact.objects.filter(account=account, erased_at=None).select_related("covered_by")
        page = self.paginate_queryset(contacts)
        return self.get_paginated_response(s.ContactSerializer(page, many=True).data)

    @extend_schema(request=s.ContactWriteSerializer, responses={201: s.ContactSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        account = get_editable_account(request, pk)
        form = ContactForm(form_data(request, ContactForm), account=account, user=request.user)
        contact = form_valid_or_raise(form).save()  # type: ignore[attr-defined]
        return Response(s.ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class ContactDetail(GenericAPIView):
    serializer_class = s.ContactSerializer

    def _contact(self, request: Request, pk: int) -> Contact:
        visible = Contact.objects.filter(account__in=Account.objects.visible_to(request.user), erased_at=None)
        return get_object_or_404(visible.select_related("account", "covered_by"), pk=pk)

    @extend_schema(responses={200: s.ContactSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.ContactSerializer(self._contact(request, pk)).data)

    @extend_schema(request=s.ContactWriteSerializer, responses={200: s.ContactSerializer, **ERRORS})
    def patch(self, request: Request, pk: int) -> Response:
        contact = self._contact(request, pk)
        account = get_editable_account(request, contact.account_id)
        form = ContactForm(form_data(request, ContactForm, instance=contact), instance=contact, account=account,
                           user=request.user)  # fmt: skip
        return Response(s.ContactSerializer(form_valid_or_raise(form).save()).data)  # type: ignore[attr-defined]


class FinancialList(GenericAPIView):
    serializer_class = s.FinancialSerializer

    @extend_schema(responses={200: s.FinancialSerializer(many=True), **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        account = get_account_for_user(request, pk)
        return Response(s.FinancialSerializer(account.financials.order_by("year"), many=True).data)

    @extend_schema(request=s.FinancialWriteSerializer, responses={200: s.FinancialSerializer, **ERRORS})
    def put(self, request: Request, pk: int) -> Response:
        """Record one year's revenue (and margin): replaces that year's figures if there were some."""
        account = get_editable_account(request, pk)
        year = request.data.get("year") if isinstance(request.data, dict) else None
        existing = None
        if isinstance(year, int) and not isinstance(year, bool):
            existing = YearlyFinancial.objects.filter(account=account, year=year).first()
        form = YearlyFinancialForm(form_data(request, YearlyFinancialForm, instance=existing), instance=existing)
        form_valid_or_raise(form)
        try:
            with transaction.atomic():
                financial = form.save(commit=False)
                financial.account = account
                financial.save()
                financials_refresh(account_ids=[account.pk])
        except IntegrityError:
            raise ValidationError({"year": [_("Each year can appear only once.")]}) from None
        return Response(s.FinancialSerializer(financial).data)


class InteractionList(GenericAPIView):
    serializer_class = s.InteractionSerializer
    pagination_class = IdCursorPagination

    @extend_schema(responses={200: s.InteractionSerializer(many=True), **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        account = get_account_for_user(request, pk)
        page = self.paginate_queryset(account.interactions.select_related("author"))
        return self.get_paginated_response(s.InteractionSerializer(page, many=True).data)

    @extend_schema(request=s.InteractionWriteSerializer, responses={201: s.InteractionSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        """Log an interaction (every role may)."""
        account = get_account_for_user(request, pk)
        if not can_log_interactions(request.user):
            raise PermissionDenied
        form = InteractionForm(form_data(request, InteractionForm), account=account)
        interaction = form_valid_or_raise(form).save(commit=False)  # type: ignore[attr-defined]
        interaction.account = account
        interaction.author = request.user
        interaction.save()
        return Response(s.InteractionSerializer(interaction).data, status=status.HTTP_201_CREATED)
