"""One row of someone's work, whatever it is (action, checkpoint, review, improvement action), and its urgency.

The worklist and the "My work" page list these side by side, grouped or filtered by when they are due.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from plans.models import Action, ActionStatus, Checkpoint
from plans.reviews import DueReview
from surveys.models import ImprovementAction

WEEK_DAYS = 7
SHOWN_PER_GROUP = 10  # the home page lists this many under each heading; My work lists them all

OVERDUE, THIS_WEEK, LATER, NO_DATE = "overdue", "week", "later", "none"
BUCKETS: list[tuple[str, str | Promise]] = [
    (OVERDUE, _("Overdue")),
    (THIS_WEEK, _("This week")),
    (LATER, _("Later")),
    (NO_DATE, _("No date")),
]

KIND_LABELS: dict[str, str | Promise] = {
    "action": _("Action"),
    "checkpoint": _("KPI checkpoint"),
    "review": _("Review"),
    "improvement": _("Improvement action"),
}


def due_bucket(due_on: date | None, today: date) -> str:
    """Overdue before today, this week up to seven days ahead, later beyond; no date apart."""
    if due_on is None:
        return NO_DATE
    if due_on < today:
        return OVERDUE
    if due_on <= today + timedelta(days=WEEK_DAYS):
        return THIS_WEEK
    return LATER


@dataclass(frozen=True)
class WorkItem:
    kind: str
    title: str
    url: str
    account_id: int
    account_name: str
    due_on: date | None
    plan_id: int | None = None
    plan_title: str = ""
    detail: str = ""
    action_label: str | Promise = ""  # the link's words when it leads to doing the thing ("Record the review")

    @property
    def kind_label(self) -> str | Promise:
        return KIND_LABELS[self.kind]

    def days_overdue(self, today: date) -> int:
        return (today - self.due_on).days if self.due_on and self.due_on < today else 0


def action_items(actions: Iterable[Action]) -> list[WorkItem]:
    """Select `plan__account` and `review__account` first: no query per row.

    Each plan's (or review's) URL is reversed once and each status translated once, not once per row.
    """
    urls: dict[tuple[int | None, int | None], str] = {}
    plan_titles: dict[int, str] = {}
    statuses = {value: str(label) for value, label in ActionStatus.choices}
    items = []
    for a in actions:
        where = (a.plan_id, None if a.plan_id else a.review_id)
        if where not in urls:
            urls[where] = a.get_absolute_url()
        if a.plan is not None and a.plan.pk not in plan_titles:
            plan_titles[a.plan.pk] = a.plan.display_title
        items.append(
            WorkItem(
                kind="action",
                title=a.title,
                url=urls[where],
                account_id=a.account.pk,
                account_name=a.account.name,
                due_on=a.due_on,
                plan_id=a.plan_id,
                plan_title=plan_titles[a.plan_id] if a.plan_id else "",
                detail=statuses.get(a.status) or a.get_status_display(),
            )
        )
    return items


def checkpoint_items(checkpoints: Iterable[Checkpoint]) -> list[WorkItem]:
    """Select `objective__plan__account` first. Each plan's URL and title are worked out once."""
    plans: dict[int, tuple[str, str]] = {}
    items = []
    for c in checkpoints:
        plan = c.objective.plan
        if plan.pk not in plans:
            plans[plan.pk] = (plan.get_absolute_url(), plan.display_title)
        plan_url, plan_title = plans[plan.pk]
        items.append(
            WorkItem(
                kind="checkpoint",
                title=c.objective.title,
                url=f"{plan_url}#objective-{c.objective_id}",
                account_id=plan.account_id,
                account_name=plan.account.name,
                due_on=c.due_on,
                plan_id=c.objective.plan_id,
                plan_title=plan_title,
                detail=c.label,
                action_label=_("Record the actual"),
            )
        )
    return items


def review_record_url(due: DueReview) -> str:
    """The review form, its type chosen already: the worklist knows which review is due."""
    return f"{reverse('plans:review_create', args=[due.account.pk])}?{urlencode({'type': due.review_type})}"


def review_items(reviews: Iterable[DueReview]) -> list[WorkItem]:
    return [
        WorkItem(
            kind="review",
            title=str(due.review_type_label),
            url=review_record_url(due),
            account_id=due.account.pk,
            account_name=due.account.name,
            due_on=due.due_on,
            action_label=_("Record the review"),
        )
        for due in reviews
    ]


def improvement_items(actions: Iterable[ImprovementAction]) -> list[WorkItem]:
    """Select `account` first."""
    actions_page = reverse("surveys:actions")
    return [
        WorkItem(
            kind="improvement",
            title=a.title,
            url=f"{actions_page}#account-{a.account_id}",
            account_id=a.account_id,
            account_name=a.account.name,
            due_on=a.due_on,
            detail=a.get_status_display(),
        )
        for a in actions
    ]


def by_due_date(items: Iterable[WorkItem]) -> list[WorkItem]:
    return sorted(items, key=lambda item: (item.due_on is None, item.due_on or date.max, item.account_name))


def grouped(items: Iterable[WorkItem], today: date) -> list[tuple[str, str | Promise, list[WorkItem]]]:
    """The items under each urgency heading that has any, earliest first."""
    groups: dict[str, list[WorkItem]] = {key: [] for key, _label in BUCKETS}
    for item in by_due_date(items):
        groups[due_bucket(item.due_on, today)].append(item)
    return [(key, label, groups[key]) for key, label in BUCKETS if groups[key]]


@dataclass(frozen=True)
class DueGroup:
    """One urgency heading of the home page: how many items it holds and the first few, each with its date in words."""

    key: str
    label: str | Promise
    count: int
    rows: list[tuple[WorkItem, str]]

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


def due_groups(items: Iterable[WorkItem], today: date, *, shown: int = SHOWN_PER_GROUP) -> list[DueGroup]:
    """The items grouped as `grouped` does, with the words for when each shown one is due worked out here:
    a translated, formatted date per row costs more in a template than the rest of the row."""
    words = _due_words()
    return [
        DueGroup(key, label, count=len(group), rows=[(item, words(item.due_on, today)) for item in group[:shown]])
        for key, label, group in grouped(items, today)
    ]


def _due_words():
    """ "overdue since 3/12/2026", "due 9/12/2026", "no date": each date formatted once however many items share it."""
    overdue, due, no_date = gettext("overdue since %(date)s"), gettext("due %(date)s"), gettext("no date")
    formatted: dict[date, str] = {}

    def words(due_on: date | None, today: date) -> str:
        if due_on is None:
            return no_date
        if due_on not in formatted:
            formatted[due_on] = date_format(due_on, "SHORT_DATE_FORMAT")
        return (overdue if due_on < today else due) % {"date": formatted[due_on]}

    return words
