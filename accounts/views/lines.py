"""The catalogue of product lines: every role reads it, administrators change it (create, edit, merge)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.financial_year import financial_year_in_use
from accounts.forms import ProductLineForm, ProductLineMergeForm
from accounts.models import Account, ProductLine
from accounts.services import product_lines_merge


def _require_reader(request: HttpRequest) -> None:
    if not request.user.has_any_role():
        raise PermissionDenied


def _require_administrator(request: HttpRequest) -> None:
    _require_reader(request)
    if not request.user.is_administrator:
        raise PermissionDenied


def product_line_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    year = financial_year_in_use()
    of_year = Q(revenues__year=year, revenues__account__in=Account.objects.visible_to(request.user))
    lines = (
        ProductLine.objects.current()
        .annotate(
            buyers=Count("revenues__account", filter=of_year & Q(revenues__revenue__gt=0), distinct=True),
            revenue=Sum("revenues__revenue", filter=of_year),
        )
        .order_by("family", "name")
    )
    aliases: dict[int, list[str]] = {}
    for name, target in ProductLine.objects.exclude(merged_into=None).values_list("name", "merged_into_id"):
        aliases.setdefault(target, []).append(name)
    rows = list(lines)
    for line in rows:
        line.alias_names = sorted(aliases.get(line.pk, []), key=str.casefold)
    context = {"lines": rows, "year": year, "can_manage": request.user.is_administrator}
    return render(request, "accounts/product_lines.html", context)


def product_line_create(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)
    form = ProductLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        line = form.save()
        messages.success(request, _("Product line “%(name)s” created.") % {"name": line.name})
        return redirect("accounts:lines")
    return render(request, "accounts/product_line_form.html", {"form": form, "line": None})


def product_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_administrator(request)
    line = get_object_or_404(ProductLine.objects.current(), pk=pk)
    form = ProductLineForm(request.POST or None, instance=line)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Product line “%(name)s” saved.") % {"name": line.name})
        return redirect("accounts:lines")
    return render(request, "accounts/product_line_form.html", {"form": form, "line": line})


@require_POST
def product_line_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Inactive lines keep their history but are no longer proposed; the same button brings one back."""
    _require_administrator(request)
    line = get_object_or_404(ProductLine.objects.current(), pk=pk)
    line.is_active = not line.is_active
    line.save(update_fields=["is_active"])
    if line.is_active:
        messages.success(request, _("Product line “%(name)s” is active again.") % {"name": line.name})
    else:
        messages.success(request, _("Product line “%(name)s” deactivated.") % {"name": line.name})
    return redirect("accounts:lines")


def product_line_merge(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)
    form = ProductLineMergeForm(request.POST or None, initial={"sources": request.GET.getlist("sources")})
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        sources = [line for line in form.cleaned_data["sources"] if line.pk != target.pk]
        notes = product_lines_merge(sources=sources, target=target, by=request.user)
        messages.success(
            request,
            _("%(lines)s merged into %(target)s.")
            % {"lines": ", ".join(line.name for line in sources), "target": target.name},
        )
        for note in notes:
            messages.warning(request, note)
        return redirect("accounts:lines")
    return render(request, "accounts/product_line_merge.html", {"form": form})
