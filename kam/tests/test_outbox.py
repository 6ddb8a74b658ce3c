"""The outbox: work recorded with its transaction is published after commit, kept when the broker is down."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from kam.celery import app
from kam.models import OutboxMessage
from kam.outbox import outbox_enqueue, outbox_message_publish, outbox_publish, outbox_state

pytestmark = pytest.mark.django_db

TASK = "kam.tasks.healthcheck_task"


@pytest.fixture
def broker(monkeypatch):
    """A broker the test switches on and off; it records what it was handed."""
    state = {"up": True, "sent": []}

    def send_task(name, args=None, kwargs=None, task_id=None, **options):
        if not state["up"]:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")
        state["sent"].append((name, args, task_id))

    monkeypatch.setattr(app, "send_task", send_task)
    app.conf.task_always_eager = False
    try:
        yield state
    finally:
        app.conf.task_always_eager = True


def test_work_is_published_only_once_its_transaction_commits(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_enqueue(task=TASK, args=[1], key="demo:1")
        assert broker["sent"] == []
    assert broker["sent"] == [(TASK, [1], str(message.message_id))]
    assert outbox_state(key="demo:1") == "published"


def test_work_of_a_rolled_back_transaction_is_neither_kept_nor_published(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(task=TASK, key="demo:1")
        raise RuntimeError
    assert broker["sent"] == [] and not OutboxMessage.objects.exists()


def test_work_enqueued_while_the_broker_is_down_is_published_once_when_it_is_back(
    broker, django_capture_on_commit_callbacks
):
    broker["up"] = False
    with django_capture_on_commit_callbacks(execute=True):
        outbox_enqueue(task=TASK, args=[7], key="demo:7")
    message = OutboxMessage.objects.get()
    assert message.state == "waiting" and message.attempts == 1 and "Connection refused" in message.last_error
    broker["up"] = True
    later = timezone.now() + timedelta(minutes=2)
    assert outbox_publish(now=later) == 1
    assert outbox_publish(now=later + timedelta(minutes=1)) == 0  # published: not again
    assert [name for name, *_ in broker["sent"]] == [TASK]
    assert OutboxMessage.objects.get().last_error == ""


def test_a_failed_publish_waits_before_the_next_attempt(broker, django_capture_on_commit_callbacks):
    broker["up"] = False
    with django_capture_on_commit_callbacks(execute=True):
        outbox_enqueue(task=TASK)
    broker["up"] = True
    assert outbox_publish(now=timezone.now()) == 0
    assert outbox_publish(now=timezone.now() + timedelta(minutes=1, seconds=5)) == 1


def test_a_message_published_but_never_done_is_published_again(broker, settings):
    settings.OUTBOX_REDELIVER_AFTER = 600
    message = OutboxMessage.objects.create(task_name=TASK)
    assert outbox_message_publish(message=message)
    assert outbox_publish(now=timezone.now() + timedelta(minutes=5)) == 0
    assert outbox_publish(now=timezone.now() + timedelta(minutes=11)) == 1
    assert len(broker["sent"]) == 2 and broker["sent"][0][2] == broker["sent"][1][2]  # same task id


def test_a_task_that_ran_marks_its_message_done_and_it_is_never_published_again(settings):
    message = OutboxMessage.objects.create(task_name=TASK, key="demo:done")
    assert outbox_message_publish(message=message)  # no broker: runs here, as a worker would
    assert outbox_state(key="demo:done") == "done"
    assert outbox_publish(now=timezone.now() + timedelta(days=1)) == 0


def test_an_unknown_task_stays_waiting_with_its_error():
    message = OutboxMessage.objects.create(task_name="nowhere.tasks.missing")
    assert not outbox_message_publish(message=message)
    message.refresh_from_db()
    assert message.state == "waiting" and "nowhere.tasks.missing" in message.last_error


def test_the_periodic_job_leaves_a_fresh_message_to_its_commits_publish(broker):
    outbox_enqueue(task=TASK)  # the test's transaction never commits: as if the web process died right after
    assert outbox_publish(now=timezone.now()) == 0
    assert outbox_publish(now=timezone.now() + timedelta(minutes=1)) == 1


def test_done_messages_are_pruned_after_30_days_and_waiting_ones_never(broker):
    from kam.outbox import outbox_prune

    now = timezone.now()
    OutboxMessage.objects.create(task_name=TASK, key="old", done_at=now - timedelta(days=31))
    OutboxMessage.objects.create(task_name=TASK, key="recent", done_at=now - timedelta(days=29))
    OutboxMessage.objects.create(task_name=TASK, key="waiting")
    assert outbox_prune(now=now) == 1
    assert set(OutboxMessage.objects.values_list("key", flat=True)) == {"recent", "waiting"}


def test_the_periodic_job_publishes_what_waits(broker, django_capture_on_commit_callbacks):
    from kam.tasks import outbox_publish_task

    broker["up"] = False
    with django_capture_on_commit_callbacks(execute=True):
        outbox_enqueue(task=TASK, key="demo:periodic")
    broker["up"] = True
    OutboxMessage.objects.update(available_at=timezone.now())
    assert outbox_publish_task() == 1
    assert outbox_state(key="demo:periodic") == "published"
