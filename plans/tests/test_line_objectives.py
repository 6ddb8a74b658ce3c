"""Objectives on a product line ("win line X at subsidiary Y"): the prefilled form, its checks, its progress."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import LineRevenue, ProductLine
from accounts.tests.factories import AccountFactory
from plans.line_objectives import line_objective_plans, line_objective_url
from plans.models import Metric, Objective, PlanStatus
from plans.pdf import plan_pdf_html
from plans.progress import AT_RISK, NOT_MEASURED, OFF_TRACK, ON_TRACK, line_objective_progress
from plans.tests.factories import AccountPlanFactory, CheckpointFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(manager, sponsor):
    parent = AccountFactory(name="Acme Group", owner=manager, executive_sponsor=sponsor)
    return {
        "parent": parent,
        "foods": AccountFactory(name="Acme Foods", parent=parent, owner=manager),
        # A subsidiary of a subsidiary is still in the group.
        "dairy_plant": AccountFactory(name="Acme Plant Lyon", parent=AccountFactory(name="Acme Europe", parent=parent)),
        "foreign": AccountFactory(name="Beta Foods", owner=manager),
        "plan": AccountPlanFactory(
            account=parent, title="Acme plan", starts_on=date(2027, 1, 1), ends_on=date(2028, 12, 31)
        ),
        "dairy": ProductLine.objects.create(name="Dairy Products"),
    }


def _new_url(group, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/plans/{group['plan'].pk}/objectives/new/?{query}"


def _objective_data(**extra) -> dict:
    return {
        "title": "Win dairy",
        "metric": Metric.LINE_REVENUE,
        "baseline": "0",
        "target": "60000",
        "due_on": "2028-12-31",
        **extra,
    }


def test_the_prefill_address_opens_the_objective_form_on_the_line_at_the_subsidiary(client, manager, group):
    client.force_login(manager)
    url = line_objective_url(
        plan_pk=group["plan"].pk, line_pk=group["dairy"].pk, at_pk=group["foods"].pk, target=4200.4
    )
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Win Dairy Products at Acme Foods"' in body
    assert f'<option value="{group["dairy"].pk}" selected>Dairy Products</option>' in body
    assert f'<option value="{group["foods"].pk}" selected>Acme Foods</option>' in body
    assert '<option value="line_revenue" selected>' in body
    assert 'value="4200"' in body and 'value="2028-12-31"' in body
    # No revenue on the line yet: the baseline is left for the manager to give, not set to 0.
    assert '<input type="text" name="baseline" inputmode="decimal" class="form-control form-control-sm" required' in (
        body
    )


def test_the_form_is_in_french_for_a_french_reader(client, manager, group):
    manager.language = "fr"
    manager.save()
    client.force_login(manager)
    body = client.get(_new_url(group, line=group["dairy"].pk, at=group["foods"].pk), HTTP_ACCEPT_LANGUAGE="fr").content
    assert "Gagner Dairy Products chez Acme Foods" in body.decode()


def test_the_prefilled_baseline_is_the_latest_revenue_on_the_line(client, manager, group):
    LineRevenue.objects.create(account=group["foods"], line=group["dairy"], year=2025, revenue=Decimal("1500"))
    client.force_login(manager)
    body = client.get(_new_url(group, line=group["dairy"].pk, at=group["foods"].pk)).content.decode()
    assert 'name="baseline" value="1500.00"' in body


def test_a_foreign_account_or_a_line_out_of_the_catalogue_is_ignored_with_a_warning(client, manager, group):
    client.force_login(manager)
    body = client.get(_new_url(group, line=group["dairy"].pk, at=group["foreign"].pk)).content.decode()
    assert "neither the plan&#x27;s account nor one of its subsidiaries" in body
    assert "Beta Foods" not in body and "Win Dairy" not in body
    merged = ProductLine.objects.create(name="Milk", merged_into=group["dairy"])
    inactive = ProductLine.objects.create(name="Cheese", is_active=False)
    for line in (merged, inactive):
        body = client.get(_new_url(group, line=line.pk, at=group["foods"].pk)).content.decode()
        assert "not in the catalogue" in body and f">{line.name}</option>" not in body


def test_a_subsidiary_of_a_subsidiary_can_be_the_place(client, manager, group):
    client.force_login(manager)
    body = client.get(_new_url(group, line=group["dairy"].pk, at=group["dairy_plant"].pk)).content.decode()
    assert 'value="Win Dairy Products at Acme Plant Lyon"' in body


@pytest.mark.parametrize("path", ["objectives/", "objectives/new/"])
def test_an_objective_at_an_account_outside_the_group_is_refused(client, manager, group, path):
    client.force_login(manager)
    url = f"/plans/{group['plan'].pk}/{path}"
    response = client.post(url, _objective_data(line=group["dairy"].pk, line_account=group["foreign"].pk))
    assert response.status_code == 422 and "Select a valid choice" in response.content.decode()
    assert not Objective.objects.exists()
    response = client.post(url, _objective_data(line=group["dairy"].pk, line_account=group["foods"].pk))
    objective = Objective.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"#objective-{objective.pk}" if "new" in path else "#objectives"
    )
    assert (objective.line, objective.line_account) == (group["dairy"], group["foods"])


def test_the_line_metric_needs_a_line_and_a_line_needs_the_line_metric(client, manager, group):
    client.force_login(manager)
    url = f"/plans/{group['plan'].pk}/objectives/new/"
    assert "Choose the product line to win." in client.post(url, _objective_data()).content.decode()
    body = client.post(url, _objective_data(metric="revenue", line=group["dairy"].pk)).content.decode()
    assert "A product line goes with the metric" in body and 'value="Win dairy"' in body
    assert not Objective.objects.exists()


def test_only_the_plans_editors_open_the_prefilled_form(client, request, group, outsider):
    url = _new_url(group, line=group["dairy"].pk, at=group["foods"].pk)
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    for role in ("other_manager", "sponsor", "contributor"):
        client.force_login(request.getfixturevalue(role))
        assert client.get(url).status_code == 403, role
        assert client.post(url, _objective_data(line=group["dairy"].pk)).status_code == 403, role
    assert not Objective.objects.exists()


def test_a_submitted_plan_takes_no_new_objective(client, manager, group):
    group["plan"].status = PlanStatus.SUBMITTED
    group["plan"].save()
    client.force_login(manager)
    assert client.get(_new_url(group, line=group["dairy"].pk)).status_code == 403


def test_line_objective_progress_is_judged_on_the_checkpoint_of_the_years_figure():
    checkpoints = [(date(2027, 12, 31), Decimal("30")), (date(2028, 12, 31), Decimal("60"))]
    progress = line_objective_progress(
        baseline=Decimal("0"), target=Decimal("60"), checkpoints=checkpoints, actual=Decimal("27"), year=2027
    )
    assert (progress.status, progress.checkpoint_percent, progress.percent) == (AT_RISK, 90, 45)
    before = line_objective_progress(
        baseline=Decimal("0"), target=Decimal("60"), checkpoints=checkpoints, actual=Decimal("30"), year=2026
    )
    assert (before.status, before.percent) == (OFF_TRACK, 50)  # no checkpoint that early: the final target
    reached = line_objective_progress(
        baseline=Decimal("0"), target=Decimal("60"), checkpoints=[], actual=Decimal("61"), year=2028
    )
    assert reached.status == ON_TRACK
    missing = line_objective_progress(
        baseline=Decimal("0"), target=Decimal("60"), checkpoints=[], actual=None, year=None
    )
    assert (missing.status, missing.latest_actual, missing.percent) == (NOT_MEASURED, None, None)


def test_progress_reads_the_revenue_on_the_line_at_the_subsidiary_up_to_the_due_year(client, manager, group):
    dairy, foods = group["dairy"], group["foods"]
    objective = ObjectiveFactory(
        plan=group["plan"], title="Win dairy at Foods", metric=Metric.LINE_REVENUE, line=dairy, line_account=foods,
        baseline=Decimal("0"), target=Decimal("60000"), due_on=date(2028, 12, 31),
    )  # fmt: skip
    LineRevenue.objects.create(account=foods, line=dairy, year=2026, revenue=Decimal("20000"))
    LineRevenue.objects.create(account=foods, line=dairy, year=2027, revenue=Decimal("30000"))
    LineRevenue.objects.create(account=foods, line=dairy, year=2029, revenue=Decimal("90000"))  # after the due date
    LineRevenue.objects.create(account=group["parent"], line=dairy, year=2027, revenue=Decimal("70000"))  # elsewhere
    CheckpointFactory(objective=objective, label="2027", due_on=date(2027, 12, 31), target=Decimal("30000"), actual=5)
    client.force_login(manager)
    body = client.get(f"/plans/{group['plan'].pk}/").content.decode()
    assert "Product line Dairy Products at Acme Foods" in body
    assert "revenue on the line in 2027: 30,000" in body
    # 30,000 against the 2027 checkpoint's 30,000: on track, half-way to the target; the hand-typed 5 is not used.
    assert "On track · 100 % of the checkpoint (50 % of the target)" in body


def test_progress_without_revenue_on_the_line_is_missing_not_zero(client, manager, group):
    ObjectiveFactory(
        plan=group["plan"], title="Win dairy", metric=Metric.LINE_REVENUE, line=group["dairy"],
        baseline=Decimal("0"), target=Decimal("60000"),
    )  # fmt: skip
    # Revenue of the account on another line says nothing about this one.
    LineRevenue.objects.create(
        account=group["parent"], line=ProductLine.objects.create(name="Oils"), year=2027, revenue=Decimal("5")
    )
    client.force_login(manager)
    body = client.get(f"/plans/{group['plan'].pk}/").content.decode()
    assert "Product line Dairy Products at Acme Group" in body
    assert "no revenue recorded on the line yet (missing, not zero)" in body
    assert "Not measured yet" in body and "0 % of the target" not in body


def test_a_line_merged_since_keeps_its_objectives_progress(client, manager, group):
    old = ProductLine.objects.create(name="Yoghurt")
    ObjectiveFactory(plan=group["plan"], metric=Metric.LINE_REVENUE, line=old, target=Decimal("100"))
    old.merged_into = group["dairy"]
    old.save()
    LineRevenue.objects.create(account=group["parent"], line=group["dairy"], year=2027, revenue=Decimal("40"))
    client.force_login(manager)
    assert "revenue on the line in 2027: 40" in client.get(f"/plans/{group['plan'].pk}/").content.decode()


def test_the_plan_pdf_shows_the_line_the_place_and_the_figure(group):
    ObjectiveFactory(
        plan=group["plan"], title="Win dairy at Foods", metric=Metric.LINE_REVENUE, line=group["dairy"],
        line_account=group["foods"], baseline=Decimal("0"), target=Decimal("100"),
    )  # fmt: skip
    LineRevenue.objects.create(account=group["foods"], line=group["dairy"], year=2027, revenue=Decimal("80"))
    html = plan_pdf_html(plan=group["plan"], language="en")
    assert html.count("Product line Dairy Products at Acme Foods") == 2  # summary row and objective detail
    assert "revenue on the line in 2027: 80" in html and "An objective on a product line reads its actual" in html


def test_plan_page_queries_do_not_grow_with_line_objectives(client, manager, group, django_assert_max_num_queries):
    lines = [ProductLine.objects.create(name=f"Line {i}") for i in range(8)]
    ObjectiveFactory(plan=group["plan"], metric=Metric.LINE_REVENUE, line=lines[0], line_account=group["foods"])
    client.force_login(manager)
    with CaptureQueriesContext(connection) as small:
        client.get(f"/plans/{group['plan'].pk}/")
    for line in lines[1:]:
        ObjectiveFactory(plan=group["plan"], metric=Metric.LINE_REVENUE, line=line, line_account=group["dairy_plant"])
        LineRevenue.objects.create(account=group["dairy_plant"], line=line, year=2027, revenue=Decimal("10"))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"/plans/{group['plan'].pk}/").status_code == 200


def test_next_years_plan_keeps_the_line_and_the_place(manager, group):
    from plans.services import plan_start_next

    ObjectiveFactory(plan=group["plan"], metric=Metric.LINE_REVENUE, line=group["dairy"], line_account=group["foods"])
    group["plan"].status = PlanStatus.ACTIVE
    group["plan"].save()
    copy = plan_start_next(plan=group["plan"], by=manager).objectives.get()
    assert (copy.line, copy.line_account) == (group["dairy"], group["foods"])


def test_a_subsidiarys_line_objective_goes_in_the_groups_draft_plan_for_its_editors(manager, contributor, group):
    own = AccountFactory(owner=manager)
    own_plan = AccountPlanFactory(account=own)
    found = line_objective_plans(account_ids=[group["foods"].pk, own.pk, group["foreign"].pk], user=manager)
    assert found == {group["foods"].pk: group["plan"], own.pk: own_plan}
    assert line_objective_plans(account_ids=[group["foods"].pk], user=contributor) == {}
