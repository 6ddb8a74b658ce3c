"""The account page's cards: one registry every app fills, so accounts shows them without importing any app.

A card is a template and a function that builds its context from the request and the
account (None hides the card). Apps above accounts register theirs from AppConfig.ready():

    register_card("plan", order=20, template="plans/_account_card.html", build=plan_card)

The page renders the cards by `order`; each template sees only its card's context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from accounts.coverage import account_coverage
from accounts.maps import map_contacts
from accounts.models import Account

CardBuilder = Callable[[HttpRequest, Account, bool], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Card:
    key: str
    order: int
    template: str
    build: CardBuilder


@dataclass(frozen=True)
class BuiltCard:
    key: str
    template: str
    context: dict[str, Any]


CARDS: dict[str, Card] = {}


def register_card(key: str, *, order: int, template: str, build: CardBuilder) -> None:
    """Add a card to the account page; build(request, account, can_edit) returns its context or None."""
    CARDS[key] = Card(key, order, template, build)


def account_cards(*, request: HttpRequest, account: Account, can_edit: bool) -> list[BuiltCard]:
    """The cards to show for this account and user, in order, each with its context built."""
    built = []
    for card in sorted(CARDS.values(), key=lambda card: (card.order, card.key)):
        context = card.build(request, account, can_edit)
        if context is not None:
            built.append(BuiltCard(card.key, card.template, context))
    return built


def profile_card(request: HttpRequest, account: Account, can_edit: bool) -> dict[str, Any]:
    return {"account": account}


def contacts_card(request: HttpRequest, account: Account, can_edit: bool) -> dict[str, Any]:
    """The contacts, present ones first, and how well the decision-maker map covers them."""
    contacts = sorted(map_contacts(account=account), key=lambda contact: (not contact.is_active, contact.name))
    return {"account": account, "contacts": contacts, "coverage": account_coverage(account=account, contacts=contacts)}


register_card("profile", order=50, template="accounts/_profile_card.html", build=profile_card)
register_card("contacts", order=60, template="accounts/_contacts_card.html", build=contacts_card)
