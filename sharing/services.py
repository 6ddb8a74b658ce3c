"""Writes on shared plans: what is shared, invitations and their links, one-time codes, what the customer does."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Contact
from kam.models import User
from kam.notifications import notifications_send
from kam.outbox import outbox_enqueue
from plans.models import IN_FORCE, AccountPlan, Action, ActionStatus, Objective
from sharing.models import (
    SHAREABLE_SECTIONS,
    ActionProposal,
    EventKind,
    PlanShare,
    ProposalStatus,
    ShareEvent,
    ShareInvitation,
    token_hash,
)

# Notifications to our side, translated in each reader's language when sent.
OPENED_MESSAGE = gettext_noop("%(contact)s opened the shared plan %(plan)s.")
COMMENTED_MESSAGE = gettext_noop("%(contact)s commented on the shared plan %(plan)s.")
DONE_MESSAGE = gettext_noop("%(contact)s marked an action done on the shared plan %(plan)s.")
PROPOSED_MESSAGE = gettext_noop("%(contact)s proposed an action on the shared plan %(plan)s: accept or decline it.")

LINK_TASK = "sharing.tasks.invitation_send_task"
CODE_TASK = "sharing.tasks.share_code_send_task"
BROWSER_SALT = "kam.sharing.browser"
TOKEN_MAX_LENGTH = 100


class ShareRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def new_token() -> tuple[str, str]:
    """A random link token (256 bits) and the digest stored in its place."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def _our_side(plan: AccountPlan) -> list[User | None]:
    return [plan.account.owner, plan.account.service_manager]


def _record(*, share: PlanShare, kind: str, **fields) -> ShareEvent:
    return ShareEvent.objects.create(share=share, kind=kind, **fields)


def _notify(*, event: ShareEvent, plan: AccountPlan, message: str) -> None:
    """Tell the account's key account manager (and service manager) what the customer did."""
    url = reverse("sharing:manage", args=[plan.pk])
    contact, title = str(event.contact or ""), plan.title

    def message_for(user: User) -> str:
        return _(message) % {"contact": contact, "plan": title}

    notifications_send(
        users=_our_side(plan), kind="sharing", message_for=message_for, url=url, dedupe_key=f"sharing:{event.pk}"
    )


# --- Our side ---------------------------------------------------------------------------------------------


@transaction.atomic
def share_update(
    *,
    plan: AccountPlan,
    sections: list[str],
    objective_ids: list[int],
    action_ids: list[int],
    customer_action_ids: list[int],
    by: User,
) -> PlanShare:
    """Set what the plan's invited contacts see: only customer-facing sections, only this plan's objects."""
    if plan.status not in IN_FORCE:
        raise ShareRefused(_("Only an approved or active plan can be shared with the customer."))
    share, _created = PlanShare.objects.get_or_create(plan=plan, defaults={"created_by": by})
    share.sections = [s for s in SHAREABLE_SECTIONS if s in sections]
    share.save(update_fields=["sections"])
    objectives = Objective.objects.filter(plan=plan, pk__in=objective_ids)
    actions = Action.objects.filter(plan=plan, pk__in=action_ids)
    share.objectives.set(objectives)
    share.actions.set(actions)
    share.customer_actions.set(actions.filter(pk__in=customer_action_ids))
    return share


def _link_expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.KAM_SHARE_LINK_DAYS)


@transaction.atomic
def invitation_create(*, share: PlanShare, contact: Contact, by: User) -> ShareInvitation:
    """Invite a contact of the plan's account: a personal link is e-mailed (after commit, from a task)."""
    if contact.account_id != share.plan.account_id:
        raise ShareRefused(_("Only contacts of the plan's account can be invited."))
    if not contact.email or not contact.is_active or contact.erased_at is not None:
        raise ShareRefused(_("This contact has no e-mail address or has left the company."))
    if share.plan.status not in IN_FORCE:
        raise ShareRefused(_("Only an approved or active plan can be shared with the customer."))
    existing = ShareInvitation.objects.filter(share=share, contact=contact).first()
    if existing is not None:
        return invitation_resend(invitation=existing, by=by)
    invitation = ShareInvitation.objects.create(
        share=share, contact=contact, token_hash=new_token()[1], expires_at=_link_expiry(), created_by=by
    )
    _record(share=share, kind=EventKind.INVITED, user=by, contact=contact)
    outbox_enqueue(task=LINK_TASK, args=[invitation.pk], key=f"sharing.link:{invitation.pk}")
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: ShareInvitation, by: User) -> ShareInvitation:
    """A new link (the old one stops working at once), a new expiry; a revoked invitation is restored."""
    invitation.token_hash = new_token()[1]  # placeholder until the task mails the real one
    invitation.expires_at = _link_expiry()
    invitation.revoked_at = None
    invitation.sent_at = None
    invitation.code_hash, invitation.code_expires_at, invitation.code_tries = "", None, 0
    invitation.save()
    _record(share=invitation.share, kind=EventKind.RESENT, user=by, contact=invitation.contact)
    outbox_enqueue(task=LINK_TASK, args=[invitation.pk], key=f"sharing.link:{invitation.pk}")
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: ShareInvitation, by: User) -> ShareInvitation:
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.code_hash, invitation.code_expires_at = "", None
        invitation.save(update_fields=["revoked_at", "code_hash", "code_expires_at"])
        _record(share=invitation.share, kind=EventKind.REVOKED, user=by, contact=invitation.contact)
    return invitation


def _mail(*, contact: Contact, template: str, context: dict) -> None:
    with translation.override(contact.language or settings.LANGUAGE_CODE):
        context = {**context, "contact": contact, "organisation": settings.KAM_ORGANISATION_NAME or "KAM"}
        subject = render_to_string(f"sharing/{template}_subject.txt", context).strip()
        body = render_to_string(f"sharing/{template}_body.txt", context)
    EmailMessage(subject=subject, body=body, to=[contact.email]).send()


def invitation_link_send(*, invitation_id: int) -> bool:
    """Mail the link of an invitation not sent yet; the token is made here and only its digest kept."""
    with transaction.atomic():
        invitation = (
            ShareInvitation.objects.select_for_update()
            .filter(pk=invitation_id, sent_at=None, revoked_at=None)
            .select_related("contact", "share__plan__account")
            .first()
        )
        if invitation is None:
            return False  # already sent (a redelivered task) or revoked meanwhile
        token, invitation.token_hash = new_token()
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["token_hash", "sent_at"])
    url = settings.SITE_URL + reverse("sharing_public:plan", args=[token])
    _mail(
        contact=invitation.contact,
        template="invitation",
        context={"plan": invitation.share.plan, "url": url, "expires_at": invitation.expires_at},
    )
    return True


# --- The customer's link ------------------------------------------------------------------------------------


def invitation_for_token(token: str) -> ShareInvitation | None:
    """The usable invitation of a link, or None for an unknown, revoked or expired one (told apart nowhere)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    invitation = (
        ShareInvitation.objects.select_related("contact", "share__plan__account")
        .filter(token_hash=token_hash(token), sent_at__isnull=False)
        .first()
    )
    if invitation is None or not invitation.is_usable():
        return None
    plan = invitation.share.plan
    contact = invitation.contact
    if plan.status not in IN_FORCE or contact.account_id != plan.account_id:
        return None
    if not contact.is_active or contact.erased_at is not None:
        return None  # left the company, or asked to be forgotten
    return invitation


def request_allowed(*, key: str, limit: int, seconds: int = 60) -> bool:
    """A fixed-window counter in the cache: False once `limit` requests were made in the window."""
    bucket = f"sharing:rate:{key}:{int(timezone.now().timestamp()) // seconds}"
    cache.add(bucket, 0, timeout=seconds * 2)
    try:
        count = cache.incr(bucket)
    except ValueError:  # evicted between add and incr
        cache.set(bucket, 1, timeout=seconds * 2)
        count = 1
    return count <= limit


def browser_cookie_name(invitation: ShareInvitation) -> str:
    return f"kam_share_{invitation.pk}"


def browser_cookie_value(invitation: ShareInvitation) -> str:
    # Bound to the current link: a new link (re-sent) asks every browser for a code again.
    return signing.dumps({"i": invitation.pk, "t": invitation.token_hash[:16]}, salt=BROWSER_SALT)


def browser_admitted(invitation: ShareInvitation, value: str | None) -> bool:
    if not value:
        return False
    try:
        data = signing.loads(value, salt=BROWSER_SALT, max_age=timedelta(days=settings.KAM_SHARE_BROWSER_DAYS))
    except signing.BadSignature:
        return False
    return data == {"i": invitation.pk, "t": invitation.token_hash[:16]}


def _code_digest(invitation: ShareInvitation, code: str) -> str:
    return salted_hmac("kam.sharing.code", f"{invitation.pk}:{invitation.token_hash}:{code}").hexdigest()


def code_request(*, invitation: ShareInvitation, again: bool = False) -> bool:
    """Ask for a one-time code by e-mail; False when one was sent within the minute or too many today.

    Opening the page asks for one only when no code is running (a reload must not replace the code
    being typed); "send me a new code" (`again`) replaces it.
    """
    now = timezone.now()
    ttl = timedelta(minutes=settings.KAM_SHARE_CODE_MINUTES)
    running = bool(invitation.code_hash) and invitation.code_expires_at is not None and invitation.code_expires_at > now
    if running and not again:
        return False
    if (
        invitation.code_hash
        and invitation.code_expires_at
        and invitation.code_expires_at - ttl > now - timedelta(minutes=1)
    ):
        return False
    if not request_allowed(key=f"code:{invitation.pk}", limit=settings.KAM_SHARE_CODES_PER_DAY, seconds=86400):
        return False
    outbox_enqueue(task=CODE_TASK, args=[invitation.pk], key=f"sharing.code:{invitation.pk}")
    return True


def code_send(*, invitation_id: int) -> bool:
    """Make a new one-time code (only its digest kept) and mail it to the contact."""
    invitation = ShareInvitation.objects.select_related("contact", "share__plan").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_usable():
        return False
    code = f"{secrets.randbelow(10**6):06d}"
    expires = timezone.now() + timedelta(minutes=settings.KAM_SHARE_CODE_MINUTES)
    ShareInvitation.objects.filter(pk=invitation.pk).update(
        code_hash=_code_digest(invitation, code), code_expires_at=expires, code_tries=0
    )
    _mail(
        contact=invitation.contact,
        template="code",
        context={"plan": invitation.share.plan, "code": code, "minutes": settings.KAM_SHARE_CODE_MINUTES},
    )
    return True


def code_check(*, invitation: ShareInvitation, code: str) -> bool:
    """True once for the right code within its time and tries; each try counts, right or wrong."""
    code = "".join(code.split())
    tried = ShareInvitation.objects.filter(
        pk=invitation.pk,
        code_tries__lt=settings.KAM_SHARE_CODE_MAX_TRIES,
        code_expires_at__gt=timezone.now(),
    ).exclude(code_hash="")
    if not tried.update(code_tries=F("code_tries") + 1):
        return False
    invitation.refresh_from_db(fields=["code_hash", "code_tries", "code_expires_at"])
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return False
    if not constant_time_compare(invitation.code_hash, _code_digest(invitation, code)):
        return False
    ShareInvitation.objects.filter(pk=invitation.pk).update(code_hash="", code_expires_at=None)
    return True


@transaction.atomic
def invitation_opened(*, invitation: ShareInvitation) -> None:
    now = timezone.now()
    first = invitation.first_opened_at is None
    ShareInvitation.objects.filter(pk=invitation.pk).update(
        open_count=F("open_count") + 1, last_opened_at=now, first_opened_at=invitation.first_opened_at or now
    )
    if first:
        event = _record(share=invitation.share, kind=EventKind.OPENED, contact=invitation.contact)
        _notify(event=event, plan=invitation.share.plan, message=OPENED_MESSAGE)


@transaction.atomic
def customer_comment(
    *, invitation: ShareInvitation, text: str, objective: Objective | None = None, action: Action | None = None
) -> ShareEvent:
    event = _record(
        share=invitation.share,
        kind=EventKind.COMMENTED,
        contact=invitation.contact,
        objective=objective,
        action=action,
        text=text,
    )
    _notify(event=event, plan=invitation.share.plan, message=COMMENTED_MESSAGE)
    return event


@transaction.atomic
def customer_action_done(*, invitation: ShareInvitation, action: Action) -> Action:
    share = invitation.share
    if not share.customer_actions.filter(pk=action.pk).exists():
        raise ShareRefused(_("Only the actions on your side can be marked done."))
    if action.status != ActionStatus.DONE:
        action.status = ActionStatus.DONE
        action.save(update_fields=["status"])
        event = _record(share=share, kind=EventKind.ACTION_DONE, contact=invitation.contact, action=action)
        _notify(event=event, plan=share.plan, message=DONE_MESSAGE)
    return action


@transaction.atomic
def customer_propose(*, invitation: ShareInvitation, title: str, due_on: date | None) -> ActionProposal:
    proposal = ActionProposal.objects.create(
        share=invitation.share, contact=invitation.contact, title=title, due_on=due_on
    )
    event = _record(share=invitation.share, kind=EventKind.PROPOSED, contact=invitation.contact, text=title)
    _notify(
        event=event,
        plan=invitation.share.plan,
        message=PROPOSED_MESSAGE,
    )
    return proposal


@transaction.atomic
def proposal_decide(*, proposal: ActionProposal, by: User, accept: bool, customer_side: bool = True) -> ActionProposal:
    """Accept (the proposal becomes a shared action of the plan) or decline a customer's proposal."""
    proposal = ActionProposal.objects.select_for_update().select_related("share__plan").get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PENDING:
        raise ShareRefused(_("This proposal has already been answered."))
    plan = proposal.share.plan
    if accept:
        if plan.is_closed:
            raise ShareRefused(_("The plan is closed: no action can be added."))
        action = Action.objects.create(
            plan=plan,
            title=proposal.title,
            due_on=proposal.due_on or min(plan.ends_on, timezone.localdate() + timedelta(days=30)),
        )
        proposal.share.actions.add(action)
        if customer_side:
            proposal.share.customer_actions.add(action)
        proposal.action = action
    proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
    proposal.decided_by, proposal.decided_at = by, timezone.now()
    proposal.save()
    _record(
        share=proposal.share,
        kind=EventKind.ACCEPTED if accept else EventKind.DECLINED,
        user=by,
        contact=proposal.contact,
        action=proposal.action,
        text=proposal.title,
    )
    return proposal
