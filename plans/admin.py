from django.contrib import admin

from plans.models import AccountCadence, AccountPlan, PlanVersion, Review, ReviewCadence


@admin.register(AccountPlan)
class AccountPlanAdmin(admin.ModelAdmin):
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
