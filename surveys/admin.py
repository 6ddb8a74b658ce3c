"""Administrators edit survey templates (questions in English and French), the buying-role weights and settings here."""

from django.contrib import admin

from kam.fields import TYPED_NUMBERS
from surveys.models import (
    Campaign,
    ImprovementAction,
    OptOut,
    Question,
    RoleWeight,
    SurveySettings,
    SurveyTemplate,
)


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 1
    fields = ["position", "kind", "dimension", "text_en", "text_fr", "choices_en", "choices_fr", "required"]


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default", "created_at"]
    inlines = [QuestionInline]


@admin.register(RoleWeight)
class RoleWeightAdmin(admin.ModelAdmin):
    list_display = ["buying_role", "weight"]
    list_editable = ["weight"]
    formfield_overrides = TYPED_NUMBERS  # "1,5" in French


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "closes_on", "reminder_after_days", "alert_drop_points"]
    list_filter = ["status"]
    raw_id_fields = ["accounts", "created_by"]
    readonly_fields = ["sent_at"]


@admin.register(ImprovementAction)
class ImprovementActionAdmin(admin.ModelAdmin):
    list_display = ["title", "account", "department", "owner", "due_on", "status"]
    list_filter = ["status", "department"]
    raw_id_fields = ["account", "response", "answer", "owner", "created_by"]


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    list_display = ["contact", "created_at"]
    raw_id_fields = ["contact"]


@admin.register(SurveySettings)
class SurveySettingsAdmin(admin.ModelAdmin):
    """One row: the list opens it; it cannot be added twice nor deleted."""

    list_display = ["__str__", "min_answers"]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not SurveySettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
