"""Roles are groups; what each may do is decided by the QuerySets and access.py, the groups only open /admin/."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from kam.roles import Role, roles_sync

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


@pytest.mark.parametrize("role", [Role.KEY_ACCOUNT_MANAGER, Role.EXECUTIVE_SPONSOR, Role.CONTRIBUTOR])
def test_only_administrators_hold_model_permissions(role):
    # A second rulebook could disagree with the QuerySets (a manager once held plan approval): there is none.
    assert not Group.objects.get(name=role).permissions.exists()


def test_key_account_manager_holds_no_plan_approval(manager):
    assert not manager.has_perm("plans.approve_accountplan")
    assert not manager.has_perm("accounts.delete_account")


def test_administrator_may_edit_periodic_schedules_and_approve_plans(admin_user):
    assert admin_user.has_perm("django_celery_beat.change_periodictask")
    assert admin_user.has_perm("plans.approve_accountplan")


def test_sync_removes_a_permission_granted_by_hand():
    group = Group.objects.get(name=Role.CONTRIBUTOR)
    group.permissions.add(Permission.objects.get(codename="delete_account"))
    roles_sync()
    assert not group.permissions.filter(codename="delete_account").exists()


def test_user_roles_are_labelled_for_display(sponsor):
    assert sponsor.role_labels == ["Executive sponsor"]
    assert sponsor.is_executive_sponsor and not sponsor.is_administrator


def test_has_any_role_names_the_roles_or_any_role(manager, sponsor, outsider):
    assert manager.has_any_role() and sponsor.has_any_role()
    assert not outsider.has_any_role()
    assert manager.has_any_role(Role.ADMINISTRATOR, Role.KEY_ACCOUNT_MANAGER)
    assert not sponsor.has_any_role(Role.ADMINISTRATOR, Role.KEY_ACCOUNT_MANAGER)
    manager.is_active = False
    assert not manager.has_any_role()
