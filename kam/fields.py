"""Form fields shared by the apps."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from kam.ids import parse_id


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Several objects chosen by id, refusing ids no database row can have before asking the database.

    Django guards `pk=<huge>` but not `pk__in=[<huge>]`: SQLite raises OverflowError on a 40-digit id.
    """

    def _check_values(self, value):
        for pk in value:
            if parse_id(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": str(pk)[:20]}
                )
        return super()._check_values(value)
