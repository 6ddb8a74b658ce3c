"""The import's entry points: preview every problem of a mapped file, or apply it all or nothing."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.importing.accounts import AccountImportPlan, accounts_plan
from accounts.importing.errors import ImportFileError, ImportRejected
from accounts.importing.fields import ImportKind
from accounts.importing.opportunities import OpportunityImportPlan, opportunities_plan
from accounts.importing.options import ImportOptions
from accounts.importing.people import SalesTeamImportPlan, sales_team_plan
from accounts.importing.results import ImportPreview, ImportResult
from accounts.importing.transactions import TransactionImportPlan, transactions_plan
from accounts.importing.writing import rows_written_reported


def _plan(
    *,
    frame: pd.DataFrame,
    mapping: dict[str, str],
    kind: ImportKind | str,
    user,
    create_missing_accounts: bool,
    options: ImportOptions | None,
) -> AccountImportPlan | TransactionImportPlan | OpportunityImportPlan | SalesTeamImportPlan:
    try:
        kind = ImportKind(kind)
    except ValueError as error:
        raise ImportFileError(_("Unknown kind of import: %(kind)s.") % {"kind": kind}) from error
    if kind == ImportKind.ACCOUNTS:
        return accounts_plan(frame=frame, mapping=mapping, user=user, options=options)
    if kind == ImportKind.SALES_TEAM:
        return sales_team_plan(frame=frame, mapping=mapping, user=user)
    if kind == ImportKind.OPPORTUNITIES:
        return opportunities_plan(
            frame=frame, mapping=mapping, user=user, create_missing_accounts=create_missing_accounts, options=options
        )
    return transactions_plan(
        frame=frame, mapping=mapping, user=user, create_missing_accounts=create_missing_accounts, options=options
    )


def preview_import(
    *,
    frame: pd.DataFrame,
    mapping: dict[str, str],
    kind: ImportKind | str,
    user,
    create_missing_accounts: bool = False,
    options: ImportOptions | None = None,
) -> ImportPreview:
    """What applying the file would do, and every row error; writes nothing.

    `options` holds the wizard's other answers (units, currencies, credit notes, stages, accepted corrections).
    """
    return _plan(
        frame=frame,
        mapping=mapping,
        kind=kind,
        user=user,
        create_missing_accounts=create_missing_accounts,
        options=options,
    ).preview


def apply_import(
    *,
    frame: pd.DataFrame,
    mapping: dict[str, str],
    kind: ImportKind | str,
    user,
    create_missing_accounts: bool = False,
    options: ImportOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Check the file again and write it in one transaction; raises ImportRejected, writing nothing, on any error.

    `progress(written, planned)` is told, once the file is checked and then after each chunk written, how many
    rows were written of the ones the preview counts (to create and to update). Writing is most of an import's time.
    """
    with transaction.atomic():
        plan = _plan(
            frame=frame,
            mapping=mapping,
            kind=kind,
            user=user,
            create_missing_accounts=create_missing_accounts,
            options=options,
        )
        if not plan.preview.ok:
            raise ImportRejected(plan.preview)
        if progress is None:
            return plan.apply()
        planned = plan.preview.to_create + plan.preview.to_update
        written = 0
        progress(written, planned)

        def report(count: int) -> None:
            nonlocal written
            # Accounts an import of money creates for unknown customers are written too: never past 100 %.
            written = min(planned, written + count)
            progress(written, planned)

        with rows_written_reported(report):
            return plan.apply()
