"""API clients that hold a personal token of a given user and scope."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.tokens import token_create


def token_client(user, scope: str = "write") -> APIClient:
    _row, token = token_create(user=user, name=f"{user.username} {scope}", scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def api_as():
    return token_client
