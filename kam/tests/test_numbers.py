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


def test_grouped_writes_every_number_exactly_as_django_does_in_english_and_french():
    import numpy as np
    from django.utils.formats import number_format

    from kam.numbers import grouped

    rng = np.random.default_rng(1)
    values = [0, 7, -3, 999, 1000, -1000, 1234567, 10**15, 0.0, -0.0, 0.05, -0.04, 1.99, 999.95, 1234.5678, -98765.4321]
    values += [1e16, 1.5e-7, float("nan"), float("inf"), Decimal("1234.5678"), Decimal("-0.001"), np.float64(52061.99)]
    values += [np.int64(4096), np.float32(0.1), True]
    values += list(rng.lognormal(11.5, 3, 300)) + list(-rng.uniform(0, 1e6, 100)) + list(rng.integers(-1e9, 1e9, 100))
    for language in ("en", "fr"):
        with translation.override(language):
            for value in values:
                for digits in (0, 1, 2):
                    expected = number_format(value, decimal_pos=digits, use_l10n=True, force_grouping=True)
                    assert grouped(value, digits) == expected, (language, value, digits)
    with translation.override("fr"):
        assert grouped(5206611.47, 1) == "5\u00a0206\u00a0611,4"
