"""Role changes are audited: who gave or took a role, or switched an account off, and when."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from kam.models import RoleChange
from kam.roles import Role

pytestmark = pytest.mark.django_db


def _change_form(user, *, groups: list[Group], is_active: bool = True) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "groups": [group.pk for group in groups],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    if is_active:
        data["is_active"] = "on"
    return data


def test_a_role_change_in_the_admin_is_recorded_with_who_and_when(client, admin_user, manager):
    sponsor_group = Group.objects.get(name=Role.EXECUTIVE_SPONSOR)
    client.force_login(admin_user)
    RoleChange.objects.all().delete()  # what the fixtures' creation recorded

    response = client.post(
        reverse("admin:kam_user_change", args=[manager.pk]), _change_form(manager, groups=[sponsor_group])
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    changes = {(c.what, c.before, c.after, c.changed_by) for c in RoleChange.objects.filter(user=manager)}
    assert changes == {
        ("role", Role.KEY_ACCOUNT_MANAGER.value, "", admin_user),
        ("role", "", Role.EXECUTIVE_SPONSOR.value, admin_user),
    }
    assert all(c.changed_at is not None for c in RoleChange.objects.all())


def test_switching_an_account_off_is_recorded_and_listed_in_the_admin(client, admin_user, manager):
    client.force_login(admin_user)
    manager_group = Group.objects.get(name=Role.KEY_ACCOUNT_MANAGER)

    client.post(
        reverse("admin:kam_user_change", args=[manager.pk]),
        _change_form(manager, groups=[manager_group], is_active=False),
    )

    change = RoleChange.objects.get(user=manager, what="is_active")
    assert (change.before, change.after, change.changed_by) == ("True", "False", admin_user)
    listing = client.get(reverse("admin:kam_rolechange_changelist")).content.decode()
    assert "is_active" in listing and str(admin_user) in listing


def test_a_sign_in_records_no_role_change(client, manager):
    RoleChange.objects.all().delete()
    manager.set_password("a-long-passphrase-here")
    manager.save()
    response = client.post("/login/", {"username": manager.username, "password": "a-long-passphrase-here"})

    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.last_login is not None
    assert not RoleChange.objects.exists()
