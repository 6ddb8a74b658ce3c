"""The account register: accounts and their groups, yearly financials, contacts, interactions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords


class Lifecycle(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    CUSTOMER = "customer", _("Customer")
    FORMER = "former", _("Former customer")


class Segment(models.TextChoices):
    """The value × potential matrix; scoring assigns it, the register shows it."""

    LOYAL_CORE = "loyal_core", _("Loyal core")
    HIGH_POTENTIAL = "high_potential", _("High potential")
    LARGE_FLAT = "large_flat", _("Large but flat")
    SMALL = "small", _("Small without potential")


SEGMENT_PROCESS = {
    Segment.LOYAL_CORE: _("Protect: loyalty process across all departments."),
    Segment.HIGH_POTENTIAL: _("Win: seduction / zero-error process."),
    Segment.LARGE_FLAT: _("Maintain, profitably."),
    Segment.SMALL: _("Optimise: deliver what was sold, no extra energy."),
}


class Tier(models.TextChoices):
    GOLD = "gold", _("Gold")
    SILVER = "silver", _("Silver")
    BRONZE = "bronze", _("Bronze")


class TurnoverUnit(models.TextChoices):
    """The scale a company's reported turnover is written in: kept as written, never converted."""

    UNITS = "1", _("units (as written)")
    THOUSANDS = "k", _("thousand")
    MILLIONS = "M", _("million")
    BILLIONS = "bn", _("billion")


class AccountQuerySet(models.QuerySet):
    def visible_to(self, user) -> AccountQuerySet:
        """Every role reads the whole register; a user with no role reads nothing."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_any_role():
            return self.all()
        return self.none()

    def sectors_in_use(self) -> list[str]:
        """The sectors used, each spelling once, most used first: imports and the form keep that spelling."""
        rows = self.exclude(sector="").values("sector").annotate(uses=models.Count("pk")).order_by("-uses", "sector")
        return [row["sector"] for row in rows]

    def editable_by(self, user) -> AccountQuerySet:
        """Administrators change any account; key account managers the ones they run."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_administrator:
            return self.all()
        if user.is_key_account_manager:
            return self.filter(Q(owner=user) | Q(service_manager=user))
        return self.none()


class Account(models.Model):
    name = models.CharField(_("name"), max_length=200)
    reference = models.CharField(
        _("reference"),
        max_length=50,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Identifier in another system (ERP, CRM); used to match imports."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subsidiaries",
    )
    lifecycle = models.CharField(_("lifecycle"), max_length=20, choices=Lifecycle.choices, default=Lifecycle.CUSTOMER)
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    # The customer's own size, as its CRM or annual report gives it: a company fact, never our revenue.
    company_turnover = models.DecimalField(
        _("company turnover (reported)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The customer's own yearly turnover, as reported; not our revenue with them."),
    )
    company_turnover_unit = models.CharField(
        _("unit of the company turnover"), max_length=2, choices=TurnoverUnit.choices, blank=True
    )
    company_turnover_currency = models.CharField(_("currency of the company turnover"), max_length=3, blank=True)
    founded_year = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("key account manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_accounts",
    )
    service_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="serviced_accounts",
    )
    executive_sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executive sponsor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sponsored_accounts",
    )

    # Current results of the latest segmentation, kept here so the register
    # filters and sorts on them without joins; scoring writes them in bulk.
    is_key = models.BooleanField(_("key account"), default=False)
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices, blank=True)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)

    potential = models.DecimalField(
        _("estimated potential"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The customer's total yearly spend in our category, ours and competitors'."),
    )
    business = models.TextField(_("business and markets"), blank=True)
    goals = models.TextField(_("goals and initiatives"), blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True)
    competitors = models.TextField(_("competitors present"), blank=True)
    notes = models.TextField(_("analyst notes"), blank=True)

    # Denormalised from the yearly financials (see financials_refresh) so the
    # register sorts on them without a subquery per row.
    last_year_revenue = models.DecimalField(
        _("last year's revenue"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    revenue_growth = models.DecimalField(_("revenue growth %"), max_digits=8, decimal_places=1, null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["last_year_revenue", "revenue_growth", "updated_at"])
    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["name"]
        # No index on segment, tier, is_key or score: a segmentation run rewrites them on every account,
        # and unindexed columns let PostgreSQL update rows in place (HOT), 4x faster on 100,000 accounts.
        # With four values each, a scan filters them about as fast as an index would.
        indexes = [
            models.Index(fields=["-last_year_revenue"]),
            models.Index(fields=["name"]),
            models.Index(fields=["sector"]),
            models.Index(fields=["country"]),
        ]
        # PostgreSQL also has indexes in the order of the register's sorts, its search and the worklist's
        # "Your accounts" (migration 0016): SQLite cannot build them (NULLS LAST, trigrams).

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:detail", args=[self.pk])

    def group_descendant_ids(self) -> set[int]:
        """Ids of all subsidiaries, at any depth: one query per level."""
        found: set[int] = set()
        level = {self.pk}
        while level:
            level = set(Account.objects.filter(parent_id__in=level).values_list("pk", flat=True)) - found
            found |= level
        return found

    def group_root(self) -> Account:
        """The top of this account's group (itself when it has no parent); cycles stop the walk."""
        root, seen = self, {self.pk}
        while root.parent_id and root.parent_id not in seen:
            seen.add(root.parent_id)
            root = Account.objects.only("pk", "name", "parent_id", "last_year_revenue").get(pk=root.parent_id)
        return root

    def group_revenue(self) -> Decimal | None:
        """Last year's revenue of the whole group this account belongs to."""
        root = self.group_root()
        ids = root.group_descendant_ids() | {root.pk}
        if len(ids) == 1:
            return None
        total = Account.objects.filter(pk__in=ids).aggregate(total=models.Sum("last_year_revenue"))["total"]
        return total

    @property
    def company_turnover_display(self) -> str:
        """ "1,096.53 millions USD": the figure with the unit and currency it was reported in."""
        from django.utils import formats

        if self.company_turnover is None:
            return ""
        parts = [formats.number_format(self.company_turnover, decimal_pos=2, use_l10n=True, force_grouping=True)]
        if self.company_turnover_unit and self.company_turnover_unit != TurnoverUnit.UNITS:
            parts.append(str(self.get_company_turnover_unit_display()))
        if self.company_turnover_currency:
            parts.append(self.company_turnover_currency)
        return " ".join(parts)

    @property
    def service_process(self) -> str:
        return str(SEGMENT_PROCESS.get(self.segment, ""))

    @property
    def share_of_wallet(self) -> Decimal | None:
        """Our share of the customer's category spend, in %."""
        if not self.potential or self.last_year_revenue is None:
            return None
        return (self.last_year_revenue / self.potential * 100).quantize(Decimal("0.1"))

    @property
    def headroom(self) -> Decimal | None:
        """Untapped potential: what the customer spends in our category elsewhere."""
        if self.potential is None or self.last_year_revenue is None:
            return None
        return max(self.potential - self.last_year_revenue, Decimal(0))


class YearlyFinancial(models.Model):
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="financials")
    year = models.PositiveSmallIntegerField(_("year"))
    revenue = models.DecimalField(_("revenue"), max_digits=14, decimal_places=2)
    # ISO 4217 code chosen at import; empty for figures entered before currencies were recorded.
    currency = models.CharField(_("currency"), max_length=3, blank=True, default="")
    gross_margin = models.DecimalField(_("gross margin"), max_digits=14, decimal_places=2, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("yearly financial")
        verbose_name_plural = _("yearly financials")
        # By id, not "account": that would join accounts and sort by their name.
        ordering = ["account_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["account", "year"], name="one_financial_per_account_year"),
        ]
        # The year in use is MAX(year) below a bound, asked on every page that shows revenue: an index answers it
        # from one end instead of scanning every account's history.
        indexes = [models.Index(fields=["year"], name="financial_year_idx")]

    def __str__(self) -> str:
        return f"{self.account} {self.year}"

    @property
    def gross_margin_percent(self) -> Decimal | None:
        if self.gross_margin is None or not self.revenue:
            return None
        return (self.gross_margin / self.revenue * 100).quantize(Decimal("0.1"))


class FinancialYearSetting(models.Model):
    """Which year's figures the register, scoring and the dashboard use; one row (pk=1)."""

    fixed_year = models.PositiveSmallIntegerField(
        _("financial year in use"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2999)],
        help_text=_("Leave empty to use the latest complete year the data holds."),
    )
    # The year the accounts' denormalised revenue and growth were last computed for (see financials_refresh):
    # when the year in use moves, every account is recomputed, not only the ones just edited.
    refreshed_for = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("financial year setting")
        verbose_name_plural = _("financial year settings")

    def __str__(self) -> str:
        return str(_("Financial year setting"))

    @classmethod
    def load(cls) -> FinancialYearSetting:
        return cls.objects.get_or_create(pk=1)[0]


class ContactLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")


class BuyingRole(models.TextChoices):
    """The part a person plays in the customer's buying decision."""

    DECISION_MAKER = "decision_maker", _("Economic decision maker / final signer")
    PRESCRIBER = "prescriber", _("Prescriber or influencer")
    USER = "user", _("User")
    PURCHASING = "purchasing", _("Purchasing")
    TECHNICAL = "technical", _("Technical evaluator")
    GATEKEEPER = "gatekeeper", _("Gatekeeper")
    CHAMPION = "champion", _("Champion")


class Attitude(models.TextChoices):
    """How the person stands toward us; ordered from most to least favourable."""

    CHAMPION = "champion", _("Champion")
    SUPPORTER = "supporter", _("Supporter")
    NEUTRAL = "neutral", _("Neutral")
    SCEPTIC = "sceptic", _("Sceptic")
    OPPONENT = "opponent", _("Opponent")


class RelationshipStrength(models.IntegerChoices):
    NONE = 0, _("No relationship")
    WEAK = 1, _("Weak")
    GOOD = 2, _("Good")
    STRONG = 3, _("Strong")


# How much a contact weighs on the decision (Contact.influence), for the form and the map alike.
INFLUENCE_CHOICES = [
    ("", _("Unknown")),
    (5, _("5 — decisive")),
    (4, _("4 — strong")),
    (3, _("3 — moderate")),
    (2, _("2 — some")),
    (1, _("1 — little")),
]


class Contact(models.Model):
    """A person at the customer: their place in the decision chain and who covers them on our side."""

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    department = models.CharField(_("department or subsidiary"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=ContactLanguage.choices, default=ContactLanguage.ENGLISH
    )
    buying_role = models.CharField(_("buying role"), max_length=20, choices=BuyingRole.choices, blank=True)
    influence = models.PositiveSmallIntegerField(
        _("influence on the decision"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("From 1 (little) to 5 (decisive)."),
    )
    attitude = models.CharField(
        _("attitude toward us"), max_length=20, choices=Attitude.choices, default=Attitude.NEUTRAL
    )
    reports_to = models.ForeignKey(
        "self",
        verbose_name=_("reports to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    covered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("covered by (our side)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="covered_contacts",
    )
    relationship_strength = models.PositiveSmallIntegerField(
        _("relationship strength"), choices=RelationshipStrength.choices, default=RelationshipStrength.NONE
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Off once they leave the company."))
    erased_at = models.DateTimeField(
        _("personal data erased at"), null=True, blank=True, help_text=_("Set when the person asked to be forgotten.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["account_id", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_decision_maker(self) -> bool:
        return self.buying_role == BuyingRole.DECISION_MAKER


class InteractionKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Call")
    EMAIL = "email", _("E-mail")
    INCIDENT = "incident", _("Incident")
    PAYMENT_ISSUE = "payment_issue", _("Payment issue")
    OTHER = "other", _("Other")


class Interaction(models.Model):
    """One touchpoint with the account, logged by anyone, from any department."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="interactions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InteractionKind.choices)
    occurred_on = models.DateField(_("date"), default=timezone.localdate)
    department = models.CharField(_("department"), max_length=100, blank=True)
    summary = models.TextField(_("summary"))
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_on", "-created_at"]
        indexes = [models.Index(fields=["account", "-occurred_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    # Too large to apply within a web request: waiting for, then being applied by, a worker.
    QUEUED = "queued", pgettext_lazy("import status", "Queued")
    APPLYING = "applying", pgettext_lazy("import status", "Applying")
    # The worker found errors (the register changed since the preview) or crashed: nothing was written.
    FAILED = "failed", pgettext_lazy("import status", "Failed")
    APPLIED = "applied", _("Applied")
    # Never applied and older than KAM_IMPORT_UPLOAD_TTL_HOURS: the file's bytes were dropped.
    EXPIRED = "expired", pgettext_lazy("import status", "Expired")


# The statuses of a batch whose file is still to be applied by the user; these expire.
IMPORT_UNAPPLIED = (ImportStatus.UPLOADED, ImportStatus.FAILED)


class ImportBatch(models.Model):
    """One file going through the import wizard: kept until applied so each step can re-read it."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    kind = models.CharField(_("what the file holds"), max_length=20)
    filename = models.CharField(_("file name"), max_length=255)
    # In the database rather than on disk, so every web process of a deployment can read it.
    data = models.BinaryField(_("file content"))
    mapping = models.JSONField(_("column mapping"), default=dict)
    create_missing_accounts = models.BooleanField(_("create accounts for unknown customers"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    result = models.JSONField(_("result"), default=dict, blank=True)
    # The wizard's other answers (ImportOptions.as_json()): our revenue's unit and currency, credit-note values,
    # deal stages, the company turnover's unit and currency, accepted close-match corrections, the saved mapping used.
    options = models.JSONField(_("import options"), default=dict, blank=True)
    # A background apply's progress, written by the worker outside its transaction so the page can poll it.
    progress_done = models.PositiveIntegerField(_("rows written"), default=0)
    progress_total = models.PositiveIntegerField(_("rows to write"), default=0)
    applying_since = models.DateTimeField(_("applying since"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("accounts:import_map", args=[self.pk])

    @property
    def outbox_key(self) -> str:
        """The key of the outbox message that has a worker apply this batch."""
        return f"import-batch:{self.pk}"


class ImportMappingQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportMappingQuerySet:
        """A saved mapping is its author's; administrators see and tidy everyone's."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_administrator:
            return self.all()
        return self.filter(created_by=user)


class ImportMapping(models.Model):
    """A column mapping kept for files with the same header, so the next export of the same CRM maps itself."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("what the file holds"), max_length=20)
    # sha256 of the file's normalised column names, in order (see accounts.importing.mappings.header_signature).
    header_signature = models.CharField(_("header signature"), max_length=64, db_index=True)
    columns = models.JSONField(_("columns"), default=list)
    mapping = models.JSONField(_("column mapping"), default=dict)
    options = models.JSONField(_("import options"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ImportMappingQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved import mapping")
        verbose_name_plural = _("saved import mappings")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SalesProfile(models.Model):
    """Where a salesperson sits in the sales team: their manager and region, as the sales-team file gives them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="sales_profile"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    region = models.CharField(_("region or office"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("sales profile")
        verbose_name_plural = _("sales profiles")

    def __str__(self) -> str:
        return str(self.user)


class DealOutcome(models.TextChoices):
    WON = "won", _("Won")
    OPEN = "open", _("Open")
    LOST = "lost", _("Lost")


class Deal(models.Model):
    """One opportunity from the customer's CRM: won ones make yearly revenue, open ones the account's pipeline.

    Kept so a re-imported file updates its deals rather than adding them twice, and so revenue per year is
    recomputed from every won deal of that year, not only from the latest file.
    """

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="deals")
    # The CRM's id, or a key built from the row's values when the file has none.
    external_id = models.CharField(_("id in the CRM"), max_length=100)
    stage = models.CharField(_("stage"), max_length=100, help_text=_("As written in the imported file."))
    outcome = models.CharField(_("outcome"), max_length=10, choices=DealOutcome.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True, default="")
    close_date = models.DateField(_("close date"), null=True, blank=True)
    engaged_on = models.DateField(_("created or engaged on"), null=True, blank=True)
    product = models.CharField(_("product"), max_length=200, blank=True, default="")
    # The catalogue line the product text was matched to at import; empty when the file had no product.
    line = models.ForeignKey(
        "ProductLine",
        verbose_name=_("product line"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
    )
    sales_agent = models.CharField(_("sales agent"), max_length=200, blank=True, default="")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["account_id", "close_date"]
        constraints = [models.UniqueConstraint(fields=["external_id"], name="one_deal_per_external_id")]
        indexes = [models.Index(fields=["account", "outcome"])]

    def __str__(self) -> str:
        return f"{self.external_id} {self.get_outcome_display()}"


class ProductLineQuerySet(models.QuerySet):
    def current(self) -> ProductLineQuerySet:
        """Lines still in the catalogue: a merged line only remains as another name of the line it went into."""
        return self.filter(merged_into__isnull=True)


class ProductLine(models.Model):
    """A line of what we sell (a product or a service), the unit of the whitespace map.

    Created by hand or on the fly from an import's product column. Merging one line into another keeps the old
    row as an alias, so the next import of a file that still says the old name lands on the right line.
    """

    name = models.CharField(_("name"), max_length=200)
    family = models.CharField(_("family"), max_length=100, blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive lines keep their history but are no longer proposed.")
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="aliases",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProductLineQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")
        ordering = ["family", "name"]
        constraints = [
            models.UniqueConstraint(models.functions.Lower("name"), name="one_product_line_per_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def current_line(self) -> ProductLine:
        """The line this name stands for today (itself, or the line it was merged into)."""
        return self.merged_into or self


class LineRevenue(models.Model):
    """Revenue of one account on one product line in one calendar year.

    Written by the transaction import (the file's total for an account-line-year replaces the stored one) and
    recomputed from won deals by the opportunity import, as yearly financials are: importing twice changes nothing.
    """

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="line_revenues"
    )
    line = models.ForeignKey(
        ProductLine, verbose_name=_("product line"), on_delete=models.CASCADE, related_name="revenues"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    revenue = models.DecimalField(_("revenue"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, blank=True, default="")

    class Meta:
        verbose_name = _("revenue by line")
        verbose_name_plural = _("revenue by line")
        ordering = ["account_id", "line_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["account", "line", "year"], name="one_revenue_per_account_line_year"),
        ]
        indexes = [models.Index(fields=["year", "line"], name="line_revenue_year_idx")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.line_id} {self.year}"
