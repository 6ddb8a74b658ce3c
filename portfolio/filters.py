"""The dashboard's filters, bound to the URL so a filtered dashboard can be bookmarked, printed or exported."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.filters import register_options
from accounts.models import Account, Segment
from kam.models import User
from kam.roles import Role


class DashboardFilter(django_filters.FilterSet):
    owner = django_filters.ModelChoiceFilter(
        queryset=User.objects.none(), label=_("Key account manager"), empty_label=_("All managers")
    )
    sector = django_filters.ChoiceFilter(choices=[], label=_("Sector"), empty_label=_("All sectors"))
    country = django_filters.ChoiceFilter(choices=[], label=_("Country"), empty_label=_("All countries"))
    segment = django_filters.ChoiceFilter(choices=Segment.choices, label=_("Segment"), empty_label=_("All segments"))
    sponsored = django_filters.BooleanFilter(
        method="filter_sponsored",
        label=_("Only the accounts I sponsor"),
        widget=django_filters.widgets.forms.CheckboxInput,
    )

    class Meta:
        model = Account
        fields: list[str] = []

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["owner"].queryset = User.objects.filter(groups__name=Role.KEY_ACCOUNT_MANAGER).order_by(
            "first_name", "last_name"
        )
        sectors, codes = register_options()
        self.filters["sector"].extra["choices"] = [(sector, sector) for sector in sectors]
        self.filters["country"].extra["choices"] = [(code, name) for code, name in countries if code in codes]
        if not user.is_executive_sponsor:
            del self.filters["sponsored"]  # before the form is built from the filters

    def filter_sponsored(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(executive_sponsor=self.user) if value else queryset
