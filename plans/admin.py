from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from plans.models import AccountCadence, AccountPlan, Action, Checkpoint, Objective, PlanVersion, Review, ReviewCadence


@admin.register(AccountPlan)
class AccountPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "account", "status", "starts_on", "ends_on"]
    list_filter = ["status"]
    raw_id_fields = ["account", "previous", "created_by", "approved_by"]


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "approved_by", "approved_at"]
    raw_id_fields = ["plan", "approved_by"]


@admin.register(ReviewCadence)
class ReviewCadenceAdmin(admin.ModelAdmin):
    """Administrators set each segment's review rhythm here; accounts may override it on their page."""

    list_display = ["segment", "review_type", "every_months", "key_only", "updated_at"]
    list_editable = ["every_months", "key_only"]
    list_filter = ["segment", "review_type"]


@admin.register(AccountCadence)
class AccountCadenceAdmin(admin.ModelAdmin):
    list_display = ["account", "review_type", "every_months", "updated_at"]
    list_filter = ["review_type"]
    raw_id_fields = ["account"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["account", "review_type", "held_on", "created_by"]
    list_filter = ["review_type"]
    date_hierarchy = "held_on"
    raw_id_fields = ["account", "plan", "created_by"]
    filter_horizontal = ["our_attendees"]
    autocomplete_fields: list[str] = []
    exclude = ["their_attendees", "highlighted_services"]


# The plan's content, each with its history button: who changed an objective, a checkpoint or an action, and when.
@admin.register(Objective)
class ObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan", "metric", "target", "due_on"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan"]


@admin.register(Checkpoint)
class CheckpointAdmin(SimpleHistoryAdmin):
    list_display = ["label", "objective", "target", "actual", "due_on"]
    list_select_related = ["objective"]
    raw_id_fields = ["objective", "recorded_by"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan", "owner", "due_on", "status"]
    list_select_related = ["plan", "owner"]
    raw_id_fields = ["plan", "review", "owner", "objective"]
