"""Sharing's tests read the e-mails a request sends at once: after-commit work runs immediately here.

The tests run inside one transaction that never commits, so the outbox's tasks (the link, the code)
and the notifications' e-mails would otherwise never leave.
"""

import pytest
from django.db import transaction


@pytest.fixture(autouse=True)
def _run_on_commit_at_once(monkeypatch):
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
