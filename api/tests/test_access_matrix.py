"""Every operation of the schema, with a token of each role, on objects that role may not see or change.

The operations come from api/schema.yaml: a new operation fails `test_every_operation_is_classified` until
its rule is written in RULES below. Each refused call must answer 404 or 403 (or, for a list, leave the
hidden objects out) and write nothing.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ImportBatch
from accounts.tests.factories import AccountFactory, ContactFactory
from api.models import ApiToken
from kam.models import Notification
from kam.roles import Role
from kam.tests.factories import UserFactory
from plans.tests.factories import AccountPlanFactory, ActionFactory, ObjectiveFactory
from scoring.models import KeyOverride, SegmentationRun

SCHEMA = yaml.safe_load((Path(__file__).resolve().parent.parent / "schema.yaml").read_text())
OPERATIONS = sorted(
    (method, path)
    for path, ops in SCHEMA["paths"].items()
    for method in ops
    if method in {"get", "post", "put", "patch", "delete"}
)
ROLES = ["administrator", "manager", "sponsor", "contributor", "no_role"]
NOT_ADMIN = {"manager", "sponsor", "contributor", "no_role"}
EVERYONE = set(ROLES)

# (method, path) -> (roles refused with 403/404, roles whose list must leave the hidden objects out)
RULES: dict[tuple[str, str], tuple[set[str], set[str]]] = {
    ("get", "/api/v1/accounts/"): (set(), {"no_role"}),
    ("post", "/api/v1/accounts/"): ({"sponsor", "contributor", "no_role"}, set()),
    ("get", "/api/v1/accounts/{id}/"): ({"no_role"}, set()),
    ("patch", "/api/v1/accounts/{id}/"): (NOT_ADMIN, set()),
    ("get", "/api/v1/accounts/by-reference/{reference}/"): ({"no_role"}, set()),
    ("put", "/api/v1/accounts/by-reference/{reference}/"): (NOT_ADMIN, set()),
    ("get", "/api/v1/accounts/{id}/contacts/"): ({"no_role"}, set()),
    ("post", "/api/v1/accounts/{id}/contacts/"): (NOT_ADMIN, set()),
    ("get", "/api/v1/accounts/{id}/financials/"): ({"no_role"}, set()),
    ("put", "/api/v1/accounts/{id}/financials/"): (NOT_ADMIN, set()),
    ("get", "/api/v1/accounts/{id}/interactions/"): ({"no_role"}, set()),
    ("post", "/api/v1/accounts/{id}/interactions/"): ({"no_role"}, set()),
    ("get", "/api/v1/accounts/{id}/score/"): ({"no_role"}, set()),
    ("get", "/api/v1/accounts/{id}/survey-results/"): ({"no_role"}, set()),
    ("get", "/api/v1/contacts/{id}/"): ({"no_role"}, set()),
    ("patch", "/api/v1/contacts/{id}/"): (NOT_ADMIN, set()),
    ("get", "/api/v1/segmentation-runs/"): ({"no_role"}, set()),
    ("post", "/api/v1/segmentation-runs/"): (NOT_ADMIN, set()),
    ("get", "/api/v1/segmentation-runs/{id}/"): ({"no_role"}, set()),
    ("get", "/api/v1/overrides/"): (set(), {"no_role"}),
    ("get", "/api/v1/plans/"): (set(), {"no_role"}),
    ("get", "/api/v1/plans/{id}/"): ({"no_role"}, set()),
    ("patch", "/api/v1/actions/{id}/"): (NOT_ADMIN, set()),
    ("get", "/api/v1/reviews/due/"): (set(), {"no_role"}),
    ("get", "/api/v1/notifications/"): (set(), EVERYONE),
    ("post", "/api/v1/notifications/{id}/read/"): (EVERYONE, set()),
    ("post", "/api/v1/imports/"): ({"sponsor", "contributor", "no_role"}, set()),
    ("get", "/api/v1/imports/{id}/"): (EVERYONE, set()),
}

BODIES = {
    "/api/v1/accounts/": {"name": "Hijacked"},
    "/api/v1/accounts/{id}/": {"name": "Hijacked"},
    "/api/v1/accounts/by-reference/{reference}/": {"name": "Hijacked"},
    "/api/v1/accounts/{id}/contacts/": {"name": "Mallory"},
    "/api/v1/contacts/{id}/": {"name": "Mallory"},
    "/api/v1/accounts/{id}/financials/": {"year": 2025, "revenue": "1"},
    "/api/v1/accounts/{id}/interactions/": {"kind": "call", "occurred_on": "2026-01-02", "summary": "x"},
    "/api/v1/actions/{id}/": {"status": "done"},
}

# Rows that may change on a refused call: the token's own last use, the throttle, sessions.
NOT_COMPARED = {"api.apitoken", "sessions.session"}


def test_every_operation_is_classified():
    assert set(OPERATIONS) == set(RULES), "classify each new API operation in RULES"


def _token_for(user) -> str:
    """A token for any user, even one without a role (token_create refuses those): a role may be taken later."""
    token = f"kam_{user.pk:08x}_secret-of-{user.username}"
    ApiToken.objects.create(
        user=user,
        name="matrix",
        scope="write",
        prefix=f"{user.pk:08x}",
        secret_hash=hashlib.sha256(token.encode()).hexdigest(),
        expires_at=timezone.now() + timedelta(days=1),
    )
    return token


def _fingerprint() -> dict[str, list]:
    return {
        model._meta.label_lower: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.app_label in {"kam", "accounts", "scoring", "plans", "surveys", "api", "webhooks"}
        and model._meta.label_lower not in NOT_COMPARED
    }


@pytest.fixture
def world(db):
    owner = UserFactory(username="matrix-owner", role=Role.KEY_ACCOUNT_MANAGER)
    their_sponsor = UserFactory(username="matrix-their-sponsor", role=Role.EXECUTIVE_SPONSOR)
    users = {
        "administrator": UserFactory(username="matrix-admin", role=Role.ADMINISTRATOR),
        "manager": UserFactory(username="matrix-manager", role=Role.KEY_ACCOUNT_MANAGER),
        "sponsor": UserFactory(username="matrix-sponsor", role=Role.EXECUTIVE_SPONSOR),
        "contributor": UserFactory(username="matrix-contributor", role=Role.CONTRIBUTOR),
        "no_role": UserFactory(username="matrix-nobody"),
    }
    account = AccountFactory(name="Secret SA", reference="SECRET-1", owner=owner, executive_sponsor=their_sponsor)
    contact = ContactFactory(account=account, name="Hidden Person")
    plan = AccountPlanFactory(account=account)
    ObjectiveFactory(plan=plan)
    action = ActionFactory(plan=plan, owner=owner)
    KeyOverride.objects.create(
        account=account,
        decision="key",
        reason="r",
        expires_on=timezone.localdate() + timedelta(days=30),
        proposed_by=owner,
    )
    run = SegmentationRun.objects.create(status="done", requested_by=owner)
    notification = Notification.objects.create(user=owner, kind="x", message="private", dedupe_key="matrix")
    batch = ImportBatch.objects.create(created_by=owner, kind="accounts", filename="a.csv", data=b"name\nA\n")
    ids = {
        "{id}": None,
        "accounts": account.pk,
        "contacts": contact.pk,
        "plans": plan.pk,
        "actions": action.pk,
        "segmentation-runs": run.pk,
        "notifications": notification.pk,
        "imports": batch.pk,
    }
    return {"users": users, "tokens": {role: _token_for(user) for role, user in users.items()}, "ids": ids,
            "hidden": {account.pk, contact.pk, plan.pk, notification.pk}}  # fmt: skip


def _url(path: str, ids: dict) -> str:
    resource = path.split("/")[3]
    return path.replace("{reference}", "SECRET-1").replace("{id}", str(ids.get(resource)))


def _refused_cases() -> list[tuple[str, str, str]]:
    """Each (role, method, path) the rules say is refused or filtered; an operation allowed to a role has
    nothing to prove here (its own tests cover what it does). An operation missing from RULES fails below."""
    cases = []
    for method, path in OPERATIONS:
        refused, filtered = RULES.get((method, path), ({"*"}, set()))
        cases += [(role, method, path) for role in ROLES if role in refused or role in filtered or "*" in refused]
    return cases


@pytest.mark.parametrize(("role", "method", "path"), _refused_cases())
def test_refused_operations_answer_404_or_403_and_write_nothing(world, role, method, path):
    refused, _filtered = RULES[(method, path)]  # a new operation fails here until its rule is written down
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {world['tokens'][role]}")
    url = _url(path, world["ids"])
    before = _fingerprint()
    if path == "/api/v1/imports/":
        upload = SimpleUploadedFile("accounts.csv", b"Name,Reference\nIntruder,INT-1\n", content_type="text/csv")
        response = client.post(url, {"file": upload, "kind": "accounts"}, format="multipart")
    else:
        response = getattr(client, method)(url, BODIES.get(path, {}), format="json")
    if role in refused:
        assert response.status_code in (403, 404), (response.status_code, response.content[:300])
        assert "detail" in response.json()
    else:
        assert response.status_code == 200
        body = response.json()
        rows = body["results"] if isinstance(body, dict) else body
        assert not rows, rows
    assert _fingerprint() == before
