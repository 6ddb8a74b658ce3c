"""The demo maps: every key account mapped with 8–20 people over several levels, gaps to find, idempotent."""

from __future__ import annotations

import pytest

from accounts.coverage import coverage_portfolio
from accounts.demo_maps import seed_maps
from accounts.maps import map_roots
from accounts.models import Contact
from accounts.tests.factories import AccountFactory, ContactFactory
from kam.roles import Role
from kam.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_seed_maps_maps_every_key_account_with_gaps_and_runs_once(manager, sponsor, contributor):
    users = {"manager": manager, "sponsor": sponsor, "contributor": contributor}
    owner = UserFactory(role=Role.KEY_ACCOUNT_MANAGER)
    keys = [AccountFactory(is_key=True, owner=owner, executive_sponsor=sponsor) for _ in range(10)]
    for account in keys:
        ContactFactory(account=account)  # the contact imported with the account
    small = AccountFactory(is_key=False)

    seed_maps(users=users)

    sizes = sorted(Contact.objects.filter(account__in=keys).values_list("account_id", flat=True))
    per_account = [sizes.count(a.pk) for a in keys]
    assert sorted(per_account)[0] == 1  # the single-threaded one, on purpose
    assert all(8 <= size <= 20 for size in sorted(per_account)[1:])
    assert not Contact.objects.filter(account=small, buying_role__gt="").exists()
    deepest = max(_depth(node) for account in keys for node in map_roots(account=account))
    assert deepest >= 3
    flags = coverage_portfolio().loc[[a.pk for a in keys]]
    for gap in ("single_threaded", "uncovered_decision_maker", "key_person_left", "silence"):
        assert flags[gap].any(), gap
    assert flags.quality.eq("green").any()
    assert set(Contact.objects.filter(account__in=keys).values_list("attitude", flat=True)) >= {
        "champion",
        "supporter",
        "neutral",
        "sceptic",
    }

    before = Contact.objects.count()
    seed_maps(users=users)
    assert Contact.objects.count() == before


def _depth(node) -> int:
    return 1 + max((_depth(child) for child in node.children), default=0)
