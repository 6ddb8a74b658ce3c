"""Form fields shared by the apps: ids chosen in bulk, and numbers typed as people write them in their language."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext_lazy as _

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


# Spaces people (and spreadsheets) put between thousands: space, no-break space, narrow no-break and thin space.
SPACES = " \u00a0\u202f\u2009"


def number_canonical(text: str) -> str | None:
    """ "12 500,50" (French) or "12,500.50" (English) as "12500.50", by the active language's decimal separator;
    None when the text is no number written that way (thousands grouped by three, with one kind of separator).

    In French a point is also read as the decimal separator when there is no comma (a figure pasted from a
    spreadsheet); in English a space may group thousands too. Only ASCII digits: "²" or "٣" are refused.
    """
    text = re.sub(f"[{SPACES}]+", " ", text.strip())
    if get_format("DECIMAL_SEPARATOR") == ",":
        groups, decimal = " ", "[,.]"
    else:
        groups, decimal = "[ ,]", "[.]"
    match = re.fullmatch(
        rf"(-?)([0-9]{{1,3}}(?:({groups})[0-9]{{3}})(?:\3[0-9]{{3}})*|[0-9]+)(?:{decimal}([0-9]+))?", text
    )
    if match is None:
        return None
    sign, whole, separator, fraction = match.groups()
    whole = whole.replace(separator, "") if separator else whole
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


def number_example(value: Decimal | int) -> str:
    """An example number as the active language writes it, thousands grouped: "12 500,50" or "12,500.50"."""
    return number_format(value, use_l10n=True, force_grouping=True)


class _WrittenNumber(forms.Field):
    """Reads the text as the interface's language writes numbers before the Django field's own checks (min, max,
    digits); a text input (a number input would refuse the spaces and commas) shown again as typed on an error.

    `localize=False` (the API, see plain_numbers) keeps Django's plain machine parsing: "12500.50".
    """

    message = _("Enter a number written like %(example)s.")
    example: Decimal | int = Decimal("12500.50")
    whole = False

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # A phone shows its numeric keyboard (with the separators for decimals) for this text input.
        return {**super().widget_attrs(widget), "inputmode": "numeric" if self.whole else "decimal"}

    def to_python(self, value: Any) -> Any:
        if self.localize and isinstance(value, str) and value.strip():
            canonical = number_canonical(value)
            if canonical is None or (self.whole and "." in canonical):
                raise ValidationError(self.message % {"example": number_example(self.example)}, code="invalid")
            value = canonical
        return super().to_python(value)


class NumberField(_WrittenNumber, forms.DecimalField):
    """A decimal typed as people write it: "12 500,50" in French, "12,500.50" in English (objectives' values)."""


class AmountField(NumberField):
    """A money amount typed as people write it in the interface's language: "12 500,50" in French (with a space,
    a no-break or a narrow no-break space), "12,500.50" in English."""

    message = _("Enter an amount written like %(example)s.")


class FloatNumberField(_WrittenNumber, forms.FloatField):
    """A float setting (a threshold, a share) typed with the language's decimal separator: "0,75" in French."""

    example = Decimal("0.75")


class WholeNumberField(_WrittenNumber, forms.IntegerField):
    """A count typed with thousands grouped as in the language: "1 200" in French, "1,200" in English."""

    message = _("Enter a whole number written like %(example)s.")
    example = 1200
    whole = True


# A ModelAdmin's formfield_overrides: administrators type decimals and floats as their language writes them too.
TYPED_NUMBERS: dict[type[models.Field], dict[str, Any]] = {
    models.DecimalField: {"form_class": NumberField},
    models.FloatField: {"form_class": FloatNumberField},
}


def plain_numbers(form: forms.BaseForm) -> forms.BaseForm:
    """The form reading numbers as machines write them ("12500.50"), whatever the language: the API binds the
    pages' forms to JSON, and a client's "12,500" must not mean 12.5 in French and 12500 in English."""
    for field in form.fields.values():
        if isinstance(field, _WrittenNumber):
            field.localize = False
    return form
