"""Errors as JSON with the pages' own messages: `{"detail": "..."}`, plus `errors` by field for a form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from accounts.importing.errors import ImportFileError
from api.tokens import TokenRefused
from plans.services import PlanRefused
from scoring.services.overrides import OverrideRefused
from scoring.services.runs import RunRefused


class FormInvalid(exceptions.APIException):
    """A page's form refused the data: the same messages, by field ("__all__" for the whole object)."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, form: forms.BaseForm) -> None:
        self.errors = {field: [str(message) for message in messages] for field, messages in form.errors.items()}
        super().__init__(detail=_("The data was refused: see the errors by field."))


# A service said no, with a reason the page would show: 409 (the request is fine, the object's state is not).
REFUSALS = (PlanRefused, OverrideRefused, RunRefused, TokenRefused, ImportFileError)


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, REFUSALS):
        message = getattr(exc, "message", None) or str(exc)
        return Response({"detail": str(message)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found, or not yours to see."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("You may read this but not change it."))
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, FormInvalid):
        response.data = {"detail": str(exc.detail), "errors": exc.errors}
    elif isinstance(exc, exceptions.ValidationError) and not isinstance(response.data, dict):
        response.data = {"detail": _("The data was refused."), "errors": {"__all__": response.data}}
    elif isinstance(exc, exceptions.ValidationError) and "detail" not in response.data:
        response.data = {"detail": _("The data was refused: see the errors by field."), "errors": response.data}
    return response
