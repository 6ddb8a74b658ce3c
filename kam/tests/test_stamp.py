"""HTML kept under the data stamp (kam.stamp.stamped_html): served again while nothing tracked changed, never after."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory
from django.utils import translation

from accounts.models import Account
from kam.models import Notification
from kam.stamp import CSRF_SLOT, stamped_html
from kam.tests.factories import UserFactory

# The stamp is only given outside a transaction that wrote (as a web request reads), so these tests commit.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]


class Renderer:
    """Counts its renders and shows what it read, as a page would."""

    def __init__(self) -> None:
        self.renders = 0

    def __call__(self, stamp: str | None) -> str:
        self.renders += 1
        names = ", ".join(Account.objects.order_by("name").values_list("name", flat=True))
        owners = ", ".join(str(account.owner) for account in Account.objects.select_related("owner").order_by("name"))
        return f"<p>{names}</p><p>{owners}</p><form>{CSRF_SLOT}</form>"


def _read(render: Renderer, about: str = "reader 1", request=None) -> str:
    return stamped_html(name="test", about=about, render=render, request=request)


def test_html_is_served_again_until_a_tracked_write_then_shows_it():
    owner = UserFactory(first_name="Ada", last_name="Lovelace")
    Account.objects.create(name="Alpha", owner=owner)
    render = Renderer()
    first = _read(render)
    assert _read(render) == first and render.renders == 1
    Account.objects.filter(name="Alpha").update(name="Alpha Renamed")  # a bulk update: no signal, no save()
    assert "Alpha Renamed" in _read(render) and render.renders == 2
    Notification.objects.create(user=owner, kind="test", message="Not tracked: pages read these live")
    _read(render)
    assert render.renders == 2


def test_a_user_renamed_is_shown_renamed():
    owner = UserFactory(first_name="Ada", last_name="Lovelace")
    Account.objects.create(name="Alpha", owner=owner)
    render = Renderer()
    assert "Lovelace" in _read(render)
    owner.last_name = "King"
    owner.save()
    assert "King" in _read(render) and "Lovelace" not in _read(render)


def test_readers_and_languages_are_kept_apart():
    Account.objects.create(name="Alpha")
    render = Renderer()
    _read(render, about="reader 1")
    _read(render, about="reader 2")
    assert render.renders == 2
    with translation.override("fr"):
        _read(render, about="reader 1")
    assert render.renders == 3
    with translation.override("en"):
        _read(render, about="reader 1")
    assert render.renders == 3


def test_no_csrf_token_is_cached_and_each_request_gets_its_own():
    Account.objects.create(name="Alpha")
    factory = RequestFactory()
    render = Renderer()
    tokens = []
    for _ in range(2):
        request = factory.get("/")
        html = _read(render, request=request)
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1))
    # Rendered once, served twice, each time with the request's own token: the token was put in after the read.
    assert render.renders == 1 and tokens[0] != tokens[1]
    assert str(CSRF_SLOT) not in _read(render, request=factory.get("/"))
