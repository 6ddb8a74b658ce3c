"""What the API returns (and, for the schema, what it takes). Writes are checked by the pages' own forms."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import Account, Contact, ImportBatch, Interaction, YearlyFinancial
from api.models import ApiToken
from kam.models import Notification, User
from plans.models import AccountPlan, Action, ActionStatus, Checkpoint, Objective
from scoring.models import AccountScore, KeyOverride, SegmentationRun


class ModelSerializer(serializers.ModelSerializer):
    """Read-only fields keep their blank choice: a segment or tier not set is "" (and the schema says so)."""

    def include_extra_kwargs(self, kwargs: dict, extra_kwargs: dict) -> dict:
        allow_blank = kwargs.get("allow_blank")
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if allow_blank and "choices" in kwargs:
            kwargs["allow_blank"] = True
        return kwargs


class UserRefSerializer(ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name"]

    def get_name(self, user: User) -> str:
        return str(user)


class AccountSerializer(ModelSerializer):
    owner = UserRefSerializer(read_only=True, allow_null=True)
    service_manager = UserRefSerializer(read_only=True, allow_null=True)
    executive_sponsor = UserRefSerializer(read_only=True, allow_null=True)
    country = serializers.CharField(source="country.code", read_only=True)
    website = serializers.CharField(read_only=True)

    class Meta:
        model = Account
        fields = [
            "id",
            "reference",
            "name",
            "parent",
            "lifecycle",
            "sector",
            "country",
            "city",
            "website",
            "employees",
            "company_turnover",
            "company_turnover_unit",
            "company_turnover_currency",
            "founded_year",
            "owner",
            "service_manager",
            "executive_sponsor",
            "is_key",
            "segment",
            "tier",
            "score",
            "potential",
            "last_year_revenue",
            "revenue_growth",
            "business",
            "goals",
            "difficulties",
            "competitors",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AccountWriteSerializer(serializers.Serializer):
    """The fields of the account form; every one optional on update (what is not sent is kept)."""

    name = serializers.CharField(max_length=200)
    reference = serializers.CharField(max_length=50, required=False, allow_blank=True, allow_null=True)
    parent_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Name or reference of the parent account."
    )
    lifecycle = serializers.CharField(required=False)
    sector = serializers.CharField(max_length=100, required=False, allow_blank=True)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True, help_text="ISO 3166 code.")
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    website = serializers.CharField(max_length=200, required=False, allow_blank=True)
    employees = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    company_turnover = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, allow_null=True)
    company_turnover_unit = serializers.CharField(required=False, allow_blank=True)
    company_turnover_currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    founded_year = serializers.IntegerField(required=False, allow_null=True)
    owner = serializers.IntegerField(required=False, allow_null=True, help_text="User id (administrators only).")
    service_manager = serializers.IntegerField(required=False, allow_null=True, help_text="User id.")
    executive_sponsor = serializers.IntegerField(
        required=False, allow_null=True, help_text="User id (administrators only)."
    )
    potential = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    business = serializers.CharField(required=False, allow_blank=True)
    goals = serializers.CharField(required=False, allow_blank=True)
    difficulties = serializers.CharField(required=False, allow_blank=True)
    competitors = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class ContactSerializer(ModelSerializer):
    covered_by = UserRefSerializer(read_only=True, allow_null=True)
    # Not an EmailField: many contacts have no address, and "" is no e-mail address in the schema's format.
    email = serializers.CharField(read_only=True, help_text="E-mail address; empty when unknown.")

    class Meta:
        model = Contact
        fields = [
            "id",
            "account",
            "name",
            "job_title",
            "department",
            "email",
            "phone",
            "language",
            "buying_role",
            "influence",
            "attitude",
            "reports_to",
            "covered_by",
            "relationship_strength",
            "notes",
            "is_active",
        ]
        read_only_fields = fields


class ContactWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    job_title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    department = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=50, required=False, allow_blank=True)
    language = serializers.CharField(required=False, allow_blank=True)
    buying_role = serializers.CharField(required=False, allow_blank=True)
    influence = serializers.IntegerField(required=False, allow_null=True)
    attitude = serializers.CharField(required=False, allow_blank=True)
    reports_to = serializers.IntegerField(required=False, allow_null=True, help_text="Contact id.")
    covered_by = serializers.IntegerField(required=False, allow_null=True, help_text="User id.")
    relationship_strength = serializers.IntegerField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class FinancialSerializer(ModelSerializer):
    class Meta:
        model = YearlyFinancial
        fields = ["year", "revenue", "gross_margin", "currency"]
        read_only_fields = fields


class FinancialWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    revenue = serializers.DecimalField(max_digits=14, decimal_places=2)
    gross_margin = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)


class InteractionSerializer(ModelSerializer):
    author = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Interaction
        fields = ["id", "account", "kind", "occurred_on", "department", "summary", "contact", "author", "created_at"]
        read_only_fields = fields


class InteractionWriteSerializer(serializers.Serializer):
    kind = serializers.CharField()
    occurred_on = serializers.DateField()
    department = serializers.CharField(max_length=100, required=False, allow_blank=True)
    contact = serializers.IntegerField(required=False, allow_null=True, help_text="Contact id of this account.")
    summary = serializers.CharField()


class ScoreSerializer(ModelSerializer):
    finished_at = serializers.DateTimeField(source="run.finished_at", read_only=True, allow_null=True)

    class Meta:
        model = AccountScore
        fields = [
            "run",
            "finished_at",
            "scored",
            "total_score",
            "value_score",
            "potential_score",
            "rank",
            "segment",
            "tier",
            "is_key",
            "key_reason",
            "previous_segment",
            "previous_tier",
            "was_key",
        ]
        read_only_fields = fields


class CriterionLineSerializer(serializers.Serializer):
    name = serializers.CharField()
    axis = serializers.CharField()
    raw = serializers.FloatField(allow_null=True)
    normalised = serializers.FloatField(allow_null=True)
    weight_share = serializers.FloatField()
    points = serializers.FloatField(allow_null=True)
    filled = serializers.CharField(allow_blank=True)


class ScoreExplanationSerializer(serializers.Serializer):
    account = serializers.IntegerField()
    latest = ScoreSerializer(allow_null=True)
    criteria = CriterionLineSerializer(many=True)
    key_rule = serializers.CharField(allow_blank=True)
    missing = serializers.ListField(child=serializers.CharField())
    history = ScoreSerializer(many=True)


class RunSerializer(ModelSerializer):
    class Meta:
        model = SegmentationRun
        fields = ["id", "status", "created_at", "started_at", "finished_at", "summary", "error"]
        read_only_fields = fields


class OverrideSerializer(ModelSerializer):
    proposed_by = UserRefSerializer(read_only=True, allow_null=True)
    decided_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = KeyOverride
        fields = [
            "id",
            "account",
            "decision",
            "reason",
            "expires_on",
            "status",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "decision_comment",
        ]
        read_only_fields = fields


class CheckpointSerializer(ModelSerializer):
    class Meta:
        model = Checkpoint
        fields = ["id", "label", "due_on", "target", "actual", "recorded_at"]
        read_only_fields = fields


class ObjectiveSerializer(ModelSerializer):
    checkpoints = CheckpointSerializer(many=True, read_only=True)
    # An objective on a product line ("win line X at subsidiary Y"): the line's name and the account it targets.
    line = serializers.CharField(source="line.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Objective
        fields = [
            "id",
            "title",
            "metric",
            "custom_metric",
            "baseline",
            "target",
            "due_on",
            "line",
            "line_account",
            "checkpoints",
        ]
        read_only_fields = fields


class ActionSerializer(ModelSerializer):
    owner = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Action
        fields = ["id", "plan", "review", "objective", "title", "owner", "due_on", "status"]
        read_only_fields = fields


class ActionStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices)


class PlanSerializer(ModelSerializer):
    class Meta:
        model = AccountPlan
        fields = [
            "id",
            "account",
            "title",
            "starts_on",
            "ends_on",
            "status",
            "submitted_at",
            "approved_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PlanDetailSerializer(PlanSerializer):
    objectives = ObjectiveSerializer(many=True, read_only=True)
    actions = ActionSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [
            *PlanSerializer.Meta.fields,
            "business",
            "strategy",
            "difficulties",
            "shared_goals",
            "recommendations",
            "objectives",
            "actions",
        ]
        read_only_fields = fields


class ReviewDueSerializer(serializers.Serializer):
    account = serializers.IntegerField(source="account.pk")
    account_name = serializers.CharField(source="account.name")
    review_type = serializers.CharField()
    due_on = serializers.DateField()
    days_overdue = serializers.IntegerField()
    last_held_on = serializers.DateField(allow_null=True)
    every_months = serializers.IntegerField()


class SurveyResultSerializer(serializers.Serializer):
    """One campaign's result for the account, as the survey pages show it (missing figures are null)."""

    campaign = serializers.IntegerField()
    campaign_name = serializers.CharField()
    invited = serializers.IntegerField(allow_null=True)
    responded = serializers.IntegerField(allow_null=True)
    response_rate = serializers.FloatField(allow_null=True)
    nps = serializers.FloatField(allow_null=True)
    overall = serializers.FloatField(allow_null=True, help_text="Satisfaction index, 0–100.")
    overall_change = serializers.FloatField(allow_null=True, help_text="Change since the previous campaign.")
    dimensions = serializers.DictField(child=serializers.FloatField(allow_null=True))
    split = serializers.CharField(allow_null=True)


class NotificationSerializer(ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "url", "created_at", "read_at"]
        read_only_fields = fields


class ImportJobSerializer(ModelSerializer):
    report = serializers.JSONField(source="result", read_only=True)

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "kind",
            "filename",
            "status",
            "progress_done",
            "progress_total",
            "error",
            "report",
            "created_at",
        ]
        read_only_fields = fields


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=[("accounts", "accounts"), ("transactions", "transactions")])
    mapping = serializers.CharField(
        required=False,
        help_text='JSON object {"column in the file": "field"}; by default the saved mapping or the guess.',
    )
    create_missing_accounts = serializers.BooleanField(required=False, default=False)


class RowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    reason = serializers.CharField()


class ImportRejectedSerializer(serializers.Serializer):
    """A refused import: `rows` lists every row error of the file (nothing was written); `errors` a bad request."""

    detail = serializers.CharField()
    rows = RowErrorSerializer(many=True, required=False)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class TokenSerializer(ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "scope", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
