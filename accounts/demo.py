"""Demo portfolio: Northwind's real customers and order revenue, plus generated accounts.

Northwind's orders run from July 1996 to May 1998. Years are shifted so that
1998 becomes last year, partial years are annualised by the days they cover,
and amounts are scaled ×25 to the size of a B2B supplier's accounts; the
relative sizes of the customers stay real. Their order lines' product categories are the
demo's product lines, with revenue per account, line and year scaled the same way. Generated accounts (seeded random,
so reruns give the same portfolio) bring the register to 320 accounts with a
skewed, Pareto-like revenue distribution.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import F
from faker import Faker

from accounts.models import (
    Account,
    Contact,
    Interaction,
    InteractionKind,
    Lifecycle,
    LineRevenue,
    ProductLine,
    YearlyFinancial,
)
from accounts.services import financials_refresh
from kam.models import User

NORTHWIND_DIR = Path(__file__).resolve().parent / "demo_data" / "northwind"
PORTFOLIO_SIZE = 320
AMOUNT_SCALE = 25
KEY_ACCOUNT_COUNT = 30

COUNTRY_CODES = {
    "Argentina": "AR", "Austria": "AT", "Belgium": "BE", "Brazil": "BR", "Canada": "CA",
    "Denmark": "DK", "Finland": "FI", "France": "FR", "Germany": "DE", "Ireland": "IE",
    "Italy": "IT", "Mexico": "MX", "Norway": "NO", "Poland": "PL", "Portugal": "PT",
    "Spain": "ES", "Sweden": "SE", "Switzerland": "CH", "UK": "GB", "USA": "US", "Venezuela": "VE",
}  # fmt: skip
FRENCH_SPEAKING = {"FR", "BE", "CH", "CA"}
FOOD_SECTORS = ["Specialty food retail", "Restaurants", "Food wholesale", "Delicatessen", "Hotels"]
OTHER_SECTORS = [
    "Manufacturing", "Retail", "Logistics", "Healthcare", "Energy", "Telecommunications",
    "Public sector", "Construction", "Automotive", "Financial services",
]  # fmt: skip
FAKER_LOCALES = {"FR": "fr_FR", "DE": "de_DE", "GB": "en_GB", "ES": "es_ES", "IT": "it_IT", "US": "en_US"}


def read_ragged_csv(path: Path, *, loose_column: str) -> pd.DataFrame:
    """Read a Northwind CSV whose address column holds unquoted commas.

    Every column but `loose_column` is reliable, so a row with extra fields has
    them in that column: join them back. "NULL" means empty.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        header, *lines = csv.reader(handle)
    head = header.index(loose_column)
    tail = len(header) - head - 1
    rows = [
        fields[:head] + [", ".join(fields[head : len(fields) - tail])] + fields[len(fields) - tail :]
        for fields in lines
    ]
    return pd.DataFrame(rows, columns=header).replace("NULL", "")


def _northwind_order_lines(directory: Path) -> tuple[pd.DataFrame, pd.Series]:
    """(order lines with customerID, productID, year and amount; each calendar year's annualising factor)."""
    orders = read_ragged_csv(directory / "orders.csv", loose_column="shipAddress")[
        ["orderID", "customerID", "orderDate"]
    ]
    orders["orderID"] = orders.orderID.astype(int)
    lines = pd.read_csv(directory / "order-details.csv")
    lines["amount"] = lines.unitPrice * lines.quantity * (1 - lines.discount)
    frame = lines.merge(orders, on="orderID")
    frame["date"] = pd.to_datetime(frame.orderDate.str.slice(0, 10))
    frame["year"] = frame.date.dt.year
    # Days of each calendar year the data covers, to annualise 1996 and 1998.
    covered = frame.groupby("year").date.agg(["min", "max"])
    days = (covered["max"] - covered["min"]).dt.days + 1
    return frame, (365 / days).clip(upper=3)


def northwind_yearly_revenue(directory: Path = NORTHWIND_DIR) -> pd.DataFrame:
    """Revenue per Northwind customer and calendar year, annualised: customerID, year, revenue."""
    frame, factor = _northwind_order_lines(directory)
    revenue = frame.groupby(["customerID", "year"]).amount.sum().reset_index()
    revenue["revenue"] = revenue.amount * revenue.year.map(factor) * AMOUNT_SCALE
    return revenue[["customerID", "year", "revenue"]]


# Northwind's eight categories are the demo's product lines, grouped in families as a food wholesaler would.
CATEGORY_FAMILIES = {
    "Beverages": "Drinks", "Condiments": "Grocery", "Confections": "Grocery", "Grains/Cereals": "Grocery",
    "Produce": "Grocery", "Dairy Products": "Fresh", "Meat/Poultry": "Fresh", "Seafood": "Fresh",
}  # fmt: skip


def northwind_line_revenue(directory: Path = NORTHWIND_DIR) -> pd.DataFrame:
    """Revenue per Northwind customer, category and calendar year, annualised and scaled as the yearly revenue is
    (so a customer-year's lines add up to it): customerID, categoryName, year, revenue."""
    frame, factor = _northwind_order_lines(directory)
    products = pd.read_csv(directory / "products.csv", usecols=["productID", "categoryID"])
    categories = pd.read_csv(directory / "categories.csv", usecols=["categoryID", "categoryName"])
    frame = frame.merge(products, on="productID").merge(categories, on="categoryID")
    revenue = frame.groupby(["customerID", "categoryName", "year"]).amount.sum().reset_index()
    revenue["revenue"] = revenue.amount * revenue.year.map(factor) * AMOUNT_SCALE
    return revenue[["customerID", "categoryName", "year", "revenue"]]


def _seed_product_lines(accounts: dict[str, Account], year_shift: int) -> None:
    """The eight categories as product lines, and each Northwind customer's revenue on them per year."""
    names = pd.read_csv(NORTHWIND_DIR / "categories.csv", usecols=["categoryName"]).categoryName.tolist()
    known = {name.casefold() for name in ProductLine.objects.values_list("name", flat=True)}
    ProductLine.objects.bulk_create(
        [
            ProductLine(name=name, family=CATEGORY_FAMILIES.get(name, ""))
            for name in names
            if name.casefold() not in known
        ]
    )
    lines = {line.name.casefold(): line.current_line for line in ProductLine.objects.select_related("merged_into")}
    rows = []
    for record in northwind_line_revenue().itertuples():
        account = accounts.get(f"NW-{record.customerID}")
        line = lines.get(record.categoryName.casefold())
        if account is None or line is None:
            continue
        rows.append(
            LineRevenue(
                account=account,
                line=line,
                year=int(record.year) + year_shift,
                revenue=Decimal(str(round(float(record.revenue), 2))),
            )
        )
    LineRevenue.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["account", "line", "year"], update_fields=["revenue"]
    )


def _account_managers() -> list[User]:
    return list(User.objects.filter(groups__name="key_account_manager").order_by("username"))


@transaction.atomic
def seed_accounts(*, users: dict[str, User]) -> int:
    """Create or refresh the demo portfolio; returns the number of accounts."""
    rng = np.random.default_rng(2026)
    last_year = date.today().year - 1
    customers = read_ragged_csv(NORTHWIND_DIR / "customers.csv", loose_column="address")
    revenue = northwind_yearly_revenue()
    year_shift = last_year - int(revenue.year.max())

    existing = set(Account.objects.values_list("reference", flat=True))
    rows: list[dict] = []
    for record in customers.itertuples():
        country = COUNTRY_CODES.get(record.country, "")
        rows.append(
            {
                "reference": f"NW-{record.customerID}",
                "name": record.companyName,
                "country": country,
                "city": record.city,
                "sector": FOOD_SECTORS[int(rng.integers(len(FOOD_SECTORS)))],
                "contacts": [(record.contactName, record.contactTitle, record.phone)],
            }
        )
    generated = PORTFOLIO_SIZE - len(rows)
    fakers = {code: Faker(locale) for code, locale in FAKER_LOCALES.items()}
    for faker in fakers.values():
        faker.seed_instance(2026)
    countries = list(FAKER_LOCALES)
    for number in range(1, generated + 1):
        country = countries[int(rng.integers(len(countries)))]
        faker = fakers[country]
        rows.append(
            {
                "reference": f"GEN-{number:04d}",
                "name": faker.company(),
                "country": country,
                "city": faker.city(),
                "sector": OTHER_SECTORS[int(rng.integers(len(OTHER_SECTORS)))],
                "contacts": [(faker.name(), faker.job(), faker.phone_number()) for _ in range(int(rng.integers(1, 4)))],
            }
        )

    new_accounts = [
        Account(
            reference=row["reference"],
            name=row["name"][:200],
            country=row["country"],
            city=row["city"][:100],
            sector=row["sector"],
            lifecycle=Lifecycle.CUSTOMER,
        )
        for row in rows
        if row["reference"] not in existing
    ]
    Account.objects.bulk_create(new_accounts)
    accounts = {a.reference: a for a in Account.objects.filter(reference__in=[r["reference"] for r in rows])}

    financials = _demo_financials(rows, accounts, revenue, year_shift, last_year, rng)
    YearlyFinancial.objects.bulk_create(
        financials,
        update_conflicts=True,
        unique_fields=["account", "year"],
        update_fields=["revenue", "gross_margin"],
    )
    financials_refresh()
    _seed_product_lines(accounts, year_shift)

    _assign_people_and_potential(accounts, users, rng)
    _seed_contacts(rows, accounts)
    _seed_groups(users)
    _seed_key_account_profiles_and_timelines(users, rng)
    return Account.objects.count()


def _demo_financials(rows, accounts, revenue, year_shift, last_year, rng) -> list[YearlyFinancial]:
    financials = []
    by_customer = {cid: grp for cid, grp in revenue.groupby("customerID")}
    for row in rows:
        account = accounts[row["reference"]]
        margin_rate = rng.uniform(0.18, 0.42)
        if row["reference"].startswith("NW-"):
            history = by_customer.get(row["reference"][3:])
            if history is None:
                continue
            pairs = [(int(r.year) + year_shift, r.revenue) for r in history.itertuples()]
        else:
            # Lognormal sizes give the skew of a real portfolio (a few giants, a long tail).
            base = rng.lognormal(mean=11.5, sigma=1.3)
            trend = rng.normal(0.04, 0.12)
            pairs = [(last_year - age, base * (1 + trend) ** -age) for age in range(4)]
        for year, amount in pairs:
            value = Decimal(str(round(float(amount), 2)))
            financials.append(
                YearlyFinancial(
                    account=account,
                    year=year,
                    revenue=value,
                    gross_margin=(value * Decimal(str(round(margin_rate, 3)))).quantize(Decimal("0.01")),
                )
            )
    return financials


def _assign_people_and_potential(accounts, users, rng) -> None:
    """Spread ownership, make the largest accounts key, estimate potential."""
    managers = _account_managers()
    ordered = list(
        Account.objects.filter(pk__in=[a.pk for a in accounts.values()]).order_by(
            F("last_year_revenue").desc(nulls_last=True), "pk"
        )
    )
    sponsors = [users["sponsor"], users["paul"]]
    for position, account in enumerate(ordered):
        account.owner = users["manager"] if position % 3 == 0 else managers[position % len(managers)]
        account.service_manager = users["contributor"] if position < KEY_ACCOUNT_COUNT else None
        # The initial key-account list a sales team typically starts from: the largest
        # customers. Scoring replaces it with a weighted, explained selection.
        account.is_key = position < KEY_ACCOUNT_COUNT
        account.executive_sponsor = sponsors[position % 2] if account.is_key else None
        if account.last_year_revenue:
            account.potential = (account.last_year_revenue * Decimal(str(round(rng.uniform(1.1, 4.0), 2)))).quantize(
                Decimal("1")
            )
        account.employees = int(rng.lognormal(5, 1.4)) + 5
    Account.objects.bulk_update(
        ordered, ["owner", "service_manager", "is_key", "executive_sponsor", "potential", "employees"], batch_size=500
    )


def _seed_contacts(rows, accounts) -> None:
    has_contacts = set(Contact.objects.values_list("account_id", flat=True).distinct())
    contacts = []
    for row in rows:
        account = accounts[row["reference"]]
        if account.pk in has_contacts:
            continue
        language = "fr" if row["country"] in FRENCH_SPEAKING else "en"
        for name, title, phone in row["contacts"]:
            slug = "".join(ch for ch in name.lower() if ch.isalpha() or ch == " ").strip().replace(" ", ".")
            contacts.append(
                Contact(
                    account=account,
                    name=name,
                    job_title=title or "",
                    phone=str(phone or "")[:50],
                    email=f"{slug}@example.com",
                    language=language,
                )
            )
    Contact.objects.bulk_create(contacts)


# Groups: a holding account above real Northwind customers of one country.
DEMO_GROUPS = [
    ("GRP-FR", "Groupe Saveurs de France", "FR", ["NW-BLONP", "NW-BONAP", "NW-DUMON", "NW-FOLIG", "NW-VINET"]),
    ("GRP-DE", "Deutsche Feinkost Holding", "DE", ["NW-ALFKI", "NW-QUICK", "NW-TOMSP", "NW-WANDK"]),
    ("GRP-BR", "Rede Gastronômica do Brasil", "BR", ["NW-HANAR", "NW-QUEDE", "NW-RICAR", "NW-COMMI"]),
]

PROFILE_TEMPLATES = {
    "business": "{name} ({sector_lower}, {city}) buys our full range for all its sites; "
    "about a third of its purchases are seasonal.",
    "goals": "Open two new sites within 18 months; cut the number of suppliers by a quarter; "
    "launch a private-label range.",
    "difficulties": "Margins squeezed by energy costs; a new purchasing director is reviewing every contract; "
    "stock-outs during the last peak season.",
    "competitors": "Two national wholesalers and a regional cooperative, each holding part of the category.",
    "notes": "Decisions go through the purchasing committee, which meets monthly. "
    "Payment terms are respected. Reference customer for the region.",
}

DEMO_INTERACTIONS = [
    (InteractionKind.MEETING, "Sales", "Quarterly business review: volumes up, asked for a proposal on the new range."),
    (InteractionKind.CALL, "Customer service", "Called about a delayed delivery; rescheduled for the next morning."),
    (InteractionKind.INCIDENT, "Logistics", "Two pallets delivered damaged; credit note issued."),
    (InteractionKind.EMAIL, "Sales", "Sent the updated price list and the promotion calendar."),
    (InteractionKind.PAYMENT_ISSUE, "Finance", "Invoice paid 30 days late; reminder sent, paid since."),
    (InteractionKind.MEETING, "Management", "Executive lunch with their CEO on next year's expansion plans."),
    (InteractionKind.CALL, "Technical support", "Helped set up electronic ordering (EDI)."),
    (InteractionKind.OTHER, "Marketing", "Joint tasting event in their flagship store."),
]


def _seed_groups(users: dict[str, User]) -> None:
    for reference, name, country, members in DEMO_GROUPS:
        holding, _created = Account.objects.get_or_create(
            reference=reference,
            defaults={"name": name, "country": country, "sector": "Holding", "owner": users["manager"]},
        )
        Account.objects.filter(reference__in=members).update(parent=holding)


def _seed_key_account_profiles_and_timelines(users: dict[str, User], rng) -> None:
    key_accounts = list(Account.objects.filter(is_key=True).order_by("pk"))
    for account in key_accounts:
        if not account.business:
            values = {"name": account.name, "sector_lower": account.sector.lower(), "city": account.city or "town"}
            for field, template in PROFILE_TEMPLATES.items():
                setattr(account, field, template.format(**values))
    Account.objects.bulk_update(key_accounts, list(PROFILE_TEMPLATES))

    has_timeline = set(Interaction.objects.values_list("account_id", flat=True).distinct())
    authors = [users["manager"], users["contributor"], users["sponsor"], users["claire"]]
    today = date.today()
    interactions = []
    for account in key_accounts:
        if account.pk in has_timeline:
            continue
        for index in range(int(rng.integers(5, 10))):
            kind, department, summary = DEMO_INTERACTIONS[(account.pk + index) % len(DEMO_INTERACTIONS)]
            interactions.append(
                Interaction(
                    account=account,
                    kind=kind,
                    department=department,
                    summary=summary,
                    occurred_on=today - timedelta(days=int(rng.integers(1, 360))),
                    author=authors[index % len(authors)],
                )
            )
    Interaction.objects.bulk_create(interactions)
