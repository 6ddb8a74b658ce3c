"""Demo review history on the key accounts of the demo manager and sponsor: some up to date, some due, some late."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from accounts.models import Account
from kam.models import User
from plans.models import Action, Review, ReviewType
from plans.review_services import review_current_plan, reviews_escalate

# Days ago each type was last reviewed, by pattern; None: never. With the default loyal-core
# cadence (1, 3, 12 months) the first is late on two types, the second due within days,
# the third up to date and the fourth late enough to be escalated to the sponsor.
PATTERNS = [
    {ReviewType.FOLLOW_UP: 40, ReviewType.BUSINESS: 100, ReviewType.STRATEGIC: 200},
    {ReviewType.FOLLOW_UP: 26, ReviewType.BUSINESS: 85, ReviewType.STRATEGIC: 300},
    {ReviewType.FOLLOW_UP: 6, ReviewType.BUSINESS: 20, ReviewType.STRATEGIC: 60},
    {ReviewType.FOLLOW_UP: 62, ReviewType.BUSINESS: 130, ReviewType.STRATEGIC: 400},
]
NOTES = {
    ReviewType.FOLLOW_UP: ("Monthly call: deliveries on time, one invoice dispute.", "Credit note for the dispute."),
    ReviewType.BUSINESS: (
        "Quarterly business review: volumes up 6 %, service level 97 %.",
        "Pilot of the shared forecast next quarter.",
    ),
    ReviewType.STRATEGIC: (
        "Annual strategic review with their executive committee.",
        "Renew the framework agreement for two years.",
    ),
}


def seed_reviews(*, users: dict[str, User], today: date | None = None) -> int:
    """Past reviews on up to 12 key accounts run by `manager` or sponsored by `sponsor`, once."""
    manager, sponsor = users["manager"], users["sponsor"]
    key = Account.objects.filter(is_key=True).select_related("owner").order_by("-last_year_revenue", "pk")
    # Each of the two demo users gets every pattern on their own accounts.
    chosen = {a.pk: (a, i) for i, a in enumerate(key.filter(owner=manager)[:6])}
    for i, account in enumerate(key.filter(executive_sponsor=sponsor).exclude(pk__in=list(chosen))[:6]):
        chosen[account.pk] = (account, i)
    if Review.objects.filter(account__in=list(chosen)).exists():
        return 0  # seeded before: leave the history (and what people did since) alone
    today = today or date.today()
    created = 0
    with transaction.atomic():
        for account, index in chosen.values():
            kam = account.owner or manager
            contacts = list(account.contacts.filter(is_active=True).order_by("pk")[:2])
            plan = review_current_plan(account=account)
            for review_type, days_ago in PATTERNS[index % len(PATTERNS)].items():
                notes, decisions = NOTES[review_type]
                review = Review.objects.create(
                    account=account,
                    review_type=review_type,
                    held_on=today - timedelta(days=days_ago),
                    notes=notes,
                    decisions=decisions,
                    plan=plan,
                    created_by=kam,
                )
                review.our_attendees.set([kam, sponsor] if review_type == ReviewType.STRATEGIC else [kam])
                review.their_attendees.set(contacts)
                created += 1
                if review_type == ReviewType.BUSINESS:
                    # A follow-up due within the week, so worklists have something to do.
                    Action.objects.create(
                        plan=plan,
                        review=review,
                        title=f"Send {account.name} the forecast pilot proposal",
                        owner=kam,
                        due_on=today + timedelta(days=2 + index % 5),
                    )
    reviews_escalate()
    return created
