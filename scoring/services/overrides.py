"""Key-account overrides: a manager proposes, an administrator or the account's sponsor decides."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from kam.events import event_emit
from kam.models import Notification, User
from kam.notifications import notifications_send
from kam.roles import Role
from kam.texts import text_ref
from scoring import texts
from scoring.models import KeyOverride, OverrideDecision, OverrideStatus

# Beyond two years an override stops being an exception and should become a criterion.
LONGEST_OVERRIDE = timedelta(days=2 * 366)


class OverrideRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _check_expiry(expires_on: date) -> None:
    today = timezone.localdate()
    if expires_on <= today:
        raise OverrideRefused(_("The end date must be in the future."))
    if expires_on > today + LONGEST_OVERRIDE:
        raise OverrideRefused(_("An override lasts two years at most; the scores must decide again after that."))


def override_propose(*, account: Account, decision: str, reason: str, expires_on: date, by: User) -> KeyOverride:
    """Record a proposal and tell those who can decide on it."""
    if not reason.strip():
        raise OverrideRefused(_("Say why: the reason is shown to whoever decides and in the explanation."))
    if decision == OverrideDecision.INCLUDE and account.is_key:
        raise OverrideRefused(_("This account is already a key account."))
    if decision == OverrideDecision.EXCLUDE and not account.is_key:
        raise OverrideRefused(_("This account is not a key account."))
    _check_expiry(expires_on)
    try:
        with transaction.atomic():
            override = KeyOverride.objects.create(
                account=account, decision=decision, reason=reason.strip(), expires_on=expires_on, proposed_by=by
            )
    except IntegrityError as error:
        raise OverrideRefused(_("A proposal for this account is already awaiting a decision.")) from error
    deciders = [account.executive_sponsor] if account.executive_sponsor else []
    deciders += list(User.objects.filter(groups__name=Role.ADMINISTRATOR.value, is_active=True))
    interested = {by.pk, account.owner_id, account.service_manager_id}  # they may not decide (decidable_by)
    notifications_send(
        users=[user for user in deciders if user.pk not in interested],
        kind="override_proposed",
        message_for=lambda user: text_ref(
            texts.OVERRIDE_PROPOSED,
            user=by,
            decision=text_ref(f"scoring.decision.{override.decision}"),
            account=account.name,
        ),
        url=reverse("scoring:overrides"),
        dedupe_key=f"override-{override.pk}-proposed",
    )
    return override


def override_decide(
    *, override: KeyOverride, approve: bool, by: User, comment: str = "", expires_on: date | None = None
) -> KeyOverride:
    """Approve (it applies from the next run, until its end date) or reject; the proposer is told."""
    if override.status != OverrideStatus.PROPOSED:
        raise OverrideRefused(_("This proposal has already been decided."))
    if not KeyOverride.objects.decidable_by(by).filter(pk=override.pk).exists():
        raise OverrideRefused(
            _("You proposed this or run this account: another sponsor or an administrator decides on it.")
        )
    if not approve and not comment.strip():
        raise OverrideRefused(_("Say why you reject it: the manager will read it."))
    if approve and expires_on is not None:
        _check_expiry(expires_on)
        override.expires_on = expires_on
    with transaction.atomic():
        if approve:
            # A newer decision replaces any override still in force on the account.
            KeyOverride.objects.in_force().filter(account=override.account_id).update(
                expires_on=timezone.localdate() - timedelta(days=1)
            )
        override.status = OverrideStatus.APPROVED if approve else OverrideStatus.REJECTED
        override.decided_by = by
        override.decided_at = timezone.now()
        override.decision_comment = comment.strip()
        override.save()
        event_emit(
            event="override.decided",
            payload={
                "override": override.pk,
                "account": override.account_id,
                "decision": override.decision,
                "status": override.status,
                "expires_on": override.expires_on.isoformat(),
                "by": by.username,
            },
        )
    # The request for a decision is dealt with, for every decider, whoever decided.
    Notification.objects.filter(dedupe_key=f"override-{override.pk}-proposed", read_at=None).update(
        read_at=timezone.now()
    )
    account = override.account
    notifications_send(
        users=[override.proposed_by, account.owner],
        kind="override_decided",
        message_for=lambda user: (
            text_ref(texts.OVERRIDE_APPROVED, account=account.name)
            if approve
            else text_ref(texts.OVERRIDE_REJECTED, account=account.name, comment=override.decision_comment)
        ),
        url=account.get_absolute_url(),
        dedupe_key=f"override-{override.pk}-decided",
    )
    return override


def override_withdraw(*, override: KeyOverride, by: User) -> KeyOverride:
    if override.status != OverrideStatus.PROPOSED:
        raise OverrideRefused(_("Only a proposal awaiting a decision can be withdrawn."))
    override.status = OverrideStatus.WITHDRAWN
    override.decided_by = by
    override.decided_at = timezone.now()
    override.save(update_fields=["status", "decided_by", "decided_at"])
    return override
