from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kam.models import OutboxMessage, RoleChange, User
from kam.two_factor import two_factor_reset


@admin.register(User)
class KamUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    list_filter = ("groups", "is_active", "is_staff")
    actions = ["two_factor_reset_selected"]

    @admin.action(description=_("Reset two-factor sign-in"), permissions=["change"])
    def two_factor_reset_selected(self, request, queryset) -> None:
        # For a lost phone: the users enrol again at their next sign-in (administrators must).
        count = two_factor_reset(users=queryset)
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in reset for %(count)d user.", "Two-factor sign-in reset for %(count)d users.", count
            )
            % {"count": count},
        )


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


@admin.register(RoleChange)
class RoleChangeAdmin(admin.ModelAdmin):
    """Read-only audit: roles given and taken, accounts switched on and off, by whom and when (kam.audit)."""

    list_display = ("changed_at", "user", "what", "before", "after", "changed_by")
    list_filter = ("what",)
    list_select_related = ("user", "changed_by")
    search_fields = ("user__username", "user__last_name", "changed_by__username")
    date_hierarchy = "changed_at"
    readonly_fields = [field.name for field in RoleChange._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# Axes registers its own admin for sign-in failures; this one adds the unlock actions.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class KamAccessAttemptAdmin(AccessAttemptAdmin):
    """Failed sign-ins, one row per user name, address and browser; unlocking forgets them."""

    actions = ["unlock_selected", "unlock_addresses", "cleanup_expired_attempts"]

    @admin.action(description=_("Unlock: forget the selected failures"), permissions=["delete"])
    def unlock_selected(self, request, queryset) -> None:
        count, _deleted = queryset.delete()
        self.message_user(
            request,
            ngettext("%(count)d failed sign-in forgotten.", "%(count)d failed sign-ins forgotten.", count)
            % {"count": count},
        )

    @admin.action(description=_("Unlock the addresses: forget every failure from them"), permissions=["delete"])
    def unlock_addresses(self, request, queryset) -> None:
        addresses = set(queryset.values_list("ip_address", flat=True))
        count, _deleted = AccessAttempt.objects.filter(ip_address__in=addresses).delete()
        self.message_user(
            request,
            ngettext("%(count)d failed sign-in forgotten.", "%(count)d failed sign-ins forgotten.", count)
            % {"count": count},
        )


# django-otp's own admin pages would show any user's secret key and QR code to an administrator:
# resetting (the user action above) is all an administrator needs.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
