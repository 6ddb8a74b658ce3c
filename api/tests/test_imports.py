from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Account, ImportBatch

pytestmark = pytest.mark.django_db


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("accounts.csv", text.encode(), content_type="text/csv")


def test_a_file_of_accounts_becomes_a_job_applied_by_the_wizards_engine(
    api_as, manager, django_capture_on_commit_callbacks
):
    client = api_as(manager)
    upload = {"file": _csv("Name,Reference\nAcme,A-1\nBeta,B-1\n"), "kind": "accounts"}
    with django_capture_on_commit_callbacks(execute=True):  # the outbox publishes after commit (eager here)
        response = client.post("/api/v1/imports/", upload, format="multipart")
    assert response.status_code == 202, response.json()
    status_url = response["Location"]
    job = client.get(status_url).json()
    assert job["status"] == "applied"
    assert job["report"]["created"] == 2
    assert set(Account.objects.values_list("reference", flat=True)) == {"A-1", "B-1"}


def test_a_file_with_a_bad_row_reports_every_error_and_writes_nothing(api_as, manager):
    client = api_as(manager)
    text = "Name,Reference,Employees\nAcme,A-1,12\nBeta,B-1,lots\n"
    response = client.post("/api/v1/imports/", {"file": _csv(text), "kind": "accounts"}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Nothing was imported: the file has errors."
    assert [row["line"] for row in body["rows"]] == [3]
    assert not Account.objects.exists() and not ImportBatch.objects.exists()


def test_another_users_job_is_not_found(api_as, manager, other_manager):
    batch = ImportBatch.objects.create(created_by=other_manager, kind="accounts", filename="a.csv", data=b"")
    assert api_as(manager).get(f"/api/v1/imports/{batch.pk}/").status_code == 404
