"""The register's pages, as each role: who sees, who changes, what they get."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils.html import escape
from openpyxl import load_workbook

from accounts.models import Account, Interaction
from accounts.services import financials_refresh
from accounts.tests.factories import AccountFactory, InteractionFactory, YearlyFinancialFactory
from accounts.tests.pages import account_page
from kam.tests.forms import management_form

pytestmark = pytest.mark.django_db

LAST_YEAR = date.today().year - 1


@pytest.fixture
def owned_account(manager):
    account = AccountFactory(name="Acme Industries", owner=manager, potential=Decimal("500000"))
    YearlyFinancialFactory(account=account, year=LAST_YEAR - 1, revenue=Decimal("80000"))
    YearlyFinancialFactory(account=account, year=LAST_YEAR, revenue=Decimal("100000"))
    financials_refresh()
    account.refresh_from_db()
    return account


# --- the register ---------------------------------------------------------


@pytest.mark.parametrize("role", ["admin_user", "manager", "sponsor", "contributor"])
def test_every_role_reads_the_register(client, request, role, owned_account):
    client.force_login(request.getfixturevalue(role))
    response = client.get("/accounts/")
    assert response.status_code == 200
    assert "Acme Industries" in response.content.decode()


def test_user_without_role_sees_no_account(client, outsider, owned_account):
    client.force_login(outsider)
    body = client.get("/accounts/").content.decode()
    assert "Acme Industries" not in body
    assert "0 accounts" in body


@pytest.mark.parametrize("query", ["x" * 100_000, "a\x00b"])
def test_a_search_too_long_or_with_a_nul_finds_nothing_and_does_not_fail(client, contributor, query):
    AccountFactory(name="Boulangerie Martin")
    client.force_login(contributor)
    response = client.get("/accounts/", {"q": query})
    assert response.status_code == 200
    assert "Boulangerie Martin" not in response.content.decode()


def test_search_and_filters_narrow_the_register_and_stay_in_the_url(client, contributor):
    AccountFactory(name="Boulangerie Martin", country="FR", is_key=True)
    AccountFactory(name="Bakery Smith", country="GB")
    client.force_login(contributor)
    body = client.get("/accounts/", {"q": "martin"}).content.decode()
    assert "Boulangerie Martin" in body and "Bakery Smith" not in body
    body = client.get("/accounts/", {"country": "GB"}).content.decode()
    assert "Bakery Smith" in body and "Boulangerie Martin" not in body
    body = client.get("/accounts/", {"key": "yes"}).content.decode()
    assert "Boulangerie Martin" in body and "Bakery Smith" not in body


def test_owner_and_sector_filters_keep_only_matching_accounts(client, contributor, manager, other_manager):
    AccountFactory(name="Mine", owner=manager, sector="Retail")
    AccountFactory(name="Theirs", owner=other_manager, sector="Energy")
    client.force_login(contributor)
    body = client.get("/accounts/", {"owner": manager.pk}).content.decode()
    assert "Mine" in body and "Theirs" not in body
    assert f'<option value="{manager.pk}" selected>{escape(manager)}</option>' in body
    body = client.get("/accounts/", {"owner": "999999"}).content.decode()
    assert "That choice is not one of the available choices" in body and "Mine" not in body
    body = client.get("/accounts/", {"sector": "Energy"}).content.decode()
    assert "Theirs" in body and "Mine" not in body


def test_htmx_request_gets_only_the_results_fragment(client, contributor, owned_account):
    client.force_login(contributor)
    response = client.get("/accounts/", {"q": "acme"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Acme Industries" in body
    assert "<html" not in body


def test_sort_by_revenue_puts_largest_first_and_empty_last(client, contributor):
    small, large = AccountFactory(name="Small Co"), AccountFactory(name="Large Co")
    AccountFactory(name="Aaa No Revenue")
    YearlyFinancialFactory(account=small, year=LAST_YEAR, revenue=Decimal("10"))
    YearlyFinancialFactory(account=large, year=LAST_YEAR, revenue=Decimal("1000"))
    financials_refresh()
    client.force_login(contributor)
    body = client.get("/accounts/", {"sort": "-revenue"}).content.decode()
    assert body.index("Large Co") < body.index("Small Co") < body.index("Aaa No Revenue")


REGISTER_VIEWS = [{}, {"country": "FR", "key": "no", "sort": "-revenue"}, {"q": "account"}, {"sort": "-growth"}]


@pytest.mark.parametrize("query", REGISTER_VIEWS)
def test_register_query_count_does_not_grow_with_rows(client, contributor, query, django_assert_max_num_queries):
    AccountFactory.create_batch(3, name="Account", country="FR")
    client.force_login(contributor)
    client.get("/accounts/", query)  # warm caches (session, content types)
    # Session, user and roles; the count and the page; the page's groups; the financial year (setting and
    # data); the managers of the owner filter; the unread notifications of the menu.
    with django_assert_max_num_queries(10) as few:
        client.get("/accounts/", query)
    AccountFactory.create_batch(60, name="Account", country="FR", owner=contributor)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/accounts/", query)
    assert response.content.decode().count('href="/accounts/') >= 50


# --- one account ----------------------------------------------------------


def test_account_page_shows_financials_potential_and_share_of_wallet(client, sponsor, owned_account):
    client.force_login(sponsor)
    body = account_page(client, owned_account)
    assert "Acme Industries" in body
    assert "25.0 %" in body  # growth 80k -> 100k
    assert "20.0 %" in body  # share of wallet 100k / 500k
    assert "400,000" in body  # headroom
    assert 'data-chart-source="chart-financials"' in body


def test_financial_history_names_a_year_imported_in_another_currency(client, sponsor, owned_account):
    owned_account.financials.filter(year=owned_account.financials.order_by("year").first().year).update(currency="USD")
    client.force_login(sponsor)

    body = account_page(client, owned_account)

    assert body.count(" USD</td>") == 1


def test_account_created_in_bulk_without_history_still_shows(client, contributor):
    Account.objects.bulk_create([Account(name="Bulk Loaded")])  # bulk writes skip the history
    client.force_login(contributor)
    bulk = Account.objects.get(name="Bulk Loaded")
    assert client.get(bulk.get_absolute_url()).status_code == 200
    assert "No change recorded." in account_page(client, bulk)


def test_outsider_gets_404_on_account_page(client, outsider, owned_account):
    client.force_login(outsider)
    assert client.get(owned_account.get_absolute_url()).status_code == 404


def test_account_page_rolls_up_group_revenue(client, contributor):
    group = AccountFactory(name="Group Holding")
    child = AccountFactory(name="Group Child", parent=group)
    YearlyFinancialFactory(account=group, year=LAST_YEAR, revenue=Decimal("1000"))
    YearlyFinancialFactory(account=child, year=LAST_YEAR, revenue=Decimal("250"))
    financials_refresh()
    client.force_login(contributor)
    body = account_page(client, child)
    assert "Group Holding" in body
    assert "1,250" in body


def test_user_text_is_escaped_on_the_account_page(client, contributor):
    account = AccountFactory(name="<script>alert(1)</script>", notes="<img src=x onerror=alert(1)>")
    client.force_login(contributor)
    body = account_page(client, account)
    assert "<script>alert(1)" not in body
    assert "<img src=x" not in body
    assert "&lt;script&gt;" in body


# --- create and edit ------------------------------------------------------


def test_key_account_manager_creates_an_account_they_then_own(client, manager):
    client.force_login(manager)
    response = client.post("/accounts/new/", {"name": "New Customer", "lifecycle": "prospect", "country": "FR"})
    account = Account.objects.get(name="New Customer")
    assert response.url == account.get_absolute_url()
    assert account.owner == manager


def test_a_parent_name_longer_than_any_account_name_is_refused(client, admin_user):
    client.force_login(admin_user)
    data = {"name": "Child", "lifecycle": "prospect", "country": "FR", "parent_name": "x" * 100_000}
    response = client.post("/accounts/new/", data)
    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters" in response.content.decode()
    assert not Account.objects.filter(name="Child").exists()


@pytest.mark.parametrize("role", ["sponsor", "contributor"])
def test_readers_cannot_create_accounts(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/accounts/new/").status_code == 403
    assert client.post("/accounts/new/", {"name": "X", "lifecycle": "customer"}).status_code == 403
    assert not Account.objects.filter(name="X").exists()


def test_invalid_account_form_keeps_input_and_says_what_is_wrong(client, manager):
    client.force_login(manager)
    response = client.post(
        "/accounts/new/", {"name": "Kept Name", "lifecycle": "customer", "potential": "-5", "website": "not a url"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Kept Name"' in body
    assert "The potential cannot be negative." in body
    assert "Enter a valid URL." in body
    assert not Account.objects.filter(name="Kept Name").exists()


def test_owner_edits_their_account_and_the_change_is_in_the_history(client, manager, owned_account):
    client.force_login(manager)
    response = client.post(
        f"/accounts/{owned_account.pk}/edit/",
        {"name": "Acme Industries", "lifecycle": "customer", "sector": "Aerospace", "country": "FR"},
    )
    assert response.status_code == 302
    owned_account.refresh_from_db()
    assert owned_account.sector == "Aerospace"
    assert owned_account.owner == manager  # a manager cannot hand the account away by omission
    body = account_page(client, owned_account)
    assert "Account changed" in body
    assert "Manufacturing → Aerospace" in body
    assert str(manager) in body


@pytest.mark.parametrize("role", ["other_manager", "sponsor", "contributor"])
def test_colleagues_who_do_not_run_the_account_get_403_on_edit(client, request, role, owned_account):
    client.force_login(request.getfixturevalue(role))
    assert client.get(f"/accounts/{owned_account.pk}/edit/").status_code == 403
    response = client.post(f"/accounts/{owned_account.pk}/edit/", {"name": "Hijacked", "lifecycle": "customer"})
    assert response.status_code == 403
    owned_account.refresh_from_db()
    assert owned_account.name == "Acme Industries"


def test_outsider_gets_404_on_edit(client, outsider, owned_account):
    client.force_login(outsider)
    assert client.get(f"/accounts/{owned_account.pk}/edit/").status_code == 404


def test_service_manager_is_on_the_team_and_may_edit(client, other_manager, owned_account):
    owned_account.service_manager = other_manager
    owned_account.save()
    client.force_login(other_manager)
    assert client.get(f"/accounts/{owned_account.pk}/edit/").status_code == 200


def test_parent_cannot_be_a_subsidiary_of_the_account(client, admin_user, owned_account):
    child = AccountFactory(name="Acme Child", parent=owned_account)
    client.force_login(admin_user)
    response = client.post(
        f"/accounts/{owned_account.pk}/edit/",
        {"name": "Acme Industries", "lifecycle": "customer", "parent_name": child.reference},
    )
    assert "cannot belong to itself or to one of its subsidiaries" in response.content.decode()
    owned_account.refresh_from_db()
    assert owned_account.parent is None


# --- grafting onto a group, choosing the sponsor ---------------------------


@pytest.fixture
def colleagues_group(other_manager):
    return AccountFactory(name="Colleague Holding", reference="COL-1", owner=other_manager)


def test_manager_cannot_attach_his_account_to_a_colleagues_group(client, manager, owned_account, colleagues_group):
    client.force_login(manager)
    response = client.post(
        f"/accounts/{owned_account.pk}/edit/",
        {"name": "Acme Renamed", "lifecycle": "customer", "parent_name": "COL-1"},
    )
    assert response.status_code == 200
    assert (
        "You may not attach an account to Colleague Holding&#x27;s group: you cannot edit Colleague Holding."
        in response.content.decode()
    )
    owned_account.refresh_from_db()
    assert (owned_account.name, owned_account.parent) == ("Acme Industries", None)


def test_manager_cannot_create_an_account_inside_a_colleagues_group(client, manager, colleagues_group):
    client.force_login(manager)
    response = client.post("/accounts/new/", {"name": "Graft", "lifecycle": "customer", "parent_name": "COL-1"})
    assert "You may not attach an account to Colleague Holding" in response.content.decode()
    assert not Account.objects.filter(name="Graft").exists()


def test_manager_attaches_an_account_under_a_group_he_runs(client, manager, owned_account):
    own_group = AccountFactory(name="Own Holding", reference="OWN-1", owner=manager)
    client.force_login(manager)
    client.post(
        f"/accounts/{owned_account.pk}/edit/",
        {"name": "Acme Industries", "lifecycle": "customer", "parent_name": "OWN-1"},
    )
    owned_account.refresh_from_db()
    assert owned_account.parent == own_group


def test_administrator_attaches_any_account_to_any_group(client, admin_user, owned_account, colleagues_group):
    client.force_login(admin_user)
    client.post(
        f"/accounts/{owned_account.pk}/edit/",
        {"name": "Acme Industries", "lifecycle": "customer", "parent_name": "COL-1"},
    )
    owned_account.refresh_from_db()
    assert owned_account.parent == colleagues_group


def test_an_existing_link_to_a_colleagues_group_survives_the_managers_other_edits(
    client, manager, owned_account, colleagues_group
):
    owned_account.parent = colleagues_group
    owned_account.save()
    client.force_login(manager)
    client.post(
        f"/accounts/{owned_account.pk}/edit/",
        {"name": "Acme Industries", "lifecycle": "customer", "parent_name": "COL-1", "city": "Paris"},
    )
    owned_account.refresh_from_db()
    assert (owned_account.city, owned_account.parent) == ("Paris", colleagues_group)


def test_manager_cannot_choose_the_executive_sponsor_who_approves_him(client, manager, sponsor, owned_account):
    self_sponsor = manager
    self_sponsor.groups.add(*sponsor.groups.all())  # manager and sponsor at once
    owned_account.executive_sponsor = sponsor
    owned_account.save()
    client.force_login(manager)
    page = client.get(f"/accounts/{owned_account.pk}/edit/").content.decode()
    assert "Only an administrator chooses the executive sponsor." in page
    client.post(
        f"/accounts/{owned_account.pk}/edit/",
        {"name": "Acme Industries", "lifecycle": "customer", "executive_sponsor": manager.pk},
    )
    owned_account.refresh_from_db()
    assert owned_account.executive_sponsor == sponsor
    client.post("/accounts/new/", {"name": "Fresh", "lifecycle": "customer", "executive_sponsor": manager.pk})
    assert Account.objects.get(name="Fresh").executive_sponsor is None


def test_administrator_chooses_the_executive_sponsor_and_the_history_shows_it(
    client, admin_user, sponsor, owned_account
):
    client.force_login(admin_user)
    client.post(
        f"/accounts/{owned_account.pk}/edit/",
        {"name": "Acme Industries", "lifecycle": "customer", "executive_sponsor": sponsor.pk},
    )
    owned_account.refresh_from_db()
    assert owned_account.executive_sponsor == sponsor
    body = account_page(client, owned_account)
    assert f"→ {sponsor}" in body


def test_financials_are_saved_and_last_year_revenue_follows(client, manager, owned_account):
    client.force_login(manager)
    financials = list(owned_account.financials.order_by("year"))
    data = {
        **management_form("financials", total=3, initial=2),
    }
    for index, item in enumerate(financials):
        data |= {
            f"financials-{index}-id": item.pk,
            f"financials-{index}-year": item.year,
            f"financials-{index}-revenue": str(item.revenue),
            f"financials-{index}-gross_margin": "",
        }
    data[f"financials-{len(financials) - 1}-revenue"] = "120000"
    response = client.post(f"/accounts/{owned_account.pk}/financials/", data)
    assert response.status_code == 302
    owned_account.refresh_from_db()
    assert owned_account.last_year_revenue == Decimal("120000")
    assert owned_account.revenue_growth == Decimal("50.0")


def test_negative_revenue_is_refused_and_nothing_is_saved(client, manager, owned_account):
    client.force_login(manager)
    data = {
        **management_form("financials", total=1, initial=0),
        "financials-0-year": str(LAST_YEAR - 3),
        "financials-0-revenue": "-5",
    }
    response = client.post(f"/accounts/{owned_account.pk}/financials/", data)
    assert "Revenue cannot be negative" in response.content.decode()
    assert 'value="-5"' in response.content.decode()
    assert not owned_account.financials.filter(year=LAST_YEAR - 3).exists()


# --- interactions ---------------------------------------------------------


def test_contributor_logs_an_interaction_shown_on_the_timeline(client, contributor, owned_account):
    client.force_login(contributor)
    response = client.post(
        f"/accounts/{owned_account.pk}/interactions/",
        {
            "kind": "incident",
            "occurred_on": date.today().isoformat(),
            "department": "Support",
            "summary": "Late delivery complaint",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Late delivery complaint" in response.content.decode()
    interaction = Interaction.objects.get(account=owned_account)
    assert interaction.author == contributor


def test_interaction_in_the_future_is_refused_with_input_kept(client, contributor, owned_account):
    client.force_login(contributor)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = client.post(
        f"/accounts/{owned_account.pk}/interactions/",
        {"kind": "call", "occurred_on": tomorrow, "summary": "Kept summary"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "the date is in the future" in body
    assert "Kept summary" in body
    assert not Interaction.objects.exists()


def test_outsider_cannot_log_interactions(client, outsider, owned_account):
    client.force_login(outsider)
    response = client.post(
        f"/accounts/{owned_account.pk}/interactions/",
        {"kind": "call", "occurred_on": date.today().isoformat(), "summary": "x"},
    )
    assert response.status_code == 404
    assert not Interaction.objects.exists()


def test_account_page_lists_interactions_newest_first(client, contributor, owned_account):
    InteractionFactory(account=owned_account, summary="Older", occurred_on=date.today() - timedelta(days=30))
    InteractionFactory(account=owned_account, summary="Newer", occurred_on=date.today())
    client.force_login(contributor)
    body = account_page(client, owned_account)
    assert body.index("Newer") < body.index("Older")


# --- export ---------------------------------------------------------------


def test_csv_export_follows_filters_and_defuses_formulas(client, contributor, owned_account):
    AccountFactory(name='=HYPERLINK("http://evil")', country="GB")
    AccountFactory(name="Other GB", country="GB")
    client.force_login(contributor)
    response = client.get("/accounts/export.csv", {"country": "GB"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = [row[1] for row in rows[1:]]
    assert sorted(names) == ['\'=HYPERLINK("http://evil")', "Other GB"]
    assert response["Content-Disposition"].startswith("attachment;")


def test_xlsx_export_stores_formula_like_text_as_text(client, contributor):
    AccountFactory(name="@SUM(A1:A9)")
    client.force_login(contributor)
    response = client.get("/accounts/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(row=2, column=2)
    assert cell.value == "@SUM(A1:A9)"
    assert cell.data_type == "s"


@pytest.mark.parametrize(
    "name",
    [
        " =1+1",
        "\n=1+1",
        " \n @SUM(A1)",
        "|calc!A1",
        "\uff1dHYPERLINK(1)",
        "\uff0b1",
        "\uff0d1",
        "\uff20SUM(A1)",
        "\tcmd",
        "\rcmd",
        "+33 1 23",
        "-5",
    ],
)
def test_csv_export_defuses_formulas_hidden_behind_blanks_pipes_and_full_width_signs(client, contributor, name):
    AccountFactory(name=name, country="GB")
    client.force_login(contributor)
    response = client.get("/accounts/export.csv", {"country": "GB"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1] == "'" + name


@pytest.mark.parametrize("name", ["Acme =1", "O'Neil & Sons", "3M", "Société Générale"])
def test_csv_export_leaves_ordinary_names_as_they_are(client, contributor, name):
    AccountFactory(name=name, country="GB")
    client.force_login(contributor)
    response = client.get("/accounts/export.csv", {"country": "GB"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1] == name


@pytest.mark.parametrize("name", [" =1+1", "|calc!A1", "\uff1d1+1"])
def test_xlsx_export_stores_disguised_formulas_as_text(client, contributor, name):
    AccountFactory(name=name)
    client.force_login(contributor)
    response = client.get("/accounts/export.xlsx")
    cell = load_workbook(io.BytesIO(response.content)).active.cell(row=2, column=2)
    assert cell.value == name
    assert cell.data_type == "s"


def test_export_by_outsider_contains_no_account(client, outsider, owned_account):
    client.force_login(outsider)
    response = client.get("/accounts/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1  # headers only


@pytest.mark.parametrize(
    ("role", "status"), [("other_manager", 403), ("sponsor", 403), ("contributor", 403), ("outsider", 404)]
)
def test_only_the_account_team_edits_financials(client, request, role, status, owned_account):
    client.force_login(request.getfixturevalue(role))
    assert client.get(f"/accounts/{owned_account.pk}/financials/").status_code == status


def test_account_page_query_count_does_not_grow_with_its_rows(
    client, contributor, owned_account, django_assert_max_num_queries
):
    from accounts.tests.factories import ContactFactory
    from accounts.tests.pages import HTMX, card_urls

    AccountFactory(parent=owned_account)  # the group section costs one query per level of the group, not per row
    client.force_login(contributor)
    urls = [owned_account.get_absolute_url(), *card_urls(client.get(owned_account.get_absolute_url()).content.decode())]
    assert len(urls) >= 10  # the first paint, then score, financials, plan, reviews... each from its own URL
    few = {}
    for url in urls:
        # Each card a fixed cost, never per row; the first paint only what identifies the account and its to-dos.
        with django_assert_max_num_queries(18 if url == urls[0] else 12) as captured:
            client.get(url, headers=HTMX)
        few[url] = len(captured.captured_queries)
    for year in range(2000, 2020):
        YearlyFinancialFactory(account=owned_account, year=year)
    ContactFactory.create_batch(25, account=owned_account)
    InteractionFactory.create_batch(25, account=owned_account, author=contributor)
    AccountFactory.create_batch(10, parent=owned_account)  # more subsidiaries, same depth
    for url in urls:
        with django_assert_max_num_queries(few[url]):
            client.get(url, headers=HTMX)
    assert account_page(client, owned_account).count("Quarterly review") == 25


def test_history_names_people_and_choices_and_survives_deletions(client, admin_user, manager, other_manager):
    account = AccountFactory(name="Tracked", owner=manager)
    parent = AccountFactory(name="Old Parent")
    for owner, lifecycle, parent_ in ((other_manager, "prospect", parent), (manager, "former", None)):
        account.owner, account.lifecycle, account.parent = owner, lifecycle, parent_
        account.save()
    parent.delete()
    client.force_login(admin_user)
    body = account_page(client, account)
    assert f"{manager} → {other_manager}" in body
    assert "Prospect → Former customer" in body
    assert "(deleted) → —" in body


def test_invalid_filter_value_is_reported_and_lists_nothing(client, contributor, owned_account):
    client.force_login(contributor)
    body = client.get("/accounts/", {"country": "ZZ"}).content.decode()
    assert "Some filters could not be applied" in body
    assert "Acme Industries" not in body
    rows = client.get("/accounts/export.csv", {"owner": "not-a-number"}).content.decode("utf-8-sig").splitlines()
    assert len(rows) == 1


def test_xlsx_export_drops_control_characters_instead_of_failing(client, contributor):
    AccountFactory(name="Bad\x0bName")
    client.force_login(contributor)
    response = client.get("/accounts/export.xlsx")
    assert load_workbook(io.BytesIO(response.content)).active.cell(row=2, column=2).value == "BadName"


def test_swapping_two_years_explains_instead_of_failing(client, manager, owned_account):
    client.force_login(manager)
    first, second = owned_account.financials.order_by("year")
    data = {
        **management_form("financials", total=2, initial=2),
        "financials-0-id": first.pk,
        "financials-0-year": second.year,
        "financials-0-revenue": "1",
        "financials-1-id": second.pk,
        "financials-1-year": first.year,
        "financials-1-revenue": "2",
    }
    response = client.post(f"/accounts/{owned_account.pk}/financials/", data)
    assert response.status_code == 200
    assert "Each year can appear only once" in response.content.decode()


def test_service_manager_saves_an_account_whose_owner_left(client, manager, other_manager, owned_account):
    owned_account.service_manager = other_manager
    owned_account.save()
    manager.is_active = False
    manager.save()
    client.force_login(other_manager)
    response = client.post(
        f"/accounts/{owned_account.pk}/edit/", {"name": "Acme Industries", "lifecycle": "customer", "sector": "Food"}
    )
    assert response.status_code == 302
    owned_account.refresh_from_db()
    assert owned_account.sector == "Food" and owned_account.owner == manager


def test_applied_import_mapping_page_leads_to_the_result(client, manager):
    from accounts.models import ImportBatch

    batch = ImportBatch.objects.create(
        created_by=manager, kind="accounts", filename="a.csv", data=b"", status="applied"
    )
    client.force_login(manager)
    response = client.get(f"/accounts/import/{batch.pk}/map/")
    assert response.url == f"/accounts/import/{batch.pk}/result/"
