"""Import a CSV or Excel file of accounts, transaction lines or opportunities from the command line, like the wizard."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.importing import (
    LINE_COLUMN,
    ImportFileError,
    ImportKind,
    ImportRejected,
    apply_import,
    guess_mapping,
    preview_import,
    read_table,
)
from accounts.importing.lines import LINE_CHOICES, NEW_LINE
from accounts.importing.options import ImportOptions, Outcome, Unit
from accounts.importing.results import ImportPreview


class Command(BaseCommand):
    help = "Import accounts, transactions, opportunities or a sales team from a CSV or .xlsx file: all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--kind", choices=ImportKind.values, default=ImportKind.ACCOUNTS, help="What the file holds."
        )
        parser.add_argument(
            "--mapping",
            help='JSON object {"column": "field"} (or a path to a JSON file) applied over the guessed mapping; '
            '"" ignores a column.',
        )
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="Create accounts for customers not in the register (opportunities: else their rows are skipped).",
        )
        parser.add_argument(
            "--unit", type=int, choices=Unit.values, default=Unit.ONE, help="Multiply the file's amounts by this."
        )
        parser.add_argument("--currency", default="", help="ISO code of the file's amounts (default: KAM_CURRENCY).")
        parser.add_argument(
            "--credit-values",
            default="",
            help='Comma-separated values of the "credit_flag" column that mean a credit note, e.g. "CN,Avoir".',
        )
        parser.add_argument(
            "--stages",
            help='JSON object {"stage": "won"|"open"|"lost"} over the guessed meaning of each deal stage.',
        )
        parser.add_argument(
            "--turnover-unit",
            choices=["1", "k", "M", "bn"],
            help="Unit the company-turnover column is written in (1, k, M or bn).",
        )
        parser.add_argument("--turnover-currency", help="Currency code of the company-turnover column, like USD.")
        parser.add_argument(
            "--accept-suggestions",
            action="store_true",
            help="Read each name close to a known one (a product line, a country) as that one, as suggested.",
        )
        parser.add_argument(
            "--new-line",
            action="append",
            default=[],
            metavar="PRODUCT",
            help="Create a product line for this product of the file (repeat for each); without it, a product "
            "not in the catalogue stops the import.",
        )
        parser.add_argument("--user", help="Username the import runs as (default: the first superuser).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")

    def handle(self, *args, **options) -> None:
        user = self._user(options["user"])
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        kind = ImportKind(options["kind"])
        try:
            frame = read_table(data=data, filename=path.name, max_bytes=max(len(data), 1))
            columns = [column for column in frame.columns if column != LINE_COLUMN]
            explicit = self._mapping(options["mapping"])
            # A field mapped explicitly is no longer filled from the column it was guessed from.
            guessed = {c: f for c, f in guess_mapping(columns=columns, kind=kind).items() if f not in explicit.values()}
            mapping = {**guessed, **explicit}
            self.stdout.write("Mapping: " + ", ".join(f"{c} -> {f}" for c, f in mapping.items() if f))
            arguments = {
                "frame": frame,
                "mapping": mapping,
                "kind": kind,
                "user": user,
                "create_missing_accounts": options["create_missing"],
                "options": self._options(options),
            }
            arguments["options"] = self._answer_unknown_names(arguments, options)
            if options["dry_run"]:
                preview = preview_import(**arguments)
                self._report(preview)
                if not preview.ok:
                    raise CommandError(f"{len(preview.errors)} rows have errors.")
                self.stdout.write(self.style.SUCCESS("Dry run: nothing was written."))
                return
            result = apply_import(**arguments)
        except ImportFileError as error:
            raise CommandError(error.message) from error
        except ImportRejected as rejected:
            self._report(rejected.preview)
            raise CommandError(f"{len(rejected.preview.errors)} rows have errors: nothing was imported.") from None
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(str(warning)))
        if result.counts:  # a money import says what it counts: yearly revenues, deals
            for line in result.counts:
                self.stdout.write(self.style.SUCCESS(str(line)))
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Created {result.created}, updated {result.updated}, unchanged {result.unchanged}.")
            )
        # Then contacts added and rows skipped, after the counts' sentences.
        for sentence in result.summary[max(len(result.counts), 1) :]:
            self.stdout.write(str(sentence))

    def _answer_unknown_names(self, arguments: dict, options: dict) -> ImportOptions:
        """List the file's products not in the catalogue, as the wizard does, and apply what the command line
        says of them; stop, writing nothing, while one is left unanswered (a new line is never created unasked)."""
        import_options: ImportOptions = arguments["options"]
        if "product_line" not in arguments["mapping"].values() and not (
            options["accept_suggestions"] or options["new_line"]
        ):
            return import_options  # nothing to ask: no second reading of the file
        first = preview_import(**arguments)
        corrections = {field: dict(fixes) for field, fixes in import_options.corrections.items()}
        if options["accept_suggestions"]:
            for suggestion in first.suggestions:
                corrections.setdefault(suggestion.field, {})[suggestion.value] = suggestion.replacement
        chosen = corrections.setdefault(LINE_CHOICES, {})
        unknown = {choice.value for choice in first.line_choices}
        asked = set(options["new_line"])
        if strays := sorted(asked - unknown):
            raise CommandError(
                "--new-line names no product of the file missing from the catalogue: "
                + ", ".join(f"“{value}”" for value in strays)
                + "."
            )
        for value in asked:
            chosen[value] = NEW_LINE
        waiting = []
        if first.line_choices:
            self.stdout.write("Products not in the catalogue of product lines:")
        for choice in first.line_choices:
            rows = f"{choice.rows} row" + ("" if choice.rows == 1 else "s")
            close = f", close to the line “{choice.suggestion_label}”" if choice.suggestion else ""
            if chosen.get(choice.value) == NEW_LINE:
                outcome = "a new line"
            elif choice.suggestion and chosen.get(choice.value) == str(choice.suggestion):
                outcome = f"counted in “{choice.suggestion_label}”"
            else:
                waiting.append(choice)
                outcome = "waiting: " + (
                    "--accept-suggestions, or --new-line for a line of its own"
                    if choice.suggestion
                    else "--new-line to create it"
                )
            self.stdout.write(f"  “{choice.value}” ({rows}{close}): {outcome}")
        if waiting:
            raise CommandError(
                f"{len(waiting)} product{'s' if len(waiting) > 1 else ''} not in the catalogue of product lines: "
                "nothing was imported. Say what to do with each (--accept-suggestions, --new-line PRODUCT), or "
                "map the file to existing lines with the web import."
            )
        if not corrections[LINE_CHOICES]:
            del corrections[LINE_CHOICES]
        return import_options.with_changes(corrections=corrections)

    def _user(self, username: str | None):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"No active user named {username!r}.")
            return user
        user = users.filter(is_superuser=True).order_by("pk").first()
        if user is None:
            raise CommandError("There is no superuser: pass --user USERNAME.")
        return user

    def _mapping(self, text: str | None) -> dict[str, str]:
        if not text:
            return {}
        if not text.lstrip().startswith("{") and Path(text).is_file():
            text = Path(text).read_text(encoding="utf-8")
        try:
            mapping = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"--mapping is not valid JSON: {error}") from error
        if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str | None) for k, v in mapping.items()
        ):
            raise CommandError(
                '--mapping must be a JSON object of column names to field names, like {"Code": "reference"}.'
            )
        return {column: field or "" for column, field in mapping.items()}

    def _options(self, options: dict) -> ImportOptions:
        currency = options["currency"].strip()
        if currency and not (len(currency) == 3 and currency.isalpha()):
            raise CommandError(f"--currency must be a three-letter ISO code such as EUR, not {currency!r}.")
        stages = {}
        if options["stages"]:
            try:
                stages = json.loads(options["stages"])
            except json.JSONDecodeError as error:
                raise CommandError(f"--stages is not valid JSON: {error}") from error
            if not isinstance(stages, dict) or not set(stages.values()) <= set(Outcome.values):
                raise CommandError('--stages must map each stage to "won", "open" or "lost".')
        credit = tuple(value.strip() for value in options["credit_values"].split(",") if value.strip())
        return ImportOptions(
            unit=options["unit"],
            currency=currency.upper(),
            credit_values=credit,
            stages=stages,
            turnover_unit=options["turnover_unit"] or "",
            turnover_currency=options["turnover_currency"] or "",
        )

    def _report(self, preview: ImportPreview) -> None:
        self.stdout.write(
            f"Preview: {preview.to_create} to create, {preview.to_update} to update, {preview.unchanged} unchanged."
        )
        for line in preview.summary:
            self.stdout.write(str(line))
        for warning in preview.warnings:
            self.stdout.write(self.style.WARNING(str(warning)))
        for error in preview.errors:
            self.stderr.write(f"line {error.line}: {' '.join(error.reasons)}")
