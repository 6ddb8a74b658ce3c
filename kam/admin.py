from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from kam.models import OutboxMessage, User


@admin.register(User)
class KamUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    list_filter = ("groups", "is_active", "is_staff")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: what waits for the broker, what was published, what failed (the periodic job publishes)."""

    list_display = ("task_name", "key", "created_at", "published_at", "done_at", "attempts", "last_error")
    list_filter = ("task_name", ("published_at", admin.EmptyFieldListFilter), ("done_at", admin.EmptyFieldListFilter))
    search_fields = ("key", "task_name")
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
