"""Importing a customer's own CRM export: company facts, close-match countries, sectors, people, sales teams."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.importing import (
    LINE_COLUMN,
    ImportFileError,
    ImportKind,
    apply_import,
    guess_mapping,
    preview_import,
    read_table,
)
from accounts.importing.mappings import header_signature
from accounts.importing.options import ImportOptions
from accounts.models import Account, SalesProfile, YearlyFinancial
from accounts.tests.factories import AccountFactory
from accounts.tests.pages import account_page
from kam.models import User
from kam.roles import Role
from kam.tests.factories import UserFactory

CRM = Path(__file__).resolve().parent / "data" / "crm"
MILLION_USD = ImportOptions(turnover_unit="M", turnover_currency="USD")

pytestmark = pytest.mark.django_db


def _frame(data: bytes, kind: ImportKind, filename: str = "file.csv"):
    frame = read_table(data=data, filename=filename)
    return frame, guess_mapping(columns=[c for c in frame.columns if c != LINE_COLUMN], kind=kind)


def preview(data: bytes, user, kind: ImportKind = ImportKind.ACCOUNTS, **options):
    frame, mapping = _frame(data, kind)
    return preview_import(frame=frame, mapping=mapping, kind=kind, user=user, **options)


def run(data: bytes, user, kind: ImportKind = ImportKind.ACCOUNTS, **options):
    frame, mapping = _frame(data, kind)
    return apply_import(frame=frame, mapping=mapping, kind=kind, user=user, **options)


def reasons(found) -> dict[int, str]:
    return {error.line: " ".join(error.reasons) for error in found.errors}


# --- Column guessing -----------------------------------------------------------------------------------------


def test_crm_account_columns_are_guessed_as_company_facts_not_our_revenue():
    columns = ["account", "sector", "year_established", "revenue", "employees", "office_location", "subsidiary_of"]

    assert guess_mapping(columns=columns, kind=ImportKind.ACCOUNTS) == {
        "account": "name", "sector": "sector", "year_established": "founded_year", "revenue": "company_turnover",
        "employees": "employees", "office_location": "country", "subsidiary_of": "parent",
    }  # fmt: skip


def test_french_and_salesforce_style_headers_find_parent_country_and_size():
    french = ["Nom du compte", "Maison mère", "Pays", "Chiffre d'affaires", "Effectif", "Année de création"]
    salesforce = ["Account Name", "Parent Account", "Billing Country", "Annual Revenue", "Employees", "Account Owner"]

    assert list(guess_mapping(columns=french, kind=ImportKind.ACCOUNTS).values()) == [
        "name", "parent", "country", "company_turnover", "employees", "founded_year",
    ]  # fmt: skip
    assert list(guess_mapping(columns=salesforce, kind=ImportKind.ACCOUNTS).values()) == [
        "name", "parent", "country", "company_turnover", "employees", "owner",
    ]  # fmt: skip
    assert guess_mapping(columns=["Country/Region", "Group"], kind=ImportKind.ACCOUNTS) == {
        "Country/Region": "country", "Group": "parent",
    }  # fmt: skip


def test_sales_team_columns_are_guessed():
    columns = ["sales_agent", "manager", "regional_office", "Email"]

    assert guess_mapping(columns=columns, kind=ImportKind.SALES_TEAM) == {
        "sales_agent": "name", "manager": "manager", "regional_office": "region", "Email": "email",
    }  # fmt: skip


# --- Company facts ---------------------------------------------------------------------------------------------


def test_company_turnover_is_kept_with_its_unit_and_currency_and_is_not_our_revenue(admin_user):
    data = b"account,revenue,employees,year_established\nAcme,1096.53,4540,1998\n"

    run(data, admin_user, options=MILLION_USD)

    acme = Account.objects.get()
    assert (acme.company_turnover, acme.company_turnover_unit, acme.company_turnover_currency) == (
        Decimal("1096.53"), "M", "USD",
    )  # fmt: skip
    assert acme.company_turnover_display == "1,096.53 million USD"
    assert (acme.employees, acme.founded_year) == (4540, 1998)
    assert not YearlyFinancial.objects.exists()
    assert acme.last_year_revenue is None


def test_company_turnover_without_unit_or_currency_is_refused_before_any_row(admin_user):
    with pytest.raises(ImportFileError) as error:
        preview(b"account,revenue\nAcme,10\n", admin_user)

    assert "unit and currency" in error.value.message


def test_founded_year_outside_1800_to_this_year_is_a_row_error_with_the_reason(admin_user):
    next_year = date.today().year + 1
    data = f"account,founded\nOld,1799\nNew,{next_year}\nFine,1850\nWord,soon\n".encode()

    found = reasons(preview(data, admin_user))

    assert sorted(found) == [2, 3, 5]
    assert f"The year founded “1799” is not a year between 1800 and {next_year - 1}." in found[2]
    assert f"“{next_year}”" in found[3]


def test_company_facts_show_on_the_account_page_as_the_customers_size(client, admin_user):
    account = AccountFactory(company_turnover=Decimal("88.34"), company_turnover_unit="M", founded_year=2009)
    account.company_turnover_currency = "USD"
    account.save()
    client.force_login(admin_user)

    body = account_page(client, account)

    assert "Company turnover (reported)" in body
    assert "88.34 million USD" in body
    assert "not our revenue" in body
    assert "2009" in body


# --- Close-match countries -------------------------------------------------------------------------------------


def test_misspelt_country_gets_a_suggestion_and_an_unknown_one_stays_an_error(admin_user):
    data = b"name,country\nA,Germnay\nB,Germnay\nC,Atlantis\nD,Deutschland\n"

    found = preview(data, admin_user)

    [suggestion] = found.suggestions
    assert (suggestion.value, suggestion.replacement, suggestion.replacement_label, suggestion.lines) == (
        "Germnay", "DE", "Germany", [2, 3],
    )  # fmt: skip
    assert "did you mean Germany?" in reasons(found)[2]
    assert "“Atlantis” is not a country" in reasons(found)[4]
    assert 5 not in reasons(found)  # a common alias is no error


def test_accepted_corrections_make_the_rows_importable(admin_user):
    data = b"name,country\nA,Germnay\nB,Philipines\n"

    result = run(
        data, admin_user, options=ImportOptions(corrections={"country": {"Germnay": "DE", "Philipines": "PH"}})
    )

    assert result.created == 2
    assert dict(Account.objects.values_list("name", "country")) == {"A": "DE", "B": "PH"}
    assert "“Philipines” is read as Philippines on 1 row, as you accepted." in result.warnings


def test_a_misspelt_lifecycle_gets_a_suggestion_by_the_same_mechanism(admin_user):
    found = preview(b"name,status\nA,Custmer\nB,prospect\n", admin_user)

    [suggestion] = found.suggestions
    assert (suggestion.field, suggestion.replacement, suggestion.replacement_label) == (
        "lifecycle", "customer", "Customer",
    )  # fmt: skip
    assert "“Custmer” is not a lifecycle: did you mean Customer?" in reasons(found)[2]


# --- Sectors ---------------------------------------------------------------------------------------------------


def test_sectors_are_trimmed_and_take_the_spelling_already_in_use(admin_user):
    AccountFactory(sector="Retail")
    data = b"name,sector\nA,retail\nB,  RETAIL \nC,health   care\nD,Health Care\n"

    run(data, admin_user)

    sectors = dict(Account.objects.exclude(name__startswith="Account").values_list("name", "sector"))
    assert sectors == {"A": "Retail", "B": "Retail", "C": "health care", "D": "health care"}


# --- People ----------------------------------------------------------------------------------------------------


def test_owners_match_by_full_name_without_case_or_accents_and_by_email(admin_user):
    maelle = UserFactory(username="mdurand", first_name="Maëlle", last_name="Durand", role=Role.KEY_ACCOUNT_MANAGER)
    jonas = UserFactory(username="jb", email="jonas@example.com", role=Role.KEY_ACCOUNT_MANAGER)
    data = b"name,owner,service manager\nA,maelle durand,JONAS@example.com\nB,jb,Ma\xc3\xabLLE DURAND\n"

    run(data, admin_user)

    owners = {a.name: (a.owner, a.service_manager) for a in Account.objects.all()}
    assert owners == {"A": (maelle, jonas), "B": (jonas, maelle)}


def test_a_misspelt_owner_name_gets_a_suggestion_that_fixes_the_rows(admin_user):
    jonas = UserFactory(username="jb", first_name="Jonas", last_name="Becker", role=Role.KEY_ACCOUNT_MANAGER)
    data = b"name,owner\nA,Jonas Beker\nB,Jonas Beker\n"

    found = preview(data, admin_user)
    [suggestion] = found.suggestions
    result = run(
        data, admin_user, options=ImportOptions(corrections={"owner": {suggestion.value: suggestion.replacement}})
    )

    assert (suggestion.replacement, suggestion.lines) == ("jb", [2, 3])
    assert "“Jonas Beker”. Did you mean Jonas Becker (jb)?" in reasons(found)[2]
    assert result.created == 2
    assert set(Account.objects.values_list("owner", flat=True)) == {jonas.pk}


def test_ambiguous_full_name_is_a_row_error_naming_the_candidates(admin_user):
    UserFactory(username="asmith1", first_name="Ann", last_name="Smith", role=Role.KEY_ACCOUNT_MANAGER)
    UserFactory(username="asmith2", first_name="Ann", last_name="Smith", role=Role.KEY_ACCOUNT_MANAGER)

    found = reasons(preview(b"name,owner\nA,Ann Smith\n", admin_user))

    assert "“Ann Smith” could be several people: Ann Smith (asmith1), Ann Smith (asmith2)." in found[2]


def test_owners_may_be_imported_users_awaiting_their_invitation_but_not_leavers(admin_user):
    invited = UserFactory(username="new", first_name="Nina", last_name="New", role=Role.KEY_ACCOUNT_MANAGER)
    left = UserFactory(username="old", first_name="Otto", last_name="Old", role=Role.KEY_ACCOUNT_MANAGER)
    User.objects.filter(pk=invited.pk).update(is_active=False, last_login=None)
    User.objects.filter(pk=left.pk).update(is_active=False, last_login=timezone.now())

    found = preview(b"name,owner\nA,Nina New\nB,Otto Old\n", admin_user)

    assert list(reasons(found)) == [3]
    assert "No key account manager has the username, e-mail or full name “Otto Old”." in reasons(found)[3]
    assert found.warnings[0].startswith("1 row names an owner who is not one of our users: import the sales-team")


# --- Sales teams -----------------------------------------------------------------------------------------------


def test_sales_team_file_creates_inactive_users_with_manager_region_and_role(admin_user):
    result = run((CRM / "sales_teams.csv").read_bytes(), admin_user, kind=ImportKind.SALES_TEAM)

    assert (result.created, result.updated, result.unchanged) == (14, 0, 0)  # 11 agents and their 3 managers
    assert result.summary[0] == "14 users created, 0 updated, 0 unchanged"
    chloe = User.objects.get(first_name="Chloé", last_name="Martin")
    assert (chloe.username, chloe.is_active, chloe.has_usable_password()) == ("chloe.martin", False, False)
    assert chloe.has_role(Role.KEY_ACCOUNT_MANAGER)
    profile = SalesProfile.objects.get(user=chloe)
    assert (profile.manager.get_full_name(), profile.region) == ("Elena Petrova", "East")


def test_reimporting_a_sales_team_changes_nothing_and_a_move_is_one_update(admin_user):
    data = (CRM / "sales_teams.csv").read_bytes()
    run(data, admin_user, kind=ImportKind.SALES_TEAM)

    again = run(data, admin_user, kind=ImportKind.SALES_TEAM)
    moved = run(data.replace(b"Ravi Mehta,Elena Petrova,East", b"Ravi Mehta,Martin Hughes,Central"), admin_user,
                kind=ImportKind.SALES_TEAM)  # fmt: skip

    assert (again.created, again.updated, again.unchanged) == (0, 0, 11)
    assert (moved.created, moved.updated, moved.unchanged) == (0, 1, 10)
    assert SalesProfile.objects.get(user__last_name="Mehta").region == "Central"
    assert User.objects.count() == 15


def test_sales_team_agents_become_owners_by_full_name(admin_user):
    run((CRM / "sales_teams.csv").read_bytes(), admin_user, kind=ImportKind.SALES_TEAM)

    run(b"name,sales_agent\nAcme,Tomas Ortega\n", admin_user)

    assert Account.objects.get().owner.username == "tomas.ortega"


def test_only_administrators_import_a_sales_team(manager):
    with pytest.raises(ImportFileError) as error:
        preview(b"sales_agent,manager\nA B,C D\n", manager, kind=ImportKind.SALES_TEAM)

    assert "Only administrators" in error.value.message


def test_sales_team_rows_without_a_name_are_skipped_and_bad_ones_listed(admin_user):
    data = (
        b"sales_agent,email,manager\nAnna Lee,not-an-email,Bo Chef\n,x@example.com,\nBo Chef,bo@example.com,Bo Chef\n"
    )

    found = preview(data, admin_user, kind=ImportKind.SALES_TEAM)

    assert "“not-an-email” is not an e-mail address." in reasons(found)[2]
    assert "A person cannot be their own manager." in reasons(found)[4]
    assert found.summary[-1] == "1 row skipped: no name (line 3)."


# --- The whole CRM export ----------------------------------------------------------------------------------------


def test_crm_accounts_export_imports_groups_and_reimporting_changes_nothing(admin_user):
    run((CRM / "sales_teams.csv").read_bytes(), admin_user, kind=ImportKind.SALES_TEAM)
    data = (CRM / "accounts.csv").read_bytes()
    options = MILLION_USD.with_changes(corrections={"country": {"Philipines": "PH"}})

    first = run(data, admin_user, options=options)
    again = run(data, admin_user, options=options)

    assert first.summary == ["40 accounts created, 0 updated, 0 unchanged",
                             "2 rows skipped: no account name (lines 17, 33)."]  # fmt: skip
    assert (again.created, again.updated, again.unchanged) == (0, 0, 40)
    cancity = Account.objects.get(name="Cancity")
    assert set(cancity.subsidiaries.values_list("name", flat=True)) == {
        "Codehow", "Conecom", "Dalttechnology",
    }  # fmt: skip
    assert Account.objects.get(name="Dalttechnology").country.code == "PH"
    assert Account.objects.filter(owner__isnull=True).count() == 0
    assert not YearlyFinancial.objects.exists()


def test_the_crm_opportunities_export_brings_revenue_to_the_accounts_of_its_accounts_export(admin_user):
    import pandas as pd

    run((CRM / "sales_teams.csv").read_bytes(), admin_user, kind=ImportKind.SALES_TEAM)
    run((CRM / "accounts.csv").read_bytes(), admin_user,
        options=MILLION_USD.with_changes(corrections={"country": {"Philipines": "PH"}}))  # fmt: skip
    deals = pd.read_csv(CRM / "opportunities.csv", dtype=str, keep_default_na=False)
    won = deals[(deals.deal_stage == "Won") & (deals.account != "")]  # rows without an account are skipped

    result = run((CRM / "opportunities.csv").read_bytes(), admin_user, kind=ImportKind.OPPORTUNITIES)

    assert Account.objects.count() == 40  # every deal's account is one of the accounts export: none created
    assert "their account is not in the register" not in " ".join(result.summary)
    with_revenue = set(YearlyFinancial.objects.values_list("account__name", flat=True))
    assert with_revenue == set(won.account)
    assert sum(YearlyFinancial.objects.values_list("revenue", flat=True)) == int(won.close_value.astype(int).sum())
    assert Account.objects.get(name="Dalttechnology").parent.name == "Cancity"


def test_header_signature_ignores_case_and_spacing_but_not_order():
    assert header_signature(["Account", "Sector"]) == header_signature(["account ", "SECTOR"])
    assert header_signature(["Account", "Sector"]) != header_signature(["Sector", "Account"])


def test_account_form_offers_sectors_in_use_and_keeps_their_spelling(client, manager):
    AccountFactory(sector="Retail")
    client.force_login(manager)
    body = client.get("/accounts/new/").content.decode()
    assert '<option value="Retail"></option>' in body and 'list="id_sector-options"' in body

    client.post("/accounts/new/", {"name": "Shop", "lifecycle": "customer", "sector": "  retail "})

    assert Account.objects.get(name="Shop").sector == "Retail"


def test_migration_merges_sector_variants_into_the_most_used_spelling():
    from importlib import import_module

    from django.apps import apps

    for sector in ("Retail", "Retail", "retail", "RETAIL  ", "Energy"):
        AccountFactory(sector=sector)

    import_module("accounts.migrations.0009_merge_sector_case_variants").merge_sector_variants(apps, None)

    assert sorted(Account.objects.values_list("sector", flat=True)) == ["Energy"] + ["Retail"] * 4


def test_import_command_takes_the_turnover_unit_and_imports_a_sales_team(admin_user, capsys):
    from django.core.management import call_command

    call_command("import_accounts", str(CRM / "sales_teams.csv"), "--kind", "sales_team", "--user", admin_user.username)
    call_command(
        "import_accounts",
        str(CRM / "accounts.csv"),
        "--user",
        admin_user.username,
        "--turnover-unit",
        "M",
        "--turnover-currency",
        "USD",
        "--mapping",
        '{"office_location": ""}',
    )

    output = capsys.readouterr().out
    assert "Created 14, updated 0, unchanged 0." in output
    assert "2 rows skipped: no account name (lines 17, 33)." in output
    assert Account.objects.get(name="Dalttechnology").company_turnover_display == "88.34 million USD"
