"""Amounts read the same everywhere in a language: grouped digits, then the currency."""

from __future__ import annotations

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from kam.numbers import money


def test_money_groups_digits_in_the_readers_language_and_names_the_currency():
    with translation.override("en"):
        assert money(Decimal("5206611.4"), "EUR") == "5,206,611\u00a0EUR"
    with translation.override("fr"):
        assert money(5206611, "EUR") == "5\u00a0206\u00a0611\u00a0EUR"
    assert money(None, "EUR") == "—"


def test_money_filter_uses_the_configured_currency_by_default(settings):
    settings.KAM_CURRENCY = "USD"
    with translation.override("en"):
        text = Template("{% load kam_tags %}{{ a|money }} / {{ a|money:'EUR' }}").render(Context({"a": 2984501}))
    assert text == "2,984,501\u00a0USD / 2,984,501\u00a0EUR"
