"""Coverage rules case by case, the 0–100 figure and its status, and the portfolio version agreeing with them."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from django.utils.formats import date_format

from accounts.coverage import PENALTIES, coverage_assess, coverage_flags
from accounts.models import Attitude, BuyingRole, Contact

TODAY = date(2026, 6, 1)
COVERED = 1  # any user id: the rules only ask whether someone covers the person


def person(name="P", role="", attitude=Attitude.NEUTRAL, covered=True, active=True, last=None) -> Contact:
    contact = Contact(
        name=name, buying_role=role, attitude=attitude, covered_by_id=COVERED if covered else None, is_active=active
    )
    contact.last_interaction = last
    return contact


def assess(contacts, *, is_key=False, sponsor=True, silence=90):
    return coverage_assess(
        contacts=contacts, is_key=is_key, has_executive_sponsor=sponsor, today=TODAY, silence=silence
    )


RECENT = TODAY - timedelta(days=10)
WELL_MAPPED = [
    person("Dora Decider", BuyingRole.DECISION_MAKER, Attitude.SUPPORTER, last=RECENT),
    person("Carl Champion", BuyingRole.CHAMPION, Attitude.CHAMPION, last=RECENT),
    person("Uma User", BuyingRole.USER),
]


def test_a_well_mapped_account_has_no_finding_and_is_green():
    coverage = assess(WELL_MAPPED, is_key=True)
    assert coverage.findings == []
    assert (coverage.score, coverage.quality) == (100, "green")


@pytest.mark.parametrize("contacts", [[], [person("Solo", BuyingRole.DECISION_MAKER, last=RECENT)]])
def test_at_most_one_active_contact_is_single_threaded(contacts):
    coverage = assess(contacts)
    assert "single_threaded" in coverage.codes


def test_a_contact_who_left_does_not_count_as_a_thread():
    coverage = assess([*WELL_MAPPED[:1], person("Gone", BuyingRole.USER, active=False)])
    single = next(f for f in coverage.findings if f.code == "single_threaded")
    assert "Dora Decider is the only active contact" in single.reason


def test_no_active_decision_maker_is_a_finding():
    coverage = assess([person("A", BuyingRole.USER), person("B", BuyingRole.PURCHASING)])
    assert coverage.codes == {"no_decision_maker"}
    assert coverage.score == 100 - PENALTIES["no_decision_maker"]


def test_a_decision_maker_nobody_covers_is_named():
    contacts = [*WELL_MAPPED, person("Ned Nobody", BuyingRole.DECISION_MAKER, covered=False, last=RECENT)]
    coverage = assess(contacts)
    assert coverage.codes == {"uncovered_decision_maker"}
    assert "Ned Nobody" in coverage.findings[0].reason
    assert coverage.quality == "amber"


def test_silence_with_decision_makers_and_champions_beyond_n_days_is_flagged_with_the_last_date():
    old = TODAY - timedelta(days=91)
    contacts = [person("D", BuyingRole.DECISION_MAKER, last=old), person("C", attitude=Attitude.CHAMPION, last=old)]
    coverage = assess(contacts, silence=90)
    assert coverage.codes == {"silence"}
    assert date_format(old, "SHORT_DATE_FORMAT") in coverage.findings[0].reason  # the page's date format
    assert assess(contacts, silence=120).codes == set()  # N is configurable


def test_never_meeting_a_decision_maker_is_silence_but_meeting_a_user_does_not_count():
    contacts = [person("D", BuyingRole.DECISION_MAKER), person("U", BuyingRole.USER, last=RECENT)]
    assert assess(contacts).codes == {"silence"}


def test_a_decision_maker_never_met_is_silence_even_when_a_champion_was_met_recently():
    contacts = [
        person("Nina Never", BuyingRole.DECISION_MAKER),
        person("Carl Champion", BuyingRole.CHAMPION, Attitude.CHAMPION, last=RECENT),
    ]
    coverage = assess(contacts)
    assert coverage.codes == {"silence"}
    assert "Nina Never" in coverage.findings[0].reason and "Carl Champion" not in coverage.findings[0].reason
    contacts, accounts = _frames([(contacts, False, True)])
    assert bool(coverage_flags(contacts, accounts, today=TODAY, silence=90).loc[1, "silence"])


def test_a_champion_who_left_is_a_gap_until_another_champion_appears():
    gone = person("Chloe Gone", BuyingRole.CHAMPION, Attitude.CHAMPION, active=False)
    contacts = [WELL_MAPPED[0], WELL_MAPPED[2], gone]
    coverage = assess(contacts)
    assert coverage.codes == {"key_person_left"}
    assert "Chloe Gone" in coverage.findings[0].reason
    assert assess([*contacts, person("New", attitude=Attitude.CHAMPION, last=RECENT)]).codes == set()


def test_a_decision_maker_who_left_without_replacement_is_a_gap():
    champion = person("Carl Champion", BuyingRole.CHAMPION, Attitude.CHAMPION, last=RECENT)
    contacts = [champion, WELL_MAPPED[2], person("Old Boss", BuyingRole.DECISION_MAKER, active=False)]
    assert assess(contacts).codes == {"no_decision_maker", "key_person_left"}


def test_a_key_account_needs_an_executive_sponsor_but_a_small_one_does_not():
    assert assess(WELL_MAPPED, is_key=True, sponsor=False).codes == {"no_executive_sponsor"}
    assert assess(WELL_MAPPED, is_key=False, sponsor=False).codes == set()


def test_the_figure_sums_the_penalties_floors_at_zero_and_turns_red():
    coverage = assess([], is_key=True, sponsor=False)
    assert coverage.codes == {"single_threaded", "no_decision_maker", "no_executive_sponsor"}
    assert coverage.score == 100 - 30 - 25 - 15
    assert coverage.quality == "red"
    assert all(finding.reason for finding in coverage.findings)


# --- the portfolio version ---------------------------------------------------------


def _frames(cases):
    rows, accounts = [], []
    for account_id, (contacts, is_key, sponsor) in enumerate(cases, start=1):
        accounts.append({"account_id": account_id, "is_key": is_key, "has_executive_sponsor": sponsor})
        for c in contacts:
            rows.append(
                {
                    "account_id": account_id,
                    "buying_role": c.buying_role,
                    "attitude": c.attitude,
                    "covered": c.covered_by_id is not None,
                    "is_active": c.is_active,
                    "last_interaction": c.last_interaction,
                }
            )
    columns = ["account_id", "buying_role", "attitude", "covered", "is_active", "last_interaction"]
    return pd.DataFrame(rows, columns=columns), pd.DataFrame(accounts).set_index("account_id")


def test_vectorised_coverage_agrees_with_the_per_account_rules_on_random_portfolios():
    rng = np.random.default_rng(5)
    roles = ["", *BuyingRole.values]
    cases = []
    for _ in range(300):
        contacts = [
            person(
                f"P{i}",
                roles[rng.integers(len(roles))],
                Attitude.values[rng.integers(5)],
                covered=bool(rng.random() < 0.7),
                active=bool(rng.random() < 0.8),
                last=TODAY - timedelta(days=int(rng.integers(0, 200))) if rng.random() < 0.6 else None,
            )
            for i in range(int(rng.integers(0, 6)))
        ]
        cases.append((contacts, bool(rng.random() < 0.5), bool(rng.random() < 0.5)))
    contacts, accounts = _frames(cases)
    flags = coverage_flags(contacts, accounts, today=TODAY, silence=90)
    for account_id, (people, is_key, sponsor) in enumerate(cases, start=1):
        expected = assess(people, is_key=is_key, sponsor=sponsor)
        row = flags.loc[account_id]
        assert {code for code in PENALTIES if row[code]} == expected.codes, account_id
        assert (row.score, row.quality) == (expected.score, expected.quality)
