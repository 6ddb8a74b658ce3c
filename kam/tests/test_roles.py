"""Roles are groups whose permissions follow kam.roles."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from kam.roles import Role, roles_sync

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


def test_contributor_reads_the_register_and_logs_interactions_only(contributor):
    assert contributor.has_perm("accounts.view_account")
    assert contributor.has_perm("accounts.add_interaction")
    assert not contributor.has_perm("accounts.change_account")
    assert not contributor.has_perm("accounts.delete_account")


def test_key_account_manager_edits_accounts_but_cannot_delete_them(manager):
    assert manager.has_perm("accounts.change_account")
    assert not manager.has_perm("accounts.delete_account")


def test_administrator_may_edit_periodic_schedules(admin_user):
    assert admin_user.has_perm("django_celery_beat.change_periodictask")


def test_sync_removes_a_permission_granted_by_hand():
    from django.contrib.auth.models import Permission

    group = Group.objects.get(name=Role.CONTRIBUTOR)
    group.permissions.add(Permission.objects.get(codename="delete_account"))
    roles_sync()
    assert not group.permissions.filter(codename="delete_account").exists()


def test_user_roles_are_labelled_for_display(sponsor):
    assert sponsor.role_labels == ["Executive sponsor"]
    assert sponsor.is_executive_sponsor and not sponsor.is_administrator
