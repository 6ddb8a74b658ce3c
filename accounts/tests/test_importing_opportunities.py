"""Importing a CRM's opportunities: won deals become yearly revenue, open ones the pipeline, lost ones are ignored."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from accounts.importing import ImportKind, ImportRejected, apply_import, guess_mapping, preview_import, read_table
from accounts.importing.options import ImportOptions, Unit, guess_stage
from accounts.models import Account, Deal, DealOutcome, Lifecycle, YearlyFinancial
from accounts.pipeline import open_pipeline_source
from accounts.tests.factories import AccountFactory, YearlyFinancialFactory

pytestmark = pytest.mark.django_db

OPPORTUNITIES = Path(__file__).resolve().parent / "data" / "crm" / "opportunities.csv"
HEADER = "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"


def run(data: bytes, user, *, apply: bool = True, **options):
    frame = read_table(data=data, filename="opportunities.csv")
    mapping = guess_mapping(columns=[c for c in frame.columns if c != "line"], kind=ImportKind.OPPORTUNITIES)
    action = apply_import if apply else preview_import
    return action(frame=frame, mapping=mapping, kind=ImportKind.OPPORTUNITIES, user=user, **options)


def test_common_crm_headers_are_guessed():
    columns = HEADER.strip().split(",")

    mapping = guess_mapping(columns=columns, kind=ImportKind.OPPORTUNITIES)

    assert mapping == {
        "opportunity_id": "deal_id",
        "sales_agent": "owner",
        "product": "product",
        "account": "account",
        "deal_stage": "stage",
        "engage_date": "engage_date",
        "close_date": "close_date",
        "close_value": "amount",
    }


@pytest.mark.parametrize(
    ("stage", "outcome"),
    [("Won", "won"), ("Closed Won", "won"), ("Gagné", "won"), ("Engaging", "open"), ("Prospecting", "open"),
     ("Proposal", "open"), ("Negotiation", "open"), ("En cours", "open"), ("Lost", "lost"), ("Closed Lost", "lost"),
     ("Perdu", "lost"), ("Stage 4", "")],
)  # fmt: skip
def test_stages_are_guessed_from_their_common_names(stage, outcome):
    assert guess_stage(stage) == outcome


def test_won_deals_become_yearly_revenue_and_reimport_changes_nothing(manager):
    acme = AccountFactory(name="Acme Corporation", owner=manager)
    data = (
        HEADER + "C1I7A6R,Anna,GTX Pro,Acme Corporation,Won,2016-11-02,2016-12-01,4821\n"
        "D2K,Anna,GTX Basic,Acme Corporation,Won,2017-01-02,2017-02-01,550\n"
        "E3L,Anna,GTX Basic,Acme Corporation,Won,2017-01-02,2017-03-01,450\n"
        "F4M,Anna,GTK 500,Acme Corporation,Engaging,2017-06-01,,26768\n"
        "G5N,Anna,GTK 500,Acme Corporation,Prospecting,,,1000\n"
        "H6P,Anna,GTX Pro,Acme Corporation,Lost,2017-01-02,2017-04-01,0\n"
        "J7Q,Anna,GTX Pro,,Prospecting,,,\n"
    ).encode()

    result = run(data, manager)
    again = run(data, manager)

    assert dict(acme.financials.values_list("year", "revenue")) == {2016: Decimal("4821.00"), 2017: Decimal("1000.00")}
    assert result.summary == [
        "2 yearly revenues written for 1 account.",
        "3 won deals, 2 open deals (pipeline 27.8 k EUR), 1 lost deal ignored.",
        "Deals: 6 new, 0 changed, 0 unchanged.",
        "2 revenues by product line written on 2 lines.",
        "3 product lines created.",
        "1 row skipped: no account.",
    ]
    assert again.summary[0] == "0 yearly revenues written for 0 accounts; 2 unchanged."
    assert again.summary[2] == "Deals: 0 new, 0 changed, 6 unchanged."
    assert Deal.objects.count() == 6
    assert YearlyFinancial.objects.filter(account=acme).count() == 2
    assert "The newest figures are for 2017" in " ".join(result.warnings)


def test_a_changed_deal_recomputes_its_years_from_every_stored_won_deal(manager):
    acme = AccountFactory(name="Acme", owner=manager)
    run((HEADER + "A1,,,Acme,Won,,2017-02-01,100\nA2,,,Acme,Won,,2017-03-01,50\n").encode(), manager)

    result = run((HEADER + "A2,,,Acme,Won,,2018-03-01,70\n").encode(), manager)

    assert dict(acme.financials.values_list("year", "revenue")) == {2017: Decimal("100.00"), 2018: Decimal("70.00")}
    assert result.summary[2] == "Deals: 0 new, 1 changed, 0 unchanged."


def test_open_deals_make_a_pipeline_scoring_source(manager):
    acme = AccountFactory(name="Acme", owner=manager)
    beta = AccountFactory(name="Beta", owner=manager)
    without = AccountFactory(name="No deals", owner=manager)
    run(
        (HEADER + "A1,,,Acme,Engaging,,,100\nA2,,,Acme,Proposal,,,50\nB1,,,Beta,Won,,2017-01-01,10\n").encode(), manager
    )

    values = open_pipeline_source(pd.DataFrame(index=[acme.pk, beta.pk, without.pk]))

    assert values[acme.pk] == 150
    assert values[beta.pk] == 0  # deals, none open
    assert pd.isna(values[without.pk])  # no deal data: missing, not zero


def test_stages_chosen_in_the_wizard_override_the_guess(manager):
    acme = AccountFactory(name="Acme", owner=manager)
    data = (HEADER + "A1,,,Acme,Signé,,2017-02-01,100\nA2,,,Acme,Stage 4,,2017-03-01,50\n").encode()

    rejected = run(data, manager, apply=False)
    assert [error.reasons for error in rejected.errors] == [
        ["The stage “Stage 4” is not known as won, open or lost: say what it means at the mapping step."]
    ]

    run(data, manager, options=ImportOptions(stages={"Stage 4": "lost"}, unit=Unit.THOUSAND))

    assert acme.financials.get().revenue == Decimal("100000.00")
    assert Deal.objects.get(external_id="A2").outcome == DealOutcome.LOST


def test_deals_of_unknown_accounts_are_skipped_or_create_the_account(manager):
    data = HEADER + "A1,,,Newco,Won,,2017-02-01,100\nA2,,,Newco,Lost,,2017-03-01,0\nA3,,,Prospect Co,Engaging,,,5\n"

    skipped = run(data.encode(), manager)
    assert skipped.summary[-1] == "3 rows skipped: their account is not in the register (2 accounts)."
    assert not Account.objects.exists()

    created = run(data.encode(), manager, create_missing_accounts=True)

    assert "2 accounts were created for deals' accounts not in the register." in created.warnings
    newco = Account.objects.get(name="Newco")
    assert (newco.lifecycle, newco.owner, newco.financials.get().revenue) == (Lifecycle.CUSTOMER, manager, 100)
    assert Account.objects.get(name="Prospect Co").lifecycle == Lifecycle.PROSPECT


def test_won_deals_need_an_amount_and_a_plausible_close_year(manager):
    AccountFactory(name="Acme", owner=manager)
    data = (HEADER + "A1,,,Acme,Won,,1985-02-01,100\nA2,,,Acme,Won,,2017-02-01,\nA3,,,Acme,Won,,,10\n"
            "A4,,,Acme,Engaging,,2099-01-01,10\nA4,,,Acme,Lost,,2017-01-01,0\n")  # fmt: skip

    with pytest.raises(ImportRejected) as rejected:
        run(data.encode(), manager)

    found = {error.line: " ".join(error.reasons) for error in rejected.value.preview.errors}
    assert found == {
        2: "1985 cannot be a financial year of this customer: before 1990.",
        3: "The won deal has no amount.",
        4: "The won deal has no close date: it says which year's revenue the deal is.",
        6: "The deal “A4” appears more than once (lines 5, 6): keep one row per deal.",
    }
    assert not Deal.objects.exists()


def test_deals_of_another_managers_account_are_refused(manager, other_manager):
    YearlyFinancialFactory(account=AccountFactory(name="Theirs", owner=other_manager), year=2017, revenue=5)

    with pytest.raises(ImportRejected) as rejected:
        run((HEADER + "A1,,,Theirs,Won,,2017-02-01,100\n").encode(), manager)

    assert "it is run by another key account manager" in rejected.value.preview.errors[0].reasons[0]


def test_the_crm_sample_imports_won_open_and_lost_deals(manager):
    frame = pd.read_csv(OPPORTUNITIES, dtype=str, keep_default_na=False)
    named = frame[frame.account != ""]
    for name in named.account.unique():
        AccountFactory(name=name, owner=manager)
    won = named[named.deal_stage == "Won"]

    result = run(OPPORTUNITIES.read_bytes(), manager)

    pairs = won.groupby([won.account, won.close_date.str[:4]]).ngroups
    assert result.summary[0] == f"{pairs} yearly revenues written for {won.account.nunique()} accounts."
    assert f"{len(won)} won deals" in result.summary[1]
    assert f"{(frame.account == '').sum()} rows skipped: no account." in result.summary
    assert YearlyFinancial.objects.count() == pairs
    total = sum(YearlyFinancial.objects.values_list("revenue", flat=True))
    assert total == int(won.close_value.astype(int).sum())
    assert Deal.objects.filter(external_id__regex=r"^C\d", outcome=DealOutcome.WON).exists()


def test_import_command_takes_unit_currency_and_stages(tmp_path, manager):
    import io

    from django.core.management import call_command

    AccountFactory(name="Acme", owner=manager)
    path = tmp_path / "deals.csv"
    path.write_text(HEADER + "A1,,,Acme,Stage 9,,2017-02-01,1.5\nA2,,,,Won,,2017-02-01,3\n", encoding="utf-8")
    out = io.StringIO()

    call_command(
        "import_accounts",
        str(path),
        "--kind=opportunities",
        f"--user={manager.username}",
        "--unit=1000000",
        "--currency=usd",
        '--stages={"Stage 9": "won"}',
        stdout=out,
    )

    financial = YearlyFinancial.objects.get()
    assert (financial.revenue, financial.currency) == (Decimal("1500000.00"), "USD")
    assert "1 row skipped: no account." in out.getvalue()


def test_skipped_rows_of_unknown_accounts_are_not_checked(manager):
    AccountFactory(name="Acme", owner=manager)

    result = run((HEADER + "A1,,,Acme,Won,,2017-02-01,10\nA2,,,Newco,Stage 9,,someday,ten\n").encode(), manager)

    assert result.summary[-1] == "1 row skipped: its account is not in the register (1 account)."
