"""Notify users of events, in the app and by e-mail, at most once per event and user."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from kam.mail_subjects import subject_line
from kam.models import Notification, User
from kam.texts import text_render


def notifications_send(
    *,
    users: Iterable[User | None],
    kind: str,
    message_for: Callable[[User], str | dict[str, Any]],
    url: str = "",
    dedupe_key: str,
    email: bool = True,
) -> list[Notification]:
    """Create one notification per user for an event; return only the new ones.

    `message_for(user)` returns a text reference (`kam.texts.text_ref`): stored as its id and
    parameters, it is written out in the language of whoever reads it, when they read it.
    It may also return plain text (kept as is), called in the user's language. A user
    already notified of `dedupe_key` is skipped, which makes a retried task harmless.
    E-mails go after commit, to users who want them.
    """
    created: list[Notification] = []
    seen: set[int] = set()
    for user in users:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        with translation.override(_language_of(user)):
            message = message_for(user)
            if isinstance(message, dict):
                key, params = message["key"], message.get("params", {})
                # The text as the recipient reads it today: the e-mail's, and the fallback if the id is retired.
                text = text_render(message, fallback=key)
            else:
                key, params, text = "", {}, str(message)
        try:
            with transaction.atomic():
                notification, is_new = Notification.objects.get_or_create(
                    user=user,
                    dedupe_key=dedupe_key[:200],
                    defaults={"kind": kind, "message": text, "message_key": key, "params": params, "url": url},
                )
        except IntegrityError:  # a concurrent task created it first
            continue
        if is_new:
            created.append(notification)
    if email:
        to_mail = [n.pk for n in created if n.user.email and n.user.email_notifications]
        if to_mail:
            transaction.on_commit(lambda: notifications_email(notification_ids=to_mail))
    return created


def notifications_email(*, notification_ids: list[int]) -> int:
    """Send the e-mail of each notification not yet e-mailed; safe to call twice."""
    sent = 0
    for notification in Notification.objects.filter(pk__in=notification_ids, emailed_at=None).select_related("user"):
        # Claim the row first, so two callers never both send it; release it if sending fails.
        if not Notification.objects.filter(pk=notification.pk, emailed_at=None).update(emailed_at=timezone.now()):
            continue
        link = f"{settings.SITE_URL}{notification.url}" if notification.url else settings.SITE_URL
        with translation.override(_language_of(notification.user)):
            text = notification.text
        try:
            send_mail(
                subject=subject_line(f"KAM: {text}"),
                message=f"{text}\n\n{link}\n",
                from_email=None,
                recipient_list=[notification.user.email],
            )
        except Exception:
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            raise
        sent += 1
    return sent


def _language_of(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE
