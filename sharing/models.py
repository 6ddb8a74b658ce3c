"""The plan shared with the customer: what is shared, who is invited (by personal link), what they did."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Contact
from plans.models import AccountPlan, Action, Objective

# The plan's sections a customer may read. The others (anticipated problems, the SWOT) are our
# internal view of the relationship and are never shareable, whatever is stored.
SHAREABLE_SECTIONS = ("business", "strategy", "difficulties", "shared_goals", "recommendations")


def token_hash(token: str) -> str:
    """What is stored of a link's token: its SHA-256 (the token itself is only in the e-mail)."""
    return hashlib.sha256(token.encode()).hexdigest()


class PlanShareQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlanShareQuerySet:
        return self.filter(plan__in=AccountPlan.objects.visible_to(user))

    def editable_by(self, user) -> PlanShareQuerySet:
        return self.filter(plan__in=AccountPlan.objects.editable_by(user))


class PlanShare(models.Model):
    """What of one plan the customer's invited contacts see."""

    plan = models.OneToOneField(AccountPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="share")
    sections = models.JSONField(_("shared sections"), default=list, blank=True)
    objectives = models.ManyToManyField(Objective, verbose_name=_("shared objectives"), blank=True, related_name="+")
    actions = models.ManyToManyField(Action, verbose_name=_("shared actions"), blank=True, related_name="+")
    customer_actions = models.ManyToManyField(
        Action, verbose_name=_("actions on the customer's side"), blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("shared by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("shared at"), default=timezone.now)

    objects = PlanShareQuerySet.as_manager()

    class Meta:
        verbose_name = _("shared plan")
        verbose_name_plural = _("shared plans")

    def __str__(self) -> str:
        return str(self.plan)

    @property
    def shared_sections(self) -> list[str]:
        return [s for s in SHAREABLE_SECTIONS if s in (self.sections or [])]


class InvitationQuerySet(models.QuerySet):
    def visible_to(self, user) -> InvitationQuerySet:
        return self.filter(share__plan__in=AccountPlan.objects.visible_to(user))

    def editable_by(self, user) -> InvitationQuerySet:
        return self.filter(share__plan__in=AccountPlan.objects.editable_by(user))


class ShareInvitation(models.Model):
    """One contact's personal link to one shared plan."""

    share = models.ForeignKey(
        PlanShare, verbose_name=_("shared plan"), on_delete=models.CASCADE, related_name="invitations"
    )
    contact = models.ForeignKey(Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("link expires"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    first_opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    last_opened_at = models.DateTimeField(_("last opened"), null=True, blank=True)
    open_count = models.PositiveIntegerField(_("times opened"), default=0)
    # The one-time code that admits a new browser: only its hash, with its expiry and the tries made.
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_tries = models.PositiveSmallIntegerField(default=0)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation to a shared plan")
        verbose_name_plural = _("invitations to shared plans")
        ordering = ["share_id", "contact__name", "id"]
        constraints = [models.UniqueConstraint(fields=["share", "contact"], name="one_share_invitation_per_contact")]

    def __str__(self) -> str:
        return f"{self.contact} — {self.share}"

    def is_usable(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

    @property
    def state(self) -> str:
        if self.revoked_at:
            return str(_("Revoked"))
        if self.expires_at <= timezone.now():
            return str(_("Expired"))
        return str(_("Active"))


class EventKind(models.TextChoices):
    INVITED = "invited", _("Invited")
    RESENT = "resent", _("Link sent again")
    REVOKED = "revoked", _("Link revoked")
    OPENED = "opened", _("Opened the plan")
    COMMENTED = "commented", _("Commented")
    ACTION_DONE = "action_done", _("Marked an action done")
    PROPOSED = "proposed", _("Proposed an action")
    ACCEPTED = "accepted", _("Proposal accepted")
    DECLINED = "declined", _("Proposal declined")


class ShareEvent(models.Model):
    """Something that happened on a shared plan, by a contact (customer) or by one of us, and when."""

    share = models.ForeignKey(PlanShare, verbose_name=_("shared plan"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what"), max_length=20, choices=EventKind.choices)
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    objective = models.ForeignKey(Objective, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.ForeignKey(Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("shared plan event")
        verbose_name_plural = _("shared plan events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["share", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"

    @property
    def actor(self) -> str:
        return str(self.contact or self.user or _("system"))


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for our answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class ActionProposal(models.Model):
    """An action a customer contact proposes on the shared plan; one of us accepts or declines it."""

    share = models.ForeignKey(
        PlanShare, verbose_name=_("shared plan"), on_delete=models.CASCADE, related_name="proposals"
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("proposed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(_("action"), max_length=200)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    action = models.ForeignKey(Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("proposed action")
        verbose_name_plural = _("proposed actions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
