"""The import wizard: upload, map columns, preview every problem, apply all or nothing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.access import can_create_accounts
from accounts.forms import ImportMappingForm, ImportUploadForm
from accounts.importing import ImportFileError, ImportRejected, apply_import, guess_mapping, preview_import, read_table
from accounts.models import ImportBatch, ImportStatus

SAMPLE_ROWS = 5


def _require_importer(request: HttpRequest) -> None:
    if not can_create_accounts(request.user):
        raise PermissionDenied


def _get_batch(request: HttpRequest, pk: int) -> ImportBatch:
    """A batch is private to the user who uploaded it."""
    _require_importer(request)
    return get_object_or_404(ImportBatch.objects.filter(created_by=request.user), pk=pk)


def import_upload(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = form.cleaned_data["kind"]
        try:
            data = upload.read()
            frame = read_table(data=data, filename=upload.name)
        except ImportFileError as error:
            form.add_error("file", error.message)
        else:
            batch = ImportBatch.objects.create(
                created_by=request.user,
                kind=kind,
                filename=upload.name[:255],
                data=data,
                mapping=guess_mapping(columns=[str(c) for c in frame.columns if c != "line"], kind=kind),
            )
            return redirect("accounts:import_map", pk=batch.pk)
    return render(request, "accounts/import_upload.html", {"form": form})


def _columns(frame) -> list[str]:
    return [str(column) for column in frame.columns if column != "line"]


def import_map(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch(request, pk)
    if batch.status == ImportStatus.APPLIED:
        return redirect("accounts:import_result", pk=batch.pk)
    frame = read_table(data=bytes(batch.data), filename=batch.filename)
    columns = _columns(frame)
    initial = {f"column_{i}": batch.mapping.get(column, "") for i, column in enumerate(columns)}
    initial["create_missing_accounts"] = batch.create_missing_accounts
    form = ImportMappingForm(request.POST or None, columns=columns, kind=batch.kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        batch.mapping = form.mapping()
        batch.create_missing_accounts = form.cleaned_data.get("create_missing_accounts", False)
        batch.save(update_fields=["mapping", "create_missing_accounts"])
        return redirect("accounts:import_preview", pk=batch.pk)
    sample = frame.head(SAMPLE_ROWS)[columns].values.tolist()
    rows = [(form[f"column_{i}"], [row[i] for row in sample]) for i in range(len(columns))]
    return render(request, "accounts/import_map.html", {"batch": batch, "form": form, "rows": rows})


def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch(request, pk)
    if batch.status == ImportStatus.APPLIED:
        return redirect("accounts:import_result", pk=batch.pk)
    frame = read_table(data=bytes(batch.data), filename=batch.filename)
    options = {
        "frame": frame,
        "mapping": batch.mapping,
        "kind": batch.kind,
        "user": request.user,
        "create_missing_accounts": batch.create_missing_accounts,
    }
    try:
        if request.method == "POST":
            result = apply_import(**options)
            batch.status = ImportStatus.APPLIED
            batch.result = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged,
                            "warnings": [str(w) for w in result.warnings]}  # fmt: skip
            batch.data = b""  # applied: the file is no longer needed
            batch.save(update_fields=["status", "result", "data"])
            messages.success(request, _("Import applied."))
            return redirect("accounts:import_result", pk=batch.pk)
        preview = preview_import(**options)
    except ImportFileError as error:
        messages.error(request, error.message)
        return redirect("accounts:import_map", pk=batch.pk)
    except ImportRejected as rejected:
        preview = rejected.preview
        messages.error(request, _("Nothing was imported: the file has errors."))
    return render(request, "accounts/import_preview.html", {"batch": batch, "preview": preview})


def import_result(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch(request, pk)
    if batch.status != ImportStatus.APPLIED:
        return redirect("accounts:import_preview", pk=batch.pk)
    return render(request, "accounts/import_result.html", {"batch": batch})
