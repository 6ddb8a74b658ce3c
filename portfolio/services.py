"""Project-wide services: the dashboard as the page and its PDF show it."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from accounts.models import Account
from growth.dashboard import WhitespaceBoard, whitespace_board_read
from health.reports import slipping_accounts
from kam.models import User
from kam.stamp import stamped_html
from portfolio import charts, dashboard
from portfolio.frames import UNREAD, Portfolio, Unread, portfolio_read
from sharing.cards import shared_plans_read
from surveys.frames import role_weights
from surveys.models import SurveySettings

MATRIX_LIMIT = 300


@dataclass
class Dashboard:
    headline: dict
    charts: list[charts.Chart]
    run: object | None
    key_changes: list[dict]
    slipping: list = field(default_factory=list)


@dataclass
class DashboardPage:
    """What the dashboard page and its PDF show besides the filter form."""

    board: Dashboard
    whitespace: WhitespaceBoard
    shared_plans: list[dict[str, Any]]


def dashboard_page_build(
    *, accounts: QuerySet[Account], user: User, today: date | None = None, stamp: str | Unread | None = UNREAD
) -> DashboardPage:
    """The dashboard of these (visible, filtered) accounts, each frame read once for the whole page."""
    portfolio = portfolio_read(accounts=accounts, today=today, stamp=stamp)
    return DashboardPage(
        board=dashboard_build(accounts=accounts, user=user, today=today, portfolio=portfolio),
        whitespace=whitespace_board_read(
            accounts=accounts, user=user, frame=portfolio.frame, year=portfolio.extras.get("financial_year")
        ),
        shared_plans=shared_plans_read(accounts=accounts),
    )


def dashboard_html_read(
    *, accounts: QuerySet[Account], user: User, filters: str, render: Callable[[DashboardPage], str]
) -> SafeString:
    """The dashboard rendered by `render`, from the cache shared by every web process when nothing it reads has
    changed since (kam.stamp), else built, rendered and cached. filters: the filters applied, as text.

    The rendered HTML is cached rather than the figures: unpickling the charts cost more than rendering them.
    """
    today = timezone.localdate()
    return stamped_html(
        name="dashboard",
        # Who (the accounts one sees depend on the roles) and what they asked.
        about=f"{user.pk}|{sorted(user.role_names)}|{user.is_superuser}|{filters}",
        render=lambda stamp: render(dashboard_page_build(accounts=accounts, user=user, today=today, stamp=stamp)),
    )


def dashboard_build(
    *, accounts: QuerySet[Account], user: User, today: date | None = None, portfolio: Portfolio | None = None
) -> Dashboard:
    """Every figure and chart of the executive dashboard for these (already filtered, visible) accounts."""
    currency = settings.KAM_CURRENCY
    portfolio = portfolio or portfolio_read(accounts=accounts, today=today)
    frame = portfolio.frame
    # Survey figures only from accounts with enough answers in a campaign (as on the survey pages).
    answers = dashboard.with_enough_answers(portfolio.answers, SurveySettings.min_answers_now())
    too_few = not portfolio.answers.empty and answers.empty
    figures: dict[str, float | int | None] = {**dashboard.headline(frame)}
    figures |= {f"key_{k}": v for k, v in dashboard.key_satisfaction(answers, frame, role_weights()).items()}
    figures["overdue_reviews"] = portfolio.overdue_reviews
    figures["financial_year"] = portfolio.extras.get("financial_year")
    figures = {
        name: None if isinstance(value, float) and math.isnan(value) else value for name, value in figures.items()
    }
    run = portfolio.run
    run_label = ""
    if run is not None and run.finished_at is not None:
        finished = date_format(timezone.localtime(run.finished_at), "SHORT_DATE_FORMAT")
        run_label = _("Run %(number)s of %(date)s") % {"number": run.pk, "date": finished}
    scores = portfolio.scores
    built = [
        charts.value_potential_matrix(
            dashboard.matrix_points(frame, limit=MATRIX_LIMIT), total=len(frame), currency=currency
        ),
        charts.pareto_chart(dashboard.pareto_curve(frame), dashboard.pareto_figures(frame)),
        charts.headroom_chart(dashboard.headroom_table(frame), currency=currency),
        charts.top_headroom_chart(dashboard.top_headroom(frame), currency=currency),
        charts.migrations_chart(
            dashboard.segment_migrations(scores), dashboard.key_migrations(scores), run_label=run_label
        ),
        charts.satisfaction_chart(dashboard.satisfaction_by_segment(answers, frame, role_weights()), too_few=too_few),
        charts.plan_progress_chart(dashboard.progress_by_segment(portfolio.objectives, frame)),
        charts.map_quality_chart(dashboard.coverage_by_segment(frame)),
    ]
    return Dashboard(
        headline=figures,
        charts=built,
        run=run,
        key_changes=_key_changes(scores, frame),
        slipping=slipping_accounts(accounts=accounts, today=today),
    )


def _key_changes(scores, frame) -> list[dict]:
    """Accounts that entered or left key status in the last run, for a list with links."""
    compared = scores.dropna(subset=["was_key"])
    changed = compared[compared.was_key.astype(bool) != compared.is_key.astype(bool)]
    rows = changed.assign(name=frame.name.reindex(changed.index)).sort_values("name").head(50)
    return [
        {"pk": int(pk), "name": name, "entered": bool(is_key)}
        for pk, name, is_key in zip(rows.index, rows.name, rows.is_key, strict=True)
    ]
