"""Segmentation settings typed as people write numbers: "0,75" and "1 000" in French, "0.75" and "1,000" in
English; anything else refused and shown again as typed; the settings shown post back unchanged."""

from __future__ import annotations

import pytest

from kam.tests.forms import form_values
from scoring.models import SegmentationSettings
from scoring.tests.factories import three_criteria

pytestmark = pytest.mark.django_db


def _shown(client, language: str) -> dict[str, str]:
    page = client.get("/scoring/criteria/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    return form_values(page, "criteria-form")


@pytest.fixture
def settings_page(client, admin_user):
    three_criteria()
    SegmentationSettings.objects.update_or_create(pk=1, defaults={"filled_weight": 0.5, "key_score": 70.5})
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize(
    ("language", "weight", "score", "top_n"), [("fr", "0,75", "72,5", "1 000"), ("en", "0.75", "72.5", "1,000")]
)
def test_settings_typed_in_the_users_language_are_saved(settings_page, language, weight, score, top_n):
    data = _shown(settings_page, language) | {"filled_weight": weight, "key_score": score, "key_top_n": top_n}

    response = settings_page.post("/scoring/criteria/", data, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 302
    saved = SegmentationSettings.load()
    assert (saved.filled_weight, saved.key_score, saved.key_top_n) == (0.75, 72.5, 1000)


@pytest.mark.parametrize(
    ("language", "field", "typed", "message"),
    [
        ("en", "filled_weight", "0,75", "Enter a number written like 0.75."),
        ("fr", "key_top_n", "1,000", "Saisissez un nombre entier écrit comme 1\u00a0200."),
    ],
)
def test_a_setting_written_otherwise_is_refused_and_shown_again_as_typed(
    settings_page, language, field, typed, message
):
    data = _shown(settings_page, language) | {field: typed}

    response = settings_page.post("/scoring/criteria/", data, HTTP_ACCEPT_LANGUAGE=language)

    body = response.content.decode()
    assert message in body
    assert form_values(body, "criteria-form")[field] == typed
    assert SegmentationSettings.load().filled_weight == 0.5


def test_the_filled_weight_stays_between_0_and_1(settings_page):
    data = _shown(settings_page, "fr") | {"filled_weight": "1,5"}

    response = settings_page.post("/scoring/criteria/", data, HTTP_ACCEPT_LANGUAGE="fr")

    assert "inférieure ou égale à 1" in response.content.decode()
    assert SegmentationSettings.load().filled_weight == 0.5


def test_a_french_administrator_saves_the_settings_as_shown_and_nothing_changes(settings_page):
    shown = _shown(settings_page, "fr")

    response = settings_page.post("/scoring/criteria/", shown, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 302
    assert (shown["filled_weight"], shown["key_score"]) == ("0,5", "70,5")
    saved = SegmentationSettings.load()
    assert (saved.filled_weight, saved.key_score) == (0.5, 70.5)
