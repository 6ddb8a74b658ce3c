"""Reminder digests: one message per user and period, never one per item, never twice.

A `DigestSent` row is claimed (unique per user, kind and period) before anything is sent, so a retried or
doubled task finds the claim and sends nothing. Users who turned e-mails off get the in-app notification only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Account
from health.reports import slipping_accounts
from kam.mail_subjects import subject_line
from kam.models import DigestKind, DigestSent, Notification, User
from kam.notifications import notifications_send
from kam.roles import Role
from kam.texts import text_ref
from plans.models import IN_FORCE, AccountPlan, Action, Checkpoint, PlanStatus
from portfolio import texts
from portfolio.worklist import CAP, OPEN_ACTIONS, key_changes, reviews_due_for, worklist_for


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def digest_recipients(*, kind: str) -> QuerySet[User]:
    users = User.objects.filter(is_active=True)
    if kind == DigestKind.SPONSOR_WEEKLY:
        return users.filter(groups__name=Role.EXECUTIVE_SPONSOR).distinct()
    return users.filter(groups__name__in=[role.value for role in Role]).distinct()


def _claim(*, user: User, kind: str, period: str, items: int) -> DigestSent | None:
    try:
        with transaction.atomic():
            return DigestSent.objects.create(user=user, kind=kind, period=period, items=items)
    except IntegrityError:  # already sent (or being sent) for this period
        return None


def _deliver(
    *, claim: DigestSent, user: User, subject: str, template: str, context: dict, summary: str | dict
) -> DigestSent:
    """The in-app notification, then the e-mail if the user wants e-mails; a failed e-mail frees the claim."""
    notifications_send(
        users=[user],
        kind=f"digest_{claim.kind}",
        message_for=lambda _user: summary,
        url="/",
        dedupe_key=f"digest-{claim.kind}-{claim.period}",
        email=False,
    )
    if user.email and user.email_notifications:
        body = render_to_string(template, {**context, "user": user, "site_url": settings.SITE_URL})
        try:
            send_mail(subject=subject_line(subject), message=body, from_email=None, recipient_list=[user.email])
        except Exception:
            claim.delete()  # let the retry send it
            Notification.objects.filter(user=user, dedupe_key=f"digest-{claim.kind}-{claim.period}").delete()
            raise
        claim.emailed = True
        claim.save(update_fields=["emailed"])
    return claim


def digest_daily_send(*, user: User, today: date) -> DigestSent | None:
    """Everything overdue or due within 7 days for this user, in one message; nothing when nothing is due."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        worklist = worklist_for(user=user, today=today)
        if not worklist.due_count:
            return None
        claim = _claim(user=user, kind=DigestKind.DAILY, period=today.isoformat(), items=worklist.due_count)
        if claim is None:
            return None
        summary = text_ref(texts.DAILY_DIGEST, count=worklist.due_count)
        return _deliver(
            claim=claim,
            user=user,
            subject=_("KAM: %(count)s things to do this week") % {"count": worklist.due_count},
            template="portfolio/email/daily_digest.txt",
            context={"worklist": worklist},
            summary=summary,
        )


@dataclass
class SponsorDigest:
    accounts: int
    changes: list = field(default_factory=list)
    alerts: list = field(default_factory=list)
    overdue_reviews: list = field(default_factory=list)
    overdue_actions: list = field(default_factory=list)
    overdue_checkpoints: list = field(default_factory=list)
    plans_to_approve: list = field(default_factory=list)
    slipping: list = field(default_factory=list)  # health.reports: largest health drops

    @property
    def count(self) -> int:
        return sum(
            len(items)
            for items in (
                self.changes,
                self.alerts,
                self.overdue_reviews,
                self.overdue_actions,
                self.overdue_checkpoints,
                self.plans_to_approve,
                self.slipping,
            )
        )


def sponsor_digest_for(*, user: User, today: date) -> SponsorDigest:
    """The week of a sponsor's accounts: changes, alerts and what is overdue."""
    sponsored = Account.objects.visible_to(user).filter(executive_sponsor=user)
    week_ago = today - timedelta(days=7)
    actions = Action.objects.filter(
        Q(plan__account__in=sponsored) | Q(review__account__in=sponsored), status__in=OPEN_ACTIONS, due_on__lt=today
    )
    checkpoints = Checkpoint.objects.filter(
        objective__plan__account__in=sponsored, objective__plan__status__in=IN_FORCE, actual=None, due_on__lt=today
    )
    return SponsorDigest(
        accounts=sponsored.count(),
        changes=key_changes(sponsored, since=week_ago),
        alerts=list(Notification.objects.filter(user=user, kind="survey_alert", created_at__date__gte=week_ago)[:CAP]),
        overdue_reviews=[
            due
            for due in reviews_due_for(sponsored.select_related("owner"), today=today, within_days=0)
            if due.days_overdue > 0
        ],
        overdue_actions=list(
            actions.select_related("plan__account", "review__account", "owner").order_by("due_on", "pk")[:CAP]
        ),
        overdue_checkpoints=list(checkpoints.select_related("objective__plan__account").order_by("due_on", "pk")[:CAP]),
        plans_to_approve=list(
            AccountPlan.objects.filter(account__in=sponsored, status=PlanStatus.SUBMITTED).select_related("account")[
                :CAP
            ]
        ),
        slipping=slipping_accounts(accounts=sponsored, today=today),
    )


def digest_sponsor_send(*, user: User, today: date) -> DigestSent | None:
    """The executive sponsor's weekly digest of their accounts; nothing when the week was quiet."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        digest = sponsor_digest_for(user=user, today=today)
        if not digest.count:
            return None
        claim = _claim(
            user=user, kind=DigestKind.SPONSOR_WEEKLY, period=week_start(today).isoformat(), items=digest.count
        )
        if claim is None:
            return None
        summary = text_ref(texts.SPONSOR_DIGEST, count=digest.count)
        return _deliver(
            claim=claim,
            user=user,
            subject=_("KAM: your accounts this week (%(count)s items)") % {"count": digest.count},
            template="portfolio/email/sponsor_digest.txt",
            context={"digest": digest, "today": today},
            summary=summary,
        )
