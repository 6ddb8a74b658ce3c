"""One card of the account page at its own address: the page fetches each with htmx, a reader without JS opens it."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.access import can_edit_account, get_account_for_user
from accounts.cards import CARDS, card_build


@require_safe
def account_card(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    account = get_account_for_user(request, pk)
    card = CARDS.get(key)
    if card is None:
        raise Http404
    built = card_build(request=request, account=account, card=card, can_edit=can_edit_account(request.user, account))
    context = {"account": account, "card": card, "built": built}
    template = "accounts/_card.html" if request.htmx else "accounts/account_card_page.html"
    return render(request, template, context)
