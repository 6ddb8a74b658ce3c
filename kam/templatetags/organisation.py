"""{% get_organisation as org %}: the organisation's name and logo URL (kam.organisation), in pages, e-mails, PDFs."""

from __future__ import annotations

from django import template

from kam.organisation import Organisation, organisation

register = template.Library()


@register.simple_tag
def get_organisation() -> Organisation:
    return organisation()
