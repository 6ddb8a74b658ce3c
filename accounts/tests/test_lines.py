"""The catalogue of product lines: who may read and change it, and merging lines into one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.importing import ImportKind, apply_import, guess_mapping, read_table
from accounts.models import Deal, DealOutcome, LineRevenue, ProductLine, YearlyFinancial
from accounts.services import product_lines_merge
from accounts.tests.factories import AccountFactory, ProductLineFactory

pytestmark = pytest.mark.django_db


def revenue(account, line, year) -> Decimal | None:
    return LineRevenue.objects.filter(account=account, line=line, year=year).values_list("revenue", flat=True).first()


def test_merge_sums_revenue_per_account_year_and_moves_deals(admin_user):
    acme, beta = AccountFactory(), AccountFactory()
    drinks, beverages, tea = (ProductLineFactory(name=name) for name in ("Drinks", "Beverages", "Tea"))
    for account, line, year, amount in [
        (acme, drinks, 2024, "100"), (acme, beverages, 2024, "50"), (acme, tea, 2024, "5"),
        (acme, beverages, 2023, "7"), (beta, tea, 2024, "9"),
    ]:  # fmt: skip
        LineRevenue.objects.create(account=account, line=line, year=year, revenue=Decimal(amount), currency="EUR")
    deal = Deal.objects.create(
        account=acme, external_id="D1", stage="Won", outcome=DealOutcome.WON, amount=1, line=tea, currency="EUR"
    )

    product_lines_merge(sources=[beverages, tea], target=drinks, by=admin_user)

    assert revenue(acme, drinks, 2024) == Decimal("155.00")
    assert revenue(acme, drinks, 2023) == Decimal("7.00")
    assert revenue(beta, drinks, 2024) == Decimal("9.00")
    assert LineRevenue.objects.exclude(line=drinks).count() == 0
    deal.refresh_from_db()
    assert deal.line == drinks
    beverages.refresh_from_db()
    assert (beverages.merged_into, beverages.is_active) == (drinks, False)
    assert beverages.history.first().history_user == admin_user
    assert list(ProductLine.objects.current()) == [drinks]


def test_a_line_merged_earlier_follows_its_line_into_the_next_merge(admin_user):
    first, second, third = (ProductLineFactory(name=name) for name in ("First", "Second", "Third"))
    product_lines_merge(sources=[first], target=second, by=admin_user)

    product_lines_merge(sources=[second], target=third, by=admin_user)

    assert ProductLine.objects.get(name="First").merged_into == third


def test_merge_refuses_a_line_already_merged(admin_user):
    kept, gone = ProductLineFactory(name="Kept"), ProductLineFactory(name="Gone")
    product_lines_merge(sources=[gone], target=kept, by=admin_user)

    with pytest.raises(ValueError, match="Only lines"):
        product_lines_merge(sources=[kept], target=gone, by=admin_user)


def test_the_next_import_counts_a_merged_name_on_the_line_kept(admin_user):
    account = AccountFactory(reference="A1")
    drinks, beverages = ProductLineFactory(name="Drinks"), ProductLineFactory(name="Beverages")
    product_lines_merge(sources=[beverages], target=drinks, by=admin_user)
    frame = read_table(data=b"customer,date,amount,product\nA1,2024-03-01,100,BEVERAGES\n", filename="f.csv")
    mapping = guess_mapping(columns=["customer", "date", "amount", "product"], kind=ImportKind.TRANSACTIONS)

    apply_import(frame=frame, mapping=mapping, kind=ImportKind.TRANSACTIONS, user=admin_user)

    assert revenue(account, drinks, 2024) == Decimal("100.00")
    assert ProductLine.objects.count() == 2


@pytest.mark.parametrize("role", ["manager", "sponsor", "contributor"])
def test_every_role_reads_the_catalogue_but_only_administrators_change_it(client, request, role):
    line = ProductLineFactory(name="Seafood")
    other = ProductLineFactory(name="Fish")
    client.force_login(request.getfixturevalue(role))

    assert client.get("/accounts/lines/").status_code == 200
    assert client.get("/accounts/lines/new/").status_code == 403
    assert client.post("/accounts/lines/new/", {"name": "Tea"}).status_code == 403
    assert client.post(f"/accounts/lines/{line.pk}/", {"name": "Renamed"}).status_code == 403
    assert client.post(f"/accounts/lines/{line.pk}/deactivate/").status_code == 403
    merge = {"sources": [other.pk], "target": line.pk}
    assert client.post("/accounts/lines/merge/", merge).status_code == 403
    assert sorted(ProductLine.objects.values_list("name", "is_active", "merged_into")) == [
        ("Fish", True, None),
        ("Seafood", True, None),
    ]


def test_a_user_without_a_role_may_not_read_the_catalogue(client, outsider):
    client.force_login(outsider)

    assert client.get("/accounts/lines/").status_code == 403


def test_an_administrator_creates_edits_deactivates_and_merges_lines(client, admin_user):
    client.force_login(admin_user)

    response = client.post("/accounts/lines/new/", {"name": " Dairy   products ", "family": "Food", "is_active": "on"})
    assert response.status_code == 302
    dairy = ProductLine.objects.get()
    assert (dairy.name, dairy.family, dairy.is_active) == ("Dairy products", "Food", True)
    response = client.post("/accounts/lines/new/", {"name": "DAIRY PRODUCTS", "is_active": "on"})
    assert "A product line is already named “Dairy products”." in response.content.decode()

    client.post(f"/accounts/lines/{dairy.pk}/", {"name": "Dairy", "family": "Food", "is_active": "on"})
    client.post(f"/accounts/lines/{dairy.pk}/deactivate/")
    dairy.refresh_from_db()
    assert (dairy.name, dairy.is_active) == ("Dairy", False)

    cheese = ProductLineFactory(name="Cheese")
    response = client.post("/accounts/lines/merge/", {"sources": [cheese.pk], "target": dairy.pk}, follow=True)
    assert "Cheese merged into Dairy." in response.content.decode()
    cheese.refresh_from_db()
    assert cheese.merged_into == dairy
    body = client.get("/accounts/lines/").content.decode()
    assert "also named" in body and "Cheese" in body
    response = client.post("/accounts/lines/new/", {"name": "cheese", "is_active": "on"})
    assert "another name of the line Dairy" in response.content.decode()


def test_merging_a_line_into_itself_is_refused(client, admin_user):
    client.force_login(admin_user)
    line = ProductLineFactory(name="Tea")

    response = client.post("/accounts/lines/merge/", {"sources": [line.pk], "target": line.pk})

    assert "Choose at least one line other than the one kept." in response.content.decode()


def test_the_list_shows_buyers_and_revenue_of_the_year_in_use_in_bounded_queries(
    client, contributor, django_assert_max_num_queries
):
    client.force_login(contributor)
    lines = [ProductLineFactory(name=f"Line {n}") for n in range(8)]
    for n in range(12):
        account = AccountFactory()
        YearlyFinancial.objects.create(account=account, year=2024, revenue=Decimal("100"))
        for line in lines[: n % 4 + 1]:
            LineRevenue.objects.create(account=account, line=line, year=2024, revenue=Decimal("10"))
            LineRevenue.objects.create(account=account, line=line, year=2023, revenue=Decimal("1"))
    product_lines_merge(sources=[lines[7]], target=lines[6], by=contributor)

    with django_assert_max_num_queries(12):
        response = client.get("/accounts/lines/")

    rows = {line.name: (line.buyers, line.revenue) for line in response.context["lines"]}
    assert rows["Line 0"] == (12, Decimal("120.00"))
    assert rows["Line 3"] == (3, Decimal("30.00"))
    assert rows["Line 5"] == (0, None)
    assert "Line 7" not in rows
