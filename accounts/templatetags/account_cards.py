"""Draws one card of the account page (see accounts.cards): its template with only its own context."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from accounts.cards import BuiltCard

register = template.Library()


@register.simple_tag(takes_context=True)
def account_card(context: template.Context, card: BuiltCard) -> SafeString:
    # Like an inclusion tag: a fresh context, so a card cannot lean on the page's variables.
    return context.template.engine.get_template(card.template).render(context.new(card.context))
