"""Segmentation runs end to end on the database: read, score, write, make current."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Account
from accounts.services import financials_refresh
from accounts.tests.factories import AccountFactory, YearlyFinancialFactory
from scoring.models import AccountScore, Criterion, Rating, RunStatus, SegmentationRun, SegmentationSettings
from scoring.services import RunRefused, segmentation_execute, segmentation_run_request

pytestmark = pytest.mark.django_db
LAST_YEAR = date.today().year - 1


def _criteria() -> list[Criterion]:
    return [
        Criterion.objects.create(
            name="Revenue", axis="value", weight=50, source="last_year_revenue", normalisation="minmax"
        ),
        Criterion.objects.create(
            name="Headroom", axis="potential", weight=30, source="headroom", normalisation="minmax"
        ),
        Criterion.objects.create(
            name="Fit", axis="fit", weight=20, source="manual", normalisation="fixed", fixed_min=0, fixed_max=10
        ),
    ]


def _portfolio(revenues_and_potentials, fit_ratings) -> list[Account]:
    accounts = []
    for revenue, potential in revenues_and_potentials:
        account = AccountFactory(potential=Decimal(potential))
        YearlyFinancialFactory(account=account, year=LAST_YEAR, revenue=Decimal(revenue))
        accounts.append(account)
    financials_refresh()
    fit = Criterion.objects.get(name="Fit")
    for account, rating in zip(accounts, fit_ratings, strict=True):
        Rating.objects.create(account=account, criterion=fit, value=rating, justification="test")
    return accounts


def test_run_scores_and_explains_a_hand_computed_example():
    _criteria()
    SegmentationSettings.objects.create(
        pk=1, mode="absolute", value=50, potential=50, gold=60, silver=30, key_rule="gold"
    )
    # revenue 100/200/300/400 -> minmax 0, 33.3, 66.7, 100; headroom 900/600/300/0 -> 100, 66.7, 33.3, 0
    a, b, c, d = _portfolio([(100, 1000), (200, 800), (300, 600), (400, 400)], [0, 5, 10, 10])
    b_and_c = {b.pk, c.pk}
    run = segmentation_execute(run=segmentation_run_request())
    assert run.status == RunStatus.DONE, run.error
    score_d = AccountScore.objects.get(run=run, account=d)
    packed = score_d.criterion_details([c["key"] for c in run.config["criteria"]])
    details = {c_.name: packed[c_.key] for c_ in Criterion.objects.all()}
    assert details["Revenue"] == {"raw": 400.0, "norm": 100.0, "points": 50.0}
    assert details["Headroom"]["points"] == 0.0
    assert details["Fit"]["points"] == 20.0
    assert score_d.total_score == 70.0  # 50 + 0 + 20
    score_a = AccountScore.objects.get(run=run, account=a)
    assert score_a.total_score == 30.0  # 0 + 30 + 0
    d.refresh_from_db()
    assert (d.score, d.tier, d.is_key) == (Decimal("70.0"), "gold", True)
    assert d.segment == "large_flat"  # value 100 high, potential (0 * 30 + 100 * 20) / 50 = 40 low
    a.refresh_from_db()
    assert (a.segment, a.is_key) == ("high_potential", False)
    assert run.config["thresholds"]["mode"] == "absolute"
    # c: 33.3 + 10 + 20 = 63.3 also reaches gold (60)
    assert run.summary["key_accounts"] == 2
    assert set(Account.objects.filter(is_key=True).values_list("pk", flat=True)) == (b_and_c - {b.pk}) | {d.pk}


def test_second_run_records_previous_values_and_who_entered_key_status():
    _criteria()
    SegmentationSettings.objects.create(pk=1, mode="absolute", gold=45, silver=30, key_rule="gold")
    # First run totals: a 30, b 46.7, c 63.3, d 70 -> b, c, d are key.
    a, b, _c, _d = _portfolio([(100, 1000), (200, 800), (300, 600), (400, 400)], [0, 5, 10, 10])
    segmentation_execute(run=segmentation_run_request())
    Rating.objects.filter(account=a).update(value=10)
    Account.objects.filter(pk=a.pk).update(potential=Decimal(5000))
    run = segmentation_execute(run=segmentation_run_request())
    score_a = AccountScore.objects.get(run=run, account=a)
    assert (score_a.was_key, score_a.is_key) == (False, True)
    # a: headroom now the largest (30 points) + fit 20 = 50; b's headroom share collapses to 30.3.
    assert run.summary["entered"] == 1
    assert run.summary["left"] == 1
    assert AccountScore.objects.get(run=run, account=b).was_key is True


def test_run_with_too_few_criteria_fails_and_keeps_previous_results_current():
    criteria = _criteria()
    _portfolio([(100, 1000), (200, 800), (300, 600)], [1, 2, 3])
    first = segmentation_execute(run=segmentation_run_request())
    before = list(Account.objects.order_by("pk").values_list("score", "segment"))
    criteria[0].is_active = False
    criteria[0].save()
    run = segmentation_execute(run=segmentation_run_request())
    assert run.status == RunStatus.FAILED
    assert "between 3 and 8 active criteria" in run.error
    assert list(Account.objects.order_by("pk").values_list("score", "segment")) == before
    assert first.status == RunStatus.DONE


def test_a_second_run_is_refused_while_one_is_waiting():
    segmentation_run_request()
    with pytest.raises(RunRefused):
        segmentation_run_request()
    assert SegmentationRun.objects.count() == 1


def test_no_accounts_fails_with_a_clear_message():
    _criteria()
    run = segmentation_execute(run=segmentation_run_request())
    assert run.status == RunStatus.FAILED
    assert run.error == "There is no account to score."


def test_run_query_count_does_not_grow_with_accounts(django_assert_max_num_queries):
    _criteria()
    _portfolio([(100 * i, 1000) for i in range(1, 4)], [1, 2, 3])
    with django_assert_max_num_queries(40) as few:
        segmentation_execute(run=segmentation_run_request())
    _portfolio([(100 * i, 2000) for i in range(1, 60)], [i % 11 for i in range(1, 60)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        run = segmentation_execute(run=segmentation_run_request())
    assert run.summary["accounts"] == 62


def test_segment_command_prints_the_summary_and_fails_clearly():
    with pytest.raises(CommandError, match="between 3 and 8"):
        call_command("segment", stdout=StringIO())
    _criteria()
    _portfolio([(100, 1000), (200, 800), (300, 600)], [1, 2, 3])
    out = StringIO()
    call_command("segment", stdout=out)
    assert "3 accounts scored" in out.getvalue()


def test_a_run_abandoned_by_a_dead_worker_is_failed_and_does_not_block_the_next():
    from datetime import timedelta

    from django.utils import timezone

    stuck = SegmentationRun.objects.create(status=RunStatus.RUNNING)
    SegmentationRun.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=2))
    fresh = segmentation_run_request()
    stuck.refresh_from_db()
    assert stuck.status == RunStatus.FAILED
    assert "no sign of life" in stuck.error
    assert fresh.status == RunStatus.PENDING
