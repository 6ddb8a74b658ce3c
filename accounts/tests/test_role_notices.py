"""Whoever is given an account to run or to sponsor is told, once: its reviews and plan are now theirs."""

from __future__ import annotations

import pytest
from django.utils import translation

from accounts.tests.factories import AccountFactory
from kam.models import Notification

pytestmark = pytest.mark.django_db


def test_a_new_service_manager_and_sponsor_are_told_once(client, admin_user, manager, contributor, sponsor):
    account = AccountFactory(name="Acme Industries", owner=manager)
    client.force_login(admin_user)
    data = {
        "name": "Acme Industries",
        "lifecycle": "customer",
        "owner": manager.pk,
        "service_manager": contributor.pk,
        "executive_sponsor": sponsor.pk,
    }
    assert client.post(f"/accounts/{account.pk}/edit/", data).status_code == 302
    assert client.post(f"/accounts/{account.pk}/edit/", data).status_code == 302  # saved again: no news
    helper = Notification.objects.get(user=contributor, kind="account_role")
    assert Notification.objects.filter(user=sponsor, kind="account_role").count() == 1
    assert not Notification.objects.filter(user=manager).exists()  # he kept his role: nothing new
    with translation.override("en"):
        assert helper.text == f"{admin_user} made you service manager of Acme Industries."
    assert helper.url == f"/accounts/{account.pk}/"
