"""Digests fire from a real Celery beat, run on a real worker, and e-mail each user once however often beat fires."""

from __future__ import annotations

import time
from email import message_from_string
from pathlib import Path

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from kam.models import DigestSent
from portfolio.tests.builders import portfolio_build

pytestmark = pytest.mark.worker


@pytest.fixture
def beat_with_mail_files(request, monkeypatch, tmp_path, transactional_db):
    """celery_beat whose worker writes e-mails to files (set before the worker starts: it copies the environment).

    transactional_db is named here so the user fixtures (db) commit too: the worker and beat must see them.
    """
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    monkeypatch.setenv("EMAIL_URL", f"filemail:///{mail_dir}")  # four slashes: an absolute path
    return request.getfixturevalue("celery_beat"), mail_dir


def _messages(mail_dir: Path) -> list:
    """Every e-mail the worker wrote (the file backend separates messages with a line of dashes)."""
    found = []
    for path in mail_dir.glob("*.log"):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                found.append(message_from_string(chunk.strip()))
    return found


def _task_errors() -> list[str]:
    from django_celery_results.models import TaskResult

    return [f"{r.task_name} {r.status} {r.result} {(r.traceback or '')[-500:]}" for r in TaskResult.objects.all()] + [
        str(d) for d in DigestSent.objects.all()
    ]


def _schedule(task: str, queue: str) -> None:
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name=f"test {task}", task=task, interval=every_second, queue=queue)


def test_beat_sends_each_user_one_daily_digest_and_one_sponsor_digest(beat_with_mail_files, manager, sponsor):
    queue, mail_dir = beat_with_mail_files
    portfolio_build(manager=manager, sponsor=sponsor)
    PeriodicTask.objects.update(enabled=False)  # only the test's schedules
    _schedule("kam.tasks.daily_digests_task", queue)
    _schedule("kam.tasks.sponsor_digests_task", queue)
    deadline = time.monotonic() + 60
    while DigestSent.objects.filter(emailed=True).count() < 3:
        assert time.monotonic() < deadline, f"the digests were not sent within 60 s: {_task_errors()}"
        time.sleep(0.5)
    time.sleep(4)  # beat keeps firing every second: nothing more may be sent
    messages = _messages(mail_dir)
    recipients = sorted(message["To"] for message in messages)
    assert recipients == sorted([manager.email, sponsor.email, sponsor.email])
    manager_mail = next(m for m in messages if m["To"] == manager.email)
    assert "Invite the CFO to the plant" in manager_mail.get_payload(decode=True).decode()
    subjects = {m["Subject"] for m in messages if m["To"] == sponsor.email}
    assert any("your accounts this week" in subject for subject in subjects)
    assert DigestSent.objects.count() == 3
