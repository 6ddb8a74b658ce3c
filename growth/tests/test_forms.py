"""Amounts typed as people write them: "12 500,50" in French, "12,500.50" in English; peer band limits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from accounts.models import FinancialYearSetting
from accounts.tests.factories import AccountFactory
from growth.forms import PeerSettingsForm, PotentialForm
from growth.models import LinePotential, PeerSettings
from growth.tests.factories import ProductLineFactory
from kam.tests.forms import form_values


def _potential(amount: str, language: str) -> PotentialForm:
    with translation.override(language):
        form = PotentialForm({"potential-amount": amount, "potential-reason": "Tender"}, prefix="potential")
        form.is_valid()
        return form


@pytest.mark.parametrize(
    "typed",
    ["12 500,50", "12\u00a0500,50", "12\u202f500,50", "12500,50", "12500.50", " 12 500,50 "],
    ids=["space", "no-break space", "narrow no-break space", "no grouping", "a spreadsheet's point", "padded"],
)
def test_french_amounts_are_read_with_spaces_between_thousands_and_a_decimal_comma(typed):
    form = _potential(typed, "fr")
    assert form.errors == {}
    assert form.cleaned_data["amount"] == Decimal("12500.50")


@pytest.mark.parametrize("typed", ["12,500.50", "12 500.50", "12500.50", "1,234,567"])
def test_english_amounts_are_read_with_commas_between_thousands_and_a_decimal_point(typed):
    form = _potential(typed, "en")
    assert form.errors == {}
    assert form.cleaned_data["amount"] == (Decimal("1234567") if typed == "1,234,567" else Decimal("12500.50"))


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        ("fr", "12,500.50", "Saisissez un montant écrit comme 12\u00a0500,50."),
        ("fr", "1 23 456", "Saisissez un montant écrit comme 12\u00a0500,50."),
        ("fr", "douze", "Saisissez un montant écrit comme 12\u00a0500,50."),
        ("en", "12 500,50", "Enter an amount written like 12,500.50."),
        ("en", "1,23,456", "Enter an amount written like 12,500.50."),
    ],
)
def test_an_amount_written_otherwise_is_refused_with_an_example_and_shown_again_as_typed(language, typed, message):
    form = _potential(typed, language)
    assert form.errors["amount"] == [message]
    with translation.override(language):
        assert f'value="{typed}"' in str(form["amount"])


def test_the_amount_is_a_text_input_with_the_numeric_keyboard():
    html = str(PotentialForm(prefix="potential")["amount"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html


def test_a_negative_potential_is_still_refused():
    assert "amount" in _potential("-5", "en").errors


@pytest.mark.django_db
def test_a_manager_saves_a_potential_typed_in_french_on_the_cell_editor(client, manager):
    FinancialYearSetting.objects.update_or_create(pk=1, defaults={"fixed_year": 2025})
    account, line = AccountFactory(owner=manager), ProductLineFactory(name="Oil")
    client.force_login(manager)
    url = f"/accounts/{account.pk}/whitespace/{account.pk}/{line.pk}/potential/"

    # A request leaves its language active in this thread: restore English for the tests that follow.
    with translation.override("en"):
        refused = client.post(
            url, {"potential-amount": "12,500.50", "potential-reason": "Plant"}, HTTP_ACCEPT_LANGUAGE="fr"
        )
        saved = client.post(
            url, {"potential-amount": "12\u202f500,50", "potential-reason": "Plant"}, HTTP_ACCEPT_LANGUAGE="fr"
        )

    assert refused.status_code == 422
    assert 'value="12,500.50"' in refused.content.decode()
    assert saved.status_code == 302
    assert LinePotential.objects.get(account=account, line=line).amount == Decimal("12500.50")


# --- peer size bands -------------------------------------------------------


def _peers(edges: str, language: str, min_peers: str = "3") -> PeerSettingsForm:
    with translation.override(language):
        form = PeerSettingsForm({"size_basis": "company_turnover", "size_edges": edges, "min_peers": min_peers})
        form.is_valid()
        return form


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        ("en", "10,500; 1,000,000"),
        ("en", "10,500;1 000 000;"),
        ("en", "10500\n1000000"),
        ("fr", "10 500 ; 1 000 000"),
        ("fr", "10\u202f500; 1\u00a0000\u00a0000"),
        ("fr", "10 500\r\n1 000 000\r\n"),
    ],
    ids=["en", "en spaces", "en lines", "fr", "fr no-break spaces", "fr lines"],
)
def test_band_limits_are_separated_by_semicolons_or_lines_and_written_as_the_language_writes_numbers(language, typed):
    form = _peers(typed, language)
    assert form.errors == {}
    assert form.cleaned_data["size_edges"] == [10500, 1000000]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_old_comma_list_is_still_read_when_a_space_follows_each_comma(language):
    form = _peers("10, 50, 250, 5000", language)
    assert form.errors == {}
    assert form.cleaned_data["size_edges"] == [10, 50, 250, 5000]


@pytest.mark.parametrize(("language", "typed"), [("en", "10,500"), ("en", "10,50,250"), ("fr", "10,500")])
def test_a_comma_that_may_be_one_limit_or_two_is_refused_with_a_question_not_guessed(language, typed):
    form = _peers(typed, language)
    with translation.override(language):
        html = str(form["size_edges"])
    assert form.has_error("size_edges", "ambiguous_comma")
    assert typed in html  # kept for correction


def test_the_ambiguity_is_explained_in_french():
    assert _peers("10,500", "fr").errors["size_edges"] == [
        "Séparez les limites par des points-virgules, par exemple 10 ; 50 ; 250 : dans « 10,500 », une virgule "
        "pourrait séparer deux limites ou faire partie d’un nombre."
    ]


@pytest.mark.parametrize(
    ("language", "typed", "bad"),
    [("en", "10; 2.5; x", "2.5; x"), ("fr", "10; 2,5", "2,5"), ("fr", "10; 1.000", "1.000"), ("en", "10; -5", "-5")],
)
def test_a_limit_that_is_no_whole_number_is_named(language, typed, bad):
    with translation.override(language):
        message = str(_peers(typed, language).errors["size_edges"][0])
    assert bad in message


def test_the_minimum_of_peers_takes_thousands_as_the_language_groups_them():
    assert _peers("10; 50", "fr", min_peers="1 000").cleaned_data["min_peers"] == 1000
    assert _peers("10; 50", "en", min_peers="1,000").cleaned_data["min_peers"] == 1000
    assert "min_peers" in _peers("10; 50", "en", min_peers="1 000,5").errors


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_administrator_saves_the_band_limits_as_shown_and_nothing_changes(client, admin_user, language):
    PeerSettings.objects.update_or_create(
        pk=1, defaults={"size_basis": "company_turnover", "size_edges": [10, 5000, 1000000], "min_peers": 3}
    )
    client.force_login(admin_user)
    with translation.override("en"):
        page = client.get("/growth/peers/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        shown = form_values(page, "peer-settings-form")
        saved = client.post("/growth/peers/", shown, HTTP_ACCEPT_LANGUAGE=language)

    assert shown["size_edges"] == {"en": "10; 5,000; 1,000,000", "fr": "10; 5\u00a0000; 1\u00a0000\u00a0000"}[language]
    assert saved.status_code == 302
    assert PeerSettings.load().size_edges == [10, 5000, 1000000]
