"""The surveys app's notification sentences, by id (see kam.texts): written out in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kam.texts import register_text

SURVEY_ALERT = register_text("surveys.alert", _("%(account)s, survey “%(campaign)s”: %(alert)s."))
# One per alert kind (surveys.services.ALERT_KINDS): "surveys.alert.<kind>".
register_text("surveys.alert.drop", _("Satisfaction index dropped by %(value)s points"))
register_text("surveys.alert.dm_detractor", _("A decision maker is a detractor (NPS 0–6)"))
register_text("surveys.alert.no_dm", _("No decision maker answered"))
IMPROVEMENT_ACTION = register_text(
    "surveys.improvement_action", _("Improvement action for %(account)s assigned to you: %(title)s")
)
