"""One date format and one number format per page, in each language: the plan page read in English, then in French."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.utils import formats, translation
from playwright.sync_api import expect

from accounts.models import Account
from accounts.tests.factories import AccountFactory, YearlyFinancialFactory
from kam.roles import Role
from kam.tests.factories import UserFactory
from plans.models import PlanComment, Resource, Review, UnbilledService
from plans.tests.factories import AccountPlanFactory, ActionFactory, CheckpointFactory, ObjectiveFactory

MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|janv|févr|fév|mars|avr|mai|juin|juil|août|sept|déc|"
    "january|february|march|april|june|july|august|september|october|november|december|"
    "janvier|février|avril|juillet|septembre|octobre|novembre|décembre"
)
# Anything a reader would take for a date, whatever its format: 2027-01-15, 15.01.2027, 1/15/2027, 15 Jan 2027,
# Jan. 15, 2027, 15 janvier 2027.
DATE_LIKE = re.compile(
    rf"\b\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}\b|\b\d{{1,2}}\.? (?:{MONTHS})\.? \d{{4}}\b"
    rf"|\b(?:{MONTHS})\.? \d{{1,2}},? \d{{4}}\b",
    re.IGNORECASE,
)
# Grouped thousands (5,206,611 or 5 206 611 with any space) and long runs of digits nobody grouped.
GROUPED = re.compile(r"\b\d{1,3}(?:[,\u00a0\u202f ]\d{3})+\b")
UNGROUPED = re.compile(r"(?<![\w-])\d{5,}\b")  # not in identifiers (REF-00001)
SEPARATOR = {"en": ",", "fr": "\u00a0"}
SHORT_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")  # m/d/Y in English, d/m/Y in French: Django's SHORT_DATE_FORMAT

START, END, CHECKPOINT, DUE, GIVEN = (
    date(2027, 1, 15),
    date(2028, 12, 20),
    date(2027, 3, 31),
    date(2027, 6, 30),
    date(2026, 11, 25),
)
PLAN_DAYS, PLAN_AMOUNTS = (START, END, CHECKPOINT, DUE, GIVEN), (5206611, 2984501, 40000)


def _read(page, language: str) -> tuple[list[str], list[str]]:
    text = page.locator("main").inner_text()
    dates = [m.group(0) for m in DATE_LIKE.finditer(text)]
    numbers = [m.group(0) for m in GROUPED.finditer(text)]
    assert UNGROUPED.findall(text) == [], f"{language}: long numbers without grouping"
    return dates, numbers


def _check(page, language: str, days: tuple[date, ...], values: tuple[int, ...]) -> None:
    """Every date in the language's short format (these days among them), every amount grouped its way."""
    dates, numbers = _read(page, language)
    with translation.override(language):
        expected = {formats.date_format(day, "SHORT_DATE_FORMAT") for day in days}
        amounts = {formats.number_format(value, 0, force_grouping=True) for value in values}
    assert expected <= set(dates), f"{language}: {expected - set(dates)} missing among {dates}"
    assert [d for d in dates if not SHORT_DATE.match(d)] == [], f"{language}: dates in another format"
    assert amounts <= set(numbers), f"{language}: {amounts - set(numbers)} missing among {numbers}"
    separators = {sep for n in numbers for sep in re.findall(r"\D", n)}
    assert separators == {SEPARATOR[language]}, f"{language}: numbers grouped with {separators!r}: {numbers}"


def test_plan_page_has_one_date_format_and_one_number_format_per_language(page, sign_in, transactional_db):
    manager = UserFactory(username="e2e-kam", first_name="Marc", last_name="Dubois", role=Role.KEY_ACCOUNT_MANAGER)
    account = AccountFactory(name="Velo Lyon", owner=manager, is_key=True, segment="loyal_core")
    plan = AccountPlanFactory(account=account, status="draft", starts_on=START, ends_on=END)
    objective = ObjectiveFactory(
        plan=plan, title="Grow revenue", baseline=Decimal("2984501"), target=Decimal("5206611"), due_on=END
    )
    CheckpointFactory(objective=objective, label="Q1 2027", due_on=CHECKPOINT, target=Decimal("3500000"))
    ActionFactory(plan=plan, title="Pitch the new range", owner=manager, due_on=DUE)
    UnbilledService.objects.create(plan=plan, description="Line audit", given_on=GIVEN, estimated_value=12500)
    Resource.objects.create(plan=plan, kind="budget", description="Trade fair stand", amount=Decimal("40000"))
    PlanComment.objects.create(plan=plan, author=manager, text="First draft")
    sign_in(manager)

    page.goto(plan.get_absolute_url())
    expect(page.get_by_role("heading", name="Actions")).to_be_visible()
    _check(page, "en", PLAN_DAYS, PLAN_AMOUNTS)

    _switch_to_french(page)
    _check(page, "fr", PLAN_DAYS, PLAN_AMOUNTS)


def _switch_to_french(page) -> None:
    page.locator("#language-select").select_option("fr")
    page.locator(".language-switcher button").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")


def test_account_page_has_one_date_format_and_one_number_format_per_language(page, sign_in, transactional_db):
    manager = UserFactory(username="e2e-kam", role=Role.KEY_ACCOUNT_MANAGER)
    account = AccountFactory(name="Velo Lyon", owner=manager, is_key=True, segment="loyal_core")
    Account.objects.filter(pk=account.pk).update(potential=Decimal("9400000"))
    last_year = date.today().year - 1
    YearlyFinancialFactory(account=account, year=last_year, revenue=Decimal("5206611"), gross_margin=Decimal("1250000"))
    YearlyFinancialFactory(account=account, year=last_year - 1, revenue=Decimal("2984501"), gross_margin=None)
    from accounts.services import financials_refresh

    financials_refresh()
    held = (date(2026, 1, 27), date(2025, 10, 14))
    Review.objects.create(account=account, review_type="business", held_on=held[0], notes="Volumes up")
    Review.objects.create(account=account, review_type="strategic", held_on=held[1], notes="Three-year view")
    sign_in(manager)

    page.goto(account.get_absolute_url())
    expect(page.locator(".kam-card-slot[aria-busy]")).to_have_count(0)  # every card has arrived
    _check(page, "en", held, (5206611, 2984501, 9400000))
    _switch_to_french(page)
    expect(page.locator(".kam-card-slot[aria-busy]")).to_have_count(0)
    _check(page, "fr", held, (5206611, 2984501, 9400000))
