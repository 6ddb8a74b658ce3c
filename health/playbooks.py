"""Playbooks: find the signals each administrator-defined trigger watches, and run its steps once per signal.

Two ways in, one way to act: the weekly job scans the whole portfolio (playbooks_run), and the code where an
event happens calls account_event (accounts.events), which lands in playbooks_on_event. Both end in
playbook_fire, whose firing row is unique per (playbook, account, signal key): whichever sees a signal first
acts on it, the other finds the row and does nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.coverage import is_champion
from accounts.models import Account, Attitude, BuyingRole, Contact, Interaction, InteractionKind
from health.analytics import crossings, drops
from health.models import (
    Assignee,
    Playbook,
    PlaybookAction,
    PlaybookFiring,
    PlaybookStep,
    Risk,
    RiskCategory,
    StepKind,
    Trigger,
)
from kam.models import Notification, User
from kam.outbox import outbox_enqueue
from scoring.models import AccountScore, RunStatus, SegmentationRun
from surveys.models import Answer, QuestionKind

# A weekly job looks back a little over a week, so nothing logged between two runs is missed.
LOOKBACK_DAYS = 8
BATCH = 2000


@dataclass(frozen=True)
class Detected:
    account_id: int
    key: str
    reason: str


def _english(text_for) -> str:
    """Reasons are stored once, in the site's language, whoever's request caused them."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text_for())


# Which account field names the person each assignee stands for.
_ASSIGNEE_FIELD = {
    Assignee.OWNER: "owner_id",
    Assignee.SERVICE_MANAGER: "service_manager_id",
    Assignee.SPONSOR: "executive_sponsor_id",
}


def _users_of(accounts: Iterable[Account]) -> dict[int, User]:
    """The owners, service managers and sponsors of these accounts, in one query."""
    ids = {pk for a in accounts for pk in (a.owner_id, a.service_manager_id, a.executive_sponsor_id) if pk}
    return User.objects.in_bulk(ids) if ids else {}


def _fire_new(
    *, playbook: Playbook, found: pd.DataFrame, accounts: dict[int, Account], users: dict[int, User], today: date
) -> list[PlaybookFiring]:
    """Create the firings of signals not fired yet and what the playbook's steps say, a bulk insert per table.

    found: account_id, key, reason. The caller holds a transaction; a signal fired meanwhile raises IntegrityError.
    """
    steps = list(playbook.steps.all())
    firings = [
        PlaybookFiring(playbook=playbook, account_id=int(pk), key=key, reason=reason)
        for pk, key, reason in zip(found.account_id, found.key, found.reason, strict=True)
    ]
    notes: list[list[str]] = [[] for _firing in firings]
    actions: list[PlaybookAction] = []
    risks: list[Risk] = []
    notices: list[tuple[Notification, int, PlaybookStep]] = []  # the firing's index, to key it once saved
    templates: dict[str, str] = {}  # the notification's words, in each reader's language
    with translation.override(settings.LANGUAGE_CODE):
        for step in steps:
            field = _ASSIGNEE_FIELD[Assignee(step.assignee)]
            skipped = _("%(step)s: skipped, the account has no %(role)s.") % {
                "step": step.title,
                "role": Assignee(step.assignee).label,
            }
            said: dict[int, str] = {}  # the note, by user
            for i, firing in enumerate(firings):
                account = accounts[firing.account_id]
                user = users.get(getattr(account, field))
                if step.kind == StepKind.RISK:
                    risks.append(
                        Risk(
                            account_id=firing.account_id,
                            title=step.title,
                            category=step.risk_category or RiskCategory.OTHER,
                            description=firing.reason,
                            likelihood=3,
                            impact=3,
                            owner=user or users.get(account.owner_id or 0),
                            review_on=today + timedelta(days=step.due_in_days),
                            firing=firing,
                        )
                    )
                    notes[i].append(_("%(step)s: risk opened.") % {"step": step.title})
                    continue
                if user is None:
                    notes[i].append(skipped)
                    continue
                if step.kind == StepKind.ACTION:
                    actions.append(
                        PlaybookAction(
                            firing=firing,
                            account_id=firing.account_id,
                            title=step.title,
                            owner=user,
                            due_on=today + timedelta(days=step.due_in_days),
                        )
                    )
                    if user.pk not in said:
                        said[user.pk] = _("%(step)s: action for %(user)s.") % {"step": step.title, "user": user}
                    notes[i].append(said[user.pk])
                else:
                    # As notifications_send does: an inactive user is not notified, in the app or by mail.
                    if user.is_active:
                        language = user.language or settings.LANGUAGE_CODE
                        if language not in templates:
                            with translation.override(language):
                                templates[language] = str(_("%(account)s: %(title)s (%(reason)s)"))
                        text = templates[language] % {
                            "account": account.name,
                            "title": step.title,
                            "reason": firing.reason,
                        }
                        notice = Notification(
                            user=user, kind="playbook", message=text, url=account.get_absolute_url(), dedupe_key=""
                        )
                        notices.append((notice, i, step))
                    if user.pk not in said:
                        said[user.pk] = _("%(step)s: %(user)s notified.") % {"step": step.title, "user": user}
                    notes[i].append(said[user.pk])
    for firing, lines in zip(firings, notes, strict=True):
        firing.outcome = "\n".join(lines)
    PlaybookFiring.objects.bulk_create(firings, batch_size=BATCH)
    PlaybookAction.objects.bulk_create(actions, batch_size=BATCH)
    Risk.objects.bulk_create(risks, batch_size=BATCH)
    for notice, i, step in notices:
        notice.dedupe_key = f"playbook-{firings[i].pk}-{step.pk}"[:200]
    Notification.objects.bulk_create([notice for notice, _i, _step in notices], batch_size=BATCH)
    # Mailed by a task (through the outbox): a mail server down never fails the page that logged the event.
    # One message per step of the batch; keyed by its first firing (the firing itself when an event fired one).
    to_mail: dict[int, tuple[int, list[int]]] = {}
    for notice, i, step in notices:
        if notice.user.email and notice.user.email_notifications:
            to_mail.setdefault(step.pk, (firings[i].pk, []))[1].append(notice.pk)
    for step_pk, (first_pk, ids) in to_mail.items():
        outbox_enqueue(task="health.tasks.playbook_mail_task", args=[ids], key=f"health.mail:{first_pk}-{step_pk}")
    return firings


def playbook_fire(*, playbook: Playbook, account: Account, key: str, reason: str, today: date) -> PlaybookFiring | None:
    """Fire once per (playbook, account, key): returns the new firing, or None when this signal already fired."""
    if playbook.key_accounts_only and not account.is_key:
        return None
    found = pd.DataFrame({"account_id": [account.pk], "key": [key[:100]], "reason": [reason]})
    try:
        with transaction.atomic():
            fired = _fire_new(
                playbook=playbook, found=found, accounts={account.pk: account}, users=_users_of([account]), today=today
            )
    except IntegrityError:  # fired already (now, or by a concurrent event)
        return None
    return fired[0]


def _detected_frame(found: Iterable[Detected]) -> pd.DataFrame:
    return pd.DataFrame(
        [(d.account_id, d.key, d.reason) for d in found], columns=["account_id", "key", "reason"]
    ).astype({"account_id": "int64", "key": object, "reason": object})


def _fire_all(playbook: Playbook, found: pd.DataFrame, today: date) -> list[PlaybookFiring]:
    """Fire every signal of `found` (account_id, key, reason) not fired yet: a query for what already fired,
    one for the accounts, one for their people, then a bulk insert per table."""
    if found.empty:
        return []
    found = found.assign(key=found.key.str[:100]).drop_duplicates(["account_id", "key"])
    for _attempt in range(3):
        # Skip what already fired in one query, so a weekly re-scan of old signals costs nothing per signal.
        done = pd.DataFrame(
            PlaybookFiring.objects.filter(playbook=playbook, account_id__in=found.account_id.unique().tolist())
            .values_list("account_id", "key")
            .iterator(chunk_size=BATCH),
            columns=["account_id", "key"],
        )
        if not done.empty:
            fired_before = pd.MultiIndex.from_frame(done.astype({"account_id": "int64"}))
            found = found[~pd.MultiIndex.from_frame(found[["account_id", "key"]]).isin(fired_before)]
        if found.empty:
            return []
        accounts = Account.objects.only(
            "pk", "name", "is_key", "owner_id", "service_manager_id", "executive_sponsor_id"
        )
        if playbook.key_accounts_only:
            accounts = accounts.filter(is_key=True)
        by_pk = accounts.in_bulk(found.account_id.unique().tolist())
        found = found[found.account_id.isin(list(by_pk))]
        if found.empty:
            return []
        try:
            with transaction.atomic():
                return _fire_new(
                    playbook=playbook, found=found, accounts=by_pk, users=_users_of(by_pk.values()), today=today
                )
        except IntegrityError:  # an event fired one of these meanwhile: look again at what fired
            continue
    return []


# --- what each trigger sees ------------------------------------------------------------


def _person_left_reason(name: str, role: str) -> str:
    return _english(lambda: _("%(name)s (%(role)s) has left the company.") % {"name": name, "role": role})


def _role_label(contact: Any) -> str:
    if contact.buying_role == BuyingRole.DECISION_MAKER:
        return _english(lambda: _("decision maker"))
    return _english(lambda: _("champion"))


def _interaction_reason(kind: str, interaction: Interaction) -> str:
    text = " ".join(interaction.summary.split())[:120]
    if kind == InteractionKind.PAYMENT_ISSUE:
        return _english(
            lambda: (
                _("Payment issue logged on %(date)s: %(summary)s") % {"date": interaction.occurred_on, "summary": text}
            )
        )
    return _english(
        lambda: _("Incident logged on %(date)s: %(summary)s") % {"date": interaction.occurred_on, "summary": text}
    )


def _interactions_detected(kind: str, since: date) -> list[Detected]:
    rows = Interaction.objects.filter(kind=kind, occurred_on__gte=since).order_by("pk")
    return [Detected(i.account_id, f"interaction:{i.pk}", _interaction_reason(kind, i)) for i in rows]


def _people_left_detected(since: date) -> list[Detected]:
    """Decision makers and champions marked as gone since `since` (from the contacts' history), still gone."""
    changed = (
        Contact.history.filter(is_active=False, history_date__date__gte=since)
        .filter(
            Q(buying_role=BuyingRole.DECISION_MAKER)
            | Q(buying_role=BuyingRole.CHAMPION)
            | Q(attitude=Attitude.CHAMPION)
        )
        .values_list("id", flat=True)
        .distinct()
    )
    gone = Contact.objects.filter(pk__in=list(changed), is_active=False)
    return [Detected(c.account_id, f"left:{c.pk}", _person_left_reason(c.name, _role_label(c))) for c in gone]


def _detractors_detected(since: date | None, *, response_id: int | None = None) -> list[Detected]:
    """Decision makers who answered the NPS question 0–6, since a date or in one response."""
    answers = Answer.objects.filter(
        question__kind=QuestionKind.NPS, number__lte=6, response__buying_role=BuyingRole.DECISION_MAKER
    ).select_related("response__contact")
    if since is not None:
        answers = answers.filter(response__submitted_at__date__gte=since)
    if response_id is not None:
        answers = answers.filter(response_id=response_id)
    return [
        Detected(
            a.response.account_id,
            f"detractor:{a.response_id}",
            _english(
                lambda a=a: (
                    _("%(name)s, a decision maker, answered %(score)s out of 10 to the NPS question.")
                    % {"name": a.response.contact.name, "score": a.number}
                )
            ),
        )
        for a in answers
    ]


def _status_changes_detected(since: date) -> list[Detected]:
    run = (
        SegmentationRun.objects.filter(status=RunStatus.DONE, finished_at__date__gte=since)
        .order_by("-finished_at", "-pk")
        .first()
    )
    if run is None:
        return []
    changed = AccountScore.objects.filter(run=run, was_key__isnull=False).exclude(
        Q(is_key=F("was_key")) & Q(segment=F("previous_segment"))
    )
    found = []
    for score in changed:
        if score.is_key != score.was_key:
            reason = _english(
                lambda score=score: (
                    _("Became a key account in run %(run)s.") % {"run": run.pk}
                    if score.is_key
                    else _("Left key status in run %(run)s.") % {"run": run.pk}
                )
            )
        else:
            reason = _english(
                lambda score=score: (
                    _("Segment changed from %(before)s to %(after)s in run %(run)s.")
                    % {
                        "before": score.get_previous_segment_display(),
                        "after": score.get_segment_display(),
                        "run": run.pk,
                    }
                )
            )
        found.append(Detected(score.account_id, f"run:{run.pk}", reason))
    return found


def _silence_detected(raw: pd.DataFrame, days: int, today: date) -> pd.DataFrame:
    """Keyed by the date of the last contact: a new interaction starts a new silence, which may fire again."""
    watched = raw[raw.key_people > 0]
    silent = watched.days_since_key_contact[
        watched.days_since_key_contact.isna() | (watched.days_since_key_contact > days)
    ]
    never = silent.isna()
    since = silent.fillna(0).astype("int64")
    with translation.override(settings.LANGUAGE_CODE):
        never_reason = str(_("No interaction ever logged with a decision maker."))
        quiet = str(_("No interaction with a decision maker or champion for %(days)s days."))
    # A reason per distinct length of silence, not per account.
    reasons = {int(d): quiet % {"days": int(d)} for d in since[~never].unique()}
    last_contact = pd.Timestamp(today) - pd.to_timedelta(since, unit="D")
    return (
        pd.DataFrame(
            {
                "account_id": silent.index.astype("int64"),
                "key": (f"silence:{days}:" + last_contact.dt.strftime("%Y-%m-%d")).where(
                    ~never, f"silence:{days}:never"
                ),
                "reason": since.map(reasons).where(~never, never_reason),
            }
        )
        .astype({"key": object, "reason": object})
        .reset_index(drop=True)
    )


def _health_detected(pks: pd.Index, key: str, template: Any, words: pd.DataFrame) -> pd.DataFrame:
    """A signal per account of `pks`, explained by the English `template` filled with each account's `words`."""
    with translation.override(settings.LANGUAGE_CODE):
        english = str(template)
    rows = words.loc[pks]
    return pd.DataFrame(
        {
            "account_id": pks.astype("int64"),
            "key": key,
            "reason": [english % values for values in rows.to_dict("records")],
        }
    ).astype({"key": object, "reason": object})


def playbooks_run(
    *, today: date, raw: pd.DataFrame, current: pd.Series, previous: pd.Series, week: date
) -> list[PlaybookFiring]:
    """The weekly scan: every active playbook against the whole portfolio's signals, a mask per trigger.

    raw: health.frames.health_inputs of every account; current/previous: this week's and the previous
    snapshot's health by account id.
    """
    since = today - timedelta(days=LOOKBACK_DAYS)
    fired: list[PlaybookFiring] = []
    for playbook in Playbook.objects.filter(is_active=True).prefetch_related("steps"):
        trigger, level = playbook.trigger, playbook.threshold
        found = _detected_frame([])
        if trigger == Trigger.HEALTH_BELOW and level is not None:
            pks = crossings(previous, current, below=level)
            words = pd.DataFrame({"now": current.reindex(pks).astype(object), "level": level}, index=pks)
            found = _health_detected(
                pks,
                f"below:{level}:{week.isoformat()}",
                gettext_lazy("Health fell to %(now)s, below %(level)s."),
                words,
            )
        elif trigger == Trigger.HEALTH_DROP and level:
            fall = drops(previous, current, points=level)
            words = pd.DataFrame(
                {
                    "points": [round(f, 1) for f in fall.tolist()],
                    "before": previous.reindex(fall.index).astype(object),
                    "now": current.reindex(fall.index).astype(object),
                },
                index=fall.index,
            )
            found = _health_detected(
                fall.index,
                f"drop:{week.isoformat()}",
                gettext_lazy("Health dropped by %(points)s points, from %(before)s to %(now)s."),
                words,
            )
        elif trigger == Trigger.KEY_PERSON_LEFT:
            found = _detected_frame(_people_left_detected(since))
        elif trigger == Trigger.DETRACTOR:
            found = _detected_frame(_detractors_detected(since))
        elif trigger == Trigger.PAYMENT_ISSUE:
            found = _detected_frame(_interactions_detected(InteractionKind.PAYMENT_ISSUE, since))
        elif trigger == Trigger.INCIDENT:
            found = _detected_frame(_interactions_detected(InteractionKind.INCIDENT, since))
        elif trigger == Trigger.STATUS_CHANGE:
            found = _detected_frame(_status_changes_detected(since))
        elif trigger == Trigger.SILENCE and level:
            found = _silence_detected(raw, level, today)
        fired += _fire_all(playbook, found, today)
    return fired


def playbooks_on_event(*, kind: str, account: Account, by: Any = None, **data: Any) -> list[PlaybookFiring]:
    """Act at once on what just happened (registered with accounts.events): a payment issue or incident
    logged, a decision maker or champion marked as gone, a decision maker's survey answer."""
    today = timezone.localdate()
    found: list[tuple[Trigger, Detected]] = []
    if kind == "interaction_logged":
        interaction = data["interaction"]
        trigger = {
            InteractionKind.PAYMENT_ISSUE: Trigger.PAYMENT_ISSUE,
            InteractionKind.INCIDENT: Trigger.INCIDENT,
        }.get(interaction.kind)
        if trigger is not None:
            found.append(
                (
                    trigger,
                    Detected(
                        account.pk, f"interaction:{interaction.pk}", _interaction_reason(interaction.kind, interaction)
                    ),
                )
            )
    elif kind == "survey_answered":
        response = data["response"]
        if response.buying_role == BuyingRole.DECISION_MAKER:
            found += [(Trigger.DETRACTOR, d) for d in _detractors_detected(None, response_id=response.pk)]
    elif kind == "contact_left":
        contact = data["contact"]
        if contact.buying_role == BuyingRole.DECISION_MAKER or is_champion(contact):
            found.append(
                (
                    Trigger.KEY_PERSON_LEFT,
                    Detected(account.pk, f"left:{contact.pk}", _person_left_reason(contact.name, _role_label(contact))),
                )
            )
    fired: list[PlaybookFiring] = []
    for trigger, detected in found:
        for playbook in Playbook.objects.filter(is_active=True, trigger=trigger).prefetch_related("steps"):
            firing = playbook_fire(
                playbook=playbook, account=account, key=detected.key, reason=detected.reason, today=today
            )
            if firing is not None:
                fired.append(firing)
    return fired
