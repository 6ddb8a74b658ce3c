"""Numbers typed as each language writes them, shared by every app's forms; plain machine numbers for the API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from kam.fields import AmountField, FloatNumberField, WholeNumberField, number_canonical, plain_numbers


class FiguresForm(forms.Form):
    amount = AmountField(required=False, min_value=0, max_digits=14, decimal_places=2)
    share = FloatNumberField(required=False, max_value=1)
    count = WholeNumberField(required=False)


def _clean(language: str, **data: str) -> FiguresForm:
    with translation.override(language):
        form = FiguresForm(data)
        form.is_valid()
        return form


@pytest.mark.parametrize(
    ("language", "typed", "canonical"),
    [
        ("fr", "-1 234 567,8", "-1234567.8"),
        ("fr", "1\u2009234", "1234"),
        ("fr", "0.5", "0.5"),
        ("en", "-1,234,567.8", "-1234567.8"),
        ("en", "1 234.5", "1234.5"),
        ("en", "1,234 567", None),  # two kinds of grouping
        ("en", "12,34", None),
        ("fr", "١٢", None),  # Arabic-Indic digits: Decimal() would take them, nobody types them here
        ("fr", "1e3", None),
    ],
)
def test_a_number_is_read_by_the_languages_separators(language, typed, canonical):
    with translation.override(language):
        assert number_canonical(typed) == canonical


def test_each_kind_of_number_says_how_to_write_it_in_the_users_language():
    assert _clean("fr", amount="1,234.5", share="0.7.5", count="1 200,5").errors == {
        "amount": ["Saisissez un montant écrit comme 12\u00a0500,50."],
        "share": ["Saisissez un nombre écrit comme 0,75."],
        "count": ["Saisissez un nombre entier écrit comme 1\u00a0200."],
    }


def test_the_fields_own_limits_still_apply():
    errors = _clean("en", amount="-1", share="1.5", count="").errors
    assert set(errors) == {"amount", "share"}


def test_inputs_are_text_with_the_phones_numeric_keyboard():
    form = FiguresForm()
    assert 'type="text"' in str(form["amount"]) and 'inputmode="decimal"' in str(form["amount"])
    assert 'type="text"' in str(form["count"]) and 'inputmode="numeric"' in str(form["count"])


def test_a_french_user_sees_initial_values_written_the_french_way():
    with translation.override("fr"):
        form = FiguresForm(initial={"amount": Decimal("12500.50"), "share": 0.5, "count": 1200})
        assert 'value="12500,50"' in str(form["amount"])
        assert 'value="0,5"' in str(form["share"])
        assert 'value="1200"' in str(form["count"])


@pytest.mark.parametrize("language", ["fr", "en"])
def test_plain_numbers_read_machine_numbers_in_any_language_and_nothing_else(language):
    with translation.override(language):
        plain = plain_numbers(FiguresForm({"amount": "12500.50", "share": "0.75", "count": "1200"}))
        assert plain.is_valid()
        assert plain.cleaned_data == {"amount": Decimal("12500.50"), "share": 0.75, "count": 1200}
        grouped = plain_numbers(FiguresForm({"amount": "12 500,50", "count": "1,200"}))
        assert set(grouped.errors) == {"amount", "count"}
