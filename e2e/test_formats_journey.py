"""One date format and one number format per page, in each language: the plan page read in English, then in French."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.utils import formats, translation
from playwright.sync_api import expect

from accounts.tests.factories import AccountFactory
from kam.roles import Role
from kam.tests.factories import UserFactory
from plans.models import PlanComment, Resource, UnbilledService
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
UNGROUPED = re.compile(r"\b\d{5,}\b")
SEPARATOR = {"en": ",", "fr": "\u00a0"}
SHORT_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")  # m/d/Y in English, d/m/Y in French: Django's SHORT_DATE_FORMAT

START, END, CHECKPOINT, DUE, GIVEN = date(2027, 1, 15), date(2028, 12, 20), date(2027, 3, 31), date(2027, 6, 30), date(2026, 11, 25)


def _read(page, language: str) -> tuple[list[str], list[str]]:
    text = page.locator("main").inner_text()
    dates = [m.group(0) for m in DATE_LIKE.finditer(text)]
    numbers = [m.group(0) for m in GROUPED.finditer(text)]
    assert UNGROUPED.findall(text) == [], f"{language}: long numbers without grouping"
    return dates, numbers


def _check(page, language: str) -> None:
    dates, numbers = _read(page, language)
    with translation.override(language):
        expected = {formats.date_format(day, "SHORT_DATE_FORMAT") for day in (START, END, CHECKPOINT, DUE, GIVEN)}
        amounts = {formats.number_format(value, 0, force_grouping=True) for value in (5206611, 2984501, 40000)}
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
    _check(page, "en")

    page.locator("#language-select").select_option("fr")
    page.locator(".language-switcher button").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    _check(page, "fr")
