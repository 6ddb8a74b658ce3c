"""Import housekeeping: a large file is applied by a worker with its progress shown; unapplied uploads expire."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.importing.batches import import_batch_apply, import_batch_queue
from accounts.models import Account, ImportBatch, ImportStatus
from accounts.tasks import import_apply_task, import_uploads_expire_task
from kam.models import OutboxMessage
from kam.schedules import DEFAULT_SCHEDULES

pytestmark = pytest.mark.django_db

EXPIRED = "This upload has expired: upload the file again."


def _csv(rows: int, *, bad_line: bool = False) -> bytes:
    lines = [f"R{i},Company {i},France,{i * 100}" for i in range(rows)]
    if bad_line:
        lines.append("R-bad,Bad Co,France,abc")
    return ("Reference,Name,Country,Potential\n" + "\n".join(lines) + "\n").encode()


def _previewed_batch(client, rows: int) -> ImportBatch:
    """A batch through the wizard up to the preview, as its uploader (the client's user) leaves it."""
    response = client.post("/accounts/import/", {"file": SimpleUploadedFile("big.csv", _csv(rows)), "kind": "accounts"})
    client.post(
        response.url, {"column_0": "reference", "column_1": "name", "column_2": "country", "column_3": "potential"}
    )
    return ImportBatch.objects.get()


def _batch(user, *, rows: int = 3, bad_line: bool = False, **fields) -> ImportBatch:
    fields.setdefault("data", _csv(rows, bad_line=bad_line))
    return ImportBatch.objects.create(
        created_by=user,
        kind="accounts",
        filename="accounts.csv",
        mapping={"Reference": "reference", "Name": "name", "Country": "country", "Potential": "potential"},
        **fields,
    )


def test_a_large_import_is_applied_by_the_worker_not_in_the_request(
    client, manager, settings, django_capture_on_commit_callbacks
):
    settings.KAM_IMPORT_SYNC_ROWS = 10
    client.force_login(manager)
    batch = _previewed_batch(client, rows=12)
    result_url = f"/accounts/import/{batch.pk}/result/"
    with django_capture_on_commit_callbacks() as published_after_commit:
        response = client.post(f"/accounts/import/{batch.pk}/preview/")
    assert response.url == result_url
    assert not Account.objects.exists()  # nothing written within the request
    batch.refresh_from_db()
    assert batch.status == ImportStatus.QUEUED
    assert OutboxMessage.objects.get().task_name == "accounts.tasks.import_apply_task"
    body = client.get(result_url).content.decode()
    assert "Queued: the import is applied in the background" in body
    assert 'hx-trigger="every 2s"' in body
    assert client.get(f"/accounts/import/{batch.pk}/preview/").url == result_url  # no second apply from the wizard

    for publish in published_after_commit:  # the commit publishes it; tasks run eagerly in tests
        publish()

    assert Account.objects.count() == 12
    polled = client.get(result_url, headers={"HX-Request": "true"})
    assert polled.headers["HX-Redirect"] == result_url
    body = client.get(result_url).content.decode()
    assert "big.csv imported" in body
    assert "12 accounts created, 0 updated, 0 unchanged" in body
    batch.refresh_from_db()
    assert (batch.status, bytes(batch.data)) == (ImportStatus.APPLIED, b"")


def test_a_small_import_is_still_applied_within_the_request(client, manager, settings):
    settings.KAM_IMPORT_SYNC_ROWS = 10
    client.force_login(manager)
    batch = _previewed_batch(client, rows=10)
    response = client.post(f"/accounts/import/{batch.pk}/preview/")
    assert response.url == f"/accounts/import/{batch.pk}/result/"
    assert Account.objects.count() == 10
    assert not OutboxMessage.objects.exists()


def test_the_result_page_shows_rows_written_while_a_worker_applies(client, manager, other_manager):
    batch = _batch(manager, status=ImportStatus.APPLYING, progress_done=4000, progress_total=12000)
    client.force_login(manager)
    fragment = client.get(f"/accounts/import/{batch.pk}/result/", headers={"HX-Request": "true"}).content.decode()
    assert "Applying… 4,000 of 12,000 rows written." in fragment
    assert 'hx-trigger="every 2s"' in fragment
    assert "<html" not in fragment  # only the polled fragment
    client.force_login(other_manager)
    assert client.get(f"/accounts/import/{batch.pk}/result/").status_code == 404


def test_the_apply_reports_its_progress_in_chunks_up_to_every_row(manager):
    batch = _batch(manager, rows=1200)
    reported: list[tuple[int, int]] = []
    import_batch_apply(batch=batch, user=manager, progress=lambda done, total: reported.append((done, total)))
    assert reported[0] == (0, 1200)
    assert reported[-1] == (1200, 1200)
    assert len(reported) >= 3  # more than a start and an end: chunk by chunk
    assert [done for done, _total in reported] == sorted(done for done, _total in reported)


def test_a_redelivered_task_applies_the_batch_only_once(manager):
    batch = _batch(manager, rows=3)
    import_batch_queue(batch=batch)  # tasks run eagerly after commit; here, the test's transaction never commits
    assert import_apply_task.apply(args=[batch.pk]).get() == ImportStatus.APPLIED
    history = Account.history.count()
    assert import_apply_task.apply(args=[batch.pk]).get() is None
    assert Account.objects.count() == 3
    assert Account.history.count() == history


def test_a_batch_another_delivery_is_applying_is_left_to_it_unless_its_worker_died(manager):
    busy = _batch(manager, status=ImportStatus.APPLYING, applying_since=timezone.now())
    assert import_apply_task.apply(args=[busy.pk]).get() is None
    assert not Account.objects.exists()
    busy.applying_since = timezone.now() - timedelta(hours=1)  # past any task's time limit: its worker died
    busy.save()
    assert import_apply_task.apply(args=[busy.pk]).get() == ImportStatus.APPLIED
    assert Account.objects.count() == 3


def test_a_failed_background_import_writes_nothing_and_says_why(client, manager):
    batch = _batch(manager, rows=3, bad_line=True)
    import_batch_queue(batch=batch)
    assert import_apply_task.apply(args=[batch.pk]).get() == ImportStatus.FAILED
    assert not Account.objects.exists()
    client.force_login(manager)
    body = client.get(f"/accounts/import/{batch.pk}/result/").content.decode()
    assert "Nothing was imported: 1 row has a problem" in body
    assert "hx-trigger" not in body  # nothing left to wait for
    body = client.get(f"/accounts/import/{batch.pk}/preview/").content.decode()
    assert "Nothing was imported: 1 row has a problem" in body
    assert '<th scope="row">5</th>' in body  # the bad row, listed again


def test_expiry_drops_old_unapplied_uploads_and_keeps_applied_results(manager):
    old = timezone.now() - timedelta(hours=25)
    stale, failed, fresh = _batch(manager), _batch(manager, status=ImportStatus.FAILED), _batch(manager)
    applied = _batch(manager, status=ImportStatus.APPLIED, result={"created": 3, "updated": 0, "unchanged": 0})
    ImportBatch.objects.filter(pk__in=[stale.pk, failed.pk, applied.pk]).update(created_at=old)

    assert import_uploads_expire_task.apply().get() == 2

    for expired in (stale, failed):
        expired.refresh_from_db()
        assert (expired.status, bytes(expired.data)) == (ImportStatus.EXPIRED, b"")
    fresh.refresh_from_db()
    assert fresh.status == ImportStatus.UPLOADED
    assert bytes(fresh.data) == _csv(3)
    applied.refresh_from_db()
    assert (applied.status, applied.result["created"]) == (ImportStatus.APPLIED, 3)


def test_expiry_runs_hourly_by_default():
    schedule = next(s for s in DEFAULT_SCHEDULES if s.task == "accounts.tasks.import_uploads_expire_task")
    assert (schedule.hour, schedule.day_of_week, schedule.day_of_month) == ("*", "*", "*")
    assert schedule.minute.isdigit()


@pytest.mark.parametrize(
    ("method", "step"),
    [("get", "map"), ("post", "map"), ("get", "preview"), ("post", "preview"), ("get", "result")],
)
def test_the_wizard_on_an_expired_upload_says_to_upload_again(client, manager, method, step):
    batch = _batch(manager, status=ImportStatus.EXPIRED, data=b"")
    client.force_login(manager)
    response = getattr(client, method)(f"/accounts/import/{batch.pk}/{step}/", follow=True)
    assert response.status_code == 200
    assert EXPIRED in response.content.decode()
    assert response.redirect_chain[-1][0] == "/accounts/import/"
    assert not Account.objects.exists()


@pytest.mark.worker
def test_a_queued_import_is_applied_once_on_a_real_worker(celery_worker, manager):
    batch = _batch(manager, rows=20, status=ImportStatus.QUEUED)
    assert import_apply_task.apply_async((batch.pk,), queue=celery_worker).get(timeout=120) == ImportStatus.APPLIED
    assert Account.objects.count() == 20
    batch.refresh_from_db()
    assert (batch.status, batch.progress_done, batch.progress_total) == (ImportStatus.APPLIED, 20, 20)
    assert import_apply_task.apply_async((batch.pk,), queue=celery_worker).get(timeout=60) is None
    assert Account.objects.count() == 20
