"""Segmentation runs end to end on the database: read, score, write, make current."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Account
from accounts.tests.factories import AccountFactory
from accounts.tests.pages import account_page
from scoring.models import AccountScore, Criterion, Rating, RunStatus, SegmentationRun, SegmentationSettings
from scoring.services import RunRefused, segmentation_execute, segmentation_run_request
from scoring.tests.factories import rated_portfolio, three_criteria

pytestmark = pytest.mark.django_db


def test_run_scores_and_explains_a_hand_computed_example():
    three_criteria()
    SegmentationSettings.objects.create(
        pk=1, mode="absolute", value=50, potential=50, gold=60, silver=30, key_rule="gold"
    )
    # revenue 100/200/300/400 -> minmax 0, 33.3, 66.7, 100; headroom 900/600/300/0 -> 100, 66.7, 33.3, 0
    a, b, c, d = rated_portfolio([(100, 1000), (200, 800), (300, 600), (400, 400)], [0, 5, 10, 10])
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
    three_criteria()
    SegmentationSettings.objects.create(pk=1, mode="absolute", gold=45, silver=30, key_rule="gold")
    # First run totals: a 30, b 46.7, c 63.3, d 70 -> b, c, d are key.
    a, b, _c, _d = rated_portfolio([(100, 1000), (200, 800), (300, 600), (400, 400)], [0, 5, 10, 10])
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
    criteria = three_criteria()
    rated_portfolio([(100, 1000), (200, 800), (300, 600)], [1, 2, 3])
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
    three_criteria()
    run = segmentation_execute(run=segmentation_run_request())
    assert run.status == RunStatus.FAILED
    assert run.error == "There is no account to score."


def test_run_query_count_does_not_grow_with_accounts(django_assert_max_num_queries):
    three_criteria()
    rated_portfolio([(100 * i, 1000) for i in range(1, 4)], [1, 2, 3])
    with django_assert_max_num_queries(40) as few:
        segmentation_execute(run=segmentation_run_request())
    rated_portfolio([(100 * i, 2000) for i in range(1, 60)], [i % 11 for i in range(1, 60)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        run = segmentation_execute(run=segmentation_run_request())
    assert run.summary["accounts"] == 62


def test_segment_command_prints_the_summary_and_fails_clearly():
    with pytest.raises(CommandError, match="between 3 and 8"):
        call_command("segment", stdout=StringIO())
    three_criteria()
    rated_portfolio([(100, 1000), (200, 800), (300, 600)], [1, 2, 3])
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


# --- truth about missing data, stable key status ----------------------------------------------------------


def _varied_portfolio(size: int) -> list[Account]:
    """Revenues, potentials and fit ratings that spread the accounts over every segment and tier."""
    return rated_portfolio(
        [(1000 + 137 * ((i * 7) % size), 5000 + 211 * ((i * 11) % size)) for i in range(size)],
        [(i * 3) % 11 for i in range(size)],
    )


def test_importing_accounts_with_no_data_changes_no_other_accounts_key_status(manager):
    from kam.models import Notification

    three_criteria()  # default settings: quantile cut-offs, key accounts are the gold tier (top 10 %)
    existing = _varied_portfolio(40)
    Account.objects.update(owner=manager)
    first = segmentation_execute(run=segmentation_run_request())
    before = dict(AccountScore.objects.filter(run=first).values_list("account_id", "is_key"))
    assert sum(before.values()) >= 3
    notified = Notification.objects.filter(user=manager).count()

    imported = [AccountFactory(owner=manager) for _ in range(30)]  # a CRM export with names and nothing else
    second = segmentation_execute(run=segmentation_run_request())

    after = AccountScore.objects.filter(run=second)
    assert dict(after.filter(account__in=existing).values_list("account_id", "is_key")) == before
    assert (second.summary["entered"], second.summary["left"], second.summary["not_scored"]) == (0, 0, 30)
    new = after.filter(account__in=imported)
    assert set(new.values_list("scored", "segment", "tier", "is_key", "rank")) == {(False, "", "", False, None)}
    assert new.first().missing_names(second.config["criteria"]) == ["Revenue", "Headroom", "Fit"]
    assert not Account.objects.filter(pk__in=[a.pk for a in imported], score__isnull=False).exists()
    assert Notification.objects.filter(user=manager).count() == notified  # nobody's key status really changed


def test_accounts_with_enough_data_are_scored_on_their_real_figures():
    three_criteria()
    SegmentationSettings.objects.create(pk=1, mode="absolute", gold=60, silver=30, key_rule="gold")
    *_others, d = rated_portfolio([(100, 1000), (200, 800), (300, 600), (400, 400)], [0, 5, 10, 10])
    Rating.objects.filter(account=d).delete()  # fit (20 % of the weights) missing: still scored
    run = segmentation_execute(run=segmentation_run_request())
    score_d = AccountScore.objects.get(run=run, account=d)
    assert score_d.scored and score_d.missing == ""
    details = score_d.criterion_details([c_["key"] for c_ in run.config["criteria"]])
    fit = details[Criterion.objects.get(name="Fit").key]
    assert fit["raw"] is None and fit["norm"] == 50.0  # median of 0, 50, 100: filled in, and marked so
    # revenue 100 × 50 + headroom 0 × 30 + fit 50 × 20 × 0.5 (a filled-in median counts half), over weights 90
    assert score_d.total_score == pytest.approx(round((100 * 50 + 0 * 30 + 50 * 10) / 90, 1))


def test_a_key_account_slightly_below_the_entry_score_stays_key_within_the_band():
    three_criteria()
    SegmentationSettings.objects.create(
        pk=1, mode="absolute", gold=90, silver=30, key_rule="score", key_score=60, key_band=5
    )
    _a, _b, c, _d = rated_portfolio([(100, 1000), (200, 800), (300, 600), (400, 400)], [0, 5, 10, 10])
    segmentation_execute(run=segmentation_run_request())  # c 63.3 and d 70 are key
    Rating.objects.filter(account=c).update(value=8)  # c: 33.3 + 10 + 16 = 59.3, under 60 but above 55
    run = segmentation_execute(run=segmentation_run_request())
    score_c = AccountScore.objects.get(run=run, account=c)
    assert (score_c.total_score, score_c.is_key, score_c.key_reason) == (59.3, True, "held_by_band")
    assert run.summary["left"] == 0 and run.summary["held_by_band"] == 1


def test_an_approved_override_still_makes_a_not_scored_account_key(manager, sponsor):
    from datetime import timedelta

    from django.utils import timezone

    from scoring.services import override_decide, override_propose

    three_criteria()
    rated_portfolio([(100, 1000), (200, 800), (300, 600)], [1, 2, 3])
    empty = AccountFactory(owner=manager, executive_sponsor=sponsor)
    override = override_propose(
        account=empty,
        decision="include",
        reason="Strategic newcomer",
        expires_on=timezone.localdate() + timedelta(days=90),
        by=manager,
    )
    override_decide(override=override, approve=True, by=sponsor)
    run = segmentation_execute(run=segmentation_run_request())
    score = AccountScore.objects.get(run=run, account=empty)
    assert (score.scored, score.rule_key, score.is_key) == (False, False, True)
    empty.refresh_from_db()
    assert empty.is_key and empty.segment == ""


def test_groups_scored_as_a_whole_sum_into_the_parent_and_subsidiaries_inherit(client, contributor):
    three_criteria()
    SegmentationSettings.objects.create(pk=1, mode="absolute", gold=60, silver=30, key_rule="gold", group_rollup=True)
    a, b, *_others = rated_portfolio([(100, 1000), (200, 800), (300, 600), (400, 400)], [0, 5, 10, 10])
    Account.objects.filter(pk=b.pk).update(parent=a)  # a's group: revenue 300, potential 1800
    run = segmentation_execute(run=segmentation_run_request())
    details = AccountScore.objects.get(run=run, account=a).criterion_details(
        [c_["key"] for c_ in run.config["criteria"]]
    )
    revenue_key = Criterion.objects.get(name="Revenue").key
    assert details[revenue_key]["raw"] == 300.0
    score_b = AccountScore.objects.get(run=run, account=b)
    score_a = AccountScore.objects.get(run=run, account=a)
    assert score_b.inherited_from_id == a.pk and score_b.total_score is None
    assert (score_b.segment, score_b.tier, score_b.is_key) == (score_a.segment, score_a.tier, False)
    assert score_b.key_reason == "inherited"
    b.refresh_from_db()
    assert b.segment == score_a.segment
    client.force_login(contributor)
    page = account_page(client, b)
    assert f"the segment and tier are those of {a.name}" in page
