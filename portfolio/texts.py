"""The portfolio app's notification sentences, by id (see kam.texts): written out in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from kam.texts import register_text

DAILY_DIGEST = register_text(
    "portfolio.daily_digest",
    ngettext_lazy(
        "Your daily digest: %(count)s item is overdue or due within 7 days.",
        "Your daily digest: %(count)s items are overdue or due within 7 days.",
        "count",
    ),
)
SPONSOR_DIGEST = register_text(
    "portfolio.sponsor_digest",
    _("Your weekly sponsor digest: %(count)s changes, alerts and overdue items on your accounts."),
)
