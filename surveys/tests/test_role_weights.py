"""Administrators type buying-role weights in the admin as their language writes decimals: "1,5" in French."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kam.tests.forms import form_values
from surveys.models import RoleWeight

pytestmark = pytest.mark.django_db


@pytest.fixture
def weight(admin_user, client):
    client.force_login(admin_user)
    # The weights may already be seeded (a migration's defaults restored after a transactional test): set it.
    return RoleWeight.objects.update_or_create(buying_role="decision_maker", defaults={"weight": Decimal("2.5")})[0]


def _change_form(client, weight: RoleWeight, language: str) -> dict[str, str]:
    page = client.get(f"/admin/surveys/roleweight/{weight.pk}/change/", HTTP_ACCEPT_LANGUAGE=language)
    return form_values(page.content.decode(), "roleweight_form")


@pytest.mark.parametrize(("language", "typed"), [("fr", "1,5"), ("en", "1.5")])
def test_a_weight_typed_in_the_administrators_language_is_saved(client, weight, language, typed):
    data = _change_form(client, weight, language) | {"weight": typed}

    response = client.post(f"/admin/surveys/roleweight/{weight.pk}/change/", data, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 302
    weight.refresh_from_db()
    assert weight.weight == Decimal("1.5")


def test_a_weight_written_the_english_way_is_refused_in_french_and_kept(client, weight):
    data = _change_form(client, weight, "fr") | {"weight": "1,000.5"}

    response = client.post(f"/admin/surveys/roleweight/{weight.pk}/change/", data, HTTP_ACCEPT_LANGUAGE="fr")

    body = response.content.decode()
    assert "Saisissez un nombre écrit comme 12\u00a0500,50." in body
    assert form_values(body, "roleweight_form")["weight"] == "1,000.5"
    weight.refresh_from_db()
    assert weight.weight == Decimal("2.5")


def test_a_french_administrator_saves_the_weight_as_shown(client, weight):
    shown = _change_form(client, weight, "fr")

    response = client.post(f"/admin/surveys/roleweight/{weight.pk}/change/", shown, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 302 and shown["weight"] == "2,5"
    weight.refresh_from_db()
    assert weight.weight == Decimal("2.5")
