"""Figures of a plan typed as people write them: "12 500,50" in French, "12,500.50" in English; others refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import LineRevenue, ProductLine
from accounts.tests.factories import AccountFactory
from kam.tests.forms import form_values
from plans.models import Checkpoint, Objective, Resource, UnbilledService
from plans.tests.factories import AccountPlanFactory, CheckpointFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

FRENCH_EXAMPLE = "Saisissez un nombre écrit comme 12\u00a0500,50."
ENGLISH_EXAMPLE = "Enter a number written like 12,500.50."
TYPED = {
    # (baseline, target) as each language writes them, with every kind of space a French keyboard or paste gives.
    "fr": ("12 500,50", "1\u202f000\u00a0000"),
    "en": ("12,500.50", "1,000,000"),
}


@pytest.fixture
def plan(manager, sponsor):
    account = AccountFactory(name="Acme Bikes", owner=manager, executive_sponsor=sponsor)
    return AccountPlanFactory(
        account=account, title="Acme plan", starts_on=date(2027, 1, 1), ends_on=date(2028, 12, 31)
    )


def _objective(**extra) -> dict:
    return {"title": "Grow", "metric": "revenue", "baseline": "0", "target": "1", "due_on": "2028-12-31", **extra}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_objective_typed_in_the_users_language_is_saved(client, manager, plan, language):
    baseline, target = TYPED[language]
    client.force_login(manager)

    response = client.post(
        f"/plans/{plan.pk}/objectives/", _objective(baseline=baseline, target=target), HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 302
    objective = Objective.objects.get(plan=plan)
    assert (objective.baseline, objective.target) == (Decimal("12500.50"), Decimal("1000000"))


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [("fr", "12,500.50", FRENCH_EXAMPLE), ("en", "12 500,50", ENGLISH_EXAMPLE), ("en", "12,50", ENGLISH_EXAMPLE)],
)
def test_an_objective_written_otherwise_is_refused_and_shown_again_as_typed(
    client, manager, plan, language, typed, message
):
    client.force_login(manager)

    response = client.post(f"/plans/{plan.pk}/objectives/", _objective(target=typed), HTTP_ACCEPT_LANGUAGE=language)

    body = response.content.decode()
    assert response.status_code == 422
    assert message in body and f'value="{typed}"' in body
    assert not plan.objectives.exists()


def test_a_french_user_saves_the_prefilled_objective_unchanged(client, manager, plan):
    """The baseline comes from the line's revenue (12500.50): shown as French writes it, and posted back as is."""
    line = ProductLine.objects.create(name="Oils")
    LineRevenue.objects.create(account=plan.account, line=line, year=2026, revenue=Decimal("12500.50"))
    client.force_login(manager)
    url = f"/plans/{plan.pk}/objectives/new/?line={line.pk}&at={plan.account.pk}&target=60000"

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    shown = form_values(page, "objective-form")
    saved = client.post(url, shown, HTTP_ACCEPT_LANGUAGE="fr")

    assert (shown["baseline"], shown["target"]) == ("12500,50", "60000")
    assert saved.status_code == 302
    objective = Objective.objects.get(plan=plan)
    assert (objective.baseline, objective.target) == (Decimal("12500.50"), Decimal("60000"))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_checkpoint_target_typed_in_the_users_language_is_saved(client, manager, plan, language):
    objective = ObjectiveFactory(plan=plan)
    prefix = f"cp{objective.pk}"
    client.force_login(manager)
    data = {f"{prefix}-label": "Q1", f"{prefix}-due_on": "2027-03-31", f"{prefix}-target": TYPED[language][0]}

    response = client.post(
        f"/plans/{plan.pk}/objectives/{objective.pk}/checkpoints/", data, HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 302
    assert objective.checkpoints.get().target == Decimal("12500.50")


def test_a_checkpoint_target_written_the_english_way_is_refused_in_french_and_kept(client, manager, plan):
    objective = ObjectiveFactory(plan=plan)
    prefix = f"cp{objective.pk}"
    client.force_login(manager)
    data = {f"{prefix}-label": "Q1", f"{prefix}-due_on": "2027-03-31", f"{prefix}-target": "12,500.50"}

    response = client.post(f"/plans/{plan.pk}/objectives/{objective.pk}/checkpoints/", data, HTTP_ACCEPT_LANGUAGE="fr")

    body = response.content.decode()
    assert response.status_code == 422
    assert FRENCH_EXAMPLE in body and 'value="12,500.50"' in body
    assert not Checkpoint.objects.exists()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_actual_typed_in_the_users_language_is_recorded(client, manager, plan, language):
    checkpoint = CheckpointFactory(objective=ObjectiveFactory(plan=plan))
    client.force_login(manager)

    client.post(
        f"/plans/{plan.pk}/checkpoints/{checkpoint.pk}/actual/",
        {"actual": TYPED[language][0]},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    checkpoint.refresh_from_db()
    assert checkpoint.actual == Decimal("12500.50")


def test_a_french_user_records_the_shown_actual_again_unchanged(client, manager, plan):
    checkpoint = CheckpointFactory(objective=ObjectiveFactory(plan=plan), actual=Decimal("12500.50"))
    client.force_login(manager)

    page = client.get(f"/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    shown = form_values(page)["actual"]
    client.post(f"/plans/{plan.pk}/checkpoints/{checkpoint.pk}/actual/", {"actual": shown}, HTTP_ACCEPT_LANGUAGE="fr")

    checkpoint.refresh_from_db()
    assert shown == "12500,50"
    assert checkpoint.actual == Decimal("12500.50")


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_an_unreadable_actual_stays_in_its_input_with_the_reason(client, manager, plan, htmx):
    checkpoint = CheckpointFactory(objective=ObjectiveFactory(plan=plan), actual=Decimal("100"))
    client.force_login(manager)
    headers = {"HX-Request": "true"} if htmx else {}

    response = client.post(
        f"/plans/{plan.pk}/checkpoints/{checkpoint.pk}/actual/",
        {"actual": "12.500,50"},
        HTTP_ACCEPT_LANGUAGE="fr",
        headers=headers,
    )

    body = response.content.decode()
    assert response.status_code == (200 if htmx else 422)
    assert f"Valeur non enregistrée : {FRENCH_EXAMPLE}" in body
    assert form_values(body)["actual"] == "12.500,50"
    assert f'aria-describedby="actual-{checkpoint.pk}-errors"' in body
    checkpoint.refresh_from_db()
    assert checkpoint.actual == Decimal("100")


@pytest.mark.parametrize(("language", "typed"), [("fr", "12 500,50"), ("en", "12,500.50")])
def test_resources_and_unbilled_services_take_amounts_typed_in_the_users_language(
    client, manager, plan, language, typed
):
    client.force_login(manager)

    client.post(
        f"/plans/{plan.pk}/resources/",
        {"kind": "budget", "description": "Trade fair", "amount": typed},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    client.post(
        f"/plans/{plan.pk}/services/",
        {"description": "Audit", "given_on": "2027-02-01", "estimated_value": typed},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert Resource.objects.get(plan=plan).amount == Decimal("12500.50")
    assert UnbilledService.objects.get(plan=plan).estimated_value == Decimal("12500.50")


def test_a_resource_amount_written_otherwise_is_refused_and_kept(client, manager, plan):
    client.force_login(manager)

    response = client.post(
        f"/plans/{plan.pk}/resources/",
        {"kind": "budget", "description": "Trade fair", "amount": "12 500,50"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert "Enter an amount written like 12,500.50." in body and 'value="12 500,50"' in body
    assert not Resource.objects.exists()
