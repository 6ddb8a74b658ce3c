from django.contrib import admin

from plans.models import AccountPlan, PlanVersion


@admin.register(AccountPlan)
class AccountPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "account", "status", "starts_on", "ends_on"]
    list_filter = ["status"]
    raw_id_fields = ["account", "previous", "created_by", "approved_by"]


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "approved_by", "approved_at"]
    raw_id_fields = ["plan", "approved_by"]
