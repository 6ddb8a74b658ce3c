"""The register's rulebook (accounts.access): the one answer to "may this user change this account?"."""

from __future__ import annotations

import pytest

from accounts.access import can_create_accounts, can_edit_account, can_log_interactions
from accounts.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin_user", True),
        ("manager", True),
        ("other_manager", False),
        ("sponsor", False),
        ("contributor", False),
        ("outsider", False),
    ],
)
def test_only_administrators_and_the_accounts_managers_may_edit_it(request, manager, role, allowed):
    account = AccountFactory(owner=manager)
    assert can_edit_account(request.getfixturevalue(role), account) is allowed


def test_the_service_manager_may_edit_the_account_too(manager, other_manager):
    assert can_edit_account(other_manager, AccountFactory(owner=manager, service_manager=other_manager))


@pytest.mark.parametrize("role", ["admin_user", "manager", "sponsor", "contributor"])
def test_every_role_logs_interactions_and_an_outsider_does_not(request, role, outsider):
    assert can_log_interactions(request.getfixturevalue(role))
    assert not can_log_interactions(outsider)


def test_administrators_and_managers_create_accounts(admin_user, manager, sponsor, contributor, outsider):
    assert can_create_accounts(admin_user) and can_create_accounts(manager)
    assert not any(can_create_accounts(user) for user in (sponsor, contributor, outsider))
