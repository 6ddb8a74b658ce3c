"""The customer's pages: no account, a personal link, a one-time code for each new browser.

Unknown, revoked and expired links all get the same neutral page and status. Every
request counts against the link's and the address's rate limits first.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kam.signin import client_ip_address
from sharing import services
from sharing.forms import CodeForm, CustomerCommentForm, ProposalForm
from sharing.models import ShareInvitation, token_hash
from sharing.public import shared_plan_context


def _neutral(request: HttpRequest) -> HttpResponse:
    return render(request, "sharing/public_invalid.html", status=404)


def _open(request: HttpRequest, token: str) -> tuple[ShareInvitation | None, HttpResponse | None]:
    """The link's invitation in the contact's language, or the response to give instead."""
    per_link = services.request_allowed(
        key=f"link:{token_hash(token[: services.TOKEN_MAX_LENGTH])[:32]}",
        limit=settings.KAM_SHARE_REQUESTS_PER_MINUTE,
    )
    per_address = services.request_allowed(
        key=f"ip:{client_ip_address(request)}", limit=settings.KAM_SHARE_REQUESTS_PER_MINUTE * 4
    )
    if not (per_link and per_address):
        return None, render(request, "sharing/public_slow.html", status=429)
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return None, _neutral(request)
    translation.activate(invitation.contact.language or settings.LANGUAGE_CODE)
    request.LANGUAGE_CODE = translation.get_language()
    return invitation, None


def _admitted(request: HttpRequest, invitation: ShareInvitation) -> bool:
    return services.browser_admitted(invitation, request.COOKIES.get(services.browser_cookie_name(invitation)))


def _masked(email: str) -> str:
    name, _at, domain = email.partition("@")
    return f"{name[:1]}•••@{domain}"


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def shared_plan(request: HttpRequest, token: str) -> HttpResponse:
    invitation, refused = _open(request, token)
    if refused is not None or invitation is None:
        return refused or _neutral(request)
    if _admitted(request, invitation):
        if request.method == "POST":
            return redirect("sharing_public:plan", token=token)
        services.invitation_opened(invitation=invitation)
        context = shared_plan_context(invitation=invitation)
        context.update({"token": token, "comment_form": CustomerCommentForm(), "proposal_form": ProposalForm()})
        return render(request, "sharing/public_plan.html", context)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.code_check(invitation=invitation, code=form.cleaned_data["code"]):
            invitation.refresh_from_db()
            response = redirect("sharing_public:plan", token=token)
            response.set_cookie(
                services.browser_cookie_name(invitation),
                services.browser_cookie_value(invitation),
                max_age=settings.KAM_SHARE_BROWSER_DAYS * 86400,
                path="/p/",
                secure=not settings.DEBUG,
                httponly=True,
                samesite="Lax",
            )
            return response
        form.add_error(
            "code", _("This code is not valid or has expired. Check the latest e-mail, or ask for a new code.")
        )
    elif request.method == "GET":
        services.code_request(invitation=invitation)
    context = {
        "form": form,
        "token": token,
        "email": _masked(invitation.contact.email),
        "organisation": settings.KAM_ORGANISATION_NAME or "KAM",  # unset: the product speaks for itself
    }
    return render(request, "sharing/public_code.html", context)


@login_not_required
@never_cache
@require_POST
def code_resend(request: HttpRequest, token: str) -> HttpResponse:
    invitation, refused = _open(request, token)
    if refused is not None or invitation is None:
        return refused or _neutral(request)
    if services.code_request(invitation=invitation, again=True):
        messages.success(request, _("A new code is on its way."))
    else:
        messages.info(request, _("A code was sent less than a minute ago, or too many today: check your e-mail."))
    return redirect("sharing_public:plan", token=token)


def _back(token: str, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('sharing_public:plan', kwargs={'token': token})}#{anchor}")


def _admitted_invitation(request: HttpRequest, token: str) -> tuple[ShareInvitation | None, HttpResponse | None]:
    invitation, refused = _open(request, token)
    if refused is not None or invitation is None:
        return None, refused or _neutral(request)
    if not _admitted(request, invitation):
        return None, redirect("sharing_public:plan", token=token)
    return invitation, None


@login_not_required
@never_cache
@require_POST
def customer_comment(request: HttpRequest, token: str) -> HttpResponse:
    invitation, refused = _admitted_invitation(request, token)
    if invitation is None:
        return refused or _neutral(request)
    form = CustomerCommentForm(request.POST)
    if form.is_valid():
        share = invitation.share
        about = form.cleaned_data["about"]
        kind, _sep, raw_id = about.partition("-")
        target_id = int(raw_id) if raw_id.isascii() and raw_id.isdigit() and len(raw_id) < 12 else None
        objective = share.objectives.filter(pk=target_id).first() if kind == "objective" and target_id else None
        action = share.actions.filter(pk=target_id).first() if kind == "action" and target_id else None
        services.customer_comment(
            invitation=invitation, text=form.cleaned_data["text"], objective=objective, action=action
        )
        messages.success(request, _("Thank you: your comment was sent."))
    else:
        messages.error(request, _("Write a comment of at most 2,000 characters."))
    return _back(token, "comments")


@login_not_required
@never_cache
@require_POST
def customer_action_done(request: HttpRequest, token: str) -> HttpResponse:
    invitation, refused = _admitted_invitation(request, token)
    if invitation is None:
        return refused or _neutral(request)
    raw_id = request.POST.get("action", "")
    action_id = int(raw_id) if raw_id.isascii() and raw_id.isdigit() and len(raw_id) < 12 else None
    action = invitation.share.customer_actions.filter(pk=action_id).first() if action_id else None
    if action is None:
        messages.error(request, _("Only the actions on your side can be marked done."))
    else:
        services.customer_action_done(invitation=invitation, action=action)
        messages.success(request, _("Marked done: thank you."))
    return _back(token, "actions")


@login_not_required
@never_cache
@require_POST
def customer_propose(request: HttpRequest, token: str) -> HttpResponse:
    invitation, refused = _admitted_invitation(request, token)
    if invitation is None:
        return refused or _neutral(request)
    form = ProposalForm(request.POST)
    if form.is_valid():
        services.customer_propose(
            invitation=invitation, title=form.cleaned_data["title"], due_on=form.cleaned_data["due_on"]
        )
        messages.success(request, _("Thank you: your proposal was sent; we will answer it here."))
    else:
        messages.error(request, _("Describe the action in at most 200 characters, with a valid date if any."))
    return _back(token, "proposals")
