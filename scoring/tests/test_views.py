"""Scoring pages: who configures, who runs, what everyone sees."""

from __future__ import annotations

import pytest

from kam.tests.forms import management_form
from scoring.models import Criterion, RunStatus, SegmentationRun, SegmentationSettings
from scoring.tests.test_services import _criteria, _portfolio

pytestmark = pytest.mark.django_db


def _formset_data(criteria, **changes) -> dict:
    data = {
        **management_form("criteria", total=len(criteria), initial=len(criteria)),
        "mode": "absolute",
        "value": "50",
        "potential": "50",
        "gold": "60",
        "silver": "30",
        "key_rule": "gold",
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
    criteria = _criteria()
    client.force_login(admin_user)
    response = client.post("/scoring/criteria/", _formset_data(criteria, **{"criteria-0-weight": "70"}))
    assert response.status_code == 302
    assert Criterion.objects.get(pk=criteria[0].pk).weight == 70
    assert SegmentationSettings.load().mode == "absolute"
    assert "58.3 %" in client.get("/scoring/criteria/").content.decode()  # 70 / 120


def test_fewer_than_three_active_criteria_are_refused_with_the_reason(client, admin_user):
    criteria = _criteria()
    client.force_login(admin_user)
    data = _formset_data(criteria)
    del data["criteria-2-is_active"]
    body = client.post("/scoring/criteria/", data).content.decode()
    assert "Keep between 3 and 8 active criteria (now 2)" in body
    assert Criterion.objects.filter(is_active=True).count() == 3


@pytest.mark.parametrize("role", ["manager", "sponsor", "contributor"])
def test_only_administrators_change_the_model(client, request, role):
    criteria = _criteria()
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
    _criteria()
    accounts = _portfolio([(100, 1000), (200, 800), (300, 600), (400, 400)], [0, 5, 10, 10])
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/scoring/runs/new/")
    run = SegmentationRun.objects.get()
    assert run.status == RunStatus.DONE
    page = client.get(f"/scoring/runs/{run.pk}/").content.decode()
    assert "4 scored" in page or "key accounts:" in page
    body = client.get(accounts[3].get_absolute_url()).content.decode()
    assert "Why this score" in body
    assert "Total 70.0 / 100" in body


def test_second_run_is_refused_while_one_waits(client, admin_user):
    SegmentationRun.objects.create()
    client.force_login(admin_user)
    response = client.post("/scoring/runs/new/", follow=True)
    assert "already waiting or running" in response.content.decode()
    assert SegmentationRun.objects.count() == 1
