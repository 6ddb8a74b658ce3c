"""What every API view shares: binding a page's form to JSON, keeping what an update does not send."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.request import Request

from api.errors import FormInvalid
from kam.fields import plain_numbers


def form_data(request: Request, form_class: type[forms.BaseForm], *, instance=None, extra: dict | None = None) -> dict:
    """The form's data: the instance's current values, overwritten by what the request sent (known fields only)."""
    if not isinstance(request.data, dict):
        raise ParseError(_("Send a JSON object."))
    names = list(form_class.base_fields)
    meta = getattr(form_class, "_meta", None)
    if instance is None and getattr(meta, "model", None) is not None:
        instance = meta.model()  # a new object starts from the model's defaults, as the page's blank form does
    data: dict[str, Any] = {}
    if instance is not None:
        data = {key: value for key, value in model_to_dict(instance).items() if key in names and value is not None}
    data.update(extra or {})
    for name in names:
        if name in request.data:
            value = request.data[name]
            data[name] = "" if value is None else value
    for key, value in list(data.items()):
        # Booleans: a form's checkbox reads "false" as off; lists and objects are no field's value here.
        if isinstance(value, dict | list):
            data[key] = str(value)
    return data


def form_valid_or_raise(form: forms.BaseForm) -> forms.BaseForm:
    """The form validated as the API reads numbers: plain machine numbers ("12500.50") whatever the language."""
    plain_numbers(form)
    if not form.is_valid():
        raise FormInvalid(form)
    return form
