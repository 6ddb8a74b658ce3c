"""Ids typed by users: only ASCII digits a database key can hold."""

from __future__ import annotations

import pytest

from kam.forms import SearchForm
from kam.ids import MAX_ID, parse_id


@pytest.mark.parametrize("typed", ["²", "١٢٣", "9" * 40, str(MAX_ID + 1), "-1", "0", "1e3", " 7", "", None, 7])
def test_ids_no_row_can_have_are_none(typed):
    assert parse_id(typed) is None


def test_plain_ids_up_to_the_largest_key_are_read():
    assert parse_id("42") == 42
    assert parse_id(str(MAX_ID)) == MAX_ID


@pytest.mark.parametrize("typed", ["x" * 100_000, "a\x00b"])
def test_a_search_too_long_or_with_a_nul_is_refused_with_a_reason(typed):
    form = SearchForm({"q": typed})
    assert form.query() == ""
    assert form.errors["q"]


def test_a_normal_search_is_kept():
    assert SearchForm({"q": "Acme"}).query() == "Acme"
