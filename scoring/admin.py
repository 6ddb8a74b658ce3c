"""Until the scoring pages land, administrators edit criteria and thresholds here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kam.fields import TYPED_NUMBERS
from scoring.models import Criterion, Rating, SegmentationRun, SegmentationSettings


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    list_display = ("name", "axis", "weight", "source", "normalisation", "missing", "is_active", "position")
    list_editable = ("weight", "is_active", "position")
    formfield_overrides = TYPED_NUMBERS  # the fixed scale's bounds, "0,5" in French


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("account", "criterion", "value", "rated_by", "rated_at")
    list_select_related = ("account", "criterion", "rated_by")
    raw_id_fields = ("account",)


@admin.register(SegmentationSettings)
class SegmentationSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "mode", "value", "potential", "gold", "silver", "key_rule")
    formfield_overrides = TYPED_NUMBERS


@admin.register(SegmentationRun)
class SegmentationRunAdmin(admin.ModelAdmin):
    list_display = ("pk", "status", "created_at", "finished_at", "requested_by")
    readonly_fields = ("status", "config", "summary", "error", "started_at", "finished_at")
