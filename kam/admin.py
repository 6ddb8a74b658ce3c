from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from kam.models import User


@admin.register(User)
class KamUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    list_filter = ("groups", "is_active", "is_staff")
