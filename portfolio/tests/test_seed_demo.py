"""The demo portfolio: real Northwind customers, enough accounts, idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F

from accounts.models import Account, Contact, YearlyFinancial
from kam.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_builds_a_portfolio_of_at_least_300_accounts_with_history(seeded):
    assert Account.objects.count() >= 300
    years = set(YearlyFinancial.objects.values_list("year", flat=True))
    assert len(years) >= 3


def test_seed_demo_uses_real_northwind_customers_and_contacts(seeded):
    alfreds = Account.objects.get(reference="NW-ALFKI")
    assert alfreds.name == "Alfreds Futterkiste"
    assert alfreds.country.code == "DE"
    assert Contact.objects.filter(account=alfreds, name="Maria Anders", job_title="Sales Representative").exists()
    # Unquoted commas in Northwind addresses must not shift the columns.
    assert Account.objects.get(reference="NW-BLONP").city == "Strasbourg"


def test_seed_demo_revenue_comes_from_northwind_orders(seeded):
    # Ernst Handel and QUICK-Stop are Northwind's two largest customers.
    top_two = set(
        Account.objects.order_by(F("last_year_revenue").desc(nulls_last=True)).values_list("reference", flat=True)[:5]
    )
    assert {"NW-ERNSH", "NW-QUICK"} <= top_two


def test_seed_demo_creates_one_login_per_role_and_prints_them(seeded):
    for username in ("admin", "manager", "sponsor", "contributor"):
        user = User.objects.get(username=username)
        assert user.check_password("kam-demo")
        assert f"{username}" in seeded


def test_seed_demo_twice_changes_nothing(seeded, settings):
    counts = (Account.objects.count(), YearlyFinancial.objects.count(), Contact.objects.count(), User.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert counts == (
        Account.objects.count(),
        YearlyFinancial.objects.count(),
        Contact.objects.count(),
        User.objects.count(),
    )
