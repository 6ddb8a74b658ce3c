"""Imports keep the product: transaction lines and won deals become revenue per account, product line and year."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from accounts.importing import ImportKind, ImportRejected, apply_import, guess_mapping, preview_import, read_table
from accounts.importing.lines import LINE_CHOICES, NEW_LINE
from accounts.importing.options import ImportOptions
from accounts.models import Deal, LineRevenue, ProductLine, YearlyFinancial
from accounts.tests.factories import AccountFactory, ProductLineFactory

pytestmark = pytest.mark.django_db

INVOICES = (
    "customer,date,amount,product\n"
    "A1,2024-03-01,100,Beverages\n"
    "A1,2024-05-01,50.5,beverages\n"
    "A1,2024-06-01,30,Seafood\n"
    "A1,2023-06-01,20,Seafood\n"
    "B2,2024-01-15,70,Seafood\n"
    "B2,2024-02-15,5,\n"
)


def run(data: str | bytes, user, *, kind=ImportKind.TRANSACTIONS, apply=True, filename="file.csv", **options):
    raw = data.encode() if isinstance(data, str) else data
    frame = read_table(data=raw, filename=filename)
    mapping = guess_mapping(columns=[c for c in frame.columns if c != "line"], kind=kind)
    action = apply_import if apply else preview_import
    return action(frame=frame, mapping=mapping, kind=kind, user=user, **options)


def by_line() -> dict[tuple[str, str, int], Decimal]:
    rows = LineRevenue.objects.values_list("account__reference", "line__name", "year", "revenue")
    return {(account, line, year): revenue for account, line, year, revenue in rows}


def choose(**choices: str) -> ImportOptions:
    return ImportOptions(corrections={LINE_CHOICES: choices})


@pytest.fixture
def accounts():
    return AccountFactory(reference="A1"), AccountFactory(reference="B2")


def test_product_column_is_guessed_in_english_and_french():
    for header in ("Product", "Produit", "Ligne de produit", "Gamme", "Catégorie", "CategoryName", "Famille"):
        mapping = guess_mapping(columns=["Client", "Date", "Montant", header], kind=ImportKind.TRANSACTIONS)
        assert mapping[header] == "product_line", header
    # The existing columns keep their synonyms.
    mapping = guess_mapping(columns=["Client", "Date", "Montant", "Pays"], kind=ImportKind.TRANSACTIONS)
    assert mapping == {"Client": "customer", "Date": "date", "Montant": "amount", "Pays": "country"}


def test_transactions_are_summed_per_account_line_and_year(admin_user, accounts):
    run(INVOICES, admin_user)

    assert by_line() == {
        ("A1", "Beverages", 2024): Decimal("150.50"),
        ("A1", "Seafood", 2024): Decimal("30.00"),
        ("A1", "Seafood", 2023): Decimal("20.00"),
        ("B2", "Seafood", 2024): Decimal("70.00"),
    }
    # The row without a product counts in its account's revenue, in no line.
    assert YearlyFinancial.objects.get(account__reference="B2", year=2024).revenue == Decimal("75.00")
    assert sorted(ProductLine.objects.values_list("name", flat=True)) == ["Beverages", "Seafood"]


def test_preview_counts_lines_new_lines_and_rows_without_product(admin_user, accounts):
    preview = run(INVOICES, admin_user, apply=False)

    assert preview.ok
    text = " ".join(preview.summary)
    assert "4 revenues by product line to write on 2 lines" in text
    assert "2 product lines to create" in text
    assert "1 row has no product: it counts in its account's revenue, in no product line." in text
    assert LineRevenue.objects.count() == 0


def test_importing_the_same_file_twice_changes_nothing(admin_user, accounts):
    run(INVOICES, admin_user)
    first = by_line()

    result = run(INVOICES, admin_user)

    assert by_line() == first
    assert ProductLine.objects.count() == 2
    assert "0 revenues by product line written on 0 lines; 4 unchanged." in result.summary


def test_the_files_total_replaces_the_stored_one(admin_user, accounts):
    run(INVOICES, admin_user)

    run("customer,date,amount,product\nA1,2024-07-01,10,Beverages\n", admin_user)

    assert by_line()[("A1", "Beverages", 2024)] == Decimal("10.00")
    assert by_line()[("A1", "Seafood", 2024)] == Decimal("30.00")  # not in the file: kept


def test_products_match_lines_whatever_the_case_and_through_aliases(admin_user, accounts):
    drinks = ProductLineFactory(name="Drinks")
    ProductLineFactory(name="Beverages", merged_into=drinks, is_active=False)
    seafood = ProductLineFactory(name="Seafood")

    run(INVOICES.replace("Seafood", "SEAFOOD"), admin_user)

    assert ProductLine.objects.count() == 3  # nothing created
    assert by_line()[("A1", "Drinks", 2024)] == Decimal("150.50")
    assert LineRevenue.objects.filter(line=seafood).count() == 3


def test_a_name_close_to_a_line_waits_for_the_users_choice(admin_user, accounts):
    beverages = ProductLineFactory(name="Beverages")
    ProductLineFactory(name="Seafood")
    data = "customer,date,amount,product\nA1,2024-03-01,100,Beverage\nA1,2024-03-02,10,Beverage\nB2,2024-03-01,5,Tea\n"

    preview = run(data, admin_user, apply=False)

    assert not preview.ok
    assert {error.line for error in preview.errors} == {2, 3}
    assert "did you mean Beverages?" in preview.errors[0].reasons[0]
    assert [(s.value, s.replacement, s.lines) for s in preview.suggestions] == [("Beverage", str(beverages.pk), [2, 3])]
    choices = {choice.value: choice for choice in preview.line_choices}
    assert (choices["Beverage"].suggestion, choices["Beverage"].needs_choice) == (beverages.pk, True)
    assert (choices["Tea"].chosen, choices["Tea"].rows) == (NEW_LINE, 1)  # close to nothing: a new line
    with pytest.raises(ImportRejected):
        run(data, admin_user)
    assert LineRevenue.objects.count() == 0

    run(data, admin_user, options=choose(Beverage=str(beverages.pk)))

    assert by_line()[("A1", "Beverages", 2024)] == Decimal("110.00")
    assert by_line()[("B2", "Tea", 2024)] == Decimal("5.00")


def test_the_user_may_create_a_line_for_a_close_name_or_map_a_new_one(admin_user, accounts):
    seafood = ProductLineFactory(name="Seafood")
    ProductLineFactory(name="Beverages")
    data = "customer,date,amount,product\nA1,2024-03-01,100,Beverage\nB2,2024-03-01,5,Fish\n"

    run(data, admin_user, options=choose(Beverage=NEW_LINE, Fish=str(seafood.pk)))

    assert by_line() == {("A1", "Beverage", 2024): Decimal("100.00"), ("B2", "Seafood", 2024): Decimal("5.00")}


def test_french_excel_csv_with_a_product_column(admin_user, accounts):
    data = (
        "Code client;Date facture;Montant HT;Catégorie\r\n"
        "A1;15/03/2024;1 234,50 €;Produits laitiers\r\n"
        "A1;16/03/2024;765,50 €;Produits laitiers\r\n"
        "B2;01/02/2023;10,25;Boissons\r\n"
    ).encode("cp1252")

    run(data, admin_user, filename="factures.csv")

    assert by_line() == {
        ("A1", "Produits laitiers", 2024): Decimal("2000.00"),
        ("B2", "Boissons", 2023): Decimal("10.25"),
    }


def test_bad_rows_are_listed_and_nothing_is_written(admin_user, accounts):
    data = INVOICES + "A1,not a date,10,Beverages\nZZ,2024-01-01,10,Dairy\nA1,2024-01-01,abc,Dairy\n"

    with pytest.raises(ImportRejected) as rejected:
        run(data, admin_user)

    assert {error.line for error in rejected.value.preview.errors} == {8, 9, 10}
    assert LineRevenue.objects.count() == 0
    assert ProductLine.objects.count() == 0
    assert YearlyFinancial.objects.count() == 0


def test_lines_of_another_managers_account_are_refused(manager, other_manager):
    AccountFactory(reference="A1", owner=other_manager)

    with pytest.raises(ImportRejected) as rejected:
        run("customer,date,amount,product\nA1,2024-03-01,100,Beverages\n", manager)

    assert "another key account manager" in rejected.value.preview.errors[0].reasons[0]
    assert LineRevenue.objects.count() == 0


OPPORTUNITIES = "opportunity_id,product,account,deal_stage,close_date,close_value\n"


def test_won_deals_set_the_deal_line_and_revenue_by_line(admin_user):
    AccountFactory(name="Acme", reference="AC")
    gtx = ProductLineFactory(name="GTX")
    data = (
        OPPORTUNITIES + "D1,gtx,Acme,Won,2024-03-01,100\n"
        "D2,GTX,Acme,Won,2024-05-01,50\n"
        "D3,MG Special,Acme,Won,2024-05-01,7\n"
        "D4,GTX,Acme,Engaging,,900\n"
        "D5,,Acme,Won,2024-06-01,3\n"
    )

    run(data, admin_user, kind=ImportKind.OPPORTUNITIES)

    assert Deal.objects.get(external_id="D1").line == gtx
    assert Deal.objects.get(external_id="D4").line == gtx
    assert Deal.objects.get(external_id="D5").line is None
    assert by_line() == {("AC", "GTX", 2024): Decimal("150.00"), ("AC", "MG Special", 2024): Decimal("7.00")}

    # A deal moved to another line: both lines of the year are recomputed from every won deal; twice is once.
    moved = OPPORTUNITIES + "D2,MG Special,Acme,Won,2024-05-01,50\n"
    run(moved, admin_user, kind=ImportKind.OPPORTUNITIES)
    run(moved, admin_user, kind=ImportKind.OPPORTUNITIES)

    assert by_line() == {("AC", "GTX", 2024): Decimal("100.00"), ("AC", "MG Special", 2024): Decimal("57.00")}
    assert YearlyFinancial.objects.get(year=2024).revenue == Decimal("160.00")


def test_wizard_lists_unknown_products_and_keeps_the_users_choice_per_name(client, manager):
    from django.core.files.uploadedfile import SimpleUploadedFile

    AccountFactory(reference="A1", owner=manager)
    beverages = ProductLineFactory(name="Beverages")
    client.force_login(manager)
    content = b"customer,date,amount,product\nA1,2024-03-01,100,Beverage\nA1,2024-03-02,10,Tea\nA1,2024-03-03,1,Cakes\n"
    upload = SimpleUploadedFile("invoices.csv", content)
    map_url = client.post("/accounts/import/", {"file": upload, "kind": "transactions"}).url
    preview_url = map_url.replace("map", "preview")

    body = client.get(preview_url).content.decode()

    assert "Products not in the catalogue of product lines" in body
    assert "Beverages (suggested)" in body
    assert "1 row has a problem" in body
    response = client.post(
        map_url.replace("map/", "lines/"),
        {"value_1": "Beverage", "choice_1": str(beverages.pk), "value_2": "Tea", "choice_2": str(beverages.pk)},
        follow=True,
    )
    body = response.content.decode()
    assert "has a problem" not in body
    assert "1 product line to create." in body  # Cakes
    client.post(preview_url)
    assert by_line() == {
        ("A1", "Beverages", 2024): Decimal("110.00"),
        ("A1", "Cakes", 2024): Decimal("1.00"),
    }


def test_accepting_all_suggestions_maps_close_product_names_to_their_lines(client, manager):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import ImportBatch

    AccountFactory(reference="A1", owner=manager)
    seafood = ProductLineFactory(name="Seafood")
    client.force_login(manager)
    upload = SimpleUploadedFile("invoices.csv", b"customer,date,amount,product\nA1,2024-03-01,100,Sea food\n")
    map_url = client.post("/accounts/import/", {"file": upload, "kind": "transactions"}).url

    body = client.post(map_url.replace("map", "accept-suggestions"), follow=True).content.decode()

    assert "has a problem" not in body
    assert ImportBatch.objects.get().options["corrections"] == {LINE_CHOICES: {"Sea food": str(seafood.pk)}}
    client.post(map_url.replace("map", "preview"))
    assert by_line() == {("A1", "Seafood", 2024): Decimal("100.00")}


def test_new_customers_and_new_lines_of_one_file_are_created_together(admin_user):
    run(INVOICES, admin_user, create_missing_accounts=True)

    assert by_line()[("A1", "Beverages", 2024)] == Decimal("150.50")
    assert by_line()[("B2", "Seafood", 2024)] == Decimal("70.00")

    run(
        OPPORTUNITIES + "D1,Tea,Newco,Won,2024-03-01,40\nD2,tea,Newco,Won,2024-04-01,2\n",
        admin_user,
        kind=ImportKind.OPPORTUNITIES,
        create_missing_accounts=True,
    )

    tea = ProductLine.objects.get(name="Tea")
    assert list(LineRevenue.objects.filter(line=tea).values_list("account__name", "year", "revenue")) == [
        ("Newco", 2024, Decimal("42.00"))
    ]
    assert set(Deal.objects.values_list("line__name", flat=True)) == {"Tea"}


# --- The command line asks, like the wizard, before creating lines -------------------------------------------

CLOSE_AND_NEW = (
    "customer,date,amount,product\nA1,2024-03-01,100,Beverage\nA1,2024-03-02,10,Tea\nA1,2024-03-03,5,Beverage\n"
)


def command(tmp_path, user, *flags: str, data: str = CLOSE_AND_NEW, out: io.StringIO | None = None) -> str:
    from django.core.management import call_command

    path = tmp_path / "invoices.csv"
    path.write_text(data, encoding="utf-8")
    out = out or io.StringIO()
    call_command("import_accounts", str(path), "--kind=transactions", f"--user={user.username}", *flags, stdout=out)
    return out.getvalue()


def test_command_lists_unknown_products_and_their_close_lines_and_writes_nothing_unasked(tmp_path, admin_user):
    from django.core.management import CommandError

    AccountFactory(reference="A1")
    ProductLineFactory(name="Beverages")
    output = io.StringIO()

    with pytest.raises(CommandError) as error:
        command(tmp_path, admin_user, out=output)

    out = output.getvalue()
    assert "“Beverage” (2 rows, close to the line “Beverages”): waiting: --accept-suggestions" in out
    assert "“Tea” (1 row): waiting: --new-line to create it" in out
    assert "2 products not in the catalogue of product lines: nothing was imported" in str(error.value)
    assert list(ProductLine.objects.values_list("name", flat=True)) == ["Beverages"]
    assert not LineRevenue.objects.exists() and not YearlyFinancial.objects.exists()


def test_command_accepts_the_suggestions_and_creates_the_lines_it_is_told_to(tmp_path, admin_user):
    AccountFactory(reference="A1")
    ProductLineFactory(name="Beverages")

    out = command(tmp_path, admin_user, "--accept-suggestions", "--new-line", "Tea")

    assert "“Beverage” (2 rows, close to the line “Beverages”): counted in “Beverages”" in out
    assert "“Tea” (1 row): a new line" in out
    assert by_line() == {("A1", "Beverages", 2024): Decimal("105.00"), ("A1", "Tea", 2024): Decimal("10.00")}


def test_command_creates_a_line_of_its_own_for_a_close_name_when_told(tmp_path, admin_user):
    AccountFactory(reference="A1")
    ProductLineFactory(name="Beverages")

    command(tmp_path, admin_user, "--new-line=Beverage", "--new-line=Tea")

    assert by_line() == {("A1", "Beverage", 2024): Decimal("105.00"), ("A1", "Tea", 2024): Decimal("10.00")}


def test_command_dry_run_with_answers_writes_nothing(tmp_path, admin_user):
    AccountFactory(reference="A1")
    ProductLineFactory(name="Beverages")

    out = command(tmp_path, admin_user, "--accept-suggestions", "--new-line", "Tea", "--dry-run")

    assert "1 product line to create." in out and "Dry run: nothing was written." in out
    assert ProductLine.objects.count() == 1 and not LineRevenue.objects.exists()


def test_command_refuses_a_new_line_for_a_product_the_file_does_not_hold(tmp_path, admin_user):
    from django.core.management import CommandError

    AccountFactory(reference="A1")
    ProductLineFactory(name="Beverages")

    with pytest.raises(
        CommandError, match="--new-line names no product of the file missing from the catalogue: “Cakes”"
    ):
        command(tmp_path, admin_user, "--accept-suggestions", "--new-line", "Tea", "--new-line", "Cakes")
    assert not LineRevenue.objects.exists()


def test_command_imports_products_of_the_catalogue_without_asking(tmp_path, admin_user):
    AccountFactory(reference="A1")
    ProductLineFactory(name="Beverages")

    out = command(tmp_path, admin_user, data="customer,date,amount,product\nA1,2024-03-01,100,beverages\n")

    assert "not in the catalogue" not in out
    assert by_line() == {("A1", "Beverages", 2024): Decimal("100.00")}
