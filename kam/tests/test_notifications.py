"""In-app notifications and their e-mails: once per event and user, in the user's language, private."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils.translation import gettext as _

from kam.models import Notification
from kam.notifications import notifications_send

pytestmark = pytest.mark.django_db


def _send(users, key="run-1:account-7"):
    return notifications_send(
        users=users, kind="test", message_for=lambda user: _("Accounts"), url="/accounts/7/", dedupe_key=key
    )


def test_same_event_notifies_each_user_once(manager, sponsor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _send([manager, sponsor, manager, None])
    with django_capture_on_commit_callbacks(execute=True):
        again = _send([manager, sponsor])
    assert len(first) == 2
    assert again == []
    assert Notification.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([manager.email, sponsor.email])


def test_message_is_written_in_each_users_language(manager, sponsor, django_capture_on_commit_callbacks):
    sponsor.language = "fr"
    sponsor.save()
    with django_capture_on_commit_callbacks(execute=True):
        _send([manager, sponsor])
    messages = dict(Notification.objects.values_list("user__username", "message"))
    assert messages[manager.username] == "Accounts"
    assert messages[sponsor.username] == "Comptes"


def test_user_who_chose_in_app_only_gets_no_email(manager, django_capture_on_commit_callbacks):
    manager.email_notifications = False
    manager.save()
    with django_capture_on_commit_callbacks(execute=True):
        _send([manager])
    assert Notification.objects.filter(user=manager).exists()
    assert mail.outbox == []


def test_user_reads_and_marks_only_their_own_notifications(client, manager, sponsor):
    mine = _send([manager])[0]
    theirs = _send([sponsor])[0]
    client.force_login(manager)
    page = client.get("/notifications/").content.decode()
    assert "/accounts/7/" in page
    assert 'badge text-bg-danger">1' in page
    client.post("/notifications/read/", {"id": theirs.pk})
    client.post("/notifications/read/", {"id": mine.pk})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.is_read
    assert not theirs.is_read


def test_a_message_with_line_breaks_still_gets_its_email(manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notifications_send(
            users=[manager], kind="test", message_for=lambda user: "Sent back:\nredo the SWOT", dedupe_key="nl"
        )
    assert mail.outbox[0].subject == "KAM: Sent back: redo the SWOT"
    assert "redo the SWOT" in mail.outbox[0].body
    assert Notification.objects.get().emailed_at is not None


@pytest.mark.parametrize("posted", ["²", "١", "9" * 40, "0", "-1"])
def test_an_id_no_notification_can_have_marks_nothing_and_answers(client, manager, posted):
    mine = _send([manager])[0]
    client.force_login(manager)
    response = client.post("/notifications/read/", {"id": posted})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert not mine.is_read
