"""Personal data about a contact: everything KAM holds on them, exported or erased at their request.

Erasing anonymises rather than deletes: the contact row stays (as "Erased contact #id") so the survey answers
it gave keep their scores in every index and the interactions logged with it keep counting in coverage and
silence alerts; only what identifies the person goes (name, e-mail, phone, title, notes, free-text answers,
the summaries of interactions held with them alone, and every earlier version in the contact's history).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Contact, Interaction
from kam.models import User

# The change reason of the one historical record an erasure leaves, which the account's history shows.
ERASED_REASON = "personal data erased"

CARD_FIELDS = (
    "id",
    "name",
    "job_title",
    "department",
    "email",
    "phone",
    "language",
    "buying_role",
    "influence",
    "attitude",
    "reports_to_id",
    "covered_by_id",
    "relationship_strength",
    "notes",
    "is_active",
    "erased_at",
)


def _plain(value: object) -> object:
    """A value JSON can carry as is."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _interactions_of(contact: Contact):
    """Interactions held with the contact, and those of its account whose summary names it."""
    return (
        Interaction.objects.filter(account_id=contact.account_id)
        .filter(Q(contact=contact) | Q(summary__icontains=contact.name))
        .order_by("occurred_on", "pk")
    )


def contact_personal_data(*, contact: Contact) -> dict:
    """Everything KAM holds about the person: card, history, interactions, survey invitations and answers."""
    from surveys.models import Answer, Invitation

    history = contact.history.select_related("history_user").order_by("history_date", "history_id")
    invitations = Invitation.objects.filter(contact=contact).select_related("campaign").order_by("pk")
    answers = (
        Answer.objects.filter(response__contact=contact)
        .select_related("question", "response")
        .order_by("response_id", "question__position", "pk")
    )
    answers_by_invitation: dict[int, list[dict]] = {}
    for answer in answers:
        answers_by_invitation.setdefault(answer.response.invitation_id, []).append(
            {
                "question": answer.question.text_en,
                "question_fr": answer.question.text_fr,
                "number": answer.number,
                "text": answer.text,
                "submitted_at": _plain(answer.response.submitted_at),
            }
        )
    return {
        "exported_at": _plain(timezone.now()),
        "account": {"id": contact.account_id, "name": contact.account.name},
        "contact": {name: _plain(getattr(contact, name)) for name in CARD_FIELDS},
        "history": [
            {
                "when": _plain(record.history_date),
                "who": str(record.history_user) if record.history_user else None,
                "type": record.history_type,
                **{name: _plain(getattr(record, name)) for name in CARD_FIELDS},
            }
            for record in history
        ],
        "interactions": [
            {
                "id": interaction.pk,
                "kind": interaction.kind,
                "occurred_on": _plain(interaction.occurred_on),
                "department": interaction.department,
                "summary": interaction.summary,
                "with_this_contact": interaction.contact_id == contact.pk,
            }
            for interaction in _interactions_of(contact)
        ],
        "survey_invitations": [
            {
                "campaign": invitation.campaign.name,
                "language": invitation.language,
                "buying_role": invitation.buying_role,
                "sent_at": _plain(invitation.sent_at),
                "reminded_at": _plain(invitation.reminded_at),
                "responded_at": _plain(invitation.responded_at),
                "answers": answers_by_invitation.get(invitation.pk, []),
            }
            for invitation in invitations
        ],
    }


@transaction.atomic
def contact_erase(*, contact: Contact, by: User) -> Contact:
    """Anonymise the contact on their request, keeping every count and score it contributes to."""
    from surveys.models import Answer

    erased_name = f"Erased contact #{contact.pk}"
    if contact.name:
        # Summaries of other interactions that name the person keep their facts, not the name.
        pattern = re.compile(re.escape(contact.name), re.IGNORECASE)
        mentioning = list(
            Interaction.objects.filter(account_id=contact.account_id, summary__icontains=contact.name).exclude(
                contact=contact
            )
        )
        for interaction in mentioning:
            interaction.summary = pattern.sub(erased_name, interaction.summary)
        Interaction.objects.bulk_update(mentioning, ["summary"])
    # Interactions held with the person alone: their text is about the person, so it goes; the row stays counted.
    Interaction.objects.filter(contact=contact).update(summary=_("(erased with the contact's personal data)"))
    # Verbatims go; numbers stay, so every index computed from the answers is unchanged.
    Answer.objects.filter(response__contact=contact).exclude(text="").update(text="")
    contact.history.all().delete()
    contact.name = erased_name
    contact.job_title = contact.department = contact.email = contact.phone = contact.notes = ""
    contact.is_active = False
    contact.erased_at = timezone.now()
    contact._history_user = by
    contact._change_reason = ERASED_REASON
    contact.save()
    return contact
