"""The import wizard: upload, map columns, preview every problem, apply all or nothing; and saved mappings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.access import can_create_accounts
from accounts.forms import ImportMappingForm, ImportMappingRenameForm, ImportUploadForm
from accounts.importing import ImportFileError, ImportRejected, guess_mapping, preview_import, read_table
from accounts.importing.batches import import_batch_apply, import_batch_is_large, import_batch_queue
from accounts.importing.fields import ImportKind, amount_hints
from accounts.importing.lines import LINE_CHOICES, NEW_LINE
from accounts.importing.mappings import saved_mapping_find, saved_mapping_save
from accounts.importing.options import ImportOptions
from accounts.importing.people import sales_team_importer_check
from accounts.importing.results import result_summary
from accounts.models import ImportBatch, ImportMapping, ImportStatus, ProductLine
from kam.outbox import outbox_publish_failed

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


def _left_the_wizard(request: HttpRequest, batch: ImportBatch) -> HttpResponse | None:
    """Where to go instead of a wizard step: an applied or applying batch's result page, or a new upload."""
    if batch.status == ImportStatus.EXPIRED:
        messages.error(request, _("This upload has expired: upload the file again."))
        return redirect("accounts:import")
    if batch.status in (ImportStatus.APPLIED, ImportStatus.QUEUED, ImportStatus.APPLYING):
        return redirect("accounts:import_result", pk=batch.pk)
    return None


def _columns(frame) -> list[str]:
    return [str(column) for column in frame.columns if column != "line"]


def _first_guess(*, columns: list[str], kind: str, user) -> tuple[dict, ImportOptions]:
    """(mapping, options): a saved mapping of the same header, else the guess from the column names."""
    saved = saved_mapping_find(user=user, kind=kind, columns=columns)
    if saved is not None:
        # Same columns in the same order, perhaps spelt with another case: the saved mapping applies by position.
        mapping = {column: saved.mapping.get(old, "") for column, old in zip(columns, saved.columns, strict=True)}
        options = ImportOptions.from_json(saved.options)
        return mapping, options.with_changes(saved_mapping=saved.pk, saved_mapping_name=saved.name)
    mapping = guess_mapping(columns=columns, kind=kind)
    turnover = next((column for column, field in mapping.items() if field == "company_turnover"), None)
    if turnover:
        unit, currency = amount_hints(turnover)
        return mapping, ImportOptions(turnover_unit=unit, turnover_currency=currency)
    return mapping, ImportOptions()


def import_upload(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = form.cleaned_data["kind"]
        try:
            if kind == ImportKind.SALES_TEAM:
                sales_team_importer_check(user=request.user)
        except ImportFileError as error:
            form.add_error("kind", error.message)
            return render(request, "accounts/import_upload.html", {"form": form})
        try:
            data = upload.read()
            frame = read_table(data=data, filename=upload.name)
        except ImportFileError as error:
            form.add_error("file", error.message)
        else:
            mapping, options = _first_guess(columns=_columns(frame), kind=kind, user=request.user)
            batch = ImportBatch.objects.create(
                created_by=request.user,
                kind=kind,
                filename=upload.name[:255],
                data=data,
                mapping=mapping,
                options=options.as_json(),
            )
            return redirect("accounts:import_map", pk=batch.pk)
    return render(request, "accounts/import_upload.html", {"form": form})


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
    if elsewhere := _left_the_wizard(request, batch):
        return elsewhere
    try:
        frame = read_table(data=bytes(batch.data), filename=batch.filename)
    except ImportFileError as error:  # an upload kept from before a limit was set or lowered
        messages.error(request, error.message)
        return redirect("accounts:import")
    columns = _columns(frame)
    initial = {f"column_{i}": batch.mapping.get(column, "") for i, column in enumerate(columns)}
    initial["create_missing_accounts"] = batch.create_missing_accounts
    chosen = ImportOptions.from_json(batch.options)
    initial.update(turnover_unit=chosen.turnover_unit, turnover_currency=chosen.turnover_currency)
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
            options = options.with_changes(stages={}, credit_values=())
        if form.cleaned_data.get("save_as"):
            saved = saved_mapping_save(
                user=request.user,
                kind=batch.kind,
                columns=columns,
                mapping=mapping,
                options=options,
                name=form.cleaned_data["save_as"],
            )
            options = options.with_changes(saved_mapping=saved.pk, saved_mapping_name=saved.name)
            messages.success(request, _("Mapping saved as “%(name)s”.") % {"name": saved.name})
        batch.mapping = mapping
        batch.options = options.as_json()
        batch.create_missing_accounts = form.cleaned_data.get("create_missing_accounts") or False
        batch.save(update_fields=["mapping", "options", "create_missing_accounts"])
        if explain_again and _values_to_explain(frame, mapping):
            messages.info(request, _("Say what the values of the newly mapped column mean, then preview."))
            return redirect("accounts:import_map", pk=batch.pk)
        return redirect("accounts:import_preview", pk=batch.pk)
    sample = frame.head(SAMPLE_ROWS)[columns].values.tolist()
    rows = [(form[f"column_{i}"], [row[i] for row in sample]) for i in range(len(columns))]
    return render(request, "accounts/import_map.html", {"batch": batch, "form": form, "rows": rows})


def _import_options(request: HttpRequest, batch: ImportBatch) -> dict:
    return {
        "frame": read_table(data=bytes(batch.data), filename=batch.filename),
        "mapping": batch.mapping,
        "kind": batch.kind,
        "user": request.user,
        "create_missing_accounts": batch.create_missing_accounts,
        "options": ImportOptions.from_json(batch.options),
    }


def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch(request, pk)
    if elsewhere := _left_the_wizard(request, batch):
        return elsewhere
    try:
        options = _import_options(request, batch)
        if request.method == "POST":
            if import_batch_is_large(frame=options["frame"]):
                # Longer than a web request may live: a worker applies it, the result page shows its progress.
                import_batch_queue(batch=batch)
                return redirect("accounts:import_result", pk=batch.pk)
            import_batch_apply(batch=batch, user=request.user, frame=options["frame"])
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


@require_POST
def import_accept_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep every close-match suggestion of the preview as a correction of the file, then preview again."""
    batch = _get_batch(request, pk)
    if elsewhere := _left_the_wizard(request, batch):
        return elsewhere
    try:
        preview = preview_import(**_import_options(request, batch))
    except ImportFileError as error:
        messages.error(request, error.message)
        return redirect("accounts:import_map", pk=batch.pk)
    options = ImportOptions.from_json(batch.options)
    corrections = {field: dict(fixes) for field, fixes in options.corrections.items()}
    for suggestion in preview.suggestions:
        corrections.setdefault(suggestion.field, {})[suggestion.value] = suggestion.replacement
    batch.options = options.with_changes(corrections=corrections).as_json()
    batch.save(update_fields=["options"])
    if preview.suggestions:
        messages.success(request, _("Suggestions accepted: the file is read with these corrections."))
    return redirect("accounts:import_preview", pk=batch.pk)


@require_POST
def import_line_choices(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep what the user chose for each product not in the catalogue (a new line, or an existing line)."""
    batch = _get_batch(request, pk)
    if elsewhere := _left_the_wizard(request, batch):
        return elsewhere
    lines = {str(line) for line in ProductLine.objects.values_list("pk", flat=True)}
    options = ImportOptions.from_json(batch.options)
    corrections = {field: dict(fixes) for field, fixes in options.corrections.items()}
    chosen = corrections.setdefault(LINE_CHOICES, {})
    for key in request.POST:
        if not key.startswith("value_"):
            continue
        value, choice = request.POST[key], request.POST.get("choice_" + key.removeprefix("value_"), "")
        if value and (choice == NEW_LINE or choice in lines):
            chosen[value] = choice
    batch.options = options.with_changes(corrections=corrections).as_json()
    batch.save(update_fields=["options"])
    messages.success(request, _("Your choices for the product lines are kept: the file is read with them."))
    return redirect("accounts:import_preview", pk=batch.pk)


def import_result(request: HttpRequest, pk: int) -> HttpResponse:
    """The applied import's counts; while a worker applies it, its progress (the fragment polls every 2 s)."""
    batch = _get_batch(request, pk)
    if batch.status in (ImportStatus.QUEUED, ImportStatus.APPLYING, ImportStatus.FAILED):
        context = {"batch": batch, "broker_down": outbox_publish_failed(key=batch.outbox_key)}
        template = "accounts/_import_progress.html" if request.htmx else "accounts/import_status.html"
        return render(request, template, context)
    if batch.status != ImportStatus.APPLIED:
        if request.htmx:  # the polled fragment: the whole page must change
            return HttpResponseClientRedirect(reverse("accounts:import_preview", args=[batch.pk]))
        return _left_the_wizard(request, batch) or redirect("accounts:import_preview", pk=batch.pk)
    if request.htmx:
        return HttpResponseClientRedirect(reverse("accounts:import_result", args=[batch.pk]))
    summary = result_summary({"kind": batch.kind, **batch.result})
    return render(request, "accounts/import_result.html", {"batch": batch, "summary": summary})


# --- Saved mappings --------------------------------------------------------------------------------------------


def _get_mapping(request: HttpRequest, pk: int) -> ImportMapping:
    _require_importer(request)
    return get_object_or_404(ImportMapping.objects.visible_to(request.user), pk=pk)


def import_mappings(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    mappings = list(ImportMapping.objects.visible_to(request.user).select_related("created_by"))
    kinds = dict(ImportKind.choices)
    for saved in mappings:
        saved.kind_label = kinds.get(saved.kind, saved.kind)
    return render(request, "accounts/import_mappings.html", {"mappings": mappings})


def import_mapping_edit(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _get_mapping(request, pk)
    form = ImportMappingRenameForm(request.POST or None, instance=saved)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Mapping renamed “%(name)s”.") % {"name": saved.name})
        return redirect("accounts:import_mappings")
    return render(request, "accounts/import_mapping_form.html", {"form": form, "saved": saved})


@require_POST
def import_mapping_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _get_mapping(request, pk)
    saved.delete()
    messages.success(request, _("Mapping “%(name)s” deleted.") % {"name": saved.name})
    return redirect("accounts:import_mappings")
