"""Mails of shared plans, from the worker: the personal link, the one-time code."""

from __future__ import annotations

from celery import shared_task

from sharing.services import code_send, invitation_link_send


@shared_task(acks_late=True)
def invitation_send_task(invitation_id: int) -> bool:
    return invitation_link_send(invitation_id=invitation_id)


@shared_task(acks_late=True)
def share_code_send_task(invitation_id: int) -> bool:
    return code_send(invitation_id=invitation_id)
