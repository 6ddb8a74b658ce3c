"""Response headers that keep private pages out of caches and the browser's powerful features off."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class PrivacyHeadersMiddleware:
    """Adds Permissions-Policy everywhere and `Cache-Control: no-store` to private responses.

    Private: anything served to a signed-in user (pages and exports alike) and the
    tokenised public survey pages, whose URL is the secret. A shared or back-button
    cache must not keep them. Static files and anonymous pages (sign-in) stay cacheable
    unless their view says otherwise.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.KAM_PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(settings.KAM_PRIVATE_PATH_PREFIXES):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
