from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import TokenScope
from api.tokens import DEFAULT_DAYS, MAX_DAYS


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What will use it, e.g. “nightly CRM sync”."))
    scope = forms.ChoiceField(label=_("Scope"), choices=TokenScope.choices, initial=TokenScope.READ)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS)
