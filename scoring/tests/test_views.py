"""Scoring pages: who configures, who runs, what everyone sees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Account
from accounts.tests.pages import account_page
from kam.tests.forms import management_form
from scoring.models import Criterion, KeyOverride, Rating, RunStatus, SegmentationRun, SegmentationSettings
from scoring.tests.factories import rated_portfolio, three_criteria

pytestmark = pytest.mark.django_db
IN_A_YEAR = timezone.localdate() + timedelta(days=365)


def _formset_data(criteria, **changes) -> dict:
    data = {
        **management_form("criteria", total=len(criteria), initial=len(criteria)),
        "mode": "absolute",
        "value": "50",
        "potential": "50",
        "gold": "60",
        "silver": "30",
        "key_rule": "gold",
        "key_score": "70",
        "key_top_n": "30",
        "key_band": "5",
        "key_top_n_margin": "5",
        "key_confirm_runs": "1",
        "max_missing_percent": "50",
        "filled_weight": "0.5",
        "manager_capacity": "7",
        "year-fixed_year": "",
    }
    for index, criterion in enumerate(criteria):
        data |= {
            f"criteria-{index}-id": criterion.pk,
            f"criteria-{index}-name": criterion.name,
            f"criteria-{index}-axis": criterion.axis,
            f"criteria-{index}-weight": criterion.weight,
            f"criteria-{index}-source": criterion.source,
            f"criteria-{index}-higher_is_better": "on",
            f"criteria-{index}-normalisation": criterion.normalisation,
            f"criteria-{index}-missing": criterion.missing,
            f"criteria-{index}-is_active": "on",
        }
    data.update(changes)
    return data


def test_administrator_changes_a_weight_and_the_thresholds(client, admin_user):
    criteria = three_criteria()
    client.force_login(admin_user)
    response = client.post("/scoring/criteria/", _formset_data(criteria, **{"criteria-0-weight": "70"}))
    assert response.status_code == 302
    assert Criterion.objects.get(pk=criteria[0].pk).weight == 70
    assert SegmentationSettings.load().mode == "absolute"
    assert "58.3 %" in client.get("/scoring/criteria/").content.decode()  # 70 / 120


def test_fewer_than_three_active_criteria_are_refused_with_the_reason(client, admin_user):
    criteria = three_criteria()
    client.force_login(admin_user)
    data = _formset_data(criteria)
    del data["criteria-2-is_active"]
    body = client.post("/scoring/criteria/", data).content.decode()
    assert "Keep between 3 and 8 active criteria (now 2)" in body
    assert Criterion.objects.filter(is_active=True).count() == 3


@pytest.mark.parametrize("role", ["manager", "sponsor", "contributor"])
def test_only_administrators_change_the_model(client, request, role):
    criteria = three_criteria()
    client.force_login(request.getfixturevalue(role))
    page = client.get("/scoring/criteria/")
    assert page.status_code == 200 and "Save the scoring model" not in page.content.decode()
    assert client.post("/scoring/criteria/", _formset_data(criteria, **{"criteria-0-weight": "99"})).status_code == 403
    assert Criterion.objects.get(pk=criteria[0].pk).weight == 50
    assert client.post("/scoring/runs/new/").status_code == 403


def test_outsider_sees_no_scoring_page(client, outsider):
    client.force_login(outsider)
    assert client.get("/scoring/runs/").status_code == 403
    assert client.get("/scoring/criteria/").status_code == 403


def test_run_now_scores_and_the_account_page_explains_why(client, admin_user, django_capture_on_commit_callbacks):
    three_criteria()
    accounts = rated_portfolio([(100, 1000), (200, 800), (300, 600), (400, 400)], [0, 5, 10, 10])
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/scoring/runs/new/")
    run = SegmentationRun.objects.get()
    assert run.status == RunStatus.DONE
    page = client.get(f"/scoring/runs/{run.pk}/").content.decode()
    assert "4 scored" in page or "key accounts:" in page
    body = account_page(client, accounts[3])
    assert "Why this score" in body
    assert "Total 70.0 / 100" in body


def test_second_run_is_refused_while_one_waits_and_links_to_it(client, admin_user):
    waiting = SegmentationRun.objects.create()
    client.force_login(admin_user)
    response = client.post("/scoring/runs/new/", follow=True)
    page = response.content.decode()
    assert f"Run {waiting.pk} is already waiting; wait for it to finish." in page
    assert f'<a href="/scoring/runs/{waiting.pk}/">See the run under way</a>' in page
    assert SegmentationRun.objects.count() == 1


# --- run page filters, overrides, rating grid -------------------------------------------------------------


@pytest.fixture
def scored(manager, sponsor):
    from scoring.services import segmentation_execute, segmentation_run_request

    three_criteria()
    SegmentationSettings.objects.create(pk=1, mode="absolute", gold=60, silver=30, key_rule="gold")
    accounts = rated_portfolio([(100, 1000), (200, 800), (300, 600), (400, 400)], [0, 5, 10, 10])
    Account.objects.filter(pk__in=[a.pk for a in accounts[:2]]).update(owner=manager, executive_sponsor=sponsor)
    run = segmentation_execute(run=segmentation_run_request())
    return run, accounts


def test_run_page_filters_results_by_key_status_and_owner(client, contributor, scored, manager):
    run, accounts = scored
    client.force_login(contributor)
    key_only = client.get(f"/scoring/runs/{run.pk}/", {"key": "yes"}).content.decode()
    assert accounts[3].name in key_only and accounts[0].name not in key_only.split('id="run-results"')[1]
    owned = client.get(f"/scoring/runs/{run.pk}/", {"owner": manager.pk}).content.decode().split('id="run-results"')[1]
    assert accounts[0].name in owned and accounts[3].name not in owned


def test_run_page_with_a_nonsense_filter_shows_no_rows_rather_than_failing(client, contributor, scored):
    run, _accounts = scored
    client.force_login(contributor)
    response = client.get(f"/scoring/runs/{run.pk}/", {"owner": "not-a-number"})
    assert response.status_code == 200
    assert "0 accounts" in response.content.decode()


def test_manager_proposes_an_override_and_the_sponsor_approves_it(client, manager, sponsor, scored):
    _run, accounts = scored
    a = accounts[0]
    client.force_login(manager)
    response = client.post(
        f"/scoring/overrides/propose/{a.pk}/",
        {"decision": "include", "reason": "Reference customer", "expires_on": str(IN_A_YEAR)},
    )
    assert response.status_code == 302
    override = KeyOverride.objects.get(account=a)
    client.force_login(sponsor)
    assert "Reference customer" in client.get("/scoring/overrides/").content.decode()
    client.post(
        f"/scoring/overrides/{override.pk}/decide/",
        {f"o{override.pk}-expires_on": str(IN_A_YEAR), f"o{override.pk}-comment": "", "approve": "1"},
    )
    override.refresh_from_db()
    assert (override.status, override.decided_by) == ("approved", sponsor)


def test_proposal_without_reason_keeps_what_was_typed(client, manager, scored):
    _run, accounts = scored
    client.force_login(manager)
    response = client.post(
        f"/scoring/overrides/propose/{accounts[0].pk}/",
        {"decision": "include", "reason": "", "expires_on": "2099-01-01"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This field is required" in body
    assert 'value="2099-01-01"' in body
    assert not KeyOverride.objects.exists()


def test_only_editors_propose_and_only_the_sponsor_or_an_administrator_decides(
    client, contributor, other_manager, outsider, admin_user, manager, scored
):
    _run, accounts = scored
    url = f"/scoring/overrides/propose/{accounts[0].pk}/"
    data = {"decision": "include", "reason": "x", "expires_on": str(IN_A_YEAR)}
    for user, status in ((contributor, 403), (other_manager, 403), (outsider, 404)):
        client.force_login(user)
        assert client.post(url, data).status_code == status
    client.force_login(manager)
    client.post(url, data)
    override = KeyOverride.objects.get()
    decide = {f"o{override.pk}-expires_on": str(IN_A_YEAR), "approve": "1"}
    for user, status in ((manager, 403), (other_manager, 403), (contributor, 403), (outsider, 404)):
        client.force_login(user)
        assert client.post(f"/scoring/overrides/{override.pk}/decide/", decide).status_code == status
    client.force_login(admin_user)
    client.post(f"/scoring/overrides/{override.pk}/decide/", decide)
    override.refresh_from_db()
    assert override.status == "approved"


def test_approved_override_appears_in_the_accounts_explanation(client, manager, sponsor, scored):
    from scoring.services import override_decide, override_propose, segmentation_execute, segmentation_run_request

    _run, accounts = scored
    override = override_propose(
        account=accounts[0], decision="include", reason="Opens the aerospace market", expires_on=IN_A_YEAR, by=manager
    )
    override_decide(override=override, approve=True, by=sponsor)
    segmentation_execute(run=segmentation_run_request())
    client.force_login(manager)
    body = account_page(client, accounts[0])
    assert "Key status decided by an override" in body
    assert "Opens the aerospace market" in body


def test_manager_rates_only_their_own_accounts_in_the_grid(client, manager, scored):
    _run, accounts = scored
    fit = Criterion.objects.get(name="Fit")
    client.force_login(manager)
    page = client.get("/scoring/ratings/").content.decode()
    assert accounts[0].name in page and accounts[3].name not in page
    response = client.post(
        "/scoring/ratings/",
        {f"r{accounts[0].pk}-c{fit.pk}": "8", f"j{accounts[0].pk}": "Joint roadmap signed",
         f"r{accounts[3].pk}-c{fit.pk}": "0", f"j{accounts[3].pk}": "not mine"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Rating.objects.get(account=accounts[0], criterion=fit).value == 8
    assert Rating.objects.get(account=accounts[3], criterion=fit).value == 10  # not theirs: untouched


def test_rating_grid_keeps_typed_values_and_explains_a_bad_cell(client, manager, scored):
    _run, accounts = scored
    fit = Criterion.objects.get(name="Fit")
    client.force_login(manager)
    response = client.post(
        "/scoring/ratings/",
        {f"r{accounts[0].pk}-c{fit.pk}": "12", f"r{accounts[1].pk}-c{fit.pk}": "9", f"j{accounts[1].pk}": "Good"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "enter a whole number from 0 to 10" in body
    assert 'value="12"' in body and 'value="Good"' in body
    assert Rating.objects.get(account=accounts[1], criterion=fit).value == 5  # nothing saved


@pytest.mark.parametrize("typed", ["²", "١", "9" * 40, "\x00"])
def test_rating_grid_refuses_a_cell_that_is_not_an_ascii_number(client, manager, scored, typed):
    _run, accounts = scored
    fit = Criterion.objects.get(name="Fit")
    client.force_login(manager)
    response = client.post(
        "/scoring/ratings/", {f"r{accounts[0].pk}-c{fit.pk}": typed, f"j{accounts[0].pk}": "Because"}
    )
    assert response.status_code == 200
    assert "enter a whole number from 0 to 10" in response.content.decode()
    assert Rating.objects.get(account=accounts[0], criterion=fit).value != 2


@pytest.mark.parametrize("query", ["x" * 100_000, "a\x00b"])
def test_rating_grid_search_too_long_or_with_a_nul_explains_itself(client, manager, scored, query):
    client.force_login(manager)
    response = client.get("/scoring/ratings/", {"q": query})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ensure this value has at most 200 characters" in body or "Null characters are not allowed" in body


def test_rating_grid_is_for_managers_and_administrators(client, contributor, sponsor):
    for user in (contributor, sponsor):
        client.force_login(user)
        assert client.get("/scoring/ratings/").status_code == 403


def test_rating_grid_queries_do_not_grow_with_accounts(client, manager, django_assert_max_num_queries):
    from accounts.tests.factories import AccountFactory

    Criterion.objects.create(name="Fit", axis="fit", weight=20, source="manual", normalisation="fixed")
    client.force_login(manager)
    AccountFactory.create_batch(3, owner=manager)
    with django_assert_max_num_queries(12) as few:
        client.get("/scoring/ratings/")
    AccountFactory.create_batch(40, owner=manager)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/scoring/ratings/")


def test_run_page_lists_every_account_when_opened_without_filters(client, contributor, scored):
    run, accounts = scored
    client.force_login(contributor)
    body = client.get(f"/scoring/runs/{run.pk}/").content.decode()
    results = body.split('id="run-results"')[1]
    assert all(account.name in results for account in accounts)
    assert "4 accounts" in body


# --- not scored, filled in, the rules, capacity -----------------------------------------------------------


@pytest.fixture
def with_gaps(manager):
    """Four scored accounts (one lacking only its fit rating) and one imported with no data at all."""
    from accounts.tests.factories import AccountFactory
    from scoring.services import segmentation_execute, segmentation_run_request

    three_criteria()
    SegmentationSettings.objects.create(pk=1, mode="absolute", gold=60, silver=30, key_rule="gold", manager_capacity=1)
    accounts = rated_portfolio([(100, 1000), (200, 800), (300, 600), (400, 400)], [0, 5, 10, 10])
    Rating.objects.filter(account=accounts[3]).delete()
    empty = AccountFactory(name="Imported Empty SA")
    Account.objects.update(owner=manager)
    run = segmentation_execute(run=segmentation_run_request())
    return run, accounts, empty


def test_run_page_lists_the_accounts_not_scored_with_what_each_lacks(client, contributor, with_gaps):
    run, _accounts, _empty = with_gaps
    client.force_login(contributor)
    page = client.get(f"/scoring/runs/{run.pk}/").content.decode()
    listed = page.split('id="not-scored"')[1].split("</table>")[0]
    assert "Imported Empty SA" in listed and "Revenue, Headroom, Fit" in listed
    assert "1 account not scored: too little data" in page
    assert "a score equal to a cut-off counts as high" in page.split('id="tie-rule"')[1]
    assert "more than 50 % of the weights is not scored" in page
    only = client.get(f"/scoring/runs/{run.pk}/", {"segment": "not_scored"}).content.decode()
    assert only.split('id="run-results"')[1].count("<tr>") == 2  # header + the one account


def test_capacity_warning_says_which_manager_is_over_and_by_how_many(client, contributor, manager, with_gaps):
    run, _accounts, _empty = with_gaps
    client.force_login(contributor)
    warning = client.get(f"/scoring/runs/{run.pk}/").content.decode().split('id="over-capacity"')[1]
    assert f"{manager}: 2 key accounts, capacity 1 (1 over)" in warning


def test_register_filters_the_accounts_not_scored(client, contributor, with_gaps):
    client.force_login(contributor)
    page = client.get("/accounts/", {"segment": "not_scored"}).content.decode()
    assert "Imported Empty SA" in page and "1 account" in page
    assert "Not scored" in page.split("Imported Empty SA")[1].split("</tr>")[0]


def test_account_page_says_what_a_not_scored_account_lacks(client, contributor, with_gaps):
    _run, _accounts, empty = with_gaps
    client.force_login(contributor)
    page = account_page(client, empty)
    assert "Not scored: too little data." in page
    assert "No data for Revenue, Headroom, Fit." in page
    assert "Loyal core" not in page


def test_account_page_shows_a_filled_in_value_as_filled_in(client, contributor, with_gaps):
    _run, accounts, _empty = with_gaps
    client.force_login(contributor)
    page = account_page(client, accounts[3])
    fit_row = page.split('<th scope="row">Fit</th>')[1].split("</tr>")[0]
    assert "filled in: median of the portfolio, no data" in fit_row
    assert "counts 0.5 times as much as a real value" in page
    revenue_row = page.split('<th scope="row">Revenue</th>')[1].split("</tr>")[0]
    assert "filled in" not in revenue_row


def test_administrator_sets_the_financial_year_and_the_register_follows(client, admin_user):
    from accounts.tests.factories import AccountFactory, YearlyFinancialFactory

    criteria = three_criteria()
    account = AccountFactory(name="Two Years Ltd")
    YearlyFinancialFactory(account=account, year=2020, revenue=1000)
    YearlyFinancialFactory(account=account, year=2021, revenue=3000)
    client.force_login(admin_user)
    response = client.post("/scoring/criteria/", _formset_data(criteria, **{"year-fixed_year": "2020"}))
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.last_year_revenue == 1000
    assert "use the figures of 2020" in client.get("/scoring/criteria/").content.decode()
    assert "Revenue 2020" in client.get("/accounts/").content.decode()


def test_a_weight_change_is_recorded_with_who_and_shown_to_administrators_only(client, admin_user, manager):
    criteria = three_criteria()
    client.force_login(admin_user)
    client.post("/scoring/criteria/", _formset_data(criteria, **{"criteria-0-weight": "70", "gold": "75"}))

    record = Criterion.history.filter(id=criteria[0].pk).order_by("-history_date").first()
    assert (record.weight, record.history_user) == (70, admin_user)
    assert SegmentationSettings.history.order_by("-history_date").first().history_user == admin_user
    page = client.get("/scoring/criteria/").content.decode()
    assert f"Criterion changed: {criteria[0].name}" in page
    assert f"{criteria[0].weight} → 70" in page
    assert "Thresholds changed" in page
    client.force_login(manager)
    assert "Criterion changed" not in client.get("/scoring/criteria/").content.decode()


def test_the_changes_list_costs_the_same_queries_however_many_changes(
    client, admin_user, django_assert_max_num_queries
):
    criteria = three_criteria()
    client.force_login(admin_user)
    for weight in range(20, 60, 5):
        client.post("/scoring/criteria/", _formset_data(criteria, **{"criteria-0-weight": str(weight)}))
    with django_assert_max_num_queries(25):
        assert client.get("/scoring/criteria/").status_code == 200
