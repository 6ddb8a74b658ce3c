"""The review routine's rules: which reviews each account owes, and when the next one is due.

The rule, as printed on the account page (`CADENCE_RULE_TEXT`):

- an account follows its segment's cadence for each review type (follow-up, quarterly
  business review, annual strategic review), set by administrators; a cadence may
  apply to the segment's key accounts only (the default) or to all of its accounts;
- an account's editors may override a type's cadence for that account; an override
  of 0 months switches the type off;
- the next review of a type is due one interval after the last review of that type;
  an account never reviewed of that type is due one interval after the cadence began
  to apply to it (the later of the account's creation and the cadence's last change),
  so a new rule does not make the whole portfolio overdue at once;
- a review is overdue the day after its due date; "other" meetings are recorded but
  never scheduled.

Everything here reads the database in a fixed number of queries, whatever the number
of accounts, and leaves the arithmetic to plain Python over small tuples.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import DateField, DateTimeField, Max, Q, QuerySet, Value
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from plans.models import SCHEDULED_TYPES, AccountCadence, Review, ReviewCadence, ReviewType

CADENCE_RULE_TEXT = _(
    "Each review type follows the segment's cadence set by administrators, unless this account has its own. "
    "The next review is due one interval after the last one of that type; without any, one interval after the "
    "cadence began to apply."
)

# segment, review type, every N months, for the segment's key accounts (as migration 0003 seeds them).
DEFAULT_CADENCES = [
    ("loyal_core", ReviewType.FOLLOW_UP, 1),
    ("loyal_core", ReviewType.BUSINESS, 3),
    ("loyal_core", ReviewType.STRATEGIC, 12),
    ("high_potential", ReviewType.FOLLOW_UP, 1),
    ("high_potential", ReviewType.BUSINESS, 3),
    ("high_potential", ReviewType.STRATEGIC, 12),
    ("large_flat", ReviewType.BUSINESS, 6),
    ("large_flat", ReviewType.STRATEGIC, 12),
    ("small", ReviewType.STRATEGIC, 12),
]

FROM_SEGMENT = "segment"
FROM_ACCOUNT = "account"
LAST_HELD = "held"  # in cadences_of_account's rows


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 January + 1 month = 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due_on(*, every_months: int, last_held_on: date | None, since: date) -> date:
    """One interval after the last review of the type, or after the cadence began to apply."""
    return add_months(last_held_on or since, every_months)


@dataclass(frozen=True)
class Cadence:
    """One account's rhythm for one review type, and where it comes from."""

    account_id: int
    review_type: str
    every_months: int  # 0: switched off for this account
    source: str  # FROM_SEGMENT or FROM_ACCOUNT
    since: date  # when this rhythm began to apply to the account
    last_held_on: date | None

    @property
    def due_on(self) -> date | None:
        if not self.every_months:
            return None
        return next_due_on(every_months=self.every_months, last_held_on=self.last_held_on, since=self.since)


@dataclass(frozen=True)
class DueReview:
    """A review an account owes: its type, due date and how late it is (0 when not yet late)."""

    account: Account
    review_type: str
    due_on: date
    days_overdue: int
    last_held_on: date | None
    every_months: int

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue > 0

    @property
    def review_type_label(self) -> str:
        return str(ReviewType(self.review_type).label)


def _local_date(moment) -> date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def account_cadences(*, accounts: QuerySet[Account], include_off: bool = False) -> list[Cadence]:
    """Every (account, review type) rhythm of these accounts, in four queries.

    Only accounts some cadence reaches are read: key accounts of segments with a key-only
    cadence, every account of segments with a cadence for all, and accounts with their own.
    """
    rules = list(ReviewCadence.objects.filter(review_type__in=SCHEDULED_TYPES))
    overrides = {
        (account_id, review_type): (every, _local_date(updated))
        for account_id, review_type, every, updated in AccountCadence.objects.filter(
            account__in=accounts, review_type__in=SCHEDULED_TYPES
        ).values_list("account_id", "review_type", "every_months", "updated_at")
    }
    key_segments = {r.segment for r in rules if r.key_only}
    all_segments = {r.segment for r in rules if not r.key_only}
    reached = Q(is_key=True, segment__in=key_segments) | Q(segment__in=all_segments)
    reached |= Q(pk__in={account_id for account_id, _type in overrides})
    # The database turns creation times into local dates: converting 10,000 in Python costs ~100 ms.
    reached_accounts = accounts.filter(reached).order_by().annotate(created_on=TruncDate("created_at"))
    rows = list(reached_accounts.values_list("pk", "segment", "is_key", "created_on"))
    if not rows:
        return []
    last_held = {
        (row["account_id"], row["review_type"]): row["last"]
        for row in Review.objects.filter(account__in=accounts, review_type__in=SCHEDULED_TYPES)
        .values("account_id", "review_type")
        .annotate(last=Max("held_on"))
        .order_by()
    }
    rule_rows = [(r.segment, r.review_type, r.every_months, r.key_only, _local_date(r.updated_at)) for r in rules]
    return _cadences(rows=rows, rules=rule_rows, overrides=overrides, last_held=last_held, include_off=include_off)


def cadences_of_account(*, account: Account, include_off: bool = False) -> list[Cadence]:
    """One account's rhythms, as account_cadences gives them, in one query (the account is already read).

    Its segment's rules, its own cadences and its last review of each type come as rows of one UNION:
    (what the row is, review type, every N months, key only, changed at, last held on).
    """
    # Typed NULLs: PostgreSQL takes an untyped one for text and then refuses to unite it with a date.
    no_date, no_moment = Cast(None, output_field=DateField()), Cast(None, output_field=DateTimeField())
    rules = (
        ReviewCadence.objects.filter(segment=account.segment, review_type__in=SCHEDULED_TYPES)
        .order_by()
        .values_list(Value(FROM_SEGMENT), "review_type", "every_months", "key_only", "updated_at", no_date)
    )
    own = (
        AccountCadence.objects.filter(account=account, review_type__in=SCHEDULED_TYPES)
        .order_by()
        .values_list(Value(FROM_ACCOUNT), "review_type", "every_months", Value(False), "updated_at", no_date)
    )
    held = (
        Review.objects.filter(account=account, review_type__in=SCHEDULED_TYPES)
        .values("review_type")
        .annotate(last=Max("held_on"))
        .order_by()
        .values_list(Value(LAST_HELD), "review_type", Value(0), Value(False), no_moment, "last")
    )
    rule_rows, overrides, last_held = [], {}, {}
    for source, review_type, every, key_only, changed_at, last in rules.union(own, held, all=True):
        if source == FROM_SEGMENT:
            rule_rows.append((account.segment, review_type, every, key_only, _local_date(changed_at)))
        elif source == FROM_ACCOUNT:
            overrides[(account.pk, review_type)] = (every, _local_date(changed_at))
        else:
            last_held[(account.pk, review_type)] = last
    row = (account.pk, account.segment, account.is_key, _local_date(account.created_at))
    return _cadences(rows=[row], rules=rule_rows, overrides=overrides, last_held=last_held, include_off=include_off)


def _cadences(
    *,
    rows: list[tuple[int, str, bool, date]],
    rules: list[tuple[str, str, int, bool, date]],
    overrides: dict[tuple[int, str], tuple[int, date]],
    last_held: dict[tuple[int, str], date],
    include_off: bool,
) -> list[Cadence]:
    """The rule applied to accounts (pk, segment, is_key, created on), segment rules (segment, type, every,
    key only, changed on), own cadences {(pk, type): (every, changed on)} and last reviews {(pk, type): held on}."""
    by_segment = {
        (segment, kind): (every, key_only, changed_on) for segment, kind, every, key_only, changed_on in rules
    }
    cadences = []
    for account_id, segment, is_key, created_on in rows:
        for review_type in SCHEDULED_TYPES:
            own = overrides.get((account_id, review_type))
            if own is not None:
                every, source, changed_on = own[0], FROM_ACCOUNT, own[1]
            else:
                rule = by_segment.get((segment, review_type))
                if rule is None:
                    continue
                every, key_only, changed_on = rule
                if key_only and not is_key:
                    continue
                source = FROM_SEGMENT
            if every or include_off:
                cadences.append(
                    Cadence(
                        account_id=account_id,
                        review_type=review_type,
                        every_months=every,
                        source=source,
                        since=max(created_on, changed_on),
                        last_held_on=last_held.get((account_id, review_type)),
                    )
                )
    return cadences


def reviews_due(*, accounts: QuerySet[Account], within_days: int = 7, today: date | None = None) -> list[DueReview]:
    """Reviews of these accounts overdue or due within `within_days`, earliest first.

    For the worklist and the digests: pass the accounts a user looks after, e.g.
    `Account.objects.filter(owner=user)` or `Account.objects.filter(executive_sponsor=user)`.
    Five queries whatever the number of accounts; `DueReview.account` comes from the
    queryset given (keep its `select_related`), so reading `due.account.owner` costs
    nothing more if it was selected. `within_days=0` gives what is due today or late.
    """
    today = today or timezone.localdate()
    horizon = today + timedelta(days=within_days)
    due = [(c, c.due_on) for c in account_cadences(accounts=accounts)]
    due = [(c, due_on) for c, due_on in due if due_on <= horizon]
    if not due:
        return []
    by_pk = accounts.order_by().in_bulk({c.account_id for c, _due_on in due})
    found = [
        DueReview(
            account=by_pk[c.account_id],
            review_type=c.review_type,
            due_on=due_on,
            days_overdue=max(0, (today - due_on).days),
            last_held_on=c.last_held_on,
            every_months=c.every_months,
        )
        for c, due_on in due
        if c.account_id in by_pk
    ]
    found.sort(key=lambda d: (d.due_on, d.account.name, SCHEDULED_TYPES.index(d.review_type)))
    return found


def review_cadences_ensure() -> int:
    """Put the default cadences back when there are none at all (a new or flushed database); returns how many."""
    if ReviewCadence.objects.exists():
        return 0
    made = ReviewCadence.objects.bulk_create(
        ReviewCadence(segment=segment, review_type=review_type, every_months=every, key_only=True)
        for segment, review_type, every in DEFAULT_CADENCES
    )
    return len(made)
