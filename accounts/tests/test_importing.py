"""The import engine on real files (Northwind, Online Retail) and on the usual ways files go wrong."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook

from accounts.demo import read_ragged_csv
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
from accounts.importing.options import ImportOptions, Unit
from accounts.models import Account, Contact, Lifecycle, YearlyFinancial
from accounts.tests.factories import AccountFactory, YearlyFinancialFactory
from kam.roles import Role
from kam.tests.factories import UserFactory

NORTHWIND = Path(__file__).resolve().parents[1] / "demo_data" / "northwind"

RETAIL_DAY = Path(__file__).resolve().parent / "data" / "online_retail" / "2010-12-01.csv"

pytestmark = pytest.mark.django_db


def frame_and_mapping(
    data: bytes, kind: ImportKind, filename: str = "file.csv", confirmed: dict | None = None
) -> tuple[pd.DataFrame, dict]:
    """The guessed mapping, with `confirmed` columns mapped as the user would on the map step."""
    frame = read_table(data=data, filename=filename)
    columns = [column for column in frame.columns if column != LINE_COLUMN]
    return frame, {**guess_mapping(columns=columns, kind=kind), **(confirmed or {})}


def run(
    data: bytes,
    user,
    kind: ImportKind = ImportKind.ACCOUNTS,
    filename: str = "file.csv",
    confirmed: dict | None = None,
    **options,
):
    frame, mapping = frame_and_mapping(data, kind, filename, confirmed)
    return apply_import(frame=frame, mapping=mapping, kind=kind, user=user, **options)


def preview(
    data: bytes,
    user,
    kind: ImportKind = ImportKind.ACCOUNTS,
    filename: str = "file.csv",
    confirmed: dict | None = None,
    **options,
):
    frame, mapping = frame_and_mapping(data, kind, filename, confirmed)
    return preview_import(frame=frame, mapping=mapping, kind=kind, user=user, **options)


def reasons(preview_or_rejected) -> dict[int, str]:
    errors = getattr(preview_or_rejected, "preview", preview_or_rejected).errors
    return {error.line: " ".join(error.reasons) for error in errors}


# --- Reading files --------------------------------------------------------------------------------------------


def test_northwind_orders_with_unquoted_commas_in_the_address_are_repaired():
    frame = read_table(data=(NORTHWIND / "orders.csv").read_bytes(), filename="orders.csv")

    assert len(frame) == 830
    hanari = frame[frame.orderID == "10250"].iloc[0]
    assert hanari.shipAddress == "Rua do Paço, 67"
    assert hanari.shipCity == "Rio de Janeiro"
    assert hanari.shipRegion == "RJ"
    assert hanari[LINE_COLUMN] == 4
    assert (frame.shipRegion == "NULL").sum() == 0


def test_rows_with_extra_values_and_no_address_column_name_their_lines():
    data = b"code,name,potential\nA1,Acme,10\nA2,Beta,1,5\nA3,Gamma,2,5\n"

    with pytest.raises(ImportFileError) as error:
        read_table(data=data, filename="accounts.csv")

    assert "Lines 3, 4 have more values than the header" in error.value.message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"  \r\n\r\n", "The file is empty."),
        (b"customerID,companyName\r\n", "The file has a header row but no data."),
        (b"customerID,companyName\r\n,\r\n\r\n", "The file has a header row but no data."),
    ],
)
def test_empty_files_are_refused_with_a_clear_message(data, message):
    with pytest.raises(ImportFileError) as error:
        read_table(data=data, filename="accounts.csv")

    assert error.value.message == message


def test_oversized_file_is_refused_and_the_limit_is_given_in_megabytes():
    data = b"name\n" + b"Acme\n" * 300_000

    with pytest.raises(ImportFileError) as error:
        read_table(data=data, filename="big.csv", max_bytes=1024 * 1024)

    assert "the largest file accepted is 1 MB" in error.value.message


def test_default_size_limit_comes_from_the_settings(settings):
    settings.KAM_IMPORT_MAX_BYTES = 2 * 1024 * 1024

    with pytest.raises(ImportFileError) as error:
        read_table(data=b"name\n" + b"x" * (3 * 1024 * 1024), filename="big.csv")

    assert "the largest file accepted is 2 MB" in error.value.message


def test_xlsx_that_is_not_a_zip_is_refused():
    with pytest.raises(ImportFileError) as error:
        read_table(data=b"customerID,companyName\nA,B\n", filename="accounts.xlsx")

    assert "not a valid Excel .xlsx file" in error.value.message


def test_encodings_are_detected_and_never_raise():
    text = "Raison sociale;Ville\nSociété Générale;Düsseldorf\n"
    for data in (text.encode("utf-8-sig"), text.encode("utf-8"), text.encode("cp1252"), text.encode("latin-1")):
        frame = read_table(data=data, filename="comptes.csv")
        assert list(frame.columns) == [LINE_COLUMN, "Raison sociale", "Ville"]
        assert frame.iloc[0]["Raison sociale"] == "Société Générale"
        assert frame.iloc[0]["Ville"] == "Düsseldorf"
    # Latin-1 bytes that Windows-1252 leaves undefined still decode.
    assert read_table(data=b"name\nA\x81B\n", filename="odd.csv").iloc[0]["name"] == "A\x81B"


@pytest.mark.parametrize("separator", [",", ";", "\t", "|"])
def test_separator_is_sniffed(separator):
    data = separator.join(["reference", "name", "city"]) + "\nA1" + separator + "Acme" + separator + "Lyon\n"

    frame = read_table(data=data.encode(), filename="accounts.txt")

    assert frame.iloc[0].tolist() == [2, "A1", "Acme", "Lyon"]


# --- Mapping -------------------------------------------------------------------------------------------------


def test_guess_mapping_reads_english_and_french_headers():
    northwind = ["customerID", "companyName", "contactName", "contactTitle", "address", "city", "region",
                 "postalCode", "country", "phone", "fax"]  # fmt: skip
    assert guess_mapping(columns=northwind, kind=ImportKind.ACCOUNTS) == {
        "customerID": "reference", "companyName": "name", "contactName": "contact_name",
        "contactTitle": "contact_title", "address": "", "city": "city", "region": "", "postalCode": "",
        "country": "country", "phone": "contact_phone", "fax": "",
    }  # fmt: skip
    french = ["Code client", "Raison sociale", "Pays", "VILLE", "Fonction", "Potentiel", "Société mère", "Effectif"]
    assert guess_mapping(columns=french, kind=ImportKind.ACCOUNTS) == {
        "Code client": "reference", "Raison sociale": "name", "Pays": "country", "VILLE": "city",
        "Fonction": "contact_title", "Potentiel": "potential", "Société mère": "parent", "Effectif": "employees",
    }  # fmt: skip
    retail = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"]
    assert guess_mapping(columns=retail, kind=ImportKind.TRANSACTIONS) == {
        "InvoiceNo": "invoice", "StockCode": "", "Description": "", "Quantity": "quantity",
        "InvoiceDate": "date", "UnitPrice": "unit_price", "CustomerID": "customer", "Country": "country",
    }  # fmt: skip
    french_lines = ["Référence", "date_facture", "Qté", "Prix unitaire", "Montant", "Société", "Remise"]
    assert guess_mapping(columns=french_lines, kind=ImportKind.TRANSACTIONS) == {
        "Référence": "customer", "date_facture": "date", "Qté": "quantity", "Prix unitaire": "unit_price",
        "Montant": "amount", "Société": "customer_name", "Remise": "discount",
    }  # fmt: skip


def test_guess_mapping_uses_each_field_once():
    mapping = guess_mapping(columns=["Name", "Company", "Nom"], kind=ImportKind.ACCOUNTS)

    assert mapping == {"Name": "name", "Company": "", "Nom": ""}


def test_missing_required_column_names_the_field(admin_user):
    frame, _mapping = frame_and_mapping(b"customerID,city\nA1,Lyon\n", ImportKind.ACCOUNTS)

    with pytest.raises(ImportFileError) as error:
        preview_import(
            frame=frame, mapping={"customerID": "reference", "city": "city"}, kind="accounts", user=admin_user
        )

    assert "“Name”" in error.value.message and "required" in error.value.message


def test_transactions_need_an_amount_or_quantity_and_price(admin_user):
    frame, mapping = frame_and_mapping(b"customer,date,quantity\nA1,2024-01-02,3\n", ImportKind.TRANSACTIONS)

    with pytest.raises(ImportFileError) as error:
        preview_import(frame=frame, mapping=mapping, kind=ImportKind.TRANSACTIONS, user=admin_user)

    assert "“Amount”" in error.value.message and "“Unit price”" in error.value.message


# --- Accounts ------------------------------------------------------------------------------------------------


def test_northwind_customers_import_creates_91_accounts_with_contacts(admin_user):
    result = run((NORTHWIND / "customers.csv").read_bytes(), admin_user, filename="customers.csv")

    assert (result.created, result.updated, result.unchanged) == (91, 0, 0)
    assert Account.objects.count() == 91
    assert Contact.objects.count() == 91
    blondel = Account.objects.get(reference="BLONP")
    assert blondel.city == "Strasbourg"
    assert blondel.country.code == "FR"
    assert blondel.name == "Blondesddsl père et fils"
    contact = blondel.contacts.get()
    assert (contact.name, contact.job_title, contact.phone) == (
        "Frédérique Citeaux",
        "Marketing Manager",
        "88.60.15.31",
    )
    assert Account.objects.get(reference="AROUT").country.code == "GB"
    assert Account.objects.get(reference="ANATR").city == "México D.F."
    # Bulk writes still leave a history entry per account, signed by the importing user.
    assert blondel.history.get().history_user == admin_user


def test_reimporting_northwind_customers_changes_nothing(admin_user):
    data = (NORTHWIND / "customers.csv").read_bytes()
    run(data, admin_user)
    history = Account.history.count()

    again = preview(data, admin_user)
    result = run(data, admin_user)

    assert (again.to_create, again.to_update, again.unchanged) == (0, 0, 91)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 91)
    assert Contact.objects.count() == 91
    assert Account.history.count() == history


def test_accounts_match_on_name_when_the_file_has_no_reference(admin_user):
    existing = AccountFactory(name="Société Générale", reference=None, city="Paris")

    result = run("Raison sociale;Ville;Code client\nSOCIETE  GENERALE;La Défense;SG-1\n".encode("cp1252"), admin_user)

    assert (result.created, result.updated) == (0, 1)
    existing.refresh_from_db()
    assert (existing.name, existing.city, existing.reference) == ("Société Générale", "La Défense", "SG-1")


def test_french_excel_csv_with_decimal_commas_and_accents(admin_user):
    data = (
        "Code client;Raison sociale;Pays;Ville;Potentiel;CA;Année;Effectif;Statut\r\n"
        "C001;Société Générale;France;Paris;1 234 567,89 €;1.234,50;2024;120;Client\r\n"
        "C002;Crédit Agricole;Allemagne;Münster;2500;0,5;2023;1 200;Prospect\r\n"
    ).encode("cp1252")

    result = run(data, admin_user, filename="comptes.csv", confirmed={"CA": "revenue"})

    assert result.created == 2
    societe = Account.objects.get(reference="C001")
    assert societe.name == "Société Générale"
    assert societe.potential == Decimal("1234567.89")
    assert societe.employees == 120
    assert societe.financials.get().revenue == Decimal("1234.50")
    credit = Account.objects.get(reference="C002")
    assert (credit.country.code, credit.city, credit.lifecycle, credit.employees) == ("DE", "Münster", "prospect", 1200)
    assert credit.financials.get(year=2023).revenue == Decimal("0.50")


def test_revenue_updates_the_yearly_financial_and_the_register_columns(admin_user):
    account = AccountFactory(reference="R1")
    YearlyFinancialFactory(account=account, year=2024, revenue=Decimal("100"))

    result = run(
        b"reference,name,revenue,year\nR1,Renamed,150,2024\nR1b,Other,10,2023\n",
        admin_user,
        confirmed={"revenue": "revenue"},
    )

    assert (result.created, result.updated) == (1, 1)
    account.refresh_from_db()
    assert account.name == "Renamed"
    assert account.financials.get(year=2024).revenue == Decimal("150.00")
    assert account.financials.get(year=2024).history.first().history_user == admin_user


def test_duplicate_rows_are_all_reported(admin_user):
    data = b"reference,name\nA1,Acme\nA2,Beta\nA1,Gamma\nA3,ACME.\nA4,Delta\n"

    rejected = preview(data, admin_user)

    found = reasons(rejected)
    assert set(found) == {2, 4, 5}
    assert "The reference “A1” is on several lines: 2, 4." in found[2]
    assert "The reference “A1” is on several lines: 2, 4." in found[4]
    assert "The name “Acme” is on several lines: 2, 5." in found[5]
    assert not rejected.ok


def test_negative_and_non_numeric_amounts_are_all_listed_and_nothing_is_applied(admin_user):
    data = (
        b"reference,name,potential,revenue,year,employees\n"
        b"A1,Acme,1000,500,2024,10\n"
        b"A2,Beta,-5,500,2024,10\n"
        b"A3,Gamma,lots,500,2024,10\n"
        b"A4,Delta,1000,-1,2024,ten\n"
        b"A5,Epsilon,1000,500,last year,10\n"
        b"A6,Zeta,1000,500,2024,2.5\n"
    )

    with pytest.raises(ImportRejected) as rejected:
        run(data, admin_user, confirmed={"revenue": "revenue"})

    found = reasons(rejected.value)
    assert sorted(found) == [3, 4, 5, 6, 7]
    assert "Estimated potential cannot be negative." in found[3]
    assert "Estimated potential “lots” is not an amount." in found[4]
    assert "Revenue cannot be negative." in found[5]
    assert "The number of employees “ten” is not a number." in found[5]
    assert "“last year” is not a year." in found[6]
    assert "whole number" in found[7]
    assert Account.objects.count() == 0


def test_unknown_owner_and_country_are_row_errors(admin_user):
    data = b"name,owner,country,website\nAcme,nobody,Atlantis,acme.example.com\nBeta,,FR,not a url\n"

    found = reasons(preview(data, admin_user))

    assert "No key account manager has the username, e-mail or full name “nobody”." in found[2]
    assert "“Atlantis” is not a country" in found[2]
    assert "“not a url” is not a web address." in found[3]


def test_parents_resolve_in_the_file_and_the_register_and_loops_are_refused(admin_user):
    holding = AccountFactory(name="Holding SA", reference="H1")
    data = b"reference,name,parent\nS1,Sub One,Holding SA\nS2,Sub Two,S1\n"

    result = run(data, admin_user)

    assert result.created == 2
    assert Account.objects.get(reference="S2").parent == Account.objects.get(reference="S1")
    assert Account.objects.get(reference="S1").parent == holding
    loop = reasons(preview(b"reference,name,parent\nH1,Holding SA,S2\nX1,Alone,X1\nX2,Orphan,Nowhere\n", admin_user))
    assert "would loop" in loop[2]
    assert "cannot be its own parent" in loop[3]
    assert "“Nowhere” is neither in the file nor in the register" in loop[4]


def test_real_xlsx_written_with_openpyxl_is_imported(admin_user):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Customer ID", "Company", "Country", "Employees", "Potential"])
    sheet.append([17850.0, "Excel Trading Ltd", "United Kingdom", 42, 125000.5])
    sheet.append([None, None, None, None, None])
    sheet.append(["X-2", "Second Sheet Row", "fr", None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = run(buffer.getvalue(), admin_user, filename="accounts.xlsx")

    assert result.created == 2
    trading = Account.objects.get(reference="17850")
    assert (trading.name, trading.country.code, trading.employees) == ("Excel Trading Ltd", "GB", 42)
    assert trading.potential == Decimal("125000.50")
    assert Account.objects.get(reference="X-2").country.code == "FR"


def test_imported_changes_are_in_the_history_with_the_user(manager):
    run(b"reference,name,city,potential\nH1,Acme,Lyon,10\n", manager)
    run(b"reference,name,city,potential\nH1,Acme,Nantes,10\n", manager)

    account = Account.objects.get(reference="H1")
    created, updated = account.history.order_by("history_id")
    assert (created.history_type, updated.history_type) == ("+", "~")
    assert created.history_user == updated.history_user == manager
    assert created.history_change_reason == "import"
    assert [change.field for change in updated.diff_against(created).changes] == ["city"]
    assert updated.instance.potential == Decimal("10.00")
    assert created.history_date <= updated.history_date
    assert account.updated_at > account.created_at


def test_a_workbook_saved_with_a_csv_name_is_read_as_excel(admin_user):
    workbook = Workbook()
    workbook.active.append(["name", "city"])
    workbook.active.append(["Renamed Workbook", "Lille"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    frame = read_table(data=buffer.getvalue(), filename="export.csv")

    assert frame[["name", "city"]].values.tolist() == [["Renamed Workbook", "Lille"]]


# --- Access --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role_user", ["contributor", "sponsor", "outsider"])
def test_only_administrators_and_managers_may_import(role_user, request):
    user = request.getfixturevalue(role_user)

    with pytest.raises(ImportFileError) as error:
        preview(b"name\nAcme\n", user)

    assert "You may not import" in error.value.message
    assert Account.objects.count() == 0


def test_manager_cannot_update_another_managers_account(manager, other_manager):
    AccountFactory(name="Theirs", reference="T1", owner=other_manager, city="Lyon")
    AccountFactory(name="Mine", reference="M1", owner=manager, city="Lyon")
    data = b"reference,name,city\nM1,Mine,Nantes\nT1,Theirs,Lyon\nT1b,New One,Paris\n"
    assert preview(data, manager).ok  # unchanged rows of other accounts are harmless

    with pytest.raises(ImportRejected) as rejected:
        run(b"reference,name,city\nM1,Mine,Nantes\nT1,Theirs,Nice\n", manager)

    found = reasons(rejected.value)
    assert list(found) == [3]
    assert "You may not change the account “Theirs”" in found[3]
    assert Account.objects.get(reference="M1").city == "Lyon"


def test_accounts_a_manager_creates_are_theirs(manager):
    run(b"reference,name\nN1,New Customer\n", manager)

    assert Account.objects.get(reference="N1").owner == manager
    assert Account.objects.editable_by(manager).filter(reference="N1").exists()


# --- Transactions --------------------------------------------------------------------------------------------


def test_northwind_orders_become_yearly_revenue(admin_user, tmp_path):
    run((NORTHWIND / "customers.csv").read_bytes(), admin_user)
    orders = read_ragged_csv(NORTHWIND / "orders.csv", loose_column="shipAddress")[
        ["orderID", "customerID", "orderDate"]
    ]
    details = pd.read_csv(NORTHWIND / "order-details.csv", dtype=str)
    lines = details.merge(orders, on="orderID")[
        ["orderID", "customerID", "orderDate", "unitPrice", "quantity", "discount"]
    ]
    path = tmp_path / "northwind-lines.csv"
    lines.to_csv(path, index=False)

    result = run(path.read_bytes(), admin_user, kind=ImportKind.TRANSACTIONS)

    alfki = Account.objects.get(reference="ALFKI")
    revenue = dict(alfki.financials.values_list("year", "revenue"))
    assert revenue == {1997: Decimal("2022.50"), 1998: Decimal("2250.50")}
    account_years = lines.assign(year=lines.orderDate.str[:4]).groupby(["customerID", "year"]).ngroups
    assert result.created == YearlyFinancial.objects.count() == account_years
    # 1998 is the latest complete year the data holds: the register shows it rather than nothing
    assert Account.objects.get(reference="ALFKI").last_year_revenue == Decimal("2250.50")
    again = run(path.read_bytes(), admin_user, kind=ImportKind.TRANSACTIONS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, result.created)


def test_online_retail_day_creates_missing_customers_and_nets_cancellations(manager):
    data = RETAIL_DAY.read_bytes()
    raw = pd.read_csv(RETAIL_DAY)
    raw["amount"] = raw.Quantity * raw.UnitPrice
    expected = raw.dropna(subset=["CustomerID"]).groupby("CustomerID").amount.sum().round(2)

    result = run(data, manager, kind=ImportKind.TRANSACTIONS, create_missing_accounts=True)

    assert Account.objects.count() == len(expected) == 98
    assert result.created == 98
    assert "1,140 lines without a customer were skipped." in result.warnings
    assert "26 cancellation or credit lines were deducted from the revenue." in result.warnings
    first = Account.objects.get(reference="17850")
    assert (first.name, first.country.code, first.owner) == ("Customer 17850", "GB", manager)
    netted = YearlyFinancial.objects.get(account__reference="15311", year=2010)
    assert netted.revenue == Decimal("445.33")  # 449.98 of sales less a 4.65 cancellation
    stored = {int(r): v for r, v in YearlyFinancial.objects.values_list("account__reference", "revenue")}
    assert stored == {int(k): Decimal(f"{v:.2f}") + 0 for k, v in expected.items()}
    assert Account.objects.get(reference="12583").country.code == "FR"


def test_unknown_customers_are_one_error_each_listing_their_lines(admin_user):
    AccountFactory(reference="K1", name="Known")
    data = b"customer,date,amount\nK1,2024-03-01,10\nZ9,2024-03-01,5\nZ9,2024-04-01,5\nY8,2024-05-01,1\n"

    rejected = preview(data, admin_user, kind=ImportKind.TRANSACTIONS)

    found = reasons(rejected)
    assert sorted(found) == [3, 5]
    assert "“Z9” is not in the register (lines 3, 4)" in found[3]
    assert "“Y8” is not in the register (lines 5)" in found[5]


def test_transaction_lines_with_bad_dates_or_amounts_are_row_errors(admin_user):
    AccountFactory(reference="K1", name="Known Customer")
    data = (
        "Client;Date facture;Montant;N° facture\n"
        "K1;15/03/2024;1 200,50;F1\n"
        "known customer;16/03/2024;-200,50;F2\n"
        "K1;someday;10;F3\n"
        "K1;17/03/2024;dix;F4\n"
        ";17/03/2024;99;F5\n"
    ).encode("cp1252")

    with pytest.raises(ImportRejected) as rejected:
        run(data, admin_user, kind=ImportKind.TRANSACTIONS)

    found = reasons(rejected.value)
    assert found == {4: "“someday” is not a date.", 5: "The amount “dix” is not a number."}
    assert YearlyFinancial.objects.count() == 0

    result = run(data.replace(b"someday", b"18/03/2024").replace(b"dix", b"0"), admin_user, kind="transactions")

    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    assert YearlyFinancial.objects.get().revenue == Decimal("1010.00")  # the credit note is netted
    assert "1 line without a customer was skipped." in result.warnings


def test_transactions_refuse_accounts_of_another_manager(manager, other_manager):
    AccountFactory(reference="T1", name="Theirs", owner=other_manager)
    AccountFactory(reference="M1", name="Mine", owner=manager)

    with pytest.raises(ImportRejected) as rejected:
        run(
            b"customer,date,amount\nM1,2024-01-05,10\nT1,2024-01-05,10\nT1,2024-02-05,10\n",
            manager,
            kind="transactions",
        )

    assert reasons(rejected.value) == {
        3: "You may not change the account “Theirs” (customer “T1”, lines 3, 4): it is run by another key account "
        "manager."
    }


def test_bulk_import_creates_accounts_in_batches_and_stays_idempotent(admin_user):
    rows = "\n".join(f"IMP{i:05d};Société importée {i:05d};France;{i * 10},50" for i in range(2_000))
    data = ("Code client;Raison sociale;Pays;Potentiel\n" + rows).encode("cp1252")

    first = run(data, admin_user)
    second = run(data, admin_user)

    assert (first.created, second.unchanged) == (2_000, 2_000)
    assert Account.objects.get(reference="IMP01999").potential == Decimal("19990.50")
    assert Account.history.count() == 2_000


# --- Management command --------------------------------------------------------------------------------------


def test_import_accounts_command_imports_a_file(tmp_path):
    admin = UserFactory(username="root", is_superuser=True)
    path = tmp_path / "accounts.csv"
    path.write_text("Matricule,Société,Enseigne,Ville\nA1,Acme Holding SAS,Acme,Lyon\n", encoding="utf-8")
    out = io.StringIO()

    call_command(
        "import_accounts", str(path), "--mapping", '{"Matricule": "reference", "Enseigne": "name"}', stdout=out
    )

    assert "Created 1, updated 0, unchanged 0." in out.getvalue()
    account = Account.objects.get(reference="A1")
    assert (account.name, account.city, account.lifecycle) == ("Acme", "Lyon", Lifecycle.CUSTOMER)
    assert account.history.get().history_user == admin


def test_import_accounts_command_lists_row_errors_and_fails(tmp_path):
    UserFactory(username="kam", role=Role.KEY_ACCOUNT_MANAGER)
    path = tmp_path / "lines.csv"
    path.write_text("customer,date,amount\nZ1,2024-01-01,5\nZ1,bad,5\n", encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_accounts", str(path), "--kind", "transactions", "--user", "kam", "--dry-run", stderr=err)

    assert "2 rows have errors" in str(error.value)
    assert "line 2: The customer “Z1” is not in the register (lines 2, 3)" in err.getvalue()
    assert "line 3: “bad” is not a date." in err.getvalue()
    assert YearlyFinancial.objects.count() == 0


def test_a_manager_cannot_hand_accounts_to_someone_else_by_import(manager, other_manager, contributor):
    data = (
        f"name,owner\nMine,{manager.username}\nGiven away,{other_manager.username}\nTo support,{contributor.username}\n"
    )

    found = reasons(preview(data.encode(), manager))

    assert 2 not in found
    assert "Only an administrator can give an account to another key account manager." in found[3]
    assert "No key account manager has the username, e-mail or full name" in found[4]


def test_a_manager_cannot_graft_accounts_onto_a_colleagues_group_by_import(manager, other_manager):
    AccountFactory(name="Colleague Holding", reference="COL", owner=other_manager)
    mine = AccountFactory(name="Mine", reference="M1", owner=manager)
    data = b"reference,name,parent\nM1,Mine,COL\nN1,New Sub,Colleague Holding\nN2,Own Sub,M1\nN3,Sub Of New,N1\n"

    with pytest.raises(ImportRejected) as rejected:
        run(data, manager)

    found = reasons(rejected.value)
    refusal = "You may not attach an account to Colleague Holding's group: you cannot edit Colleague Holding."
    assert found[2] == refusal and found[3] == refusal
    assert 4 not in found and 5 not in found  # under his own account, or a new one of the file: allowed
    assert not Account.objects.filter(reference__in=["N1", "N2", "N3"]).exists()  # the import applies nothing
    mine.refresh_from_db()
    assert mine.parent is None


def test_an_existing_link_to_a_colleagues_group_is_no_graft_on_reimport(manager, other_manager):
    holding = AccountFactory(name="Colleague Holding", reference="COL", owner=other_manager)
    AccountFactory(name="Mine", reference="M1", owner=manager, parent=holding, city="Lyon")

    run(b"reference,name,parent,city\nM1,Mine,COL,Nantes\n", manager)

    assert Account.objects.get(reference="M1").city == "Nantes"


def test_an_administrator_attaches_accounts_to_any_group_by_import(admin_user, other_manager):
    holding = AccountFactory(name="Colleague Holding", reference="COL", owner=other_manager)

    run(b"reference,name,parent\nN1,New Sub,COL\n", admin_user)

    assert Account.objects.get(reference="N1").parent == holding


# --- Money: credit notes, financial years, unit and currency -------------------------------------------------


def test_an_id_starting_with_c_and_a_digit_is_revenue_not_a_credit_note(admin_user):
    AccountFactory(reference="K1", name="Known")
    data = b"customer,date,amount,invoice\nK1,2024-03-01,100,C1I7A6R\nK1,2024-03-02,50,C2\nK1,2024-03-03,-30,F3\n"

    result = run(data, admin_user, kind=ImportKind.TRANSACTIONS)

    assert YearlyFinancial.objects.get().revenue == Decimal("120.00")  # only the negative line is deducted
    assert "1 cancellation or credit line was deducted from the revenue." in result.warnings


def test_credit_notes_are_the_document_types_the_user_picks(admin_user):
    AccountFactory(reference="K1", name="Known")
    data = "client;date;montant;type de document\nK1;01/03/2024;100;Facture\nK1;02/03/2024;40;Avoir\n"
    frame, mapping = frame_and_mapping(data.encode(), ImportKind.TRANSACTIONS)
    assert mapping["type de document"] == "credit_flag"

    apply_import(
        frame=frame,
        mapping=mapping,
        kind=ImportKind.TRANSACTIONS,
        user=admin_user,
        options=ImportOptions(credit_values=("avoir",)),
    )

    assert YearlyFinancial.objects.get().revenue == Decimal("60.00")


def test_a_founding_year_mapped_as_the_revenue_year_is_refused_row_by_row(admin_user):
    YearlyFinancialFactory(account=AccountFactory(name="Acme"), year=2017, revenue=Decimal("500"))
    data = b"name,our revenue,year\nAcme,10,1979\nBeta,20,1989\nGamma,30,2017\n"

    rejected = preview(data, admin_user)

    assert reasons(rejected) == {
        2: "1979 cannot be a financial year of this customer: before 1990.",
        3: "1989 cannot be a financial year of this customer: before 1990.",
    }
    with pytest.raises(ImportRejected):
        run(data, admin_user)
    assert list(YearlyFinancial.objects.values_list("year", "revenue")) == [(2017, Decimal("500.00"))]


def test_transaction_dates_in_the_future_are_refused(admin_user):
    AccountFactory(reference="K1", name="Known")
    next_year = timezone.localdate().year + 1

    rejected = preview(f"customer,date,amount\nK1,{next_year}-01-05,10\n".encode(), admin_user, kind="transactions")

    assert reasons(rejected) == {2: f"{next_year} cannot be a financial year of this customer: it is in the future."}


def test_unit_and_currency_chosen_at_import_are_stored_with_the_figures(admin_user):
    AccountFactory(reference="K1", name="Known")
    data = b"customer,date,amount\nK1,2024-03-01,1.5\nK1,2024-06-01,2\n"
    options = ImportOptions(unit=Unit.THOUSAND, currency="usd")

    result = run(data, admin_user, kind=ImportKind.TRANSACTIONS, options=options)
    again = run(data, admin_user, kind=ImportKind.TRANSACTIONS, options=options)

    stored = YearlyFinancial.objects.get()
    assert (stored.revenue, stored.currency) == (Decimal("3500.00"), "USD")
    assert result.summary == ["1 yearly revenue written for 1 account."]
    assert again.summary == ["0 yearly revenues written for 0 accounts; 1 unchanged."]


def test_import_warns_when_the_newest_figures_are_more_than_two_years_old(admin_user):
    AccountFactory(reference="K1", name="Known")

    found = preview(b"customer,date,amount\nK1,2017-03-01,10\n", admin_user, kind="transactions")

    assert (
        "The newest figures are for 2017: the register and scoring will use 2017 as the year in use." in found.warnings
    )
    recent = timezone.localdate().year - 1
    assert not any(
        "newest figures" in warning
        for warning in preview(
            f"customer,date,amount\nK1,{recent}-03-01,10\n".encode(), admin_user, kind="transactions"
        ).warnings
    )


def test_an_accounts_file_in_thousands_is_stored_in_units_with_its_currency(admin_user):
    data = b"name,potential,our revenue,year\nAcme,2.5,1.25,2024\n"

    run(data, admin_user, options=ImportOptions(unit=Unit.THOUSAND, currency="GBP"))

    account = Account.objects.get(name="Acme")
    financial = account.financials.get()
    assert (account.potential, financial.revenue, financial.currency) == (
        Decimal("2500.00"),
        Decimal("1250.00"),
        "GBP",
    )
