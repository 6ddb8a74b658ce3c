"""Criterion names and rubrics stored in both languages: edited by administrators, read in the reader's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from kam.tests.forms import management_form
from scoring.explanations import latest_explanation
from scoring.models import Criterion
from scoring.services import segmentation_execute, segmentation_run_request
from scoring.tests.factories import rated_portfolio, three_criteria

pytestmark = pytest.mark.django_db


def _wording_data(criteria, **changes) -> dict:
    data = management_form("wording", total=len(criteria), initial=len(criteria))
    for index, criterion in enumerate(criteria):
        for field in ("name", "name_fr", "rubric_low", "rubric_low_fr", "rubric_mid", "rubric_mid_fr"):
            data[f"wording-{index}-{field}"] = getattr(criterion, field)
        data[f"wording-{index}-rubric_high"] = criterion.rubric_high
        data[f"wording-{index}-rubric_high_fr"] = criterion.rubric_high_fr
        data[f"wording-{index}-id"] = criterion.pk
    data.update(changes)
    return data


def test_administrator_writes_french_names_and_rubrics(client, admin_user):
    criteria = three_criteria()
    client.force_login(admin_user)
    data = _wording_data(
        criteria, **{"wording-2-name_fr": "Compatibilité", "wording-2-rubric_high_fr": "Mêmes valeurs"}
    )
    assert client.post("/scoring/criteria/wording/", data).status_code == 302
    fit = Criterion.objects.get(pk=criteria[2].pk)
    assert fit.name_fr == "Compatibilité" and fit.rubric_high_fr == "Mêmes valeurs"
    assert fit.name == "Fit"


def test_criteria_editor_has_the_french_name_column(client, admin_user):
    three_criteria()
    client.force_login(admin_user)
    body = client.get("/scoring/criteria/").content.decode()
    assert 'name="criteria-0-name_fr"' in body and "Name in French" in body
    assert 'href="/scoring/criteria/wording/"' in body


def test_only_administrators_edit_the_wording(client, manager, sponsor, contributor):
    three_criteria()
    for user in (manager, sponsor, contributor):
        client.force_login(user)
        assert client.get("/scoring/criteria/wording/").status_code == 403


def test_french_reader_sees_french_names_and_rubrics_and_the_english_where_none(client, manager):
    criteria = three_criteria()
    Criterion.objects.filter(pk=criteria[2].pk).update(
        name_fr="Compatibilité", rubric_low="Opposite", rubric_low_fr="Opposés"
    )
    client.force_login(manager)
    client.cookies["django_language"] = "fr"
    rated_portfolio([(100, 10)], [5])
    from accounts.models import Account

    Account.objects.update(owner=manager)
    body = client.get("/scoring/ratings/").content.decode()
    assert "<strong>Compatibilité</strong>" in body and "0: Opposés" in body
    client.cookies["django_language"] = "en"
    body = client.get("/scoring/ratings/").content.decode()
    assert "<strong>Fit</strong>" in body and "0: Opposite" in body


def test_an_english_reader_sees_the_french_name_when_only_that_was_written():
    criterion = Criterion(name="", name_fr="Solvabilité")
    with translation.override("en"):
        assert criterion.display_name == "Solvabilité"


def test_account_explanation_names_criteria_in_the_readers_language():
    three_criteria()
    Criterion.objects.filter(name="Fit").update(name_fr="Compatibilité")
    account = rated_portfolio([(100, 10), (50, 20), (10, 5)], [5, 7, 9])[0]
    segmentation_execute(run=segmentation_run_request())
    with translation.override("fr"):
        names_fr = [line.name for line in latest_explanation(account)["lines"]]
    with translation.override("en"):
        names_en = [line.name for line in latest_explanation(account)["lines"]]
    assert "Compatibilité" in names_fr and "Fit" not in names_fr
    assert "Fit" in names_en and "Revenue" in names_fr  # no French name: the English one


@pytest.mark.parametrize("value", ["\x00", "x" * 100_000, "<script>alert(1)</script>"])
def test_odd_wording_is_refused_or_kept_never_an_error(client, admin_user, value):
    criteria = three_criteria()
    client.force_login(admin_user)
    response = client.post("/scoring/criteria/wording/", _wording_data(criteria, **{"wording-0-name_fr": value}))
    assert response.status_code in (302, 422)
