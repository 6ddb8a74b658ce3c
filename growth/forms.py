"""Forms of the whitespace map's cell editor and of the peer settings."""

from __future__ import annotations

import itertools
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from growth.models import MarkKind, SizeBasis


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
    amount = forms.DecimalField(
        label=_("Potential per year"), min_value=0, max_digits=14, decimal_places=2, localize=True
    )
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
