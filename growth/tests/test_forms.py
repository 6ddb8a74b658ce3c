"""Amounts typed as people write them: "12 500,50" in French, "12,500.50" in English."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from accounts.models import FinancialYearSetting
from accounts.tests.factories import AccountFactory
from growth.forms import PotentialForm
from growth.models import LinePotential
from growth.tests.factories import ProductLineFactory


def _potential(amount: str, language: str) -> PotentialForm:
    with translation.override(language):
        form = PotentialForm({"potential-amount": amount, "potential-reason": "Tender"}, prefix="potential")
        form.is_valid()
        return form


@pytest.mark.parametrize(
    "typed",
    ["12 500,50", "12\u00a0500,50", "12\u202f500,50", "12500,50", "12500.50", " 12 500,50 "],
    ids=["space", "no-break space", "narrow no-break space", "no grouping", "a spreadsheet's point", "padded"],
)
def test_french_amounts_are_read_with_spaces_between_thousands_and_a_decimal_comma(typed):
    form = _potential(typed, "fr")
    assert form.errors == {}
    assert form.cleaned_data["amount"] == Decimal("12500.50")


@pytest.mark.parametrize("typed", ["12,500.50", "12 500.50", "12500.50", "1,234,567"])
def test_english_amounts_are_read_with_commas_between_thousands_and_a_decimal_point(typed):
    form = _potential(typed, "en")
    assert form.errors == {}
    assert form.cleaned_data["amount"] == (Decimal("1234567") if typed == "1,234,567" else Decimal("12500.50"))


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        ("fr", "12,500.50", "Saisissez un montant écrit comme 12\u00a0500,50."),
        ("fr", "1 23 456", "Saisissez un montant écrit comme 12\u00a0500,50."),
        ("fr", "douze", "Saisissez un montant écrit comme 12\u00a0500,50."),
        ("en", "12 500,50", "Enter an amount written like 12,500.50."),
        ("en", "1,23,456", "Enter an amount written like 12,500.50."),
    ],
)
def test_an_amount_written_otherwise_is_refused_with_an_example_and_shown_again_as_typed(language, typed, message):
    form = _potential(typed, language)
    assert form.errors["amount"] == [message]
    with translation.override(language):
        assert f'value="{typed}"' in str(form["amount"])


def test_the_amount_is_a_text_input_with_the_numeric_keyboard():
    html = str(PotentialForm(prefix="potential")["amount"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html


def test_a_negative_potential_is_still_refused():
    assert "amount" in _potential("-5", "en").errors


@pytest.mark.django_db
def test_a_manager_saves_a_potential_typed_in_french_on_the_cell_editor(client, manager):
    FinancialYearSetting.objects.update_or_create(pk=1, defaults={"fixed_year": 2025})
    account, line = AccountFactory(owner=manager), ProductLineFactory(name="Oil")
    client.force_login(manager)
    url = f"/accounts/{account.pk}/whitespace/{account.pk}/{line.pk}/potential/"

    # A request leaves its language active in this thread: restore English for the tests that follow.
    with translation.override("en"):
        refused = client.post(
            url, {"potential-amount": "12,500.50", "potential-reason": "Plant"}, HTTP_ACCEPT_LANGUAGE="fr"
        )
        saved = client.post(
            url, {"potential-amount": "12\u202f500,50", "potential-reason": "Plant"}, HTTP_ACCEPT_LANGUAGE="fr"
        )

    assert refused.status_code == 422
    assert 'value="12,500.50"' in refused.content.decode()
    assert saved.status_code == 302
    assert LinePotential.objects.get(account=account, line=line).amount == Decimal("12500.50")
