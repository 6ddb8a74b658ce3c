"""The four roles of KAM, as Django groups.

A user's role is a group membership; administrators change it in /admin/.
`roles_sync()` runs after every migrate so groups and their permissions always
match this file.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    KEY_ACCOUNT_MANAGER = "key_account_manager", _("Key account manager")
    EXECUTIVE_SPONSOR = "executive_sponsor", _("Executive sponsor")
    CONTRIBUTOR = "contributor", _("Contributor")


PROJECT_APPS = (
    "kam",
    "accounts",
    "scoring",
    "plans",
    "growth",
    "surveys",
    "health",
    "sharing",
    "portfolio",
    "api",
    "webhooks",
)

# Who may see or change which object is decided by the QuerySets (visible_to, editable_by, approvable_by,
# decidable_by) and each app's access.py, never by these permissions: they only open /admin/, which only
# administrators enter (kam.admin_site), so the other roles hold none and cannot contradict the QuerySets.
# Patterns over "app_label.codename".
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ADMINISTRATOR: [f"{app}.*" for app in PROJECT_APPS]
    + ["auth.*", "django_celery_beat.*", "django_celery_results.view_*", "axes.*"],
    Role.KEY_ACCOUNT_MANAGER: [],
    Role.EXECUTIVE_SPONSOR: [],
    Role.CONTRIBUTOR: [],
}


def roles_sync() -> None:
    """Create the role groups and give each exactly the permissions listed above."""
    from django.contrib.auth.models import Group, Permission

    permissions = list(Permission.objects.select_related("content_type"))
    for role, patterns in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = [
            p
            for p in permissions
            if any(fnmatchcase(f"{p.content_type.app_label}.{p.codename}", pat) for pat in patterns)
        ]
        group.permissions.set(wanted)
