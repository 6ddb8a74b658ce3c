"""Forms of the whitespace map's cell editor and of the peer settings."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext_lazy as _

from growth.models import MarkKind, SizeBasis

# Spaces people (and spreadsheets) put between thousands: space, no-break space, narrow no-break and thin space.
SPACES = " \u00a0\u202f\u2009"


def amount_canonical(text: str) -> str | None:
    """ "12 500,50" (French) or "12,500.50" (English) as "12500.50", by the active language's decimal separator;
    None when the text is no amount written that way (thousands grouped by three, with one kind of separator).

    In French a point is also read as the decimal separator when there is no comma (a figure pasted from a
    spreadsheet); in English a space may group thousands too.
    """
    text = re.sub(f"[{SPACES}]+", " ", text.strip())
    if get_format("DECIMAL_SEPARATOR") == ",":
        groups, decimal = " ", "[,.]"
    else:
        groups, decimal = "[ ,]", "[.]"
    match = re.fullmatch(rf"(-?)(\d{{1,3}}(?:({groups})\d{{3}})(?:\3\d{{3}})*|\d+)(?:{decimal}(\d+))?", text)
    if match is None:
        return None
    sign, whole, separator, fraction = match.groups()
    whole = whole.replace(separator, "") if separator else whole
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


class AmountField(forms.DecimalField):
    """A money amount typed as people write it in the interface's language: "12 500,50" in French (with a space,
    a no-break or a narrow no-break space), "12,500.50" in English. What was typed is shown again on an error."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)  # a text input: a number input would refuse the spaces and commas
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # A phone shows its numeric keyboard (with the separators) for this text input.
        return {**super().widget_attrs(widget), "inputmode": "decimal"}

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str) and value.strip():
            canonical = amount_canonical(value)
            if canonical is None:
                example = number_format(Decimal("12500.50"), decimal_pos=2, use_l10n=True, force_grouping=True)
                raise forms.ValidationError(
                    _("Enter an amount written like %(example)s.") % {"example": example}, code="invalid"
                )
            value = canonical
        return super().to_python(value)


class MarkForm(forms.Form):
    kind = forms.ChoiceField(label=_("This cell is"), choices=MarkKind.choices, widget=forms.RadioSelect)
    competitor = forms.CharField(
        label=_("Competitor"),
        max_length=200,
        required=False,
        help_text=_("Required when a competitor holds it."),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("kind") == MarkKind.COMPETITOR and not (data.get("competitor") or "").strip():
            self.add_error("competitor", _("Name the competitor that holds this line."))
        return data


class PotentialForm(forms.Form):
    amount = AmountField(label=_("Potential per year"), min_value=0, max_digits=14, decimal_places=2)
    reason = forms.CharField(
        label=_("Reason"), max_length=200, help_text=_("What the figure rests on, in a few words.")
    )


class PeerSettingsForm(forms.Form):
    size_basis = forms.ChoiceField(label=_("Size measured by"), choices=SizeBasis.choices)
    size_edges = forms.CharField(
        label=_("Size band limits"),
        max_length=500,
        help_text=_("Whole numbers separated by commas, each larger than the one before, for example 10, 50, 250."),
    )
    min_peers = forms.IntegerField(
        label=_("Minimum number of peers"),
        min_value=1,
        max_value=1000,
        help_text=_("Below this many peers buying a line, no estimate is shown."),
    )

    def clean_size_edges(self) -> list[int]:
        parts = [re.sub(r"[\s\u00a0\u202f]", "", part) for part in self.cleaned_data["size_edges"].split(",")]
        parts = [part for part in parts if part]
        if not parts:
            raise forms.ValidationError(_("Give at least one limit."))
        bad = [part for part in parts if not re.fullmatch(r"[0-9]{1,15}", part)]  # "²".isdigit() is True
        if bad:
            raise forms.ValidationError(
                _("Not a whole number: %(values)s.") % {"values": ", ".join(bad)}, code="not_number"
            )
        edges = [int(part) for part in parts]
        if any(b <= a for a, b in itertools.pairwise(edges)):
            raise forms.ValidationError(_("Each limit must be larger than the one before."), code="not_increasing")
        return edges
