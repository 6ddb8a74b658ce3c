"""The Django admin, open to administrators only (not to every staff user)."""

from functools import wraps

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.admin.views.main import SEARCH_VAR
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kam.forms import SEARCH_MAX_LENGTH


class KamAdminSite(AdminSite):
    site_header = _("KAM administration")
    site_title = _("KAM administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and request.user.is_administrator

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def bounded_search(request, *args, **kwargs):
            # The admin's search goes straight to LIKE: SQLite refuses patterns over 50,000 bytes,
            # PostgreSQL refuses NUL characters. Refuse such a search with a reason instead.
            query = request.GET.get(SEARCH_VAR, "")
            if len(query) > SEARCH_MAX_LENGTH or "\x00" in query:
                messages.error(
                    request,
                    gettext("Search with at most %(max)s characters, without control characters.")
                    % {"max": SEARCH_MAX_LENGTH},
                )
                return redirect(request.path)
            return inner(request, *args, **kwargs)

        return bounded_search
