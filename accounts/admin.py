"""Admin pages for what the sales-team import and saved mappings write, so administrators can check and fix them."""

from django.contrib import admin

from accounts.models import ImportMapping, SalesProfile


@admin.register(SalesProfile)
class SalesProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "manager", "region"]
    list_filter = ["region"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "region"]
    autocomplete_fields = ["user", "manager"]


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "created_by", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["created_by"]
