"""Demo decision-maker maps: every key account gets 8–20 people over several levels, with gaps to find.

Runs after scoring has chosen the key accounts. Seeded random, so reruns give the same maps; an account
that already has a mapped contact (a buying role set) is left alone, which makes the step idempotent.
Gaps on purpose: an uncovered decision maker, a champion who left, a long silence, one single-threaded account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.db import transaction
from faker import Faker
from simple_history.utils import bulk_create_with_history

from accounts.demo import FAKER_LOCALES, FRENCH_SPEAKING
from accounts.models import Account, Attitude, BuyingRole, Contact, Interaction, InteractionKind
from kam.models import User

# key, job title, department, buying role, influence, reports to (key), who covers: owner/service/sponsor/None
STRUCTURE = [
    ("ceo", "Managing director", "Executive board", BuyingRole.DECISION_MAKER, 5, None, "sponsor"),
    ("assistant", "Executive assistant", "Executive board", BuyingRole.GATEKEEPER, 2, "ceo", None),
    ("cfo", "Chief financial officer", "Finance", BuyingRole.DECISION_MAKER, 4, "ceo", "owner"),
    ("purchasing", "Purchasing director", "Purchasing", BuyingRole.PURCHASING, 4, "ceo", "owner"),
    ("operations", "Operations director", "Operations", BuyingRole.PRESCRIBER, 4, "ceo", "service"),
    ("buyer", "Category buyer", "Purchasing", BuyingRole.PURCHASING, 3, "purchasing", "owner"),
    ("quality", "Quality manager", "Operations", BuyingRole.TECHNICAL, 3, "operations", "service"),
    ("site", "Site manager", "Operations", BuyingRole.USER, 3, "operations", "service"),
]
OPTIONAL = [
    ("controller", "Management controller", "Finance", BuyingRole.PRESCRIBER, 2, "cfo", "owner"),
    ("it", "IT director", "Information systems", BuyingRole.TECHNICAL, 3, "ceo", None),
    ("champion", "Head of continuous improvement", "Operations", BuyingRole.CHAMPION, 3, "operations", "owner"),
    ("buyer2", "Junior buyer", "Purchasing", BuyingRole.PURCHASING, 1, "buyer", None),
    ("site2", "Second site manager", "Operations", BuyingRole.USER, 3, "operations", "service"),
    ("lead1", "Team leader, packing", "Operations", BuyingRole.USER, 1, "site", None),
    ("lead2", "Team leader, receiving", "Operations", BuyingRole.USER, 1, "site", "service"),
    ("lead3", "Shift supervisor", "Operations", BuyingRole.USER, 1, "site2", None),
    ("safety", "Health and safety officer", "Operations", BuyingRole.TECHNICAL, 2, "quality", None),
    ("marketing", "Marketing director", "Marketing", BuyingRole.PRESCRIBER, 3, "ceo", "sponsor"),
    ("brand", "Brand manager", "Marketing", BuyingRole.USER, 2, "marketing", None),
    ("legal", "Legal counsel", "Legal", BuyingRole.GATEKEEPER, 2, "cfo", None),
]
ATTITUDES = [Attitude.CHAMPION, Attitude.SUPPORTER, Attitude.NEUTRAL, Attitude.SCEPTIC, Attitude.OPPONENT]
ATTITUDE_ODDS = [0.08, 0.32, 0.35, 0.17, 0.08]
SUMMARIES = {
    InteractionKind.MEETING: "Steering meeting on next year's volumes and the service levels.",
    InteractionKind.CALL: "Call about the framework agreement renewal.",
    InteractionKind.EMAIL: "Sent the quarterly performance report.",
}


@dataclass
class Person:
    account: Account
    key: str
    title: str
    department: str
    role: str
    influence: int
    boss: str | None
    covers: str | None
    attitude: str = Attitude.NEUTRAL
    active: bool = True


def _coverer(account: Account, who: str | None) -> int | None:
    if who == "owner":
        return account.owner_id
    if who == "service":
        return account.service_manager_id or account.owner_id
    if who == "sponsor":
        return account.executive_sponsor_id
    return None


def _people(account: Account, index: int, rng: np.random.Generator, *, known: int) -> list[Person]:
    """8 to 20 people with the `known` contacts already on file, which join the map too."""
    size = int(rng.integers(0, 13 - known))
    extra = [OPTIONAL[i] for i in sorted(rng.choice(len(OPTIONAL), size=size, replace=False))]
    keys = {row[0] for row in STRUCTURE + extra}
    people = [
        Person(account, *row[:5], boss=row[5] if row[5] in keys or row[5] is None else "ceo", covers=row[6])
        for row in STRUCTURE + extra
    ]
    for person in people:
        person.attitude = ATTITUDES[int(rng.choice(len(ATTITUDES), p=ATTITUDE_ODDS))]
    by_key = {p.key: p for p in people}
    champion = by_key.get("champion") or by_key["operations"]
    champion.attitude = Attitude.CHAMPION
    gap = index % 5
    if gap == 0:  # a decision maker nobody covers
        by_key["cfo"].covers = None
    elif gap == 1:  # the only champion left the company
        for person in people:
            if person.attitude == Attitude.CHAMPION and person is not champion:
                person.attitude = Attitude.SUPPORTER
        champion.active = False
    return people


@transaction.atomic
def seed_maps(*, users: dict[str, User]) -> str:
    rng = np.random.default_rng(55)
    today = date.today()
    key_accounts = list(Account.objects.filter(is_key=True).order_by("pk"))
    mapped = set(Contact.objects.exclude(buying_role="").values_list("account_id", flat=True).distinct())
    todo = [(i, a) for i, a in enumerate(key_accounts) if a.pk not in mapped]
    if not todo:
        return "0 maps added"
    existing: dict[int, list[Contact]] = {}
    for contact in Contact.objects.filter(account__in=[a for _i, a in todo]).order_by("pk"):
        existing.setdefault(contact.account_id, []).append(contact)
    fakers = {code: Faker(locale) for code, locale in FAKER_LOCALES.items()}
    for faker in fakers.values():
        faker.seed_instance(55)

    # One key account known through a single person: the classic trap of relying on purchasing.
    alone = [a for _i, a in todo if len(existing.get(a.pk, [])) == 1]
    single_threaded = alone[-1] if len(todo) > 3 and alone else None
    plans = []
    for index, account in todo:
        known = len(existing.get(account.pk, []))
        people = [] if account is single_threaded else _people(account, index, rng, known=known)
        plans.append((index, account, people))

    created: dict[tuple[int, str], Contact] = {}
    levels: dict[int, list[Person]] = {}
    for _index, _account, people in plans:
        depth = {}
        for person in people:  # STRUCTURE and OPTIONAL list bosses before their reports
            depth[person.key] = 0 if person.boss is None else depth[person.boss] + 1
            levels.setdefault(depth[person.key], []).append(person)
    for level in sorted(levels):
        batch = []
        for person in levels[level]:
            account = person.account
            faker = fakers.get(str(account.country), fakers["GB"])
            name = faker.name()
            slug = "".join(ch for ch in name.lower() if ch.isalpha() or ch == " ").strip().replace(" ", ".")
            batch.append(
                Contact(
                    account=account,
                    name=name,
                    job_title=person.title,
                    department=person.department,
                    email=f"{slug}@example.com",
                    language="fr" if str(account.country) in FRENCH_SPEAKING else "en",
                    buying_role=person.role,
                    influence=person.influence,
                    attitude=person.attitude,
                    reports_to=created.get((account.pk, person.boss)) if person.boss else None,
                    covered_by_id=_coverer(account, person.covers),
                    relationship_strength=int(rng.integers(0, 4)) if person.covers else 0,
                    is_active=person.active,
                )
            )
        for person, contact in zip(levels[level], bulk_create_with_history(batch, Contact), strict=True):
            created[(person.account.pk, person.key)] = contact

    # The contacts imported with the account join the map under purchasing (or alone, single-threaded).
    for account in (plan[1] for plan in plans):
        for contact in existing.get(account.pk, []):
            contact.buying_role = BuyingRole.PURCHASING
            contact.influence, contact.attitude = 3, Attitude.SUPPORTER
            contact.reports_to = created.get((account.pk, "purchasing"))
            contact.covered_by_id = account.owner_id
            contact.save()

    interactions = []
    authors = [users["manager"], users["sponsor"], users["contributor"]]
    for index, account, people in plans:
        if not people:
            continue
        silent = index % 5 == 2  # nobody has seen a decision maker or champion for months
        keys = [p.key for p in people if p.active]
        for number in range(int(rng.integers(3, 7))):
            key = "ceo" if number == 0 else keys[int(rng.integers(len(keys)))]
            days = int(rng.integers(120, 300)) if silent else int(rng.integers(3, 80))
            kind = list(SUMMARIES)[number % len(SUMMARIES)]
            interactions.append(
                Interaction(
                    account=account,
                    contact=created[(account.pk, key)],
                    kind=kind,
                    department="Sales",
                    summary=SUMMARIES[kind],
                    occurred_on=today - timedelta(days=days),
                    author=authors[number % len(authors)],
                )
            )
    Interaction.objects.bulk_create(interactions)
    return f"{len(plans)} maps, {len(created)} contacts, {len(interactions)} interactions with contacts"
