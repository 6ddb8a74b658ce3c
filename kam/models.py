"""Users of KAM; a user's role is one of the groups defined in kam.roles."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from kam.roles import Role


class User(AbstractUser):
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of e-mails sent to this user."),
    )
    email_notifications = models.BooleanField(
        _("e-mail me my notifications"),
        default=True,
        help_text=_("Off: notifications stay in the app only."),
    )

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role) -> bool:
        if self.is_superuser and role == Role.ADMINISTRATOR:
            return True
        return role.value in self.role_names

    def has_any_role(self, *roles: Role) -> bool:
        """Active and holding one of these roles (any role at all when none is named)."""
        return self.is_active and any(self.has_role(role) for role in roles or Role)

    @property
    def is_administrator(self) -> bool:
        return self.is_active and self.has_role(Role.ADMINISTRATOR)

    @property
    def is_key_account_manager(self) -> bool:
        return self.is_active and self.has_role(Role.KEY_ACCOUNT_MANAGER)

    @property
    def is_executive_sponsor(self) -> bool:
        return self.is_active and self.has_role(Role.EXECUTIVE_SPONSOR)

    @property
    def is_contributor(self) -> bool:
        return self.is_active and self.has_role(Role.CONTRIBUTOR)

    @property
    def role_labels(self) -> list[str]:
        return [str(role.label) for role in Role if self.has_role(role)]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def name_fields(user: str) -> list[str]:
    """The columns str(user) reads, through the relation `user` ("owner", "account__owner"), for .only():
    pages that show people's names need not read their whole rows."""
    return [f"{user}__{field}" for field in ("username", "first_name", "last_name")]


class Notification(models.Model):
    """One thing a user should know about, shown in the app and, if they wish, e-mailed.

    `dedupe_key` makes sending idempotent: a retried or doubled task that
    notifies the same user of the same event creates nothing new. The text is kept as
    an id with its parameters (`message_key`, `params`, see kam.texts) and written out in
    the reader's language when shown; `message` holds it as first written, in the
    recipient's language then, for rows from before ids and texts nobody registered.
    """

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40)
    message = models.TextField(_("message"))
    message_key = models.CharField(_("message id"), max_length=100, blank=True)
    params = models.JSONField(_("message parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "dedupe_key"], name="notification_once_per_user")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message[:80]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def text(self) -> str:
        """The message in the active language (the stored text when it has no id)."""
        from kam.texts import text_render

        if not self.message_key:
            return self.message
        return text_render({"key": self.message_key, "params": self.params}, fallback=self.message)


class DigestKind(models.TextChoices):
    DAILY = "daily", _("Daily digest")
    SPONSOR_WEEKLY = "sponsor_weekly", _("Executive sponsor's weekly digest")


class DigestSent(models.Model):
    """A digest claimed for one user and one period: the row is written before sending, so never twice."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=DigestKind.choices)
    # The day of a daily digest, the Monday of a weekly one (ISO date).
    period = models.CharField(_("period"), max_length=20)
    items = models.PositiveIntegerField(_("items"), default=0)
    emailed = models.BooleanField(_("e-mailed"), default=False)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "period"], name="one_digest_per_user_and_period")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.period}"


class OutboxMessage(models.Model):
    """Background work recorded in the transaction that made it necessary, published to the broker from here.

    The row commits with the change that needs the work, so a broker outage loses nothing: a
    message not yet published (or published long ago and never done) is published again by
    the periodic `kam.tasks.outbox_publish_task`. `message_id` is the Celery task id of every
    delivery, which is how the worker marks the row done. Tasks must be idempotent: a row may
    be delivered more than once.
    """

    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    # What the work is about ("surveys.campaign:12"), so a page can tell whether its work is queued.
    key = models.CharField(max_length=200, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    available_at = models.DateTimeField(_("publish from"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("publish attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["done_at", "available_at"], name="outbox_open")]

    def __str__(self) -> str:
        return f"{self.task_name} {self.key}".strip()

    @property
    def state(self) -> str:
        if self.done_at:
            return "done"
        return "published" if self.published_at else "waiting"


class RoleChange(models.Model):
    """One change to what a user may do: a role (group) given or taken, an account switched on or off,
    superuser status given or taken; with who made it and when (issue 14: role changes are audited)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    what = models.CharField(_("what changed"), max_length=50)
    before = models.CharField(_("before"), max_length=300, blank=True)
    after = models.CharField(_("after"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user}: {self.what} {self.before} → {self.after}"


class Heartbeat(models.Model):
    """When a process of a kind was last seen: "beat" (publishing), "worker:light", "worker:heavy" (running).

    Written by the processes themselves (kam.health), read by /readyz: one row per kind, any machine.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    seen_at = models.DateTimeField(_("seen at"))
    hostname = models.CharField(_("host"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.seen_at:%Y-%m-%d %H:%M:%S}"


class DataChange(models.Model):
    """One row per transaction that wrote a tracked table, written by a database trigger (see kam.stamp).

    The table keeps the name it was created with in the portfolio app: the triggers already installed write to it.
    """

    txid = models.BigIntegerField(unique=True)

    class Meta:
        db_table = "portfolio_datachange"
        verbose_name = "data change"

    def __str__(self) -> str:
        return str(self.txid)
