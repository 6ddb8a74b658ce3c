"""What the register does not hold about each account × product line: the potential a manager knows, and cells
marked as held by a competitor or not relevant. Revenue and pipeline by line live in accounts (imports)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Account, ProductLine


class LinePotential(models.Model):
    """What an account could buy on a line in a year, as its key account manager estimates it, with why."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="line_potentials"
    )
    line = models.ForeignKey(
        ProductLine, verbose_name=_("product line"), on_delete=models.CASCADE, related_name="potentials"
    )
    amount = models.DecimalField(
        _("potential per year"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    reason = models.CharField(_("reason"), max_length=200, help_text=_("What the figure rests on, in a few words."))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("potential on a line")
        verbose_name_plural = _("potentials on lines")
        constraints = [models.UniqueConstraint(fields=["account", "line"], name="one_potential_per_account_line")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.line_id}"


class MarkKind(models.TextChoices):
    COMPETITOR = "competitor", _("Competitor holds it")
    NOT_RELEVANT = "not_relevant", _("Not relevant")


class WhitespaceMark(models.Model):
    """A cell of the whitespace map the manager has qualified: a competitor holds it, or it is not relevant."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="whitespace_marks"
    )
    line = models.ForeignKey(
        ProductLine, verbose_name=_("product line"), on_delete=models.CASCADE, related_name="whitespace_marks"
    )
    kind = models.CharField(_("mark"), max_length=20, choices=MarkKind.choices)
    competitor = models.CharField(_("competitor"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("marked by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("whitespace mark")
        verbose_name_plural = _("whitespace marks")
        constraints = [models.UniqueConstraint(fields=["account", "line"], name="one_mark_per_account_line")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.line_id} {self.kind}"


class SizeBasis(models.TextChoices):
    EMPLOYEES = "employees", _("Employees")
    COMPANY_TURNOVER = "company_turnover", _("Company turnover")


def default_size_edges() -> list[int]:
    # The European Union's company size classes by headcount: micro, small, medium, large, very large.
    return [10, 50, 250, 5000]


class PeerSettings(models.Model):
    """How peers are found for the estimated potential: same sector and same size band. One row (pk=1)."""

    size_basis = models.CharField(
        _("size measured by"), max_length=20, choices=SizeBasis.choices, default=SizeBasis.EMPLOYEES
    )
    size_edges = models.JSONField(
        _("size band limits"),
        default=default_size_edges,
        help_text=_("Increasing limits between bands, for example 10, 50, 250, 5000."),
    )
    min_peers = models.PositiveSmallIntegerField(
        _("minimum number of peers"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("Below this many peers buying a line, no estimate is shown."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("peer settings")
        verbose_name_plural = _("peer settings")

    def __str__(self) -> str:
        return str(_("Peer settings"))

    @classmethod
    def load(cls) -> PeerSettings:
        return cls.objects.get_or_create(pk=1)[0]
