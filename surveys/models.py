"""Satisfaction surveys: templates and questions, campaigns, tokenised invitations, responses, improvement actions."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, BuyingRole, Contact


class Dimension(models.TextChoices):
    """What a rating measures; product and relationship are kept apart on purpose."""

    PRODUCT = "product", _("Product / solution")
    RELATIONSHIP = "relationship", _("Commercial relationship")
    SERVICE = "service", _("Service and support")
    DELIVERY = "delivery", _("Delivery")
    VALUE = "value", _("Value for price")


class QuestionKind(models.TextChoices):
    NPS = "nps", _("Likelihood to recommend (NPS, 0–10)")
    RATING = "rating", _("Rating 1–10")
    TEXT = "text", _("Free text")
    CHOICE = "choice", _("Single choice")


class SurveyTemplate(models.Model):
    name = models.CharField(_("name"), max_length=200)
    is_default = models.BooleanField(_("default template"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey template")
        verbose_name_plural = _("survey templates")
        ordering = ["-is_default", "name"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    template = models.ForeignKey(
        SurveyTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    dimension = models.CharField(
        _("dimension"),
        max_length=20,
        choices=Dimension.choices,
        blank=True,
        help_text=_("Required for 1–10 ratings: what the rating measures."),
    )
    text_en = models.CharField(_("question (English)"), max_length=300)
    text_fr = models.CharField(_("question (French)"), max_length=300)
    choices_en = models.TextField(_("choices (English)"), blank=True, help_text=_("Single choice: one per line."))
    choices_fr = models.TextField(_("choices (French)"), blank=True, help_text=_("Same order as in English."))
    required = models.BooleanField(_("answer required"), default=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["template_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="rating") | ~Q(dimension=""), name="rating_question_has_dimension"
            ),
        ]

    def __str__(self) -> str:
        return self.text_en

    def text_in(self, language: str) -> str:
        return self.text_fr if language == "fr" and self.text_fr else self.text_en

    def choices_in(self, language: str) -> list[str]:
        source = self.choices_fr if language == "fr" and self.choices_fr.strip() else self.choices_en
        return [line.strip() for line in source.splitlines() if line.strip()]


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Open for answers")
    CLOSED = "closed", _("Closed")


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user) -> CampaignQuerySet:
        """Results are read by every role, like the register."""
        if user.is_authenticated and user.has_any_role():
            return self.all()
        return self.none()

    def editable_by(self, user) -> CampaignQuerySet:
        """Administrators manage any campaign; key account managers the ones they created."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_administrator:
            return self.all()
        if user.is_key_account_manager:
            return self.filter(created_by=user)
        return self.none()


class Campaign(models.Model):
    template = models.ForeignKey(SurveyTemplate, verbose_name=_("template"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=200)
    accounts = models.ManyToManyField(Account, verbose_name=_("accounts"), related_name="survey_campaigns")
    buying_roles = models.JSONField(
        _("buying roles asked"), default=list, blank=True, help_text=_("Empty: every active contact with an e-mail.")
    )
    closes_on = models.DateField(_("closes on"), help_text=_("Links stop working after this day."))
    reminder_after_days = models.PositiveSmallIntegerField(
        _("remind non-respondents after (days)"), default=7, help_text=_("0: no reminder.")
    )
    alert_drop_points = models.PositiveSmallIntegerField(
        _("alert when the index drops by more than (points)"), default=10
    )
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Set only once every invitation has been handed to the mail server: until then the campaign is
    # "queued" (its work waits in the outbox, see kam.outbox) and may be sent again.
    invitations_sent_at = models.DateTimeField(_("invitations sent at"), null=True, blank=True)
    # While a task mails the invitations: a second delivery of that task leaves them to it.
    sending_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-closes_on", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("surveys:detail", args=[self.pk])

    @property
    def invitations_pending(self) -> bool:
        """Opened, but its invitations have not all left yet."""
        return self.status == CampaignStatus.SENT and self.invitations_sent_at is None

    @property
    def outbox_key(self) -> str:
        return f"surveys.campaign:{self.pk}"

    @property
    def accepts_answers(self) -> bool:
        return self.status == CampaignStatus.SENT and timezone.localdate() <= self.closes_on


def token_hash(token: str) -> str:
    """Only this digest is stored: a leaked database yields no working link."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """One contact asked in one campaign; the link's token is known only to the e-mail that carried it."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="invitations"
    )
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    # The reminder carries a link of its own; the first one keeps working.
    reminder_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    language = models.CharField(_("language"), max_length=5, default="en")
    buying_role = models.CharField(_("buying role"), max_length=20, choices=BuyingRole.choices, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["campaign", "contact"], name="one_invitation_per_contact")]
        indexes = [models.Index(fields=["campaign", "account"])]

    def __str__(self) -> str:
        return f"{self.campaign} → {self.contact}"


class Response(models.Model):
    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="responses"
    )
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="+")
    # The role when they answered: the map may change later, the weight of the answer should not.
    buying_role = models.CharField(_("buying role"), max_length=20, choices=BuyingRole.choices, blank=True)
    submitted_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["campaign", "account"])]

    def __str__(self) -> str:
        return f"{self.contact} ({self.campaign})"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return self.text[:50] or str(self.number)


class OptOut(models.Model):
    """A contact who asked never to receive a survey again."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="survey_opt_out")
    created_at = models.DateTimeField(_("opted out at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey opt-out")
        verbose_name_plural = _("survey opt-outs")

    def __str__(self) -> str:
        return str(self.contact)


class RoleWeight(models.Model):
    """How much one answer of a buying role counts in the overall index (administrators set it)."""

    buying_role = models.CharField(_("buying role"), max_length=20, choices=BuyingRole.choices, blank=True, unique=True)
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=1, default=Decimal("1.0"))

    class Meta:
        verbose_name = _("buying-role weight")
        verbose_name_plural = _("buying-role weights")
        ordering = ["-weight", "buying_role"]

    def __str__(self) -> str:
        return f"{self.get_buying_role_display() or _('Unknown role')}: {self.weight}"


DEFAULT_MIN_ANSWERS = 3


class SurveySettings(models.Model):
    """The administrators' survey settings; one row (pk=1), edited in /admin/."""

    min_answers = models.PositiveSmallIntegerField(
        _("answers needed per account before its figures and alerts show"),
        default=DEFAULT_MIN_ANSWERS,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Below this number of answers from an account in a campaign, its index, NPS, verdict and alerts "
            "read “not enough answers yet”."
        ),
    )

    class Meta:
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")

    def __str__(self) -> str:
        return str(_("Survey settings"))

    @classmethod
    def load(cls) -> SurveySettings:
        return cls.objects.get_or_create(pk=1)[0]

    @classmethod
    def min_answers_now(cls) -> int:
        """One read, no write (pages call it): the default until an administrator saves the settings."""
        value = cls.objects.filter(pk=1).values_list("min_answers", flat=True).first()
        return int(value) if value else DEFAULT_MIN_ANSWERS


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ImprovementActionQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImprovementActionQuerySet:
        return self.filter(account__in=Account.objects.visible_to(user))

    def editable_by(self, user) -> ImprovementActionQuerySet:
        """The account's managers and administrators, and whoever owns the action."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(Q(account__in=Account.objects.editable_by(user)) | Q(owner=user))


class ImprovementAction(models.Model):
    """What we do about what a customer said: the closed loop, tracked monthly, reported quarterly."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="improvement_actions"
    )
    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    answer = models.ForeignKey(
        Answer, verbose_name=_("verbatim"), on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="improvement_actions"
    )
    department = models.CharField(_("department"), max_length=100)
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    outcome = models.TextField(_("what we did"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = ImprovementActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["account", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status != ActionStatus.DONE and self.due_on < timezone.localdate()
