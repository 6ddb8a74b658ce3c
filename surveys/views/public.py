"""The public answer page reached from the e-mail: no login, in the contact's language, one response per link."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from surveys.forms import AnswerForm
from surveys.services import SurveyRefused, contact_opt_out, invitation_for_token, response_record


def _invalid(request: HttpRequest) -> HttpResponse:
    # One page for unknown, expired, used and opted-out links alike: it names no account or campaign.
    return render(request, "surveys/public_invalid.html", status=404)


@login_not_required
@never_cache
def answer(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_for_token(token)
    if invitation is None:
        return _invalid(request)
    with translation.override(invitation.language):
        questions = list(invitation.campaign.template.questions.all())
        form = AnswerForm(request.POST or None, questions=questions, language=invitation.language)
        if request.method == "POST" and form.is_valid():
            try:
                response_record(token=token, answers=form.answers())
            except SurveyRefused:
                return _invalid(request)
            return render(request, "surveys/public_thanks.html", {"opted_out": False})
        context = {"form": form, "invitation": invitation, "campaign": invitation.campaign, "token": token}
        return render(request, "surveys/public_answer.html", context, status=400 if form.errors else 200)


@login_not_required
@never_cache
@require_POST
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_for_token(token)
    if invitation is None or not contact_opt_out(token=token):
        return _invalid(request)
    with translation.override(invitation.language):
        return render(request, "surveys/public_thanks.html", {"opted_out": True})
