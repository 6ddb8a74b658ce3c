"""The import wizard: upload, map columns, preview every problem, apply all or nothing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.forms import ImportMappingForm, ImportUploadForm
from accounts.importing import ImportFileError, ImportRejected, apply_import, guess_mapping, preview_import, read_table
from accounts.importing.options import ImportOptions
from accounts.models import ImportBatch, ImportStatus
from accounts.views.access import can_create_accounts

SAMPLE_ROWS = 5
# Fields whose values the user explains at the mapping step: which mean a credit note, which stages are won.
VALUE_FIELDS = ("credit_flag", "stage")
# More distinct values than this and the column is surely not a stage or a document type; the rest are guessed.
MAX_VALUES = 40


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


def _values_to_explain(frame, mapping: dict[str, str]) -> dict[str, list[str]]:
    """{field: distinct values of the column mapped to it}, for the fields whose values mean something."""
    found: dict[str, list[str]] = {}
    for column, field in mapping.items():
        if field in VALUE_FIELDS and column in frame.columns:
            values = frame[column].fillna("").astype(str).str.strip()
            counts = values[values != ""].value_counts()
            found[field] = sorted(counts.index[:MAX_VALUES])
    return found


def _value_columns(mapping: dict[str, str]) -> dict[str, str]:
    return {field: column for column, field in mapping.items() if field in VALUE_FIELDS}


def import_map(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch(request, pk)
    if batch.status == ImportStatus.APPLIED:
        return redirect("accounts:import_result", pk=batch.pk)
    frame = read_table(data=bytes(batch.data), filename=batch.filename)
    columns = _columns(frame)
    initial = {f"column_{i}": batch.mapping.get(column, "") for i, column in enumerate(columns)}
    initial["create_missing_accounts"] = batch.create_missing_accounts
    form = ImportMappingForm(
        request.POST or None,
        columns=columns,
        kind=batch.kind,
        initial=initial,
        values=_values_to_explain(frame, batch.mapping),
        options=batch.options,
    )
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        options = form.options()
        explain_again = _value_columns(mapping) != _value_columns(batch.mapping)
        if explain_again:  # the values asked about belong to a column no longer mapped
            options = {**options, "stages": {}, "credit_values": []}
        batch.mapping = mapping
        batch.options = options
        batch.create_missing_accounts = form.cleaned_data.get("create_missing_accounts") or False
        batch.save(update_fields=["mapping", "options", "create_missing_accounts"])
        if explain_again and _values_to_explain(frame, mapping):
            messages.info(request, _("Say what the values of the newly mapped column mean, then preview."))
            return redirect("accounts:import_map", pk=batch.pk)
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
        "options": ImportOptions.from_json(batch.options),
    }
    try:
        if request.method == "POST":
            result = apply_import(**options)
            batch.status = ImportStatus.APPLIED
            batch.result = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged,
                            "warnings": [str(w) for w in result.warnings],
                            "summary": [str(s) for s in result.summary]}  # fmt: skip
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
