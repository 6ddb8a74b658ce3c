"""Property-based test of every operation of the API's schema (schemathesis + hypothesis), in process, on the
configured database (PostgreSQL in CI): no 500, and every documented answer matches the schema.

An administrator's read-and-write token drives it, so the writes go as deep as the rules allow.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from accounts.tests.factories import AccountFactory, ContactFactory
from api.tokens import token_create
from kam.roles import Role
from kam.tests.factories import UserFactory
from plans.tests.factories import AccountPlanFactory, ActionFactory

SCHEMA = schemathesis.openapi.from_path(Path(__file__).resolve().parent.parent / "schema.yaml")
APP = get_wsgi_application()
# Beyond schemathesis's coverage cases (boundaries, wrong types), this many random examples per operation: about
# 100 s for the 28 operations on PostgreSQL on a busy 2-core machine.
EXAMPLES = 5
SPENT: dict = {}


@pytest.fixture
def keep_connection():
    """As Django's test client does: the request must not close the test's connection (and its transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # thousands of expected 4xx warnings otherwise; a 500 is still logged
    yield
    quiet.setLevel(level)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(db, keep_connection) -> str:
    admin = UserFactory(username="fuzz-admin", role=Role.ADMINISTRATOR)
    account = AccountFactory(name="Fuzz SA", reference="FUZZ-1", owner=admin)
    ContactFactory(account=account)
    ActionFactory(plan=AccountPlanFactory(account=account), owner=admin)
    _row, token = token_create(user=admin, name="fuzz", scope="write")
    return token


@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_fails_or_breaks_its_schema(case, admin_token):
    start = time.monotonic()
    response = case.call(app=APP, headers={"Authorization": f"Bearer {admin_token}"})
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance, content_type_conformance])
    SPENT[f"{case.method} {case.path}"] = SPENT.get(f"{case.method} {case.path}", 0) + time.monotonic() - start


def teardown_module():
    for key, value in sorted(SPENT.items(), key=lambda kv: -kv[1])[:8]:
        print(f"{value:6.2f}s {key}")
