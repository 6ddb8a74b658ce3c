"""Account plans over 1–3 years: sections, objectives with KPI checkpoints, actions, resources, versions."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.models import HistoricalRecords

from accounts.models import Account, Segment


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


# A plan in preparation and a plan in force may coexist (next year's plan is drafted
# while this year's runs), but never two of either kind on one account, except that an
# approved plan waiting for its start date coexists with the active one it will replace.
IN_PREPARATION = (PlanStatus.DRAFT, PlanStatus.SUBMITTED)
IN_FORCE = (PlanStatus.APPROVED, PlanStatus.ACTIVE)


STATUS_BADGES = {
    PlanStatus.DRAFT: "text-bg-light border",
    PlanStatus.SUBMITTED: "text-bg-warning",
    PlanStatus.APPROVED: "text-bg-info",
    PlanStatus.ACTIVE: "text-bg-success",
    PlanStatus.CLOSED: "text-bg-secondary",
}


PLAN_TITLE_TEXT = "plans.plan_title"  # registered in plans.texts
# The title the app gives a plan, stored as written here (untranslated) and shown translated to each reader.
PLAN_TITLE_SOURCE = gettext_noop("%(account)s account plan %(start)s–%(end)s")
# A plan inside one calendar year: "Acme account plan 2027", not "2027–2027".
PLAN_TITLE_ONE_YEAR_TEXT = "plans.plan_title_one_year"
PLAN_TITLE_ONE_YEAR_SOURCE = gettext_noop("%(account)s account plan %(year)s")


class AccountPlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> AccountPlanQuerySet:
        """Whoever reads the account reads its plans."""
        return self.filter(account__in=Account.objects.visible_to(user))

    def editable_by(self, user) -> AccountPlanQuerySet:
        """The account's key account manager (owner or service manager) or an administrator."""
        return self.filter(account__in=Account.objects.editable_by(user))

    def written_by(self, user) -> AccountPlanQuerySet:
        """Plans this user had a hand in: drafted or submitted them, or runs the account they are for."""
        submitted = PlanComment.objects.filter(kind=CommentKind.SUBMITTED, author=user).values("plan_id")
        return self.filter(
            Q(created_by=user) | Q(account__owner=user) | Q(account__service_manager=user) | Q(pk__in=submitted)
        )

    def approvable_by(self, user) -> AccountPlanQuerySet:
        """The account's executive sponsor, or an administrator; never someone who wrote the plan.

        A user may be manager and sponsor (or administrator) at once: the roles alone would let him
        approve his own plan, which defeats the approval.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_administrator:
            plans = self.all()
        elif user.is_executive_sponsor:
            plans = self.filter(account__executive_sponsor=user)
        else:
            return self.none()
        return plans.exclude(pk__in=self.model.objects.written_by(user).values("pk"))


class AccountPlan(models.Model):
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(_("title"), max_length=200)
    # A title the app wrote (plans.services.plan_default_title): its parameters, to write it in each reader's language.
    title_params = models.JSONField(_("generated title parameters"), null=True, blank=True, editable=False)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_plans",
    )

    business = models.TextField(_("the customer's business"), blank=True)
    strategy = models.TextField(_("the customer's strategy and goals"), blank=True)
    difficulties = models.TextField(_("difficulties they face"), blank=True)
    shared_goals = models.TextField(_("where our goals overlap"), blank=True)
    anticipated_problems = models.TextField(_("problems we can anticipate"), blank=True)
    strengths = models.TextField(_("strengths of the relationship"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    opportunities = models.TextField(_("opportunities"), blank=True)
    threats = models.TextField(_("threats"), blank=True)
    recommendations = models.TextField(
        _("our strategic recommendations"), blank=True, help_text=_("Partnerships, solutions we propose.")
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = AccountPlanQuerySet.as_manager()
    # Who wrote what in the plan, and when (issue 14): the approved versions freeze content, this keeps every step.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account plan")
        verbose_name_plural = _("account plans")
        ordering = ["-starts_on", "-id"]
        permissions = [("approve_accountplan", _("Can approve account plans"))]
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=Q(status__in=IN_PREPARATION), name="one_plan_in_preparation_per_account"
            ),
            # Next year's plan, once approved, waits for its start while this year's stays active.
            models.UniqueConstraint(
                fields=["account"], condition=Q(status="active"), name="one_active_plan_per_account"
            ),
            models.UniqueConstraint(
                fields=["account"], condition=Q(status="approved"), name="one_approved_plan_per_account"
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.pk])

    def _generated_title(self) -> dict | None:
        """The reference of the title the app wrote, while nobody has retitled the plan."""
        if not self.title_params:
            return None
        one_year = "year" in self.title_params
        source, key = (
            (PLAN_TITLE_ONE_YEAR_SOURCE, PLAN_TITLE_ONE_YEAR_TEXT) if one_year else (PLAN_TITLE_SOURCE, PLAN_TITLE_TEXT)
        )
        try:
            untouched = self.title == source % self.title_params
        except (KeyError, TypeError, ValueError):
            return None
        return {"key": key, "params": self.title_params} if untouched else None

    @property
    def display_title(self) -> str:
        """The title in the reader's language when the app wrote it; else as typed."""
        from kam.texts import text_render

        ref = self._generated_title()
        return text_render(ref, fallback=self.title) if ref else self.title

    @property
    def title_ref(self) -> str | dict:
        """The title as a notification parameter (kam.texts): written in each reader's language if generated."""
        return self._generated_title() or self.title

    @property
    def status_badge(self) -> str:
        """Bootstrap badge classes for the status (the word is always shown too)."""
        return STATUS_BADGES.get(self.status, "text-bg-secondary")

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    @property
    def is_closed(self) -> bool:
        return self.status == PlanStatus.CLOSED

    @property
    def tracking_open(self) -> bool:
        """Actuals and action statuses are recorded while the plan runs, not only while drafted."""
        return self.status != PlanStatus.CLOSED


class PlanVersion(models.Model):
    """What was approved, frozen: later edits never change it."""

    plan = models.ForeignKey(AccountPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("content at approval"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number")]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class Metric(models.TextChoices):
    REVENUE = "revenue", _("Revenue")
    GROSS_MARGIN = "gross_margin", _("Gross margin")
    SHARE_OF_WALLET = "share_of_wallet", _("Share of wallet (%)")
    SATISFACTION = "satisfaction", _("Satisfaction")
    LINE_REVENUE = "line_revenue", _("Revenue on a product line")
    CUSTOM = "custom", _("Custom")


class Objective(models.Model):
    plan = models.ForeignKey(AccountPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(_("objective"), max_length=200)
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices, default=Metric.REVENUE)
    custom_metric = models.CharField(
        _("custom metric"), max_length=100, blank=True, help_text=_("Its name, when the metric is custom.")
    )
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    due_on = models.DateField(_("due date"))
    position = models.PositiveIntegerField(default=0)
    # "Win line X at subsidiary Y": with the line-revenue metric, progress is read from revenue by line.
    line = models.ForeignKey(
        "accounts.ProductLine",
        verbose_name=_("product line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objectives",
    )
    line_account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("at (account or subsidiary)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="line_objectives",
        help_text=_("Empty: the plan's account."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["plan_id", "position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def metric_label(self) -> str:
        return self.custom_metric if self.metric == Metric.CUSTOM and self.custom_metric else self.get_metric_display()


class Checkpoint(models.Model):
    """A short-term KPI target on the way to an objective (a quarter or a year), with its actual value."""

    objective = models.ForeignKey(
        Objective, verbose_name=_("objective"), on_delete=models.CASCADE, related_name="checkpoints"
    )
    label = models.CharField(_("period"), max_length=50, help_text=_("For example Q1 2027 or 2027."))
    due_on = models.DateField(_("date"))
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    actual = models.DecimalField(_("actual"), max_digits=14, decimal_places=2, null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("KPI checkpoint")
        verbose_name_plural = _("KPI checkpoints")
        ordering = ["objective_id", "due_on", "id"]

    def __str__(self) -> str:
        return self.label


class ActionStatus(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Action(models.Model):
    """A step someone must take, on a plan, decided at a review, or both.

    A review's follow-up action joins the account's current plan when it has one, so
    the plan's action list stays complete; without a plan it belongs to the review
    alone (plan is null) and joins the next plan drafted for the account.
    """

    plan = models.ForeignKey(
        AccountPlan, verbose_name=_("plan"), on_delete=models.CASCADE, null=True, blank=True, related_name="actions"
    )
    review = models.ForeignKey(
        "plans.Review",
        verbose_name=_("decided at review"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="actions",
    )
    title = models.CharField(_("action"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_actions",
    )
    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.TODO)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["plan_id", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False) | Q(review__isnull=False), name="action_on_a_plan_or_a_review"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """Where the action is shown: its plan, else the review that decided it."""
        if self.plan_id:
            return f"{reverse('plans:detail', args=[self.plan_id])}#actions"
        return reverse("plans:review_detail", args=[self.review_id])

    @property
    def account(self) -> Account:
        """The account, whether the action sits on a plan or only on a review (select `plan__account`,
        `review__account` to read it without queries)."""
        return self.plan.account if self.plan_id else self.review.account

    def is_overdue(self, today: date | None = None) -> bool:
        if self.status in (ActionStatus.DONE, ActionStatus.CANCELLED):
            return False
        return self.due_on < (today or timezone.localdate())

    @cached_property
    def overdue(self) -> bool:
        # Read up to three times per row by the plan page: once, not three time-zone conversions.
        return self.is_overdue()


class ResourceKind(models.TextChoices):
    PEOPLE = "people", _("People")
    BUDGET = "budget", _("Budget")
    TOOLS = "tools", _("Tools")


class Resource(models.Model):
    plan = models.ForeignKey(AccountPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    description = models.CharField(_("description"), max_length=300)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["plan_id", "kind", "id"]

    def __str__(self) -> str:
        return self.description


class UnbilledService(models.Model):
    """Value we give the account without billing it, shown at review meetings."""

    plan = models.ForeignKey(
        AccountPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="unbilled_services"
    )
    description = models.CharField(_("service"), max_length=300)
    given_on = models.DateField(_("date"), default=timezone.localdate)
    estimated_value = models.DecimalField(_("estimated value"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("unbilled service")
        verbose_name_plural = _("unbilled services")
        ordering = ["plan_id", "-given_on", "id"]

    def __str__(self) -> str:
        return self.description


class CommentKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    SENT_BACK = "sent_back", _("Sent back")


class PlanComment(models.Model):
    plan = models.ForeignKey(AccountPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CommentKind.choices, default=CommentKind.COMMENT)
    text = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan comment")
        verbose_name_plural = _("plan comments")
        ordering = ["plan_id", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class PdfStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class PdfAudience(models.TextChoices):
    """Who a plan PDF is for: the customer's copy leaves out what we think of their people."""

    CUSTOMER = "customer", _("Customer version")
    INTERNAL = "internal", _("Internal version")


class PlanPdf(models.Model):
    """A PDF of a large plan rendered in the background; kept in the database so every web process serves it."""

    plan = models.ForeignKey(AccountPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="pdfs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(_("language"), max_length=5)
    audience = models.CharField(_("version"), max_length=10, choices=PdfAudience.choices, default=PdfAudience.CUSTOMER)
    status = models.CharField(_("status"), max_length=20, choices=PdfStatus.choices, default=PdfStatus.PENDING)
    data = models.BinaryField(_("PDF"), blank=True, default=b"")
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan PDF")
        verbose_name_plural = _("plan PDFs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.plan} PDF"


# --- Review routine: cadences, review meetings and their follow-up actions -------------------------------------


class ReviewType(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Follow-up")
    BUSINESS = "business", _("Quarterly business review")
    STRATEGIC = "strategic", _("Annual strategic review")
    OTHER = "other", _("Other")


# The types a cadence can schedule; "other" meetings are recorded but never due.
SCHEDULED_TYPES = (ReviewType.FOLLOW_UP, ReviewType.BUSINESS, ReviewType.STRATEGIC)


class ReviewCadence(models.Model):
    """How often each account of a segment is reviewed, by type; set by administrators."""

    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices)
    review_type = models.CharField(_("review type"), max_length=20, choices=ReviewType.choices)
    every_months = models.PositiveSmallIntegerField(
        _("every (months)"), validators=[MinValueValidator(1), MaxValueValidator(36)]
    )
    key_only = models.BooleanField(
        _("key accounts only"), default=True, help_text=_("Off: every account of the segment follows this cadence.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("review cadence")
        verbose_name_plural = _("review cadences")
        ordering = ["segment", "review_type"]
        constraints = [
            models.UniqueConstraint(fields=["segment", "review_type"], name="one_cadence_per_segment_and_type")
        ]

    def __str__(self) -> str:
        return f"{self.get_segment_display()}: {self.get_review_type_display()}"


class AccountCadence(models.Model):
    """An account's own rhythm for one review type, replacing its segment's; 0 months turns the type off."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="review_cadences"
    )
    review_type = models.CharField(_("review type"), max_length=20, choices=ReviewType.choices)
    every_months = models.PositiveSmallIntegerField(
        _("every (months)"), validators=[MaxValueValidator(36)], help_text=_("0: no review of this type.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("account review cadence")
        verbose_name_plural = _("account review cadences")
        constraints = [models.UniqueConstraint(fields=["account", "review_type"], name="one_cadence_per_account_type")]

    def __str__(self) -> str:
        return f"{self.account}: {self.get_review_type_display()}"


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReviewQuerySet:
        """Whoever reads the account reads its reviews."""
        return self.filter(account__in=Account.objects.visible_to(user))

    def editable_by(self, user) -> ReviewQuerySet:
        """The account's key account manager (owner or service manager) or an administrator."""
        return self.filter(account__in=Account.objects.editable_by(user))


class Review(models.Model):
    """A review meeting held with the account: who came, what was said and decided, what follows."""

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="reviews")
    review_type = models.CharField(_("type"), max_length=20, choices=ReviewType.choices)
    held_on = models.DateField(_("date"), default=timezone.localdate)
    our_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("our side"), blank=True, related_name="reviews_attended"
    )
    their_attendees = models.ManyToManyField(
        "accounts.Contact", verbose_name=_("their side"), blank=True, related_name="reviews_attended"
    )
    notes = models.TextField(_("notes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    plan = models.ForeignKey(
        AccountPlan,
        verbose_name=_("plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
        help_text=_("The account's plan when the review was held."),
    )
    highlighted_services = models.ManyToManyField(
        UnbilledService, verbose_name=_("unbilled services highlighted"), blank=True, related_name="reviews"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["account", "review_type", "-held_on"])]

    def __str__(self) -> str:
        return f"{self.get_review_type_display()} {date_format(self.held_on, 'SHORT_DATE_FORMAT')}"

    def get_absolute_url(self) -> str:
        return reverse("plans:review_detail", args=[self.pk])
