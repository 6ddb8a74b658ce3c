"""The risk form."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from health.models import Risk
from kam.fields import IdsChoiceField
from kam.models import User
from kam.roles import Role
from plans.models import Action


class RiskForm(forms.ModelForm):
    class Meta:
        model = Risk
        fields = [
            "title",
            "category",
            "likelihood",
            "impact",
            "owner",
            "status",
            "description",
            "mitigation",
            "mitigation_actions",
            "raised_on",
            "review_on",
        ]
        widgets = {
            "raised_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "review_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
            "mitigation": forms.Textarea(attrs={"rows": 3}),
            "mitigation_actions": forms.CheckboxSelectMultiple,
        }
        field_classes = {"mitigation_actions": IdsChoiceField}  # a 40-digit id is refused, not a SQLite error
        help_texts = {"mitigation_actions": _("Actions of this account's plans and reviews that reduce the risk.")}

    def __init__(self, *args, account: Account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True, groups__name__in=list(Role)).distinct()
        self.fields["owner"].required = True
        self.fields["mitigation_actions"].queryset = (
            Action.objects.filter(Q(plan__account=account) | Q(review__account=account))
            .exclude(status="cancelled")
            .order_by("due_on", "pk")
        )

    def clean(self):
        cleaned = super().clean()
        raised, review = cleaned.get("raised_on"), cleaned.get("review_on")
        if raised and review and review < raised:
            self.add_error("review_on", _("The review date cannot come before the date the risk was raised."))
        return cleaned
