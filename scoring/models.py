"""Scoring criteria set by management, manual ratings, segmentation runs and their per-account results."""

from __future__ import annotations

import numpy as np
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Account, Segment, Tier
from kam.texts import bilingual
from scoring.analytics import Axis, MissingPolicy, Normalisation


class AxisChoice(models.TextChoices):
    VALUE = Axis.VALUE.value, _("Current value")
    POTENTIAL = Axis.POTENTIAL.value, _("Potential")
    FIT = Axis.FIT.value, _("Strategic fit")
    IMAGE = Axis.IMAGE.value, _("Image")


class NormalisationChoice(models.TextChoices):
    PERCENTILE = Normalisation.PERCENTILE.value, _("Percentile rank in the portfolio")
    MINMAX = Normalisation.MINMAX.value, _("Min–max over the portfolio")
    FIXED = Normalisation.FIXED.value, _("Fixed scale")


class MissingChoice(models.TextChoices):
    ZERO = MissingPolicy.ZERO.value, _("Counts as the worst score")
    MEDIAN = MissingPolicy.MEDIAN.value, _("Counts as the portfolio median")
    SKIP = MissingPolicy.SKIP.value, _("Not scored on it; the other weights re-spread")


class Criterion(models.Model):
    """A weighted selection criterion. Its name and rubric are stored in both languages of the site
    (`name` in the default language, English, and `name_fr`): readers see theirs, else the other."""

    name = models.CharField(_("name"), max_length=100)
    name_fr = models.CharField(_("name in French"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    axis = models.CharField(_("axis"), max_length=20, choices=AxisChoice.choices)
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1), MaxValueValidator(100)], default=10
    )
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    source = models.CharField(_("source"), max_length=50, help_text=_("Where the value comes from."))
    normalisation = models.CharField(
        _("normalisation"), max_length=20, choices=NormalisationChoice.choices, default=NormalisationChoice.PERCENTILE
    )
    fixed_min = models.FloatField(_("scale minimum"), null=True, blank=True)
    fixed_max = models.FloatField(_("scale maximum"), null=True, blank=True)
    missing = models.CharField(
        _("when the value is missing"), max_length=20, choices=MissingChoice.choices, default=MissingChoice.MEDIAN
    )
    rubric_low = models.TextField(_("what 0 means"), blank=True)
    rubric_mid = models.TextField(_("what 5 means"), blank=True)
    rubric_high = models.TextField(_("what 10 means"), blank=True)
    rubric_low_fr = models.TextField(_("what 0 means, in French"), blank=True)
    rubric_mid_fr = models.TextField(_("what 5 means, in French"), blank=True)
    rubric_high_fr = models.TextField(_("what 10 means, in French"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    # Who changed a weight, a source or a rubric, and when (issue 14).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language, or in the other one when it has none yet."""
        return bilingual(self.name, self.name_fr)

    @property
    def display_rubric_low(self) -> str:
        return bilingual(self.rubric_low, self.rubric_low_fr)

    @property
    def display_rubric_mid(self) -> str:
        return bilingual(self.rubric_mid, self.rubric_mid_fr)

    @property
    def display_rubric_high(self) -> str:
        return bilingual(self.rubric_high, self.rubric_high_fr)

    @property
    def key(self) -> str:
        """The column of this criterion in a scoring frame."""
        return f"c{self.pk}"

    @property
    def is_manual(self) -> bool:
        return self.source == "manual"


class Rating(models.Model):
    """A key account manager's 0–10 rating of one account on one manual criterion."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("account"))
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("criterion")
    )
    value = models.PositiveSmallIntegerField(_("rating"), validators=[MaxValueValidator(10)])
    justification = models.TextField(_("justification"))
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("rated by")
    )
    rated_at = models.DateTimeField(_("rated at"), auto_now=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [models.UniqueConstraint(fields=["account", "criterion"], name="one_rating_per_criterion")]

    def __str__(self) -> str:
        return f"{self.account_id}/{self.criterion_id}: {self.value}"


class ThresholdMode(models.TextChoices):
    QUANTILE = "quantile", _("Quantiles of the portfolio")
    ABSOLUTE = "absolute", _("Absolute scores")


class KeyRule(models.TextChoices):
    SEGMENTS = "segments", _("Loyal core and high potential segments")
    GOLD = "gold", _("Gold tier")
    SCORE = "score", _("Accounts with a total score of at least…")
    TOP_N = "top_n", _("The N best-ranked accounts")


class KeyReason(models.TextChoices):
    """Why an account has the key status it has in a run (scoring.analytics.key_stabilise)."""

    ENTERED = "entered", _("Qualifies by the key-account rule")
    LEFT = "left", _("No longer qualifies, even with the band")
    NOT_SCORED = "not_scored", _("Not scored: too little data")
    HELD_BY_BAND = "held_by_band", _("Below the entry level but within the band: stays key")
    WAITING = "waiting", _("The rule says otherwise: waiting for the confirming runs")
    INHERITED = "inherited", _("Part of a group scored as a whole: its parent carries the key status")


class SegmentationSettings(models.Model):
    """The administrators' thresholds; one row (pk=1)."""

    mode = models.CharField(_("thresholds are"), max_length=20, choices=ThresholdMode.choices, default="quantile")
    value = models.FloatField(_("high value from"), default=0.5)
    potential = models.FloatField(_("high potential from"), default=0.5)
    gold = models.FloatField(_("gold from"), default=0.9)
    silver = models.FloatField(_("silver from"), default=0.6)
    # Key accounts are few by design (about one in ten): the gold tier by default.
    key_rule = models.CharField(_("key accounts are"), max_length=20, choices=KeyRule.choices, default="gold")
    key_score = models.FloatField(
        _("key accounts from a total score of"),
        default=70,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Used when key accounts are those with a total score of at least this."),
    )
    key_top_n = models.PositiveIntegerField(
        _("number of key accounts"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("Used when key accounts are the N best-ranked."),
    )
    max_missing_percent = models.PositiveSmallIntegerField(
        _("not scored when data is missing for more than (% of the weights)"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_("Such an account gets no segment, no tier and is never a key account by rule."),
    )
    filled_weight = models.FloatField(
        _("weight of a value filled in with the median"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("1 counts it like a real value, 0.5 half as much, 0 not at all."),
    )
    key_band = models.FloatField(
        _("a key account stays key down to this many points below the entry level"),
        default=5,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("For the score and gold rules: a small move does not take an account out of key status."),
    )
    key_top_n_margin = models.PositiveIntegerField(
        _("a key account stays key down to rank N plus"),
        default=5,
        help_text=_("For the N best-ranked rule."),
    )
    key_confirm_runs = models.PositiveSmallIntegerField(
        _("runs in a row needed to change key status"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("1 changes it at once; 2 waits for a second run that says the same."),
    )
    group_rollup = models.BooleanField(
        _("score groups as a whole"),
        default=False,
        help_text=_(
            "On: the top of each group carries the figures of all its subsidiaries, which inherit its segment and "
            "tier. Off: every account is scored alone."
        ),
    )
    manager_capacity = models.PositiveSmallIntegerField(
        _("key accounts one manager can carry"),
        default=7,
        validators=[MinValueValidator(1)],
        help_text=_("A run warns about every key account manager above this."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("segmentation settings")
        verbose_name_plural = _("segmentation settings")

    def __str__(self) -> str:
        return str(_("Segmentation settings"))

    @classmethod
    def load(cls) -> SegmentationSettings:
        return cls.objects.get_or_create(pk=1)[0]


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class SegmentationRunQuerySet(models.QuerySet):
    def unfinished(self) -> SegmentationRunQuerySet:
        return self.filter(status__in=[RunStatus.PENDING, RunStatus.RUNNING])


class SegmentationRun(models.Model):
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    config = models.JSONField(_("configuration used"), default=dict)
    summary = models.JSONField(_("summary"), default=dict)
    error = models.TextField(_("error"), blank=True)
    # Written by the worker every SEGMENTATION_HEARTBEAT_INTERVAL seconds while the run executes; the
    # watchdog fails a running run whose heartbeat stopped (its worker died).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # Every account's raw value, 0-100 score and points per criterion, as float64 triples in the order of
    # `config["criteria"]`, one row per AccountScore.position (NaN = none). One blob per run writes in a
    # fraction of a second where a JSON document per account took seconds to build and to COPY.
    criterion_matrix = models.BinaryField(default=b"", editable=False)

    objects = SegmentationRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("segmentation run")
        verbose_name_plural = _("segmentation runs")
        ordering = ["-created_at"]
        constraints = [
            # Never two runs at once: the database refuses a second unfinished run, whatever its status. The
            # index is on an expression that is the same for every unfinished run (pending or running) and
            # NULL for a finished one (NULLs never collide): one pending beside one running is refused too.
            models.UniqueConstraint(
                Case(When(status__in=["pending", "running"], then=Value(1)), output_field=models.IntegerField()),
                name="one_unfinished_run_whatever_its_status",
                violation_error_message=_("A segmentation is already waiting or running."),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("scoring:run_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    @property
    def outbox_key(self) -> str:
        return f"scoring.run:{self.pk}"


class AccountScore(models.Model):
    """One account's result in one run, with its explanation and the previous run's values."""

    # A run's rows are written once, by one COPY, with ids read in the same transaction. Database-level
    # foreign keys would queue three deferred checks per row (1.5 s per 100,000 accounts at commit), so
    # integrity rests on that single writer and on Django's on_delete, which still cascades.
    # No separate index on run or override: (run, account) and (run, rank) serve every lookup.
    run = models.ForeignKey(
        SegmentationRun, on_delete=models.CASCADE, related_name="scores", db_index=False, db_constraint=False
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="scores", db_constraint=False)
    value_score = models.FloatField(null=True)
    potential_score = models.FloatField(null=True)
    total_score = models.FloatField(null=True)
    rank = models.PositiveIntegerField(null=True)
    segment = models.CharField(max_length=20, choices=Segment.choices, blank=True)
    tier = models.CharField(max_length=10, choices=Tier.choices, blank=True)
    is_key = models.BooleanField(default=False)
    previous_segment = models.CharField(max_length=20, choices=Segment.choices, blank=True)
    previous_tier = models.CharField(max_length=10, choices=Tier.choices, blank=True)
    was_key = models.BooleanField(null=True)
    # False: the account lacks data for more than the allowed share of the weights; `missing` lists the criterion
    # keys it has no value for (space-separated), so the run page says what each one lacks.
    scored = models.BooleanField(default=True)
    missing = models.CharField(max_length=200, blank=True)
    # Key status by rule before overrides (the next run's starting point), how many runs in a row the rule has
    # contradicted it, and why it is what it is (scoring.analytics.KEY_REASONS).
    rule_key = models.BooleanField(null=True)
    key_pending = models.PositiveSmallIntegerField(default=0)
    key_reason = models.CharField(max_length=20, choices=KeyReason.choices, blank=True)
    # With groups scored as a whole, the top of the group whose segment and tier this subsidiary inherits.
    inherited_from = models.ForeignKey(
        Account, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False, db_constraint=False
    )
    # This account's row in the run's criterion matrix (SegmentationRun.criterion_matrix).
    position = models.PositiveIntegerField(null=True)
    # The approved override that decided the key status instead of the rule, if any.
    override = models.ForeignKey(
        "KeyOverride",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "account"], name="one_score_per_account_and_run")]
        indexes = [models.Index(fields=["run", "rank"])]

    def __str__(self) -> str:
        return f"{self.account_id} in run {self.run_id}"

    def missing_names(self, criteria: list[dict]) -> list[str]:
        """Names of the criteria this account has no value for, from the run's config."""
        names = {c["key"]: bilingual(c["name"], c.get("name_fr", "")) for c in criteria}
        return [names.get(key, key) for key in self.missing.split()]

    def criterion_details(self, keys: list[str]) -> dict[str, dict[str, float | None]]:
        """{criterion key: {"raw", "norm", "points"}}; `keys` in the order of the run's config.

        Reads only this account's row of the run's matrix, with SUBSTRING in the database.
        """
        width = len(keys) * len(DETAIL_PARTS) * 8
        if self.position is None or not width:
            return unpack_criterion_values(b"", keys)
        row = (
            SegmentationRun.objects.filter(pk=self.run_id)
            .annotate(
                row=Substr("criterion_matrix", self.position * width + 1, width, output_field=models.BinaryField())
            )
            .values_list("row", flat=True)
            .first()
        )
        return unpack_criterion_values(bytes(row or b""), keys)


DETAIL_PARTS = ("raw", "norm", "points")


def unpack_criterion_values(packed: bytes, keys: list[str]) -> dict[str, dict[str, float | None]]:
    values = np.frombuffer(packed, dtype="<f8") if len(packed) == len(keys) * 24 else np.full(len(keys) * 3, np.nan)
    triples = values.reshape(-1, len(DETAIL_PARTS))
    return {
        key: {
            part: (None if np.isnan(value) else float(value)) for part, value in zip(DETAIL_PARTS, triple, strict=True)
        }
        for key, triple in zip(keys, triples, strict=False)
    }


class OverrideDecision(models.TextChoices):
    INCLUDE = "include", _("Make it a key account")
    EXCLUDE = "exclude", _("Take it out of the key accounts")


class OverrideStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class KeyOverrideQuerySet(models.QuerySet):
    def in_force(self, on=None) -> KeyOverrideQuerySet:
        """Approved and not yet expired: these decide key status over the rule."""
        on = on or timezone.localdate()
        return self.filter(status=OverrideStatus.APPROVED, expires_on__gte=on)

    def decidable_by(self, user) -> KeyOverrideQuerySet:
        """Administrators decide on every proposal; an executive sponsor on those of the accounts they sponsor.

        Never on their own proposal, nor on an account they run, whatever their roles: a user may hold
        several, and deciding one's own case defeats the approval.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_administrator:
            overrides = self.all()
        elif user.is_executive_sponsor:
            overrides = self.filter(account__executive_sponsor=user)
        else:
            return self.none()
        return overrides.exclude(Q(proposed_by=user) | Q(account__owner=user) | Q(account__service_manager=user))


class KeyOverride(models.Model):
    """A manager's case for treating an account differently from what the scores say, once approved, until expiry."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="key_overrides", verbose_name=_("account")
    )
    decision = models.CharField(_("proposal"), max_length=10, choices=OverrideDecision.choices)
    reason = models.TextField(_("reason"))
    expires_on = models.DateField(_("until"), help_text=_("After this date the scores decide again."))
    status = models.CharField(
        _("status"), max_length=10, choices=OverrideStatus.choices, default=OverrideStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("comment on the decision"), blank=True)

    objects = KeyOverrideQuerySet.as_manager()

    class Meta:
        verbose_name = _("key-account override")
        verbose_name_plural = _("key-account overrides")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # One open proposal per account: a second one would compete with the first.
            models.UniqueConstraint(
                fields=["account"], condition=Q(status="proposed"), name="one_open_override_proposal_per_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.get_decision_display()} ({self.get_status_display()})"

    @property
    def makes_key(self) -> bool:
        return self.decision == OverrideDecision.INCLUDE

    @property
    def is_in_force(self) -> bool:
        return self.status == OverrideStatus.APPROVED and self.expires_on >= timezone.localdate()
