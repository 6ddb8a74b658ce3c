"""The weekly snapshot of a large portfolio: one COPY on PostgreSQL, replacing the week's rows on a re-run."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from django.db import connection

from accounts.models import Account
from health.models import HealthSnapshot
from health.services import SNAPSHOT_BATCH, snapshots_write

pytestmark = pytest.mark.django_db


def test_a_large_snapshot_is_written_once_per_week_with_missing_figures_kept_missing():
    Account.objects.bulk_create([Account(name=f"A{i}", reference=f"R{i}") for i in range(SNAPSHOT_BATCH + 10)])
    ids = list(Account.objects.values_list("pk", flat=True))
    scores = pd.Series(np.linspace(0, 100, len(ids)), index=ids)
    scores.iloc[0] = np.nan
    week = date(2026, 11, 30)
    assert snapshots_write(health=scores, week=week) == len(ids)
    assert snapshots_write(health=scores + 0.0, week=week) == len(ids)  # a re-run replaces the week
    assert HealthSnapshot.objects.filter(week=week).count() == len(ids)
    assert HealthSnapshot.objects.get(account_id=ids[0], week=week).score is None
    assert HealthSnapshot.objects.get(account_id=ids[-1], week=week).score == pytest.approx(100.0)
    changed = scores.copy()
    changed.iloc[0], changed.iloc[-1] = 42.0, np.nan  # a re-run with new figures replaces only those
    assert snapshots_write(health=changed, week=week) == len(ids)
    assert HealthSnapshot.objects.filter(week=week).count() == len(ids)
    assert HealthSnapshot.objects.get(account_id=ids[0], week=week).score == pytest.approx(42.0)
    assert HealthSnapshot.objects.get(account_id=ids[-1], week=week).score is None
    assert HealthSnapshot.objects.get(account_id=ids[1], week=week).score == pytest.approx(scores.iloc[1])
    if connection.vendor != "postgresql":
        pytest.skip("the COPY path is PostgreSQL's; SQLite used the upsert")
