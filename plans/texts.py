"""The plans app's notification sentences, by id (see kam.texts): written out in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kam.texts import register_choices, register_text
from plans.models import (
    PLAN_TITLE_ONE_YEAR_SOURCE,
    PLAN_TITLE_ONE_YEAR_TEXT,
    PLAN_TITLE_SOURCE,
    PLAN_TITLE_TEXT,
    ReviewType,
)

register_choices("plans.review_type", ReviewType)
PLAN_TITLE = register_text(PLAN_TITLE_TEXT, _(PLAN_TITLE_SOURCE))  # the msgid is marked in plans.models
PLAN_TITLE_ONE_YEAR = register_text(PLAN_TITLE_ONE_YEAR_TEXT, _(PLAN_TITLE_ONE_YEAR_SOURCE))

PLAN_SUBMITTED = register_text("plans.plan_submitted", _("%(who)s submitted the plan “%(plan)s” for your approval."))
PLAN_APPROVED = register_text("plans.plan_approved", _("%(who)s approved the plan “%(plan)s” (version %(number)s)."))
PLAN_SENT_BACK = register_text("plans.plan_sent_back", _("%(who)s sent the plan “%(plan)s” back: %(comment)s"))
PLAN_PDF_READY = register_text("plans.plan_pdf_ready", _("The PDF of “%(plan)s” is ready to download."))
REVIEW_ACTION = register_text(
    "plans.review_action",
    _("%(who)s gave you an action from the %(type)s of %(account)s: %(action)s (due %(due)s)."),
)
REVIEW_OVERDUE = register_text(
    "plans.review_overdue", _("The %(type)s of %(account)s is %(days)s days overdue (due %(due)s).")
)
ACTION_ASSIGNED = register_text(
    "plans.action_assigned",
    _("%(who)s gave you an action on the plan “%(plan)s”: %(action)s (due %(due)s)."),
)
