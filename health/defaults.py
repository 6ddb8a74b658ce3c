"""The default weights and playbooks, following the practice; plain data, read by the data migration.

Administrators change or switch them off in /admin/ afterwards.
"""

from __future__ import annotations

from health.analytics import DEFAULT_WEIGHTS

# name, trigger, threshold, key accounts only, why, steps: (kind, assignee, title, due in days, risk category)
DEFAULT_PLAYBOOKS: list[tuple[str, str, int | None, bool, str, list[tuple[str, str, str, int, str]]]] = [
    (
        "A champion or decision maker leaves",
        "key_person_left",
        None,
        True,
        "The relationship rests on people: find the successor and meet them before a competitor does.",
        [
            ("action", "owner", "Find the successor and meet them", 30, ""),
            ("risk", "owner", "Champion or decision maker gone", 30, "person_left"),
        ],
    ),
    (
        "A decision maker is a detractor",
        "detractor",
        None,
        True,
        "A dissatisfied decision maker needs a call from our management, not only from sales.",
        [
            ("action", "sponsor", "Sponsor call with the dissatisfied decision maker", 14, ""),
            ("notify", "owner", "A decision maker answered as a detractor", 0, ""),
        ],
    ),
    (
        "Payment issue on a key account",
        "payment_issue",
        None,
        True,
        "Finance's news must reach the account team the same day.",
        [
            ("notify", "owner", "Payment issue logged", 0, ""),
            ("notify", "service_manager", "Payment issue logged", 0, ""),
            ("action", "owner", "Call the customer about the payment issue", 0, ""),
        ],
    ),
    (
        "Incident on a key account",
        "incident",
        None,
        True,
        "An incident handled quickly strengthens the relationship; one left alone weakens it.",
        [
            ("notify", "service_manager", "Incident logged", 0, ""),
            ("action", "service_manager", "Follow up the incident with the customer", 2, ""),
        ],
    ),
    (
        "Health below 40",
        "health_below",
        40,
        True,
        "Catch drift before the customer leaves.",
        [
            ("action", "owner", "Review the account's health and agree a recovery plan", 7, ""),
            ("notify", "sponsor", "Account health below 40", 0, ""),
        ],
    ),
    (
        "Health drops by 15 points",
        "health_drop",
        15,
        True,
        "A sudden fall means something happened: find out what.",
        [("notify", "owner", "Account health dropped sharply", 0, "")],
    ),
    (
        "Decision makers silent for 90 days",
        "silence",
        90,
        True,
        "Never rely on one contact: meet the people who decide.",
        [("action", "owner", "Meet a decision maker", 14, "")],
    ),
    (
        "Segment or key status changed",
        "status_change",
        None,
        False,
        "Selection criteria are also de-selection criteria: the team adapts how it serves the account.",
        [("notify", "owner", "Segment or key status changed", 0, "")],
    ),
]

__all__ = ["DEFAULT_PLAYBOOKS", "DEFAULT_WEIGHTS"]
