"""Forms of the scoring configuration."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import FinancialYearSetting
from kam.fields import FloatNumberField, WholeNumberField
from scoring.analytics import MAX_CRITERIA, MIN_CRITERIA
from scoring.models import Criterion, OverrideDecision, SegmentationSettings
from scoring.services.ratings import RatingRow
from scoring.sources import source_choices


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = [
            "name",
            "name_fr",
            "axis",
            "weight",
            "source",
            "higher_is_better",
            "normalisation",
            "missing",
            "is_active",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A blank first choice keeps the empty "add a criterion" row unchanged, so it is skipped.
        self.fields["source"] = forms.ChoiceField(
            label=_("Source"), choices=[("", "—"), *source_choices()], initial=self.instance.source
        )
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"


class BaseCriterionFormSet(forms.BaseModelFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        active = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("is_active")
        ]
        if not MIN_CRITERIA <= len(active) <= MAX_CRITERIA:
            raise forms.ValidationError(
                _(
                    "Keep between %(min)s and %(max)s active criteria (now %(count)s): fewer cannot separate "
                    "strategic accounts from the rest, more dilute what matters."
                ),
                params={"min": MIN_CRITERIA, "max": MAX_CRITERIA, "count": len(active)},
            )


CriterionFormSet = forms.modelformset_factory(
    Criterion, form=CriterionForm, formset=BaseCriterionFormSet, extra=1, can_delete=True
)


class CriterionWordingForm(forms.ModelForm):
    """A criterion's name, description and rubric, in both languages."""

    class Meta:
        model = Criterion
        fields = [
            "name",
            "name_fr",
            "rubric_low",
            "rubric_low_fr",
            "rubric_mid",
            "rubric_mid_fr",
            "rubric_high",
            "rubric_high_fr",
        ]
        widgets = {
            field: forms.Textarea(attrs={"rows": 2})
            for field in ("rubric_low", "rubric_low_fr", "rubric_mid", "rubric_mid_fr", "rubric_high", "rubric_high_fr")
        }
        labels = {
            "name": _("Name in English"),
            "rubric_low": _("What 0 means, in English"),
            "rubric_mid": _("What 5 means, in English"),
            "rubric_high": _("What 10 means, in English"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


CriterionWordingFormSet = forms.modelformset_factory(Criterion, form=CriterionWordingForm, extra=0)


class SegmentationSettingsForm(forms.ModelForm):
    class Meta:
        model = SegmentationSettings
        fields = [
            "mode",
            "value",
            "potential",
            "gold",
            "silver",
            "key_rule",
            "key_score",
            "key_top_n",
            "key_band",
            "key_top_n_margin",
            "key_confirm_runs",
            "max_missing_percent",
            "filled_weight",
            "group_rollup",
            "manager_capacity",
        ]
        # "0,75" in French, "0.75" in English; the number of key accounts as "1 000" or "1,000" in a large portfolio
        # (the other counts stay below a hundred).
        field_classes = {
            **dict.fromkeys(["value", "potential", "gold", "silver", "key_score", "key_band", "filled_weight"],
                            FloatNumberField),
            "key_top_n": WholeNumberField,
        }  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
                continue
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if is_select else "form-control form-control-sm"

    # The settings on the page, in three groups; a key-rule setting names the rules it serves, and the
    # page shows it only while one of them is chosen (all are shown without JavaScript).
    GROUPS = [
        (_("Segments and tiers"), ["mode", "value", "potential", "gold", "silver"]),
        (_("Key accounts"), ["key_rule", "key_score", "key_band", "key_top_n", "key_top_n_margin", "key_confirm_runs"]),
        (_("Missing data and workload"), ["max_missing_percent", "filled_weight", "group_rollup", "manager_capacity"]),
    ]
    RULE_FIELDS = {
        "key_score": ["score"],
        "key_band": ["score", "gold"],
        "key_top_n": ["top_n"],
        "key_top_n_margin": ["top_n"],
    }

    def groups(self) -> list[dict]:
        """The grouped bound fields with the key rules each one serves (empty: always shown)."""
        return [
            {
                "title": title,
                "controller": self["key_rule"].auto_id,
                "fields": [(self[name], [] if self[name].errors else self.RULE_FIELDS.get(name, [])) for name in names],
            }
            for title, names in self.GROUPS
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        limit = 1 if cleaned.get("mode") == "quantile" else 100
        for name in ("value", "potential", "gold", "silver"):
            value = cleaned.get(name)
            if value is not None and not 0 <= value <= limit:
                self.add_error(name, _("Enter a number between 0 and %(limit)s.") % {"limit": limit})
        gold, silver = cleaned.get("gold"), cleaned.get("silver")
        if gold is not None and silver is not None and gold < silver:
            self.add_error("gold", _("Gold must start at or above silver."))
        return cleaned


class FinancialYearForm(forms.ModelForm):
    class Meta:
        model = FinancialYearSetting
        fields = ["fixed_year"]
        widgets = {"fixed_year": forms.NumberInput(attrs={"class": "form-control form-control-sm"})}


def _in_a_year() -> date:
    return timezone.localdate() + timedelta(days=365)


class OverrideProposalForm(forms.Form):
    decision = forms.ChoiceField(label=_("Proposal"), choices=OverrideDecision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to whoever decides, and in the account's explanation once approved."),
    )
    expires_on = forms.DateField(
        label=_("Until"),
        initial=_in_a_year,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("At most two years; then the scores decide again."),
    )


class OverrideDecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to reject."),
    )
    expires_on = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))


class RatingGrid:
    """The rating grid's rows as typed: parses `r<account>-c<criterion>` and `j<account>` fields.

    Not a formset: one input per account × criterion, and a row is valid or not as a whole.
    """

    def __init__(self, *, accounts, criteria, existing: dict, data=None) -> None:
        self.criteria = criteria
        self.rows: list[dict] = []
        self.is_bound = data is not None
        for account in accounts:
            cells, values, problems = [], {}, []
            for criterion in criteria:
                name = f"r{account.pk}-c{criterion.pk}"
                current = existing.get((account.pk, criterion.pk))
                # A cell absent from the post (another page, a partial post) keeps its rating.
                as_stored = "" if current is None else str(current.value)
                typed = data[name].strip() if data is not None and name in data else as_stored
                value = None
                if typed:
                    # isascii: "²".isdigit() is true, and int() refuses it.
                    if typed.isascii() and typed.isdigit() and 0 <= int(typed) <= 10:
                        value = int(typed)
                    else:
                        problems.append(
                            _("%(criterion)s: enter a whole number from 0 to 10.")
                            % {"criterion": criterion.display_name}
                        )
                values[criterion.pk] = value
                cells.append(
                    {"name": name, "value": typed, "criterion": criterion, "invalid": bool(typed) and value is None}
                )
            latest = max(
                (r for (a, _c), r in existing.items() if a == account.pk), key=lambda r: r.rated_at, default=None
            )
            justification = data.get(f"j{account.pk}", "") if data is not None else ""
            self.rows.append(
                {
                    "account": account,
                    "cells": cells,
                    "justification": justification,
                    "last": latest,
                    "row": RatingRow(
                        account_id=account.pk, values=values, justification=justification, errors=problems
                    ),
                }
            )

    @property
    def rating_rows(self) -> list[RatingRow]:
        return [row["row"] for row in self.rows]

    def has_typing_errors(self) -> bool:
        return any(row.errors for row in self.rating_rows)
