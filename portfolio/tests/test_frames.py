"""The dashboard's frames read every value as stored, whatever it looks like."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import Account
from portfolio.frames import portfolio_read
from scoring.models import AccountScore, RunStatus, SegmentationRun

pytestmark = pytest.mark.django_db


def test_names_that_look_like_numbers_or_nulls_stay_text_and_missing_values_stay_missing():
    names = ["007", "NA", "\\N", "null", 'Quote "and", comma']
    accounts = [Account.objects.create(name=name, last_year_revenue=Decimal("12.5")) for name in names]
    bare = Account.objects.create(name="No figures")
    run = SegmentationRun.objects.create(status=RunStatus.DONE)
    AccountScore.objects.create(run=run, account=accounts[0], segment="small", was_key=None, value_score=None)
    AccountScore.objects.create(run=run, account=accounts[1], segment="", was_key=True, value_score=3.5)

    frame = portfolio_read(accounts=Account.objects.all()).frame

    assert [frame.name[a.pk] for a in accounts] == names
    assert frame.revenue[accounts[0].pk] == 12.5 and pd_isna(frame.revenue[bare.pk])
    assert frame.score_segment[accounts[0].pk] == "small" and frame.score_segment[accounts[1].pk] == ""
    assert pd_isna(frame.score_segment[bare.pk]) and pd_isna(frame.was_key[accounts[0].pk])
    assert bool(frame.was_key[accounts[1].pk]) is True
    assert pd_isna(frame.value_score[accounts[0].pk]) and frame.value_score[accounts[1].pk] == 3.5


def test_an_empty_selection_reads_as_an_empty_frame():
    assert portfolio_read(accounts=Account.objects.none()).frame.empty


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))
