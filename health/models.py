"""Account health: the weights administrators set, weekly snapshots, the risk register, playbooks and their log."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account


class Signal(models.TextChoices):
    """What health is made of; each is read from data the product already keeps."""

    SATISFACTION = "satisfaction", _("Satisfaction level (surveys)")
    SATISFACTION_TREND = "satisfaction_trend", _("Satisfaction trend since the previous survey")
    COVERAGE = "coverage", _("Relationship coverage (decision-maker map)")
    SILENCE = "silence", _("Contact with decision makers and champions")
    REVENUE_VS_PLAN = "revenue_vs_plan", _("Revenue against plan objectives")
    OVERDUE_REVIEWS = "overdue_reviews", _("Reviews held on time")
    OVERDUE_ACTIONS = "overdue_actions", _("Plan and review actions on time")
    INCIDENTS = "incidents", _("Incidents and payment issues")
    OPEN_RISKS = "open_risks", _("Open risks")


class HealthWeight(models.Model):
    """One signal's weight in the health index, set by administrators (0 leaves it out)."""

    signal = models.CharField(_("signal"), max_length=30, choices=Signal.choices, unique=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = _("health weight")
        verbose_name_plural = _("health weights")
        ordering = ["signal"]

    def __str__(self) -> str:
        return f"{self.get_signal_display()}: {self.weight}"


class HealthSnapshot(models.Model):
    """An account's health in one week (Monday's date); the index only, so a year of 100,000 accounts stays small."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(_("week of"))
    score = models.FloatField(_("health"), null=True, blank=True)

    class Meta:
        verbose_name = _("health snapshot")
        verbose_name_plural = _("health snapshots")
        constraints = [models.UniqueConstraint(fields=["account", "week"], name="one_health_snapshot_per_week")]
        indexes = [models.Index(fields=["week"])]

    def __str__(self) -> str:
        return f"{self.account_id} {self.week}: {self.score}"


class RiskCategory(models.TextChoices):
    COMPETITOR = "competitor", _("Competitor")
    PERSON_LEFT = "person_left", _("Champion or sponsor left")
    BUDGET_CUT = "budget_cut", _("Budget cut")
    REORGANISATION = "reorganisation", _("Reorganisation")
    DELIVERY = "delivery", _("Delivery problem")
    PAYMENT = "payment", _("Payment")
    OTHER = "other", _("Other")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MITIGATING = "mitigating", _("Being mitigated")
    CLOSED = "closed", _("Closed")


OPEN_RISK_STATUSES = (RiskStatus.OPEN, RiskStatus.MITIGATING)
SCALE = [MinValueValidator(1), MaxValueValidator(5)]
SCALE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class RiskQuerySet(models.QuerySet):
    def visible_to(self, user) -> RiskQuerySet:
        """A risk is read by whoever reads its account."""
        return self.filter(account__in=Account.objects.visible_to(user))

    def editable_by(self, user) -> RiskQuerySet:
        """Changed by whoever changes its account, and by its owner."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(models.Q(account__in=Account.objects.editable_by(user)) | models.Q(owner=user)).filter(
            account__in=Account.objects.visible_to(user)
        )

    def open(self) -> RiskQuerySet:
        return self.filter(status__in=OPEN_RISK_STATUSES)


class Risk(models.Model):
    """Something that may hurt the relationship: how likely, how bad, who watches it, what we do about it."""

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="risks")
    title = models.CharField(_("risk"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=RiskCategory.choices)
    description = models.TextField(_("description"), blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood (1–5)"), choices=SCALE_CHOICES, validators=SCALE)
    impact = models.PositiveSmallIntegerField(_("impact (1–5)"), choices=SCALE_CHOICES, validators=SCALE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    mitigation = models.TextField(_("mitigation"), blank=True)
    mitigation_actions = models.ManyToManyField(
        "plans.Action", verbose_name=_("mitigation actions"), blank=True, related_name="risks"
    )
    raised_on = models.DateField(_("raised on"), default=timezone.localdate)
    review_on = models.DateField(_("review by"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    firing = models.ForeignKey(
        "health.PlaybookFiring",
        verbose_name=_("opened by playbook"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="risks",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RiskQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["status", "-raised_on", "-pk"]
        indexes = [models.Index(fields=["account", "status"]), models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("health:risk_edit", args=[self.pk])

    @property
    def exposure(self) -> int:
        """Likelihood × impact, 1–25."""
        return self.likelihood * self.impact

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_RISK_STATUSES


class Trigger(models.TextChoices):
    HEALTH_BELOW = "health_below", _("Health falls below a level")
    HEALTH_DROP = "health_drop", _("Health drops by N points in a week")
    KEY_PERSON_LEFT = "key_person_left", _("A decision maker or champion leaves")
    DETRACTOR = "detractor", _("A decision maker answers a survey as a detractor (0–6)")
    PAYMENT_ISSUE = "payment_issue", _("A payment issue is logged")
    INCIDENT = "incident", _("An incident is logged")
    STATUS_CHANGE = "status_change", _("Segment or key status changes in a segmentation run")
    SILENCE = "silence", _("No interaction with decision makers for N days")


class Assignee(models.TextChoices):
    OWNER = "owner", _("Key account manager")
    SERVICE_MANAGER = "service_manager", _("Service manager")
    SPONSOR = "sponsor", _("Executive sponsor")


class StepKind(models.TextChoices):
    ACTION = "action", _("Create an action")
    RISK = "risk", _("Open a risk")
    NOTIFY = "notify", _("Notify")


class Playbook(models.Model):
    """What to do when a signal shows, defined by administrators in /admin/ without code."""

    name = models.CharField(_("name"), max_length=200)
    trigger = models.CharField(_("trigger"), max_length=30, choices=Trigger.choices)
    threshold = models.PositiveSmallIntegerField(
        _("level, points or days"),
        null=True,
        blank=True,
        help_text=_("Health level (below), points (drop) or days (silence); unused by the other triggers."),
    )
    key_accounts_only = models.BooleanField(_("key accounts only"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    why = models.TextField(_("why (the practice)"), blank=True)

    class Meta:
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlaybookStep(models.Model):
    playbook = models.ForeignKey(Playbook, verbose_name=_("playbook"), on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=10, choices=StepKind.choices)
    assignee = models.CharField(_("for"), max_length=20, choices=Assignee.choices, default=Assignee.OWNER)
    title = models.CharField(_("title"), max_length=200)
    due_in_days = models.PositiveSmallIntegerField(_("due in (days)"), default=7)
    risk_category = models.CharField(_("risk category"), max_length=20, choices=RiskCategory.choices, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("playbook step")
        verbose_name_plural = _("playbook steps")
        ordering = ["playbook_id", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class PlaybookFiringQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlaybookFiringQuerySet:
        return self.filter(account__in=Account.objects.visible_to(user))


class PlaybookFiring(models.Model):
    """One playbook acting on one signal of one account: the key makes a signal act once, whoever sees it first."""

    playbook = models.ForeignKey(Playbook, verbose_name=_("playbook"), on_delete=models.CASCADE, related_name="firings")
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("signal"), max_length=100)
    reason = models.TextField(_("why"))
    fired_at = models.DateTimeField(_("fired at"), default=timezone.now)
    outcome = models.TextField(_("what it did"), blank=True)

    objects = PlaybookFiringQuerySet.as_manager()

    class Meta:
        verbose_name = _("playbook firing")
        verbose_name_plural = _("playbook firings")
        ordering = ["-fired_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["playbook", "account", "key"], name="playbook_fires_once_per_signal")
        ]

    def __str__(self) -> str:
        return f"{self.playbook} · {self.account_id} · {self.key}"


class PlaybookActionStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PlaybookActionQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlaybookActionQuerySet:
        return self.filter(account__in=Account.objects.visible_to(user))

    def editable_by(self, user) -> PlaybookActionQuerySet:
        """Its owner, and whoever changes the account."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.visible_to(user).filter(
            models.Q(owner=user) | models.Q(account__in=Account.objects.editable_by(user))
        )


class PlaybookAction(models.Model):
    """A task a playbook gave someone, with the playbook and the reason written on it.

    Kept apart from plan actions because an account without a plan must get it too (a plan action
    needs a plan or a review); a risk's mitigation links to plan actions.
    """

    firing = models.ForeignKey(PlaybookFiring, on_delete=models.CASCADE, related_name="actions")
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("action"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=PlaybookActionStatus.choices, default=PlaybookActionStatus.OPEN
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = PlaybookActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("playbook action")
        verbose_name_plural = _("playbook actions")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date | None = None) -> bool:
        return self.status == PlaybookActionStatus.OPEN and self.due_on < (today or timezone.localdate())
