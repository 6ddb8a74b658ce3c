"""Forms of the account register; errors are shown beside the fields and input is kept."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, BuyingRole, Contact, Interaction, YearlyFinancial
from kam.models import User
from kam.roles import Role


def _users_with_role(role: Role):
    return User.objects.filter(is_active=True, groups__name=role).order_by("first_name", "last_name", "username")


class AccountForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    parent_name = forms.CharField(
        label=_("Parent account"),
        required=False,
        help_text=_("Name or reference of the group this account belongs to."),
    )

    class Meta:
        model = Account
        fields = [
            "name",
            "reference",
            "lifecycle",
            "sector",
            "country",
            "city",
            "website",
            "employees",
            "owner",
            "service_manager",
            "executive_sponsor",
            "potential",
            "business",
            "goals",
            "difficulties",
            "competitors",
            "notes",
        ]
        localized_fields = ["potential"]
        widgets = {
            field: forms.Textarea(attrs={"rows": 3})
            for field in ("business", "goals", "difficulties", "competitors", "notes")
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.fields["owner"].queryset = _users_with_role(Role.KEY_ACCOUNT_MANAGER)
        self.fields["service_manager"].queryset = User.objects.filter(is_active=True).order_by("first_name", "username")
        self.fields["executive_sponsor"].queryset = _users_with_role(Role.EXECUTIVE_SPONSOR)
        if self.instance.parent_id:
            self.fields["parent_name"].initial = self.instance.parent.reference or self.instance.parent.name
        if not user.is_administrator:
            # A key account manager keeps the accounts they create; only administrators reassign.
            del self.fields["owner"]

    def clean_potential(self) -> Decimal | None:
        potential = self.cleaned_data.get("potential")
        if potential is not None and potential < 0:
            raise forms.ValidationError(_("The potential cannot be negative."))
        return potential

    def clean_parent_name(self) -> Account | None:
        value = self.cleaned_data.get("parent_name", "").strip()
        if not value:
            return None
        if self.instance.parent_id and value == self.fields["parent_name"].initial:
            return self.instance.parent  # unchanged, even if another account now has the same name
        matches = list(Account.objects.filter(Q(reference__iexact=value) | Q(name__iexact=value))[:2])
        if not matches:
            raise forms.ValidationError(_("No account is named or referenced “%(value)s”."), params={"value": value})
        if len(matches) > 1:
            raise forms.ValidationError(
                _("Several accounts match “%(value)s”: use the reference."), params={"value": value}
            )
        parent = matches[0]
        if self.instance.pk and parent.pk in self.instance.group_descendant_ids() | {self.instance.pk}:
            raise forms.ValidationError(_("An account cannot belong to itself or to one of its subsidiaries."))
        return parent

    def save(self, commit: bool = True) -> Account:
        self.instance.parent = self.cleaned_data.get("parent_name")
        if not self.instance.pk and self.instance.owner_id is None and self.user.is_key_account_manager:
            self.instance.owner = self.user
        return super().save(commit=commit)


class YearlyFinancialForm(forms.ModelForm):
    class Meta:
        model = YearlyFinancial
        fields = ["year", "revenue", "gross_margin"]
        localized_fields = ["revenue", "gross_margin"]

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not 1990 <= year <= date.today().year + 1:
            raise forms.ValidationError(
                _("Enter a year between 1990 and %(last)s."), params={"last": date.today().year + 1}
            )
        return year

    def clean(self) -> dict:
        cleaned = super().clean()
        revenue, margin = cleaned.get("revenue"), cleaned.get("gross_margin")
        if revenue is not None and revenue < 0:
            self.add_error("revenue", _("Revenue cannot be negative; record credit notes as lower revenue."))
        if revenue is not None and margin is not None and margin > revenue:
            self.add_error("gross_margin", _("The gross margin cannot exceed the revenue."))
        return cleaned


YearlyFinancialFormSet = forms.inlineformset_factory(
    Account, YearlyFinancial, form=YearlyFinancialForm, extra=1, can_delete=True
)


class InteractionForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ["kind", "occurred_on", "department", "contact", "summary"]
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, account: Account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = account.contacts.filter(is_active=True)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_occurred_on(self) -> date:
        occurred_on = self.cleaned_data["occurred_on"]
        if occurred_on > date.today():
            raise forms.ValidationError(_("An interaction is logged once it has happened: the date is in the future."))
        return occurred_on


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("CSV (comma, semicolon or tab separated, any common encoding) or Excel .xlsx.")
    )
    kind = forms.ChoiceField(label=_("The file holds"), widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs) -> None:
        from accounts.importing import ImportKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ImportKind.choices
        self.fields["kind"].initial = ImportKind.ACCOUNTS


class ImportMappingForm(forms.Form):
    """One select per column of the file: which field it fills, or ignore it; then the unit, the currency,
    and what each value of the credit-note or stage column means."""

    def __init__(
        self,
        *args,
        columns: list[str],
        kind: str,
        values: dict[str, list[str]] | None = None,
        options: dict | None = None,
        **kwargs,
    ) -> None:
        from accounts.importing import FIELDS
        from accounts.importing.options import ImportOptions, Outcome, Unit, default_currency

        super().__init__(*args, **kwargs)
        self.columns = columns
        self.kind = kind
        self.specs = FIELDS[kind]
        saved = ImportOptions.from_json(options)
        values = values or {}
        choices = [("", _("— ignore this column —"))] + [(spec.name, spec.label) for spec in self.specs]
        for index, column in enumerate(columns):
            self.fields[f"column_{index}"] = forms.ChoiceField(label=column, choices=choices, required=False)
        if kind == "transactions":
            self.fields["create_missing_accounts"] = forms.BooleanField(
                label=_("Create accounts for customers not yet in the register"), required=False
            )
        if kind == "opportunities":
            self.fields["create_missing_accounts"] = forms.TypedChoiceField(
                label=_("Deals of accounts not in the register"),
                choices=[("", _("skip these rows (they are counted)")), ("1", _("create the accounts"))],
                coerce=bool,
                empty_value=False,
                required=False,
                widget=forms.RadioSelect,
            )
            self.initial["create_missing_accounts"] = "1" if self.initial.get("create_missing_accounts") else ""
        self.fields["unit"] = forms.TypedChoiceField(
            label=_("Amounts in the file are"),
            choices=Unit.choices,
            coerce=int,
            initial=saved.unit,
            required=False,
            empty_value=int(Unit.ONE),
        )
        self.fields["currency"] = forms.RegexField(
            label=_("Currency (ISO code)"),
            regex=r"^[A-Za-z]{3}$",
            max_length=3,
            initial=saved.currency or default_currency(),
            required=False,
            error_messages={"invalid": _("Enter a three-letter currency code, such as EUR or USD.")},
        )
        self.credit_values = values.get("credit_flag", [])
        for index, value in enumerate(self.credit_values):
            self.fields[f"credit_{index}"] = forms.BooleanField(
                label=value,
                required=False,
                initial=value in saved.credit_values if saved.credit_values else _looks_like_credit(value),
            )
        self.stage_values = values.get("stage", [])
        for index, value in enumerate(self.stage_values):
            self.fields[f"stage_{index}"] = forms.ChoiceField(
                label=value,
                choices=[("", _("— choose —")), *Outcome.choices],
                initial=saved.outcome_of(value),
                error_messages={"required": _("Say whether this stage is won, open or lost.")},
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        used: dict[str, str] = {}
        for index, column in enumerate(self.columns):
            target = cleaned.get(f"column_{index}")
            if not target:
                continue
            if target in used:
                self.add_error(
                    f"column_{index}",
                    _("“%(field)s” is already filled from column “%(other)s”.")
                    % {"field": dict((s.name, s.label) for s in self.specs)[target], "other": used[target]},
                )
            used[target] = column
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {column: self.cleaned_data.get(f"column_{index}") or "" for index, column in enumerate(self.columns)}

    def options(self) -> dict:
        from accounts.importing.options import ImportOptions

        return ImportOptions(
            unit=self.cleaned_data.get("unit") or 1,
            currency=(self.cleaned_data.get("currency") or "").upper(),
            credit_values=tuple(
                value for index, value in enumerate(self.credit_values) if self.cleaned_data.get(f"credit_{index}")
            ),
            stages={value: self.cleaned_data[f"stage_{index}"] for index, value in enumerate(self.stage_values)},
        ).as_json()

    def credit_fields(self) -> list:
        return [self[f"credit_{index}"] for index in range(len(self.credit_values))]

    def stage_fields(self) -> list:
        return [self[f"stage_{index}"] for index in range(len(self.stage_values))]


def _looks_like_credit(value: str) -> bool:
    """Pre-tick the usual names of a credit note; the user confirms or corrects each."""
    from accounts.importing.fields import normalise_header

    return normalise_header(value) in {"cn", "credit", "creditnote", "avoir", "av", "refund", "remboursement", "rma"}


INFLUENCE_CHOICES = [
    ("", _("Unknown")),
    (5, _("5 — decisive")),
    (4, _("4 — strong")),
    (3, _("3 — moderate")),
    (2, _("2 — some")),
    (1, _("1 — little")),
]


class ReportsToField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        label = f"{obj.name} — {obj.job_title}" if obj.job_title else obj.name
        if obj.account_id != self.account_id:
            label += f" ({obj.account.name})"
        return label


class ContactForm(forms.ModelForm):
    """A person at the customer and their place in the decision chain; reports-to stays within the group."""

    influence = forms.TypedChoiceField(
        label=_("Influence on the decision"), choices=INFLUENCE_CHOICES, coerce=int, empty_value=None, required=False
    )

    class Meta:
        model = Contact
        fields = [
            "name",
            "job_title",
            "department",
            "buying_role",
            "influence",
            "attitude",
            "reports_to",
            "covered_by",
            "relationship_strength",
            "email",
            "phone",
            "language",
            "is_active",
            "notes",
        ]
        field_classes = {"reports_to": ReportsToField}
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        labels = {"is_active": _("Still at the company")}

    def __init__(self, *args, account: Account, **kwargs) -> None:
        from accounts.maps import group_account_ids

        super().__init__(*args, **kwargs)
        self.account = account
        self.group_ids = group_account_ids(account)
        reports_to = self.fields["reports_to"]
        reports_to.account_id = account.pk
        reports_to.queryset = (
            Contact.objects.filter(account_id__in=self.group_ids).select_related("account").order_by("name")
        )
        if self.instance.pk:
            reports_to.queryset = reports_to.queryset.exclude(pk=self.instance.pk)
        reports_to.empty_label = _("— nobody in this group —")
        reports_to.error_messages["invalid_choice"] = _(
            "Choose someone who works for this account or its group (parent or subsidiaries)."
        )
        self.fields["buying_role"].choices = [("", _("Unknown"))] + list(BuyingRole.choices)
        self.fields["covered_by"].queryset = (
            User.objects.filter(is_active=True, groups__name__in=list(Role))
            .distinct()
            .order_by("first_name", "username")
        )
        self.fields["covered_by"].empty_label = _("— nobody yet —")

    def clean_reports_to(self) -> Contact | None:
        from accounts.maps import reports_to_error

        manager = self.cleaned_data.get("reports_to")
        if manager is not None:
            error = reports_to_error(contact=self.instance, manager=manager, group_ids=self.group_ids)
            if error:
                raise forms.ValidationError(error)
        return manager

    def save(self, commit: bool = True) -> Contact:
        self.instance.account = self.account
        return super().save(commit=commit)
