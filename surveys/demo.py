"""Demo surveys: the default template and two past campaigns on key accounts, with answers that show
trends, the product vs relationship split, alerts and the closed loop out of the box."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Account, BuyingRole, Contact
from kam.models import User
from surveys.defaults import default_template_ensure, role_weights_ensure
from surveys.models import (
    ActionStatus,
    Answer,
    Campaign,
    CampaignStatus,
    ImprovementAction,
    Invitation,
    QuestionKind,
    Response,
)
from surveys.services import campaign_alerts_send, new_token

SPRING, AUTUMN = "Key account satisfaction, spring", "Key account satisfaction, autumn"
VERBATIMS = {
    "en": [
        "Great machines, but we rarely hear from our account team between orders.",
        "Deliveries slipped twice this quarter; please warn us earlier.",
        "Support answers fast and knows our plants.",
        "Prices went up without a conversation.",
        "The new range fits our needs very well.",
    ],
    "fr": [
        "Très bons produits, mais l'équipe commerciale nous appelle trop rarement.",
        "Deux livraisons en retard ce trimestre ; prévenez-nous plus tôt.",
        "Le support répond vite et connaît nos usines.",
        "Hausse de prix sans discussion préalable.",
    ],
}


def _scores(rng: random.Random, position: int, autumn: bool, role: str) -> tuple[int, dict[str, int]]:
    """NPS and per-dimension ratings, shaped so each demo account tells a different story."""
    base = 8 if position % 3 else 7
    ratings = {
        d: min(10, max(1, base + rng.choice([-1, 0, 0, 1])))
        for d in ("product", "relationship", "service", "delivery", "value")
    }
    nps = min(10, max(0, base + rng.choice([-1, 0, 1, 2])))
    if autumn and position == 0:  # a sharp fall across the board: the "drop" alert
        ratings = {d: max(1, r - 4) for d, r in ratings.items()}
        nps = max(0, nps - 4)
    if autumn and position == 1:  # likes the product, not us
        ratings |= {"product": 9, "relationship": 3, "service": 4}
    if autumn and position == 2 and role == BuyingRole.DECISION_MAKER:  # a detractor among decision makers
        nps = 3
    return nps, ratings


def seed_surveys(*, users: dict[str, User]) -> str:
    template = default_template_ensure()
    role_weights_ensure()
    if Campaign.objects.filter(name__in=[SPRING, AUTUMN]).exists():
        return "already seeded"
    accounts = list(Account.objects.filter(is_key=True, contacts__is_active=True).distinct().order_by("pk")[:8])
    if not accounts:
        return "no key account with contacts"
    rng = random.Random(7)
    today = timezone.localdate()
    questions = list(template.questions.all())
    with transaction.atomic():
        missing = list(Contact.objects.filter(account__in=accounts, is_active=True, email=""))
        for contact in missing:  # the demo needs someone to write to
            contact.email = f"contact-{contact.pk}@customer.example"
        Contact.objects.bulk_update(missing, ["email"])
        contacts = list(
            Contact.objects.filter(account__in=accounts, is_active=True, survey_opt_out__isnull=True).order_by("pk")
        )
        position_of = {account.pk: position for position, account in enumerate(accounts)}
        campaigns = []
        for name, days_ago, autumn in ((SPRING, 200, False), (AUTUMN, 20, True)):
            closes_on = today - timedelta(days=days_ago)
            campaign = Campaign.objects.create(
                template=template, name=name, closes_on=closes_on, status=CampaignStatus.CLOSED,
                created_by=users["manager"], reminder_after_days=7,
            )  # fmt: skip
            Campaign.objects.filter(pk=campaign.pk).update(sent_at=timezone.now() - timedelta(days=days_ago + 21))
            campaign.accounts.set(accounts)
            _answers(campaign, contacts, position_of, questions, rng, autumn=autumn)
            campaigns.append(campaign)
        _actions(campaigns[1], users)
    for campaign in campaigns:
        campaign_alerts_send(campaign=campaign, email=False)
    return f"2 campaigns on {len(accounts)} key accounts"


def _answers(campaign, contacts, position_of, questions, rng, *, autumn: bool) -> None:
    sent_at = timezone.now() - timedelta(days=(timezone.localdate() - campaign.closes_on).days + 21)
    invitations = Invitation.objects.bulk_create(
        Invitation(campaign=campaign, account_id=c.account_id, contact=c, token_hash=new_token()[1],
                   language=c.language, buying_role=c.buying_role, sent_at=sent_at)
        for c in contacts
    )  # fmt: skip
    responses, answered = [], []
    for invitation, contact in zip(invitations, contacts, strict=True):
        position = position_of[contact.account_id]
        skip_dm = autumn and position == 3 and contact.buying_role == BuyingRole.DECISION_MAKER
        if skip_dm or rng.random() < 0.25:
            continue
        invitation.responded_at = sent_at + timedelta(days=rng.randint(1, 12))
        answered.append(invitation)
        responses.append(
            Response(invitation=invitation, campaign=campaign, account_id=contact.account_id, contact=contact,
                     buying_role=contact.buying_role, submitted_at=invitation.responded_at)
        )  # fmt: skip
    Invitation.objects.bulk_update(answered, ["responded_at"])
    responses = Response.objects.bulk_create(responses)
    rows = []
    for response, invitation in zip(responses, answered, strict=True):
        position = position_of[response.account_id]
        nps, ratings = _scores(rng, position, autumn, response.buying_role)
        for question in questions:
            if question.kind == QuestionKind.NPS:
                rows.append(Answer(response=response, question=question, number=nps))
            elif question.kind == QuestionKind.RATING:
                rows.append(Answer(response=response, question=question, number=ratings[question.dimension]))
            elif question.kind == QuestionKind.TEXT and rng.random() < 0.6:
                texts = VERBATIMS["fr" if invitation.language == "fr" else "en"]
                text = texts[0] if autumn and position == 1 else rng.choice(texts)
                rows.append(Answer(response=response, question=question, text=text))
    Answer.objects.bulk_create(rows)


def _actions(campaign: Campaign, users: dict[str, User]) -> None:
    """Two improvement actions from autumn verbatims: one done this quarter, one open and due soon."""
    verbatims = list(Answer.objects.filter(response__campaign=campaign).exclude(text="").select_related("response")[:2])
    today = timezone.localdate()
    plans = [
        ("Monthly call with the purchasing director", "Sales", ActionStatus.DONE, "Calls booked for the year."),
        ("Warn of late deliveries 48 h ahead", "Logistics", ActionStatus.IN_PROGRESS, ""),
    ]
    for verbatim, (title, department, status, outcome) in zip(verbatims, plans, strict=False):
        account = verbatim.response.account
        ImprovementAction.objects.create(
            account=account, response=verbatim.response, answer=verbatim, title=title,
            owner=account.owner or users["manager"], department=department, due_on=today + timedelta(days=20),
            status=status, outcome=outcome, created_by=users["manager"],
            done_at=timezone.now() if status == ActionStatus.DONE else None,
        )  # fmt: skip
