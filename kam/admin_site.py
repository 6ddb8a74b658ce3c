"""The Django admin, open to administrators only (not to every staff user)."""

from django.contrib.admin import AdminSite
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class KamAdminSite(AdminSite):
    site_header = _("KAM administration")
    site_title = _("KAM administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and request.user.is_administrator
