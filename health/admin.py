"""Administrators set the health weights and define playbooks here, without code; the log is read-only."""

from django.contrib import admin

from health.models import HealthWeight, Playbook, PlaybookAction, PlaybookFiring, PlaybookStep, Risk


@admin.register(HealthWeight)
class HealthWeightAdmin(admin.ModelAdmin):
    list_display = ("signal", "weight")
    list_editable = ("weight",)


class PlaybookStepInline(admin.TabularInline):
    model = PlaybookStep
    extra = 1
    fields = ("position", "kind", "assignee", "title", "due_in_days", "risk_category")


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin):
    list_display = ("name", "trigger", "threshold", "key_accounts_only", "is_active")
    list_editable = ("is_active",)
    inlines = [PlaybookStepInline]


@admin.register(PlaybookFiring)
class PlaybookFiringAdmin(admin.ModelAdmin):
    list_display = ("fired_at", "playbook", "account", "key", "reason")
    list_select_related = ("playbook", "account")
    list_filter = ("playbook",)
    readonly_fields = ("playbook", "account", "key", "reason", "fired_at", "outcome")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Risk)
class RiskAdmin(admin.ModelAdmin):
    list_display = ("title", "account", "category", "likelihood", "impact", "owner", "status")
    list_select_related = ("account", "owner")
    list_filter = ("status", "category")
    raw_id_fields = ("account", "mitigation_actions", "firing")


@admin.register(PlaybookAction)
class PlaybookActionAdmin(admin.ModelAdmin):
    list_display = ("title", "account", "owner", "due_on", "status")
    list_select_related = ("account", "owner")
    raw_id_fields = ("account", "firing")
