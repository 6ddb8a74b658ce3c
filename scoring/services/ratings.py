"""Manual ratings entered in the rating grid: validated row by row, saved together."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.models import User
from scoring.models import Rating


@dataclass
class RatingRow:
    """One account's line of the grid as typed: values per criterion id (None = left empty)."""

    account_id: int
    values: dict[int, int | None]
    justification: str
    errors: list[str] = field(default_factory=list)


def ratings_save(*, rows: list[RatingRow], existing: dict[tuple[int, int], Rating], by: User) -> int:
    """Create, change or clear the ratings that differ from `existing`; all or nothing.

    A changed row needs a justification (kept with each rating it changes); rows with
    errors get them in `row.errors` and nothing is saved. Returns the number of ratings written.
    """
    to_create, to_update, to_delete = [], [], []
    for row in rows:
        changed = False
        for criterion_id, value in row.values.items():
            current = existing.get((row.account_id, criterion_id))
            if value is None:
                if current is not None:
                    to_delete.append(current.pk)
                    changed = True
                continue
            if current is None:
                to_create.append(Rating(account_id=row.account_id, criterion_id=criterion_id, value=value))
            elif current.value != value:
                to_update.append((current, value))
            else:
                continue
            changed = True
        if changed and not row.justification.strip():
            row.errors.append(_("Give a justification for the ratings you changed."))
    if any(row.errors for row in rows):
        return 0
    justification = {row.account_id: row.justification.strip() for row in rows}
    now = timezone.now()
    for current, value in to_update:
        current.value = value
    updated = [current for current, _value in to_update]
    for rating in [*to_create, *updated]:
        rating.justification = justification[rating.account_id]
        rating.rated_by = by
        rating.rated_at = now  # bulk_update skips auto_now
    with transaction.atomic():
        Rating.objects.bulk_create(to_create)
        Rating.objects.bulk_update(updated, ["value", "justification", "rated_by", "rated_at"])
        Rating.objects.filter(pk__in=to_delete).delete()
    return len(to_create) + len(updated) + len(to_delete)
