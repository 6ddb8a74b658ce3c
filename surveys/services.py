"""Survey writes: campaigns, sending, answers through a token, reminders, closing, alerts, improvement actions."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.events import account_event
from accounts.models import Account, BuyingRole, Contact
from kam.events import event_emit
from kam.mail_subjects import subject_line
from kam.models import OutboxMessage, User
from kam.notifications import notifications_send
from kam.outbox import outbox_enqueue
from kam.texts import text_ref
from surveys import texts
from surveys.models import (
    Answer,
    Campaign,
    CampaignStatus,
    ImprovementAction,
    Invitation,
    OptOut,
    Question,
    QuestionKind,
    Response,
    SurveyTemplate,
    token_hash,
)

# Background work is named, not imported: tasks import services, services never import tasks.
CAMPAIGN_SEND_TASK = "surveys.tasks.campaign_send_task"
CAMPAIGN_ALERTS_TASK = "surveys.tasks.campaign_alerts_task"


class SurveyRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- targeting -------------------------------------------------------------------------------------------------


def campaign_targets(
    *,
    by: User,
    segment: str = "",
    tier: str = "",
    key_only: bool = False,
    owner: User | None = None,
    accounts: Iterable[Account] = (),
) -> QuerySet[Account]:
    """The accounts a campaign may go to: those `by` may edit, narrowed by the filters, plus any picked by hand."""
    editable = Account.objects.editable_by(by)
    picked = [account.pk for account in accounts]
    filtered = editable
    if segment:
        filtered = filtered.filter(segment=segment)
    if tier:
        filtered = filtered.filter(tier=tier)
    if key_only:
        filtered = filtered.filter(is_key=True)
    if owner is not None:
        filtered = filtered.filter(owner=owner)
    if not (segment or tier or key_only or owner):
        filtered = filtered.none()  # no filter: only the hand-picked accounts
    return editable.filter(Q(pk__in=filtered.values("pk")) | Q(pk__in=picked))


def eligible_contacts(*, account_ids: Iterable[int], buying_roles: list[str]) -> QuerySet[Contact]:
    """Who will be asked: active contacts with an e-mail who have not opted out, of the chosen roles (all if none)."""
    contacts = Contact.objects.filter(account_id__in=list(account_ids), is_active=True, survey_opt_out__isnull=True)
    contacts = contacts.exclude(email="")
    if buying_roles:
        contacts = contacts.filter(buying_role__in=buying_roles)
    return contacts


@dataclass
class AccountPreview:
    account: Account
    contacts: int = 0
    roles: Counter = field(default_factory=Counter)

    @property
    def has_decision_maker(self) -> bool:
        return self.roles[BuyingRole.DECISION_MAKER] > 0

    @property
    def role_labels(self) -> list[tuple[str, int]]:
        labels = dict(BuyingRole.choices)
        return [(str(labels.get(role, gettext("Unknown role"))), count) for role, count in sorted(self.roles.items())]


def campaign_preview(*, campaign: Campaign) -> list[AccountPreview]:
    """Per account: how many contacts and which roles will be asked; two queries."""
    accounts = list(campaign.accounts.order_by("name").only("pk", "name", "is_key"))
    previews = {account.pk: AccountPreview(account) for account in accounts}
    rows = eligible_contacts(account_ids=previews, buying_roles=campaign.buying_roles).values_list(
        "account_id", "buying_role"
    )
    for account_id, role in rows:
        previews[account_id].contacts += 1
        previews[account_id].roles[role] += 1
    return list(previews.values())


def campaign_create(
    *,
    by: User,
    template: SurveyTemplate,
    name: str,
    closes_on: date,
    accounts: QuerySet[Account],
    buying_roles: list[str] | None = None,
    reminder_after_days: int = 7,
    alert_drop_points: int = 10,
) -> Campaign:
    if closes_on < timezone.localdate():
        raise SurveyRefused(gettext("The close date is in the past."))
    account_ids = list(accounts.values_list("pk", flat=True))
    if not account_ids:
        raise SurveyRefused(gettext("Choose at least one account you manage."))
    with transaction.atomic():
        campaign = Campaign.objects.create(
            template=template,
            name=name,
            closes_on=closes_on,
            buying_roles=sorted(buying_roles or []),
            reminder_after_days=reminder_after_days,
            alert_drop_points=alert_drop_points,
            created_by=by,
        )
        campaign.accounts.set(account_ids)
    return campaign


# --- sending -------------------------------------------------------------------------------------------------


def new_token() -> tuple[str, str]:
    """A random link token (256 bits) and the digest stored in its place."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def campaign_send(*, campaign: Campaign, by: User) -> Campaign:
    """Open the campaign and record its invitations as work to do; the e-mails leave from a task after commit.

    The work goes through the outbox (kam.outbox) in the same transaction: when the broker is down
    nothing is lost, it is published when the broker is back. The campaign says its invitations
    are queued until they have all been handed to the mail server; until then it may be sent
    again (nobody is mailed twice).
    """
    if campaign.status == CampaignStatus.CLOSED or campaign.invitations_sent_at is not None:
        raise SurveyRefused(gettext("This campaign has already been sent."))
    if campaign.closes_on < timezone.localdate():
        raise SurveyRefused(gettext("The close date is in the past."))
    with transaction.atomic():
        if campaign.status == CampaignStatus.DRAFT:
            opened = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.DRAFT).update(
                status=CampaignStatus.SENT, sent_at=timezone.now()
            )
            if not opened:
                raise SurveyRefused(gettext("This campaign has already been sent."))
        outbox_enqueue(task=CAMPAIGN_SEND_TASK, args=[campaign.pk], key=campaign.outbox_key)
    campaign.refresh_from_db()
    return campaign


def campaign_send_state(*, campaign: Campaign) -> str:
    """Where the invitations are: "sent", "queued" (the broker did not take the work yet) or "sending"."""
    if campaign.invitations_sent_at is not None:
        return "sent"
    open_messages = OutboxMessage.objects.filter(key=campaign.outbox_key, done_at=None)
    if (
        open_messages.filter(published_at=None, attempts__gt=0).exists()
        and not open_messages.filter(published_at__isnull=False).exists()
    ):
        return "queued"
    return "sending"


def _survey_email(*, invitation: Invitation, token: str, reminder: bool) -> mail.EmailMultiAlternatives:
    url = settings.SITE_URL + reverse("surveys_public:answer", args=[token])
    with translation.override(invitation.language):
        context = {"contact": invitation.contact, "campaign": invitation.campaign, "url": url, "reminder": reminder}
        subject = subject_line(render_to_string("surveys/email_subject.txt", context))
        body = render_to_string("surveys/email_body.txt", context)
    return mail.EmailMultiAlternatives(subject=subject, body=body, to=[invitation.contact.email])


def invitations_send(*, campaign: Campaign) -> int:
    """Invite every eligible contact not invited yet, and retry those whose e-mail never left; returns how many.

    Rows are written first, then each unsent one gets a fresh token (the digest
    replaces the old one) just before its e-mail, since a token lives only in
    memory. A row is marked sent only once its e-mail is handed over: when the
    mail server fails, the rows already mailed are marked and the error goes up,
    so a retry mails the others and nobody twice. Once every row has left, the
    campaign records it (until then it says its invitations are queued).
    """
    if campaign.status != CampaignStatus.SENT:
        return 0
    account_ids = list(campaign.accounts.values_list("pk", flat=True))
    already = Invitation.objects.filter(campaign=campaign).values("contact_id")
    contacts = eligible_contacts(account_ids=account_ids, buying_roles=campaign.buying_roles).exclude(pk__in=already)
    Invitation.objects.bulk_create(
        [
            Invitation(
                campaign=campaign,
                account_id=contact.account_id,
                contact=contact,
                token_hash=new_token()[1],  # a placeholder: replaced just before the e-mail
                language=contact.language or settings.LANGUAGE_CODE,
                buying_role=contact.buying_role,
            )
            for contact in contacts
        ],
        ignore_conflicts=True,
    )
    # One delivery of this task mails at a time: of two running at once (a doubled or redelivered
    # message), the second finds the campaign claimed and leaves; the claim comes before reading who is
    # left to mail. It ends with the task, or at the hard time limit when the worker died holding it.
    now = timezone.now()
    lease = now + timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    free = Q(sending_until=None) | Q(sending_until__lt=now)
    if not Campaign.objects.filter(free, pk=campaign.pk).update(sending_until=lease):
        return 0
    mailed: list[int] = []
    try:
        pending = list(
            Invitation.objects.filter(
                campaign=campaign,
                sent_at=None,
                responded_at=None,
                contact__is_active=True,
                contact__survey_opt_out__isnull=True,
            )
            .exclude(contact__email="")
            .select_related("contact", "campaign")
        )
        tokens: dict[int, str] = {}
        for invitation in pending:
            tokens[invitation.pk], invitation.token_hash = new_token()
        Invitation.objects.bulk_update(pending, ["token_hash"])
        with mail.get_connection() as connection:
            for invitation in pending:
                message = _survey_email(invitation=invitation, token=tokens[invitation.pk], reminder=False)
                connection.send_messages([message])
                mailed.append(invitation.pk)
    finally:
        Invitation.objects.filter(pk__in=mailed, sent_at=None).update(sent_at=timezone.now())
        Campaign.objects.filter(pk=campaign.pk, sending_until=lease).update(sending_until=None)
    _invitations_all_sent(campaign)
    return len(mailed)


def _invitations_all_sent(campaign: Campaign) -> None:
    Campaign.objects.filter(pk=campaign.pk, invitations_sent_at=None).update(invitations_sent_at=timezone.now())


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind non-respondents of open campaigns once their campaign's delay has passed; returns how many.

    Each row is claimed by an UPDATE that only matches while reminded_at and
    responded_at are empty, before its e-mail goes: two workers running this at
    once, or a redelivered task, never send one reminder twice. When an e-mail
    fails its claim is released and the error goes up, so the next run sends it.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = Invitation.objects.filter(
        campaign__status=CampaignStatus.SENT,
        campaign__closes_on__gte=today,
        campaign__reminder_after_days__gt=0,
        sent_at__isnull=False,
        reminded_at=None,
        responded_at=None,
        contact__survey_opt_out__isnull=True,
        contact__is_active=True,
    ).select_related("contact", "campaign")
    sent = 0
    with mail.get_connection() as connection:
        for invitation in due:
            if invitation.sent_at > now - timedelta(days=invitation.campaign.reminder_after_days):
                continue
            token, digest = new_token()
            claimed = Invitation.objects.filter(pk=invitation.pk, reminded_at=None, responded_at=None).update(
                reminded_at=now, reminder_token_hash=digest
            )
            if not claimed:
                continue
            try:
                connection.send_messages([_survey_email(invitation=invitation, token=token, reminder=True)])
            except Exception:
                Invitation.objects.filter(pk=invitation.pk, reminder_token_hash=digest).update(
                    reminded_at=None, reminder_token_hash=None
                )
                raise
            sent += 1
    return sent


def campaigns_close(*, today: date | None = None) -> int:
    """Close campaigns past their close date and raise their final alerts; returns how many closed."""
    today = today or timezone.localdate()
    closed = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.SENT, closes_on__lt=today):
        if Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.SENT).update(status=CampaignStatus.CLOSED):
            closed += 1
            campaign.status = CampaignStatus.CLOSED
            campaign_alerts_send(campaign=campaign)
    return closed


# --- answering -------------------------------------------------------------------------------------------------


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link opens, or None when it is unknown, expired, used or opted out.

    The lookup is by the token's digest through a unique index, so nothing is
    compared character by character in Python and timing reveals nothing.
    """
    if not token or len(token) > 100:
        return None
    digest = token_hash(token)
    invitation = (
        Invitation.objects.filter(Q(token_hash=digest) | Q(reminder_token_hash=digest))
        .select_related("campaign__template", "contact")
        .first()
    )
    if invitation is None or invitation.responded_at is not None or not invitation.campaign.accepts_answers:
        return None
    if OptOut.objects.filter(contact_id=invitation.contact_id).exists() or not invitation.contact.is_active:
        return None
    return invitation


def response_record(*, token: str, answers: dict[int, int | str | None]) -> Response:
    """Record the one response a link accepts; `answers` maps question ids to a number or a text."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise SurveyRefused(gettext("This link is not valid."))
    questions = {q.pk: q for q in invitation.campaign.template.questions.all()}
    with transaction.atomic():
        # Claim first: of two submissions of one link, only one gets past this line.
        if not Invitation.objects.filter(pk=invitation.pk, responded_at=None).update(responded_at=timezone.now()):
            raise SurveyRefused(gettext("This link is not valid."))
        response = Response.objects.create(
            invitation=invitation,
            campaign=invitation.campaign,
            account_id=invitation.account_id,
            contact_id=invitation.contact_id,
            buying_role=invitation.buying_role,
        )
        rows = []
        for question_id, value in answers.items():
            question = questions.get(question_id)
            if question is None or value in (None, ""):
                continue
            if question.kind in (QuestionKind.NPS, QuestionKind.RATING):
                rows.append(Answer(response=response, question=question, number=int(value)))
            else:
                rows.append(Answer(response=response, question=question, text=str(value)[:5000]))
        Answer.objects.bulk_create(rows)
        # The alerts (and their e-mails) leave from a task: a failing mail server never fails the respondent,
        # and a broker outage loses no alert (the outbox publishes it when the broker is back).
        outbox_enqueue(
            task=CAMPAIGN_ALERTS_TASK,
            args=[invitation.campaign_id, [response.account_id]],
            key=f"surveys.alerts:{invitation.campaign_id}",
        )
        # Apps that act on an answer at once (health's detractor playbook) do it with the response.
        account_event(kind="survey_answered", account=invitation.account, response=response)
    return response


def contact_opt_out(*, token: str) -> bool:
    """The contact behind a valid link asks for no more surveys; their open invitations stop reminding."""
    invitation = invitation_for_token(token)
    if invitation is None:
        return False
    OptOut.objects.get_or_create(contact_id=invitation.contact_id)
    return True


# --- alerts -------------------------------------------------------------------------------------------------

ALERT_KINDS = {
    "drop": _("Satisfaction index dropped by %(value)s points"),
    "dm_detractor": _("A decision maker is a detractor (NPS 0–6)"),
    "no_dm": _("No decision maker answered"),
}


def alert_text(kind: str, value) -> str:
    text = ALERT_KINDS[kind]
    return str(text) % {"value": abs(value)} if "%(value)" in str(text) else str(text)


def _alert_value(value) -> float:
    """The size of an alert (points dropped), unsigned; 0 for kinds without one (NaN in the frame)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if number != number else abs(round(number, 1))


def campaign_alerts_send(*, campaign: Campaign, account_ids: list[int] | None = None, email: bool = True) -> int:
    """Notify each account's owner and executive sponsor of its alerts; once per alert (dedupe keys)."""
    from surveys.frames import survey_results

    ids = account_ids or list(campaign.accounts.values_list("pk", flat=True))
    found = survey_results(account_ids=ids).alerts
    found = found[(found.campaign_id == campaign.pk) & found.account_id.isin(ids)]
    if found.empty:
        return 0
    accounts = Account.objects.select_related("owner", "executive_sponsor").in_bulk(found.account_id.unique().tolist())
    sent = 0
    for row in found.itertuples():
        account = accounts[row.account_id]
        url = reverse("surveys:account_results", args=[campaign.pk, account.pk])

        def message(user, kind=row.kind, value=row.value, name=account.name):
            alert = text_ref(f"surveys.alert.{kind}", value=_alert_value(value))
            return text_ref(texts.SURVEY_ALERT, account=name, campaign=campaign.name, alert=alert)

        new = notifications_send(
            users=[account.owner, account.executive_sponsor],
            kind="survey_alert",
            message_for=message,
            url=url,
            dedupe_key=f"survey-{row.kind}-{campaign.pk}-{account.pk}",
            email=email,
        )
        if new:  # once per alert, as the notifications: the dedupe key said it is new
            from surveys.reports import clean

            event_emit(
                event="survey.alert",
                payload={"campaign": campaign.pk, "account": account.pk, "kind": row.kind, "value": clean(row.value)},
            )
        sent += len(new)
    return sent


# --- closed loop -------------------------------------------------------------------------------------------------


def improvement_action_create(
    *,
    by: User,
    account: Account,
    title: str,
    owner: User,
    department: str,
    due_on: date,
    answer: Answer | None = None,
    response: Response | None = None,
) -> ImprovementAction:
    if answer is not None:
        response = answer.response
    if response is not None and response.account_id != account.pk:
        raise SurveyRefused(gettext("This response belongs to another account."))
    action = ImprovementAction.objects.create(
        account=account,
        response=response,
        answer=answer,
        title=title,
        owner=owner,
        department=department,
        due_on=due_on,
        created_by=by,
    )
    if owner != by:
        notifications_send(
            users=[owner],
            kind="improvement_action",
            message_for=lambda user: text_ref(texts.IMPROVEMENT_ACTION, account=account.name, title=title),
            url=reverse("surveys:actions"),
            dedupe_key=f"improvement-action-{action.pk}",
        )
    return action


def improvement_action_update(*, action: ImprovementAction, status: str, outcome: str = "") -> ImprovementAction:
    from surveys.models import ActionStatus

    action.status = status
    if outcome:
        action.outcome = outcome
    action.done_at = timezone.now() if status == ActionStatus.DONE else None
    action.save(update_fields=["status", "outcome", "done_at"])
    return action


def questions_of(campaign: Campaign) -> list[Question]:
    return list(campaign.template.questions.all())
