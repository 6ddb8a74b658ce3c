"""Site-wide error pages: the normal layout, plain words, a way back to the worklist."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db


def test_missing_page_shows_the_layout_and_a_link_back(client, manager, settings):
    settings.DEBUG = False
    client.force_login(manager)
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body
    assert 'href="#main"' in body and '<main id="main"' in body
    assert "Back to your worklist" in body


def test_forbidden_page_shows_the_layout_and_a_link_back(client, contributor, settings):
    from accounts.models import Account

    settings.DEBUG = False
    account = Account.objects.create(name="Locked Ltd")
    client.force_login(contributor)
    response = client.get(f"/plans/reviews/new/{account.pk}/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "You cannot do this" in body
    assert 'href="#main"' in body and '<main id="main"' in body
    assert "Back to your worklist" in body


def test_server_error_page_renders_without_a_request():
    body = render_to_string("500.html")
    assert "Something went wrong" in body and 'href="/"' in body and "kam.css" in body
