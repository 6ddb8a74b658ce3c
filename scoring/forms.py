"""Forms of the scoring configuration."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from scoring.analytics import MAX_CRITERIA, MIN_CRITERIA
from scoring.models import Criterion, SegmentationSettings
from scoring.sources import source_choices


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "axis", "weight", "source", "higher_is_better", "normalisation", "missing", "is_active"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A blank first choice keeps the empty "add a criterion" row unchanged, so it is skipped.
        self.fields["source"] = forms.ChoiceField(
            label=_("Source"), choices=[("", "—"), *source_choices()], initial=self.instance.source
        )


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


class SegmentationSettingsForm(forms.ModelForm):
    class Meta:
        model = SegmentationSettings
        fields = ["mode", "value", "potential", "gold", "silver", "key_rule"]

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
