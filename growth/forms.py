"""Forms of the whitespace map's cell editor and of the peer settings."""

from __future__ import annotations

import itertools
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from growth.models import MarkKind, SizeBasis
from kam.fields import SPACES, AmountField, WholeNumberField, number_canonical, number_example


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


def size_edges_text(edges: list[int]) -> str:
    """The band limits as the form shows them: "10; 50; 250; 5,000" in English, "10; 50; 250; 5 000" in French."""
    return "; ".join(number_example(edge) for edge in edges)


class PeerSettingsForm(forms.Form):
    size_basis = forms.ChoiceField(label=_("Size measured by"), choices=SizeBasis.choices)
    size_edges = forms.CharField(
        label=_("Size band limits"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Whole numbers separated by semicolons or on separate lines, each larger than the one before, "
            "for example 10; 50; 250."
        ),
    )
    min_peers = WholeNumberField(
        label=_("Minimum number of peers"),
        min_value=1,
        max_value=1000,
        help_text=_("Below this many peers buying a line, no estimate is shown."),
    )

    def clean_size_edges(self) -> list[int]:
        # Limits are separated by semicolons or line breaks: with turnover as the size, an English "10,500" is
        # ten thousand five hundred, and a comma in French is the decimal mark, so a comma cannot separate them.
        # The list this form asked for before ("10, 50, 250") is still read when every comma is followed by a
        # space, which no number written in either language has. Any other comma without a semicolon ("10,500"
        # alone, "10,50,250") might be one limit or several: refused with a question, never guessed.
        text = self.cleaned_data["size_edges"]
        if not re.search(r"[;\n]", text) and "," in text:
            if re.search(rf",[^{SPACES}\s]", text):
                raise forms.ValidationError(
                    _(
                        "Separate the limits with semicolons, for example 10; 50; 250: in “%(value)s” a comma "
                        "could separate two limits or belong to one number."
                    )
                    % {"value": text.strip()},
                    code="ambiguous_comma",
                )
            text = text.replace(",", ";")
        parts = [part.strip(SPACES + "\r\t") for part in re.split(r"[;\n]", text)]
        parts = [part for part in parts if part]
        if not parts:
            raise forms.ValidationError(_("Give at least one limit."))
        canonical = {part: number_canonical(part) for part in parts}
        # 15 digits at most: a JSON number no reader rounds.
        bad = [part for part, number in canonical.items() if not number or not re.fullmatch(r"[0-9]{1,15}", number)]
        if bad:
            raise forms.ValidationError(
                _("Not a whole number: %(values)s.") % {"values": "; ".join(bad)}, code="not_number"
            )
        edges = [int(canonical[part]) for part in parts]  # type: ignore[arg-type]
        if any(b <= a for a, b in itertools.pairwise(edges)):
            raise forms.ValidationError(_("Each limit must be larger than the one before."), code="not_increasing")
        return edges
