"""The scoring app's notification sentences, by id (see kam.texts): written out in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.models import Segment
from kam.texts import register_choices, register_text
from scoring.models import OverrideDecision

register_choices("scoring.decision", OverrideDecision)
register_choices("accounts.segment", Segment)
NO_SEGMENT = register_text("scoring.no_segment", "—")

OVERRIDE_PROPOSED = register_text(
    "scoring.override_proposed", _("%(user)s proposes: %(decision)s for %(account)s. Your decision is needed.")
)
OVERRIDE_APPROVED = register_text(
    "scoring.override_approved",
    _("Your proposal for %(account)s was approved; it applies from the next segmentation run."),
)
OVERRIDE_REJECTED = register_text(
    "scoring.override_rejected", _("Your proposal for %(account)s was rejected: %(comment)s")
)
RUN_CHANGES = register_text(
    "scoring.run_changes", _("Segmentation run %(run)s changed %(count)s of your accounts: %(changes)s")
)
AND_MORE = register_text("scoring.and_more", _("and %(count)s more"))
BECAME_KEY = register_text("scoring.became_key", _("%(account)s became a key account"))
NO_LONGER_KEY = register_text("scoring.no_longer_key", _("%(account)s is no longer a key account"))
MOVED = register_text("scoring.moved", _("%(account)s moved from %(before)s to %(after)s"))
