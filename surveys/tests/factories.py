"""Helpers for survey tests: the default template, a sent campaign, the links of the captured e-mails."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core import mail
from django.test import TestCase
from django.utils import timezone

from surveys.defaults import default_template_ensure, role_weights_ensure
from surveys.models import Campaign, QuestionKind, SurveyTemplate
from surveys.services import campaign_create, campaign_send, response_record

LINK = re.compile(r"/s/([A-Za-z0-9_\-]+)/")


def survey_defaults() -> SurveyTemplate:
    role_weights_ensure()
    return default_template_ensure()


def sent_campaign(*, by, accounts, name: str = "Spring survey", closes_in: int = 30, **options) -> Campaign:
    from accounts.models import Account

    template = survey_defaults()
    queryset = Account.objects.filter(pk__in=[a.pk for a in accounts])
    campaign = campaign_create(
        by=by, template=template, name=name, closes_on=timezone.localdate() + timedelta(days=closes_in),
        accounts=queryset, **options,
    )  # fmt: skip
    with TestCase.captureOnCommitCallbacks(execute=True):
        return campaign_send(campaign=campaign, by=by)


def links_by_email(messages=None) -> dict[str, str]:
    """Recipient address → token of the last link e-mailed to them."""
    found = {}
    for message in messages if messages is not None else mail.outbox:
        match = LINK.search(message.body)
        if match:
            found[message.to[0]] = match.group(1)
    return found


def answers_for(template: SurveyTemplate, *, nps: int, rating: int | dict, text: str = "") -> dict[int, int | str]:
    """Answers to every question: the same rating for each dimension unless a dict gives one per dimension."""
    answers: dict[int, int | str] = {}
    for question in template.questions.all():
        if question.kind == QuestionKind.NPS:
            answers[question.pk] = nps
        elif question.kind == QuestionKind.RATING:
            answers[question.pk] = rating[question.dimension] if isinstance(rating, dict) else rating
        elif question.kind == QuestionKind.TEXT and text:
            answers[question.pk] = text
    return answers


def answer(token: str, *, nps: int, rating: int | dict, text: str = ""):
    from surveys.services import invitation_for_token

    invitation = invitation_for_token(token)
    answers = answers_for(invitation.campaign.template, nps=nps, rating=rating, text=text)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return response_record(token=token, answers=answers)
