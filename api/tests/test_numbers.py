"""The API reads plain machine numbers ("12500.50") whatever the language the client asks for; the pages' own
forms read numbers as each language writes them, but a client's "12,500" means nothing certain."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "fr"])
def test_plain_numbers_are_read_in_every_language(api_as, manager, language):
    account = AccountFactory(owner=manager)
    client = api_as(manager)

    changed = client.patch(
        f"/api/v1/accounts/{account.pk}/",
        {"potential": "12500.50", "company_turnover": 1096.53, "employees": 1200},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    year = client.put(
        f"/api/v1/accounts/{account.pk}/financials/",
        {"year": 2025, "revenue": "120000.50", "gross_margin": 30000},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert changed.status_code == 200 and year.status_code == 200
    account.refresh_from_db()
    assert (account.potential, account.company_turnover, account.employees) == (
        Decimal("12500.50"),
        Decimal("1096.53"),
        1200,
    )
    assert account.financials.get().revenue == Decimal("120000.50")


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("typed", ["12,500", "12 500,50", "1,200"])
def test_numbers_written_for_people_are_refused_rather_than_read_by_the_clients_language(
    api_as, manager, language, typed
):
    account = AccountFactory(owner=manager, potential=Decimal("100"))
    client = api_as(manager)

    response = client.patch(
        f"/api/v1/accounts/{account.pk}/", {"potential": typed}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 400 and "potential" in response.json()["errors"]
    account.refresh_from_db()
    assert account.potential == Decimal("100")
