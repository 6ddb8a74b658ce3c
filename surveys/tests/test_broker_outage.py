"""A campaign sent while the broker is down is queued, then every invitation leaves exactly once when it is back.

Real services: PostgreSQL, a real worker, and a throwaway redis-server of the test's own that it stops and
starts (never the shared one).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import BuyingRole
from accounts.tests.factories import AccountFactory, ContactFactory
from conftest import require_service, start_celery_worker, use_broker
from kam.celery import app
from kam.models import OutboxMessage
from kam.outbox import outbox_message_publish, outbox_publish
from surveys.models import Campaign, Invitation
from surveys.services import campaign_create
from surveys.tests.factories import survey_defaults

pytestmark = pytest.mark.worker


class OwnRedis:
    """A redis-server on a free port, without persistence, that the test stops and starts."""

    def __init__(self, binary: str, directory) -> None:
        self.binary, self.directory = binary, directory
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                assert time.monotonic() < deadline, "the test's redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        require_service("redis-server", "the broker outage test starts and stops a redis-server of its own")
    redis = OwnRedis(binary, tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture
def mail_files(monkeypatch, tmp_path):
    """The worker writes its e-mails as files here, so the test counts what was really sent."""
    outbox = tmp_path / "mail"
    outbox.mkdir()
    monkeypatch.setenv("EMAIL_URL", f"filemail:///{outbox}")
    return outbox


def _sent_to(outbox) -> list[str]:
    return [
        line.removeprefix("To: ").strip()
        for path in outbox.iterdir()
        for line in path.read_text().splitlines()
        if line.startswith("To: ")
    ]


def test_a_campaign_sent_while_the_broker_is_down_mails_every_contact_once_when_it_is_back(
    transactional_db, client, manager, own_redis, mail_files, settings
):
    from django.db import connection

    if connection.vendor == "sqlite":
        require_service("PostgreSQL", "set DATABASE_URL: a worker cannot share an in-memory test database")
    account = AccountFactory(owner=manager, is_key=True)
    emails = [f"contact{i}@customer.test" for i in range(12)]
    for email in emails:
        ContactFactory(account=account, email=email, buying_role=BuyingRole.USER)
    campaign = campaign_create(
        by=manager, template=survey_defaults(), name="Autumn", closes_on=timezone.localdate().replace(year=2099),
        accounts=account.__class__.objects.filter(pk=account.pk),
    )  # fmt: skip
    queue = f"test-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue  # where the outbox publishes
    with use_broker(own_redis.url):
        worker = start_celery_worker(queue, CELERY_BROKER_URL=own_redis.url)
        app.conf.task_always_eager = False
        try:
            own_redis.stop()  # the broker goes down
            client.force_login(manager)
            started = time.monotonic()
            response = client.post(f"/surveys/{campaign.pk}/send/")
            # Celery's default publish retries would hold the page about 6 s on a dead broker.
            assert time.monotonic() - started < 2, "sending waited on the dead broker"
            assert response.status_code == 302
            page = client.get(response.url).content.decode()
            assert "Campaign queued: the invitations will be sent when the mail service is back." in page
            campaign.refresh_from_db()
            assert campaign.invitations_sent_at is None and not Invitation.objects.filter(sent_at__isnull=False)

            own_redis.start()  # the broker is back; the periodic job's next round publishes what waited
            assert outbox_publish(now=timezone.now() + timedelta(minutes=2)) == 1
            # A doubled delivery (two beats, a redelivery) mails nobody twice.
            outbox_message_publish(message=OutboxMessage.objects.get(key=campaign.outbox_key))
            deadline = time.monotonic() + 30
            while not OutboxMessage.objects.filter(key=campaign.outbox_key, done_at__isnull=False).exists():
                assert time.monotonic() < deadline, "the worker did not send the campaign within 30 s"
                time.sleep(0.3)
            extra = app.send_task("surveys.tasks.campaign_send_task", args=[campaign.pk], queue=queue)
            assert extra.get(timeout=30) == 0
        finally:
            app.conf.task_always_eager = True
            worker.terminate()
            worker.wait(timeout=20)
    assert Counter(_sent_to(mail_files)) == dict.fromkeys(emails, 1)
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign.invitations_sent_at is not None
    assert Invitation.objects.filter(campaign=campaign, sent_at__isnull=False).count() == len(emails)
    page = client.get(f"/surveys/{campaign.pk}/").content.decode()
    assert "Queued" not in page and "being sent" not in page
