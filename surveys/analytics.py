"""Survey numbers in pure pandas: response rate, NPS, role-weighted 0–100 indices, trends, portfolio, alerts.

Inputs are plain frames read in one query each (see surveys.selectors):
- answers: campaign_id, account_id, response_id, buying_role, kind, dimension, number
- invitations: campaign_id, account_id, buying_role, responded (bool)
- weights: {buying_role: weight}; a role missing from it weighs 1.

Every index is a weighted mean where one answer of a buying role counts its
role's weight, so a decision maker's view outweighs a user's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DIMENSIONS = ["product", "relationship", "service", "delivery", "value"]
DECISION_MAKER = "decision_maker"
SATISFIED_FROM = 60.0  # index 60 ≈ 6.4 / 10: below it, the account is not satisfied on that side
KEYS = ["campaign_id", "account_id"]
RESULT_COLUMNS = [
    "invited",
    "responded",
    "response_rate",
    "dm_invited",
    "dm_responded",
    "nps",
    "nps_answers",
    "dm_detractors",
    *DIMENSIONS,
    "overall",
]


def rating_index(numbers: pd.Series) -> pd.Series:
    """A 1–10 rating on a 0–100 scale: 1 → 0, 10 → 100."""
    return (numbers.astype(float) - 1) / 9 * 100


def _weighted(answers: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    return answers.buying_role.map(weights).fillna(1.0).astype(float)


def response_rates(invitations: pd.DataFrame) -> pd.DataFrame:
    responded = invitations.responded.astype(bool)
    is_dm = invitations.buying_role == DECISION_MAKER
    # One plain sum over integer columns: several times faster than named aggregations.
    counts = pd.DataFrame(
        {
            "campaign_id": invitations.campaign_id,
            "account_id": invitations.account_id,
            "invited": 1,
            "responded": responded.astype(int),
            "dm_invited": is_dm.astype(int),
            "dm_responded": (is_dm & responded).astype(int),
        }
    )
    grouped = counts.groupby(KEYS).sum()
    grouped["response_rate"] = (grouped.responded / grouped.invited * 100).round(1)
    return grouped


def nps_by_account(answers: pd.DataFrame) -> pd.DataFrame:
    """Net promoter score per campaign and account: % promoters (9–10) − % detractors (0–6), from −100 to 100."""
    nps = answers[(answers.kind == "nps") & answers.number.notna()]
    detractor = nps.number <= 6
    counts = pd.DataFrame(
        {
            "campaign_id": nps.campaign_id,
            "account_id": nps.account_id,
            "nps_answers": 1,
            "promoters": (nps.number >= 9).astype(int),
            "detractors": detractor.astype(int),
            "dm_detractors": (detractor & (nps.buying_role == DECISION_MAKER)).astype(int),
        }
    )
    grouped = counts.groupby(KEYS).sum()
    grouped["nps"] = ((grouped.promoters - grouped.detractors) / grouped.nps_answers * 100).round(0)
    return grouped[["nps", "nps_answers", "dm_detractors"]]


def _ratings(answers: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    ratings = answers[(answers.kind == "rating") & answers.number.notna()]
    index = rating_index(ratings.number)
    weight = _weighted(ratings, weights)
    return ratings.assign(index=index, weight=weight, weighted=index * weight)


def dimension_indices(answers: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """Role-weighted 0–100 index per campaign, account and dimension, one column per dimension."""
    frame = _ratings(answers, weights)
    sums = frame.groupby([*KEYS, "dimension"])[["weighted", "weight"]].sum()
    indices = (sums.weighted / sums.weight).round(1).unstack("dimension")
    return indices.reindex(columns=DIMENSIONS)


def overall_index(answers: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    """Each respondent's mean rating index, then their role-weighted mean per campaign and account."""
    frame = _ratings(answers, weights)
    # A response has one role, hence one weight: its mean index times that weight.
    per_response = frame.groupby([*KEYS, "response_id"])[["index", "weight"]].mean()
    per_response["weighted"] = per_response["index"] * per_response.weight
    sums = per_response.groupby(level=KEYS)[["weighted", "weight"]].sum()
    return (sums.weighted / sums.weight).round(1).rename("overall")


FIGURE_COLUMNS = ["nps", "nps_answers", "dm_detractors", *DIMENSIONS, "overall"]


def account_results(
    answers: pd.DataFrame, invitations: pd.DataFrame, weights: dict[str, float], *, min_answers: int = 1
) -> pd.DataFrame:
    """One row per (campaign, account) invited: response rate, NPS, indices, and the product/relationship split.

    Below `min_answers` responses for an account in a campaign its figures are left out (NaN, split "too_few"):
    one answer is one person's mood, not the account's; it neither shows, nor trends, nor raises an alert.
    """
    rates = response_rates(invitations)
    results = rates.join(nps_by_account(answers)).join(dimension_indices(answers, weights))
    results = results.join(overall_index(answers, weights))
    for column in RESULT_COLUMNS:
        if column not in results:
            results[column] = np.nan
    enough = results.responded >= min_answers
    results[FIGURE_COLUMNS] = results[FIGURE_COLUMNS].astype(float).where(enough)
    results["dm_detractors"] = results.dm_detractors.fillna(0).astype(int)
    results["nps_answers"] = results.nps_answers.fillna(0).astype(int)
    results["split"] = split_labels(results["product"], results["relationship"]).where(enough, "too_few")
    results["needed"] = int(min_answers)
    return results[[*RESULT_COLUMNS, "split", "needed"]]


def split_labels(product: pd.Series, relationship: pd.Series) -> pd.Series:
    """Explicit product vs relationship diagnosis: a customer can like the product and not us, or the reverse."""
    product_ok = product >= SATISFIED_FROM
    relationship_ok = relationship >= SATISFIED_FROM
    labels = np.select(
        [
            product.isna() | relationship.isna(),
            product_ok & relationship_ok,
            product_ok & ~relationship_ok,
            ~product_ok & relationship_ok,
        ],
        ["unknown", "both", "product_only", "relationship_only"],
        default="neither",
    )
    return pd.Series(labels, index=product.index)


def with_trend(results: pd.DataFrame, campaign_order: pd.Series) -> pd.DataFrame:
    """Add each account's previous campaign (by `campaign_order`, a sortable key per campaign id) and the change.

    Campaigns where the account had no rating are skipped as "previous": a trend
    compares two measured points.
    """
    frame = results.reset_index()
    frame["order"] = frame.campaign_id.map(campaign_order)
    frame = frame.sort_values(["account_id", "order", "campaign_id"])
    measured = frame[frame.overall.notna()]
    previous = measured.groupby("account_id")[["campaign_id", "overall", "nps"]].shift(1)
    previous.columns = ["previous_campaign_id", "previous_overall", "previous_nps"]
    frame = frame.join(previous)
    frame["overall_change"] = (frame.overall - frame.previous_overall).round(1)
    frame["nps_change"] = frame.nps - frame.previous_nps
    return frame.drop(columns="order").set_index(KEYS)


def latest_per_account(trended: pd.DataFrame, campaign_order: pd.Series) -> pd.DataFrame:
    """Each account's latest campaign with at least one rating, indexed by account id."""
    frame = trended[trended.overall.notna()].reset_index()
    frame["order"] = frame.campaign_id.map(campaign_order)
    frame = frame.sort_values(["order", "campaign_id"]).groupby("account_id").tail(1)
    return frame.drop(columns="order").set_index("account_id")


def ranked_by_drop(latest: pd.DataFrame) -> pd.DataFrame:
    """Accounts whose index fell, biggest fall first."""
    return latest[latest.overall_change < 0].sort_values("overall_change")


def portfolio_summary(latest: pd.DataFrame, accounts: pd.DataFrame, by: str) -> pd.DataFrame:
    """Mean latest figures per segment or tier (`by`); `accounts` holds segment and tier per account id."""
    frame = latest.join(accounts[[by]], how="left")
    frame[by] = frame[by].fillna("").astype(str)
    summary = frame.groupby(by).agg(
        accounts=("overall", "size"),
        overall=("overall", "mean"),
        product=("product", "mean"),
        relationship=("relationship", "mean"),
        nps=("nps", "mean"),
        overall_change=("overall_change", "mean"),
    )
    return summary.round(1)


def alerts(trended: pd.DataFrame, drop_points: pd.Series, *, closed: set[int]) -> pd.DataFrame:
    """Alert rows (campaign_id, account_id, kind, value).

    - drop: the overall index fell by more than the campaign's `drop_points` since the previous campaign;
    - dm_detractor: a decision maker answered 0–6 to the NPS question;
    - no_dm: no decision maker answered; only once the campaign is closed (`closed` campaign ids).
    """
    frame = trended.reset_index()
    limit = frame.campaign_id.map(drop_points).astype(float)
    found = [
        frame[frame.overall_change < -limit].assign(kind="drop", value=lambda f: f.overall_change),
        frame[frame.dm_detractors > 0].assign(kind="dm_detractor", value=lambda f: f.dm_detractors),
        frame[frame.campaign_id.isin(closed) & (frame.dm_responded == 0)].assign(kind="no_dm", value=0),
    ]
    rows = pd.concat([part[["campaign_id", "account_id", "kind", "value"]] for part in found], ignore_index=True)
    return rows.sort_values(["campaign_id", "account_id", "kind"]).reset_index(drop=True)


def empty_answers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "campaign_id": pd.Series(dtype="int64"),
            "account_id": pd.Series(dtype="int64"),
            "response_id": pd.Series(dtype="int64"),
            "buying_role": pd.Series(dtype="object"),
            "kind": pd.Series(dtype="object"),
            "dimension": pd.Series(dtype="object"),
            "number": pd.Series(dtype="float64"),
        }
    )
