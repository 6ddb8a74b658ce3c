"""The audit of role changes: who gave or took a role, switched an account on or off, and when.

Roles change in /admin/ (the user form's groups field), in the shell, or through a group's user set; a receiver of
Django's m2m_changed and save signals is the one place that sees them all. This is an audit trail, not domain flow
(nothing else follows from it), which is why a signal is acceptable here (STYLE.md keeps signals for setup).
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_save, pre_save
from simple_history.models import HistoricalRecords

from kam.models import RoleChange, User

AUDITED_FLAGS = ("is_active", "is_superuser", "is_staff")


def _acting_user() -> User | None:
    """The signed-in user of the request being served (simple_history's middleware keeps it), if any."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _groups_changed(sender, instance, action: str, reverse: bool, pk_set: set | None, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    by = _acting_user()
    if action == "pre_clear":
        # clear() passes no pk_set: read what is about to go.
        if reverse:
            pairs = [(user_id, instance.name) for user_id in instance.user_set.values_list("pk", flat=True)]
        else:
            pairs = [(instance.pk, name) for name in instance.groups.values_list("name", flat=True)]
        removed = True
    else:
        if not pk_set:
            return
        if reverse:
            pairs = [(user_id, instance.name) for user_id in pk_set]
        else:
            names = Group.objects.filter(pk__in=pk_set).values_list("name", flat=True)
            pairs = [(instance.pk, name) for name in names]
        removed = action == "post_remove"
    RoleChange.objects.bulk_create(
        [
            RoleChange(
                user_id=user_id,
                changed_by=by,
                what="role",
                before=name if removed else "",
                after="" if removed else name,
            )
            for user_id, name in pairs
        ]
    )


def _flags_before_save(sender, instance: User, update_fields=None, **kwargs) -> None:
    # A sign-in saves last_login only: no need to read the row again.
    if instance.pk is None or (update_fields is not None and not set(update_fields) & set(AUDITED_FLAGS)):
        instance._audited_flags = None
        return
    instance._audited_flags = User.objects.filter(pk=instance.pk).values(*AUDITED_FLAGS).first()


def _flags_after_save(sender, instance: User, created: bool, **kwargs) -> None:
    before = getattr(instance, "_audited_flags", None)
    instance._audited_flags = None
    if created or not before:
        return
    by = _acting_user()
    RoleChange.objects.bulk_create(
        [
            RoleChange(
                user=instance, changed_by=by, what=flag, before=str(before[flag]), after=str(getattr(instance, flag))
            )
            for flag in AUDITED_FLAGS
            if before[flag] != getattr(instance, flag)
        ]
    )


def connect() -> None:
    m2m_changed.connect(_groups_changed, sender=User.groups.through, dispatch_uid="kam_audit_groups")
    pre_save.connect(_flags_before_save, sender=User, dispatch_uid="kam_audit_flags_before")
    post_save.connect(_flags_after_save, sender=User, dispatch_uid="kam_audit_flags_after")
