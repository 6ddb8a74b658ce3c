"""Filters and sorting of the account register, bound to the URL so views can be bookmarked."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.models import Account, Lifecycle, Segment, Tier
from kam.forms import SEARCH_MAX_LENGTH
from kam.models import User
from kam.roles import Role

# Accounts the latest segmentation could not score (too little data), or never scored: no score on the account.
NOT_SCORED = "not_scored"
SEGMENT_CHOICES = [*Segment.choices, (NOT_SCORED, _("Not scored"))]
KEY_CHOICES = [("yes", _("Key accounts")), ("no", _("Other accounts"))]

# Sort keys as they appear in the URL; "-" sorts descending. Empty values last.
SORTS = {
    "name": ("name",),
    "revenue": (F("last_year_revenue").asc(nulls_last=True), "name"),
    "-revenue": (F("last_year_revenue").desc(nulls_last=True), "name"),
    "growth": (F("revenue_growth").asc(nulls_last=True), "name"),
    "-growth": (F("revenue_growth").desc(nulls_last=True), "name"),
    "score": (F("score").asc(nulls_last=True), "name"),
    "-score": (F("score").desc(nulls_last=True), "name"),
}
SORT_CHOICES = [
    ("name", _("Name")),
    ("-revenue", _("Revenue, largest first")),
    ("revenue", _("Revenue, smallest first")),
    ("-growth", _("Growth, highest first")),
    ("growth", _("Growth, lowest first")),
    ("-score", _("Score, highest first")),
    ("score", _("Score, lowest first")),
]


OPTIONS_CACHE_SECONDS = 60


def register_options() -> tuple[list[str], set[str]]:
    """Sectors and countries that occur in the register, to offer only options that find something.

    Two DISTINCT scans cost ~10 ms per page on 10,000 accounts; a new sector may
    take up to a minute to appear in the filter.
    """

    def compute() -> tuple[list[str], set[str]]:
        accounts = Account.objects.order_by()  # no Meta.ordering inside DISTINCT
        sectors = sorted(accounts.exclude(sector="").values_list("sector", flat=True).distinct())
        codes = set(accounts.exclude(country="").values_list("country", flat=True).distinct())
        return sectors, codes

    return cache.get_or_set("accounts:register-options", compute, OPTIONS_CACHE_SECONDS)


class AccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=SEARCH_MAX_LENGTH)
    segment = django_filters.ChoiceFilter(choices=SEGMENT_CHOICES, method="filter_segment", label=_("Segment"))
    tier = django_filters.ChoiceFilter(choices=Tier.choices, label=_("Tier"))
    key = django_filters.ChoiceFilter(choices=KEY_CHOICES, method="filter_key", label=_("Key status"))
    # The managers as plain choices, read in __init__ in one query: a ModelChoiceFilter counts them, then
    # reads them through a server-side cursor, and copies its queryset with every FilterSet.
    owner = django_filters.ChoiceFilter(
        choices=[],
        label=_("Key account manager"),
        error_messages={"invalid_choice": _("Select a valid choice. That choice is not one of the available choices.")},
    )
    sector = django_filters.ChoiceFilter(choices=[], label=_("Sector"))
    country = django_filters.ChoiceFilter(choices=[], label=_("Country"))
    lifecycle = django_filters.ChoiceFilter(choices=Lifecycle.choices, label=_("Lifecycle"))
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="sort_by", label=_("Sort by"), empty_label=None, null_label=None
    )

    class Meta:
        model = Account
        fields: list[str] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        managers = User.objects.filter(groups__name=Role.KEY_ACCOUNT_MANAGER).order_by("first_name", "last_name")
        managers = managers.only("first_name", "last_name", "username")
        self.filters["owner"].extra["choices"] = [(manager.pk, str(manager)) for manager in managers]
        sectors, codes = register_options()
        self.filters["sector"].extra["choices"] = [(sector, sector) for sector in sectors]
        self.filters["country"].extra["choices"] = [(code, name) for code, name in countries if code in codes]
        for name, field in self.form.fields.items():
            if name != "q":
                field.widget.attrs["class"] = "form-select form-select-sm"
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"class": "form-control form-control-sm", "type": "search", "placeholder": _("Name or reference")}
        )

    def fields_with_options(self) -> list[tuple[forms.BoundField, list[tuple[str, str, bool]] | None]]:
        """Each field of the form, with a select's options as (value, label, selected), None for the search box.

        The template renders plain tuples: a widget template, or a comparison per option in the
        template, costs about a millisecond per page.
        """
        fields = []
        for field in self.form:
            if field.name == "q":
                fields.append((field, None))
                continue
            current = "" if field.value() is None else str(field.value())
            options = [(str(value), str(label), str(value) == current) for value, label in field.field.choices]
            fields.append((field, options))
        return fields

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(reference__iexact=value))

    def filter_segment(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(score__isnull=True) if value == NOT_SCORED else queryset.filter(segment=value)

    def filter_key(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(is_key=value == "yes")

    def sort_by(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*SORTS.get(value, SORTS["name"]))
