"""The account page as a browser shows it: the first paint, then every card htmx fetches from its own URL."""

from __future__ import annotations

import re

from django.test import Client

HTMX = {"HX-Request": "true"}


def card_urls(page: str) -> list[str]:
    return re.findall(r'hx-get="(/accounts/\d+/cards/[\w-]+/)"', page)


def account_page(client: Client, account) -> str:
    """The account page's HTML followed by each of its cards' (as htmx swaps them in), for reading assertions."""
    page = client.get(account.get_absolute_url()).content.decode()
    return page + "".join(client.get(url, headers=HTMX).content.decode() for url in card_urls(page))
