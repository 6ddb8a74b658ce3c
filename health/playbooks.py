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

from accounts.coverage import is_champion
from accounts.models import Account, Attitude, BuyingRole, Contact, Interaction, InteractionKind
from health.analytics import crossings, drops
from health.models import (
    Assignee,
    Playbook,
    PlaybookAction,
    PlaybookFiring,
    Risk,
    RiskCategory,
    StepKind,
    Trigger,
)
from kam.notifications import notifications_send
from kam.outbox import outbox_enqueue
from scoring.models import AccountScore, RunStatus, SegmentationRun
from surveys.models import Answer, QuestionKind

# A weekly job looks back a little over a week, so nothing logged between two runs is missed.
LOOKBACK_DAYS = 8


@dataclass(frozen=True)
class Detected:
    account_id: int
    key: str
    reason: str


def _english(text_for) -> str:
    """Reasons are stored once, in the site's language, whoever's request caused them."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text_for())


def _assignee(account: Account, assignee: str):
    return {
        Assignee.OWNER: account.owner,
        Assignee.SERVICE_MANAGER: account.service_manager,
        Assignee.SPONSOR: account.executive_sponsor,
    }[Assignee(assignee)]


def _run_steps(*, firing: PlaybookFiring, account: Account, today: date) -> str:
    """Create what the playbook's steps say; returns a line per step for the log."""
    playbook = firing.playbook
    notes = []
    for step in playbook.steps.all():
        user = _assignee(account, step.assignee)
        role = Assignee(step.assignee).label
        if user is None and step.kind != StepKind.RISK:
            notes.append(_("%(step)s: skipped, the account has no %(role)s.") % {"step": step.title, "role": role})
            continue
        if step.kind == StepKind.ACTION:
            PlaybookAction.objects.create(
                firing=firing,
                account=account,
                title=step.title,
                owner=user,
                due_on=today + timedelta(days=step.due_in_days),
            )
            notes.append(_("%(step)s: action for %(user)s.") % {"step": step.title, "user": user})
        elif step.kind == StepKind.RISK:
            Risk.objects.create(
                account=account,
                title=step.title,
                category=step.risk_category or RiskCategory.OTHER,
                description=firing.reason,
                likelihood=3,
                impact=3,
                owner=user or account.owner,
                review_on=today + timedelta(days=step.due_in_days),
                firing=firing,
            )
            notes.append(_("%(step)s: risk opened.") % {"step": step.title})
        else:
            words = {"account": account.name, "title": step.title, "reason": firing.reason}

            def message_for(_user: Any, words: dict[str, str] = words) -> str:
                return _("%(account)s: %(title)s (%(reason)s)") % words

            # Mailed by a task (through the outbox): a mail server down never fails the page that logged the event.
            created = notifications_send(
                users=[user],
                kind="playbook",
                message_for=message_for,
                url=account.get_absolute_url(),
                dedupe_key=f"playbook-{firing.pk}-{step.pk}",
                email=False,
            )
            to_mail = [n.pk for n in created if user.email and user.email_notifications]
            if to_mail:
                outbox_enqueue(
                    task="health.tasks.playbook_mail_task", args=[to_mail], key=f"health.mail:{firing.pk}-{step.pk}"
                )
            notes.append(_("%(step)s: %(user)s notified.") % {"step": step.title, "user": user})
    return "\n".join(notes)


def playbook_fire(*, playbook: Playbook, account: Account, key: str, reason: str, today: date) -> PlaybookFiring | None:
    """Fire once per (playbook, account, key): returns the new firing, or None when this signal already fired."""
    if playbook.key_accounts_only and not account.is_key:
        return None
    try:
        with transaction.atomic():
            firing = PlaybookFiring.objects.create(playbook=playbook, account=account, key=key[:100], reason=reason)
            with translation.override(settings.LANGUAGE_CODE):
                firing.outcome = _run_steps(firing=firing, account=account, today=today)
            firing.save(update_fields=["outcome"])
    except IntegrityError:  # fired already (now, or by a concurrent event)
        return None
    return firing


def _fire_all(playbook: Playbook, found: Iterable[Detected], today: date) -> list[PlaybookFiring]:
    found = list(found)
    if not found:
        return []
    accounts = Account.objects.select_related("owner", "service_manager", "executive_sponsor")
    if playbook.key_accounts_only:
        accounts = accounts.filter(is_key=True)
    by_pk = accounts.in_bulk({d.account_id for d in found})
    found = [d for d in found if d.account_id in by_pk]
    # Skip what already fired in one query, so a weekly re-scan of old signals costs nothing per signal.
    done = set(
        PlaybookFiring.objects.filter(playbook=playbook, account_id__in=list(by_pk)).values_list("account_id", "key")
    )
    fired = []
    for detected in found:
        if (detected.account_id, detected.key) in done:
            continue
        firing = playbook_fire(
            playbook=playbook, account=by_pk[detected.account_id], key=detected.key, reason=detected.reason, today=today
        )
        if firing is not None:
            fired.append(firing)
    return fired


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


def _silence_detected(raw: pd.DataFrame, days: int, today: date) -> list[Detected]:
    """Keyed by the date of the last contact: a new interaction starts a new silence, which may fire again."""
    watched = raw[raw.key_people > 0]
    silent = watched[watched.days_since_key_contact.isna() | (watched.days_since_key_contact > days)]
    found = []
    for pk, since in silent.days_since_key_contact.items():
        if pd.isna(since):
            key, reason = (
                f"silence:{days}:never",
                _english(lambda: _("No interaction ever logged with a decision maker.")),
            )
        else:
            key = f"silence:{days}:{(today - timedelta(days=int(since))).isoformat()}"
            reason = _english(
                lambda since=since: (
                    _("No interaction with a decision maker or champion for %(days)s days.") % {"days": int(since)}
                )
            )
        found.append(Detected(int(pk), key, reason))
    return found


def playbooks_run(
    *, today: date, raw: pd.DataFrame, current: pd.Series, previous: pd.Series, week: date
) -> list[PlaybookFiring]:
    """The weekly scan: every active playbook against the whole portfolio's signals.

    raw: health.frames.health_inputs of every account; current/previous: this week's and the previous
    snapshot's health by account id.
    """
    since = today - timedelta(days=LOOKBACK_DAYS)
    fired: list[PlaybookFiring] = []
    for playbook in Playbook.objects.filter(is_active=True).prefetch_related("steps"):
        trigger, level = playbook.trigger, playbook.threshold
        found: list[Detected] = []
        if trigger == Trigger.HEALTH_BELOW and level is not None:
            for pk in crossings(previous, current, below=level):
                found.append(
                    Detected(
                        int(pk),
                        f"below:{level}:{week.isoformat()}",
                        _english(
                            lambda pk=pk, level=level: (
                                _("Health fell to %(now)s, below %(level)s.") % {"now": current[pk], "level": level}
                            )
                        ),
                    )
                )
        elif trigger == Trigger.HEALTH_DROP and level:
            for pk, fall in drops(previous, current, points=level).items():
                found.append(
                    Detected(
                        int(pk),
                        f"drop:{week.isoformat()}",
                        _english(
                            lambda pk=pk, fall=fall: (
                                _("Health dropped by %(points)s points, from %(before)s to %(now)s.")
                                % {"points": round(fall, 1), "before": previous[pk], "now": current[pk]}
                            )
                        ),
                    )
                )
        elif trigger == Trigger.KEY_PERSON_LEFT:
            found = _people_left_detected(since)
        elif trigger == Trigger.DETRACTOR:
            found = _detractors_detected(since)
        elif trigger == Trigger.PAYMENT_ISSUE:
            found = _interactions_detected(InteractionKind.PAYMENT_ISSUE, since)
        elif trigger == Trigger.INCIDENT:
            found = _interactions_detected(InteractionKind.INCIDENT, since)
        elif trigger == Trigger.STATUS_CHANGE:
            found = _status_changes_detected(since)
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
