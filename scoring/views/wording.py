"""The criteria's names and rubrics in both languages (administrators): what raters and readers see."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from scoring.access import can_edit_model
from scoring.forms import CriterionWordingFormSet
from scoring.models import Criterion


def criteria_wording(request: HttpRequest) -> HttpResponse:
    if not can_edit_model(request.user):
        raise PermissionDenied
    formset = CriterionWordingFormSet(request.POST or None, queryset=Criterion.objects.all(), prefix="wording")
    if request.method == "POST" and formset.is_valid():
        formset.save()
        messages.success(request, _("Names and rubrics saved."))
        return redirect("scoring:criteria_wording")
    status = 422 if request.method == "POST" else 200
    return render(request, "scoring/criteria_wording.html", {"formset": formset}, status=status)
