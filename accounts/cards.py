"""The account page's cards and to-dos: registries every app fills, so accounts shows them without importing any app.

A card is a template and a function that builds its context from the request and the
account (None: nothing to show). Apps above accounts register theirs from AppConfig.ready():

    register_card("plan", order=20, template="plans/_account_card.html", build=plan_card, title=_("Plan"))

The page paints the account's identity and what needs doing first, with a menu of the cards;
each card is then fetched from its own URL (accounts:card, htmx), in `order`, and each
template sees only its card's context. A to-do builder returns the account's items that need
doing now (overdue or due within a week), shown in the first paint: keep it to a query or two.
The list is kept rendered under the data stamp (kam.stamp) per account and edit right, shared by
every reader: a builder must depend on nothing else (not on who reads).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.access import can_log_interactions
from accounts.charts import financial_history
from accounts.coverage import account_coverage
from accounts.financial_year import financial_year_in_use
from accounts.history import account_changes
from accounts.maps import map_contacts
from accounts.models import Account
from kam.stamp import stamped_html

CardBuilder = Callable[[HttpRequest, Account, bool], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Card:
    key: str
    order: int
    template: str
    build: CardBuilder
    title: str | Promise
    width: str  # the Bootstrap column class of its slot on the page


@dataclass(frozen=True)
class BuiltCard:
    key: str
    template: str
    context: dict[str, Any]


@dataclass(frozen=True)
class Todo:
    """One thing to do on the account now: what, where to do it, and when it was or is due."""

    text: str
    url: str
    due_on: date | None = None
    overdue: bool = False


TodoBuilder = Callable[[HttpRequest, Account, bool], "list[Todo]"]

CARDS: dict[str, Card] = {}
TODOS: dict[str, TodoBuilder] = {}


def register_card(
    key: str,
    *,
    order: int,
    template: str,
    build: CardBuilder,
    title: str | Promise | None = None,
    width: str = "col-12",
) -> None:
    """Add a card to the account page; build(request, account, can_edit) returns its context or None."""
    CARDS[key] = Card(key, order, template, build, title if title is not None else key, width)


def register_todo(key: str, build: TodoBuilder) -> None:
    """Add a source of to-dos to the account page's first paint: build(request, account, can_edit), which
    depends on the account and the edit right only (the list is shared by every reader with that right)."""
    TODOS[key] = build


def account_card_list() -> list[Card]:
    """Every card, in page order."""
    return sorted(CARDS.values(), key=lambda card: (card.order, card.key))


def card_build(*, request: HttpRequest, account: Account, card: Card, can_edit: bool) -> BuiltCard | None:
    context = card.build(request, account, can_edit)
    return None if context is None else BuiltCard(card.key, card.template, context)


def account_cards(*, request: HttpRequest, account: Account, can_edit: bool) -> list[BuiltCard]:
    """The cards to show for this account and user, in order, each with its context built."""
    built = (card_build(request=request, account=account, card=c, can_edit=can_edit) for c in account_card_list())
    return [card for card in built if card is not None]


def account_todos(*, request: HttpRequest, account: Account, can_edit: bool) -> list[Todo]:
    """What needs doing on this account, overdue first, then by due date."""
    todos = [todo for build in TODOS.values() for todo in build(request, account, can_edit)]
    return sorted(todos, key=lambda todo: (not todo.overdue, todo.due_on or date.max, todo.text))


def profile_card(request: HttpRequest, account: Account, can_edit: bool) -> dict[str, Any]:
    return {"account": account}


def contacts_card(request: HttpRequest, account: Account, can_edit: bool) -> dict[str, Any]:
    """The contacts, present ones first, and how well the decision-maker map covers them."""
    contacts = sorted(map_contacts(account=account), key=lambda contact: (not contact.is_active, contact.name))
    return {"account": account, "contacts": contacts, "coverage": account_coverage(account=account, contacts=contacts)}


def financials_card(request: HttpRequest, account: Account, can_edit: bool) -> dict[str, Any]:
    """Revenue, potential, share of wallet and headroom; the yearly history as a chart and a table."""
    financials = list(account.financials.order_by("year"))
    return {
        "account": account,
        "financial_rows": growth_rows(financials),
        "financial_chart": financial_history(financials, currency=settings.KAM_CURRENCY) if financials else None,
        "currency": settings.KAM_CURRENCY,
        "financial_year": financial_year_in_use(),
    }


def growth_rows(financials) -> list[dict]:
    rows, previous = [], None
    for item in financials:
        growth = None
        if previous is not None and previous.revenue:
            growth = ((item.revenue / previous.revenue - 1) * 100).quantize(Decimal("0.1"))
        rows.append({"year": item.year, "revenue": item.revenue, "margin": item.gross_margin,
                     "margin_percent": item.gross_margin_percent, "growth": growth,
                     "currency": item.currency})  # fmt: skip
        previous = item
    return rows


def interactions_card(request: HttpRequest, account: Account, can_edit: bool) -> dict[str, Any]:
    return {
        "account": account,
        "interactions": account.interactions.select_related("author", "contact")[:30],
        "can_log": can_log_interactions(request.user),
        "interaction_form": None,
    }


def history_card(request: HttpRequest, account: Account, can_edit: bool) -> dict[str, Any]:
    return {"account": account, "changes": account_changes(account)}


register_card(
    "financials", order=15, template="accounts/_financials_card.html", build=financials_card, title=_("Financials")
)
register_card(
    "profile",
    order=50,
    template="accounts/_profile_card.html",
    build=profile_card,
    title=_("Profile"),
    width="col-lg-6",
)
register_card(
    "contacts",
    order=60,
    template="accounts/_contacts_card.html",
    build=contacts_card,
    title=_("Contacts"),
    width="col-lg-6",
)
register_card(
    "interactions",
    order=70,
    template="accounts/_interactions_card.html",
    build=interactions_card,
    title=_("Interactions"),
    width="col-lg-7",
)
register_card(
    "history",
    order=80,
    template="accounts/_history_card.html",
    build=history_card,
    title=_("History"),
    width="col-lg-5",
)


def account_todos_html(*, request: HttpRequest, account: Account, can_edit: bool) -> SafeString:
    """The first paint's "What needs doing" list, kept rendered while nothing tracked changes (kam.stamp).

    The account read with its edit right comes first, for access; its to-dos are then the same for every
    reader with that right (the links differ with it), so one rendering serves the account's whole team.
    The account was read before the stamp: the key holds what the to-dos take from it (segment, key or not),
    so a rendering from a copy that has since changed is never served as the new one.
    """
    about = f"account={account.pk} can_edit={can_edit} segment={account.segment} key={account.is_key}"

    def render(_stamp: str | None) -> str:
        todos = account_todos(request=request, account=account, can_edit=can_edit)
        return render_to_string("accounts/_todos.html", {"todos": todos})

    return stamped_html(name="account-todos", about=about, render=render)
