"""Filters of a run's result list, bound to the URL so a filtered view can be shared."""

from __future__ import annotations

import django_filters
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.filters import NOT_SCORED
from accounts.models import Segment, Tier
from kam.forms import SEARCH_MAX_LENGTH
from kam.models import User
from kam.roles import Role

CHANGE_CHOICES = [
    ("entered", _("Became key")),
    ("left", _("Left key status")),
    ("moved", _("Changed segment")),
    ("override", _("Decided by an override")),
]


class RunScoreFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="account__name", lookup_expr="icontains", label=_("Account"), max_length=SEARCH_MAX_LENGTH
    )
    segment = django_filters.ChoiceFilter(
        choices=[*Segment.choices, (NOT_SCORED, _("Not scored"))], method="by_segment", label=_("Segment")
    )
    tier = django_filters.ChoiceFilter(choices=Tier.choices, label=_("Tier"))
    key = django_filters.ChoiceFilter(
        choices=[("yes", _("Key accounts")), ("no", _("Other accounts"))], method="by_key", label=_("Key status")
    )
    change = django_filters.ChoiceFilter(choices=CHANGE_CHOICES, method="by_change", label=_("Movement in this run"))
    owner = django_filters.ModelChoiceFilter(
        field_name="account__owner",
        queryset=User.objects.filter(groups__name=Role.KEY_ACCOUNT_MANAGER.value, is_active=True).order_by(
            "first_name", "last_name"
        ),
        label=_("Owner"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            field.widget.attrs["class"] = (
                "form-control form-control-sm" if name == "q" else "form-select form-select-sm"
            )

    def by_segment(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(scored=False) if value == NOT_SCORED else queryset.filter(segment=value)

    def by_key(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(is_key=value == "yes")

    def by_change(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "entered":
            return queryset.filter(is_key=True, was_key=False)
        if value == "left":
            return queryset.filter(is_key=False, was_key=True)
        if value == "override":
            return queryset.filter(override__isnull=False)
        return queryset.exclude(previous_segment="").exclude(Q(previous_segment=F("segment")))
