"""Health's part of a user's worklist: playbook actions they own and open risks they own (two queries)."""

from __future__ import annotations

from dataclasses import dataclass, field

from health.models import PlaybookAction, PlaybookActionStatus, Risk

CAP = 50


@dataclass
class HealthWork:
    playbook_actions: list = field(default_factory=list)
    risks: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.playbook_actions) + len(self.risks)


def health_work_for(*, user) -> HealthWork:
    """Every open playbook action and open risk the user owns, on accounts they read (however far the date)."""
    actions = (
        PlaybookAction.objects.visible_to(user)
        .filter(owner=user, status=PlaybookActionStatus.OPEN)
        .select_related("account", "firing__playbook")
        .only("title", "due_on", "account__name", "firing__reason", "firing__playbook__name")
        .order_by("due_on", "pk")[:CAP]
    )
    risks = Risk.objects.visible_to(user).open().filter(owner=user).select_related("account").order_by("-raised_on")
    risks = risks.only("title", "category", "likelihood", "impact", "account__name")
    return HealthWork(playbook_actions=list(actions), risks=list(risks[:CAP]))
