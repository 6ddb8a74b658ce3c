"""The accounts app's notification sentences, by id (see kam.texts): written out in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kam.texts import register_text

ACCOUNT_ROLE_GIVEN = register_text("accounts.role_given", _("%(who)s made you %(role)s of %(account)s."))
# The roles on an account one can be given: "accounts.role.<field>".
register_text("accounts.role.owner", _("key account manager"))
register_text("accounts.role.service_manager", _("service manager"))
register_text("accounts.role.executive_sponsor", _("executive sponsor"))
