"""An account's figures typed as people write them: "12 500,50" and "1 200" in French, "12,500.50" and "1,200" in
English; anything else is refused and shown again as typed; the figures shown post back unchanged."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from accounts.tests.factories import AccountFactory, YearlyFinancialFactory
from kam.tests.forms import form_values

pytestmark = pytest.mark.django_db

YEAR = date.today().year - 1


@pytest.fixture
def account(manager):
    return AccountFactory(
        name="Acme Industries",
        owner=manager,
        potential=Decimal("500000.50"),
        employees=12000,
        company_turnover=Decimal("1096.53"),
        company_turnover_unit="M",
        company_turnover_currency="USD",
    )


def _edit_page(client, account, language: str) -> dict[str, str]:
    page = client.get(f"/accounts/{account.pk}/edit/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    return form_values(page, "account-form")


@pytest.mark.parametrize(
    ("language", "potential", "turnover", "employees"),
    [("fr", "12\u202f500,50", "1 096,53", "1 200"), ("en", "12,500.50", "1,096.53", "1,200")],
)
def test_account_figures_typed_in_the_users_language_are_saved(
    client, manager, account, language, potential, turnover, employees
):
    client.force_login(manager)
    data = _edit_page(client, account, language) | {
        "potential": potential,
        "company_turnover": turnover,
        "employees": employees,
    }

    response = client.post(f"/accounts/{account.pk}/edit/", data, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.potential, account.company_turnover, account.employees) == (
        Decimal("12500.50"),
        Decimal("1096.53"),
        1200,
    )


@pytest.mark.parametrize(
    ("language", "field", "typed", "message"),
    [
        ("fr", "potential", "12,500.50", "Saisissez un montant écrit comme 12\u00a0500,50."),
        ("fr", "employees", "1.200", "Saisissez un nombre entier écrit comme 1\u00a0200."),
        ("en", "company_turnover", "1 096,53", "Enter an amount written like 12,500.50."),
        ("en", "employees", "1,200.5", "Enter a whole number written like 1,200."),
    ],
)
def test_an_account_figure_written_otherwise_is_refused_and_shown_again_as_typed(
    client, manager, account, language, field, typed, message
):
    client.force_login(manager)
    data = _edit_page(client, account, language) | {field: typed}

    response = client.post(f"/accounts/{account.pk}/edit/", data, HTTP_ACCEPT_LANGUAGE=language)

    body = response.content.decode()
    assert response.status_code == 200  # the page shows its errors
    assert message in body
    assert form_values(body, "account-form")[field] == typed
    account.refresh_from_db()
    assert (account.potential, account.employees) == (Decimal("500000.50"), 12000)


def test_the_potential_still_cannot_be_negative(client, manager, account):
    client.force_login(manager)
    data = _edit_page(client, account, "fr") | {"potential": "-1 000"}

    body = client.post(f"/accounts/{account.pk}/edit/", data, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Le potentiel ne peut pas être négatif." in body


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_user_saves_the_account_as_shown_and_no_figure_changes(client, manager, account, language):
    client.force_login(manager)
    shown = _edit_page(client, account, language)

    response = client.post(f"/accounts/{account.pk}/edit/", shown, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 302
    assert shown["potential"] == ("500000,50" if language == "fr" else "500000.50")
    account.refresh_from_db()
    assert (account.potential, account.company_turnover, account.employees) == (
        Decimal("500000.50"),
        Decimal("1096.53"),
        12000,
    )


def _financials_page(client, account, language: str) -> dict[str, str]:
    page = client.get(f"/accounts/{account.pk}/financials/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    return form_values(page, "financials-form")


@pytest.mark.parametrize(
    ("language", "revenue", "margin"), [("fr", "120 000,50", "30\u00a0000"), ("en", "120,000.50", "30,000")]
)
def test_yearly_figures_typed_in_the_users_language_are_saved(client, manager, account, language, revenue, margin):
    client.force_login(manager)
    data = _financials_page(client, account, language) | {
        "financials-0-year": str(YEAR),
        "financials-0-revenue": revenue,
        "financials-0-gross_margin": margin,
    }

    response = client.post(f"/accounts/{account.pk}/financials/", data, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 302
    financial = account.financials.get()
    assert (financial.revenue, financial.gross_margin) == (Decimal("120000.50"), Decimal("30000"))


def test_a_yearly_revenue_written_the_english_way_is_refused_in_french_and_kept(client, manager, account):
    client.force_login(manager)
    data = _financials_page(client, account, "fr") | {
        "financials-0-year": str(YEAR),
        "financials-0-revenue": "120,000.50",
    }

    response = client.post(f"/accounts/{account.pk}/financials/", data, HTTP_ACCEPT_LANGUAGE="fr")

    body = response.content.decode()
    assert "Saisissez un montant écrit comme 12\u00a0500,50." in body
    assert form_values(body, "financials-form")["financials-0-revenue"] == "120,000.50"
    assert not account.financials.exists()


def test_a_french_user_saves_the_financials_as_shown_and_no_figure_changes(client, manager, account):
    YearlyFinancialFactory(account=account, year=YEAR, revenue=Decimal("120000.50"), gross_margin=Decimal("30000"))
    client.force_login(manager)
    shown = _financials_page(client, account, "fr")

    response = client.post(f"/accounts/{account.pk}/financials/", shown, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 302
    assert (shown["financials-0-revenue"], shown["financials-0-gross_margin"]) == ("120000,50", "30000,00")
    financial = account.financials.get()
    assert (financial.revenue, financial.gross_margin) == (Decimal("120000.50"), Decimal("30000"))
