"""The portfolio app's notification sentences, by id (see kam.texts): written out in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kam.texts import register_text

DAILY_DIGEST = register_text(
    "portfolio.daily_digest",
    _("Your daily digest: %(count)s item is overdue or due within 7 days."),
    plural=_("Your daily digest: %(count)s items are overdue or due within 7 days."),
)
SPONSOR_DIGEST = register_text(
    "portfolio.sponsor_digest",
    _("Your weekly sponsor digest: %(count)s changes, alerts and overdue items on your accounts."),
)
