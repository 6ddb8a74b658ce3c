"""The token page (linked from the preferences): create (the token is shown once), list, revoke.

Administrators also see and revoke everyone's tokens there.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api.forms import TokenCreateForm
from api.models import ApiToken
from api.tokens import TokenRefused, token_create, token_revoke


def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            row, new_token = token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
            )
        except TokenRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Token “%(name)s” created. Copy it now: it will not be shown again.")
                             % {"name": row.name})  # fmt: skip
            form = TokenCreateForm()
    context = {
        "form": form,
        "new_token": new_token,
        "tokens": ApiToken.objects.filter(user=request.user),
        "all_tokens": ApiToken.objects.exclude(user=request.user).select_related("user")
        if request.user.is_administrator
        else None,
    }
    return render(request, "api/tokens.html", context)


@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=pk)
    token_revoke(token=token, by=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api:tokens")
