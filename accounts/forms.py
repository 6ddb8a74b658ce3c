"""Forms of the account register; errors are shown beside the fields and input is kept."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.importing.options import ImportOptions
from accounts.importing.parsing import sector_key
from accounts.importing.people import assignable_users
from accounts.models import (
    INFLUENCE_CHOICES,
    Account,
    BuyingRole,
    Contact,
    ImportMapping,
    Interaction,
    ProductLine,
    TurnoverUnit,
    YearlyFinancial,
)
from kam.fields import AmountField, IdsChoiceField, WholeNumberField
from kam.models import User
from kam.roles import Role


def _users_with_role(role: Role):
    return User.objects.filter(is_active=True, groups__name=role).order_by("first_name", "last_name", "username")


class DatalistInput(forms.TextInput):
    """A text input that offers known values (a <datalist>) and still takes a new one."""

    def __init__(self, *args, options: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.options = options or []

    def render(self, name, value, attrs=None, renderer=None) -> str:
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id', name)}-options"
        attrs["list"] = list_id
        options = format_html_join("", '<option value="{}"></option>', ((option,) for option in self.options))
        return super().render(name, value, attrs, renderer) + format_html(
            '<datalist id="{}">{}</datalist>', list_id, options
        )


class AccountForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    parent_name = forms.CharField(
        label=_("Parent account"),
        required=False,
        max_length=200,  # an account's name at most; searched with iexact, a LIKE that SQLite bounds
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
            "company_turnover",
            "company_turnover_unit",
            "company_turnover_currency",
            "founded_year",
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
        # Typed as the user's language writes numbers: "12 500,50" / "1 200" in French, "12,500.50" / "1,200" in
        # English (the API reads plain machine numbers instead: kam.fields.plain_numbers).
        field_classes = {"potential": AmountField, "company_turnover": AmountField, "employees": WholeNumberField}
        widgets = {
            field: forms.Textarea(attrs={"rows": 3})
            for field in ("business", "goals", "difficulties", "competitors", "notes")
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = FormHelper()
        self.helper.form_tag = False
        # Sales agents imported from a sales-team file can own accounts before they are invited.
        self.fields["owner"].queryset = assignable_users(Role.KEY_ACCOUNT_MANAGER).order_by(
            "first_name", "last_name", "username"
        )
        self.fields["service_manager"].queryset = assignable_users().order_by("first_name", "username")
        self.fields["executive_sponsor"].queryset = _users_with_role(Role.EXECUTIVE_SPONSOR)
        self.known_sectors = Account.objects.sectors_in_use()
        self.fields["sector"].widget = DatalistInput(
            options=sorted(set(self.known_sectors), key=str.casefold), attrs={"autocomplete": "off"}
        )
        self.fields["sector"].help_text = _("Pick a sector already used, or type a new one.")
        if self.instance.parent_id:
            self.fields["parent_name"].initial = self.instance.parent.reference or self.instance.parent.name
        if not user.is_administrator:
            # A key account manager keeps the accounts they create; only administrators reassign.
            del self.fields["owner"]
            # The sponsor approves the manager's plans: a manager choosing his own approver defeats the check.
            # Disabled, Django ignores whatever is posted and keeps the saved sponsor.
            sponsor = self.fields["executive_sponsor"]
            sponsor.disabled = True
            sponsor.help_text = _("Only an administrator chooses the executive sponsor.")

    def clean_sector(self) -> str:
        """ "retail " is the sector "Retail" when that is how the register already spells it."""
        sector = " ".join(self.cleaned_data.get("sector", "").split())
        spellings: dict[str, str] = {}
        for known in self.known_sectors:
            spellings.setdefault(sector_key(known), known)
        return spellings.get(sector_key(sector), sector)

    def clean_founded_year(self) -> int | None:
        year = self.cleaned_data.get("founded_year")
        if year is not None and not 1800 <= year <= date.today().year:
            raise forms.ValidationError(
                _("Enter a year between 1800 and %(last)s."), params={"last": date.today().year}
            )
        return year

    def clean_company_turnover_currency(self) -> str:
        currency = self.cleaned_data.get("company_turnover_currency", "").strip().upper()
        if currency and not re.fullmatch(r"[A-Z]{3}", currency):
            raise forms.ValidationError(_("Give the currency as a three-letter code, like EUR or USD."))
        return currency

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
        # Joining a group changes that group's revenue and map: only under an account the user may edit.
        if not Account.objects.editable_by(self.user).filter(pk=parent.pk).exists():
            raise forms.ValidationError(
                _("You may not attach an account to %(parent)s's group: you cannot edit %(parent)s."),
                params={"parent": parent.name},
            )
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
        field_classes = {"revenue": AmountField, "gross_margin": AmountField}

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
        from accounts.importing import FIELDS, ImportKind
        from accounts.importing.options import Outcome, Unit, default_currency

        super().__init__(*args, **kwargs)
        self.columns = columns
        self.kind = kind
        self.specs = FIELDS[kind]
        saved = self.saved = ImportOptions.from_json(options)
        self.credit_values: list[str] = []
        self.stage_values: list[str] = []
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
        if kind == ImportKind.SALES_TEAM:  # people, no amounts
            self._add_save_as()
            return
        self.fields["unit"] = forms.TypedChoiceField(
            label=_("Amounts in the file are"),
            choices=Unit.choices,
            coerce=int,
            initial=saved.unit,
            required=False,
            empty_value=int(Unit.ONE),
            help_text=_("Our revenue and the potential; the company turnover has its own unit below.")
            if kind == ImportKind.ACCOUNTS
            else "",
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
        if kind == ImportKind.ACCOUNTS:
            # Nothing in "1096.53" says million or USD: the user states it, and the figure is kept as written.
            self.fields["turnover_unit"] = forms.ChoiceField(
                label=_("The company turnover column is written in"),
                choices=[("", _("— choose —"))] + list(TurnoverUnit.choices),
                initial=saved.turnover_unit,
                required=False,
            )
            self.fields["turnover_currency"] = forms.CharField(
                label=_("Currency of the company turnover (ISO code)"),
                max_length=3,
                initial=saved.turnover_currency,
                required=False,
                widget=forms.TextInput(attrs={"size": 4, "autocomplete": "off", "placeholder": "EUR"}),
            )
        self._add_save_as()

    def _add_save_as(self) -> None:
        self.fields["save_as"] = forms.CharField(
            label=_("Save this mapping as"),
            max_length=100,
            required=False,
            help_text=_("Files with the same columns will then be mapped this way."),
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
        if "company_turnover" in used:
            if not cleaned.get("turnover_unit"):
                self.add_error("turnover_unit", _("Say in which unit the company turnover is written."))
            currency = (cleaned.get("turnover_currency") or "").strip().upper()
            if not re.fullmatch(r"[A-Z]{3}", currency):
                self.add_error("turnover_currency", _("Give the currency as a three-letter code, like EUR or USD."))
            cleaned["turnover_currency"] = currency
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {column: self.cleaned_data.get(f"column_{index}") or "" for index, column in enumerate(self.columns)}

    def options(self) -> ImportOptions:
        """The batch's options with this step's answers; accepted corrections and the saved mapping used stay."""
        changes: dict = {}
        if "unit" in self.fields:
            changes.update(
                unit=self.cleaned_data.get("unit") or 1,
                currency=(self.cleaned_data.get("currency") or "").upper(),
                credit_values=tuple(
                    value for index, value in enumerate(self.credit_values) if self.cleaned_data.get(f"credit_{index}")
                ),
                stages={value: self.cleaned_data[f"stage_{index}"] for index, value in enumerate(self.stage_values)},
            )
        if "turnover_unit" in self.fields:
            changes.update(
                turnover_unit=self.cleaned_data.get("turnover_unit") or "",
                turnover_currency=self.cleaned_data.get("turnover_currency") or "",
            )
        return self.saved.with_changes(**changes)

    def credit_fields(self) -> list:
        return [self[f"credit_{index}"] for index in range(len(self.credit_values))]

    def stage_fields(self) -> list:
        return [self[f"stage_{index}"] for index in range(len(self.stage_values))]


def _looks_like_credit(value: str) -> bool:
    """Pre-tick the usual names of a credit note; the user confirms or corrects each."""
    from accounts.importing.fields import normalise_header

    return normalise_header(value) in {"cn", "credit", "creditnote", "avoir", "av", "refund", "remboursement", "rma"}


class ImportMappingRenameForm(forms.ModelForm):
    class Meta:
        model = ImportMapping
        fields = ["name"]


class ReportsToField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        label = f"{obj.name} — {obj.job_title}" if obj.job_title else obj.name
        if obj.account_id != self.account_id:
            label += f" ({obj.account.name})"
        return label


class ContactForm(forms.ModelForm):
    """A person at the customer and their place in the decision chain.

    Reports-to stays within the group, and within the group's accounts the user may edit: linking
    someone under another manager's people would redraw that manager's map.
    """

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

    def __init__(self, *args, account: Account, user: User, **kwargs) -> None:
        from accounts.maps import group_account_ids

        super().__init__(*args, **kwargs)
        self.account = account
        self.group_ids = group_account_ids(account)
        linkable_ids = {account.pk} | set(
            Account.objects.editable_by(user).filter(pk__in=self.group_ids).values_list("pk", flat=True)
        )
        reports_to = self.fields["reports_to"]
        reports_to.account_id = account.pk
        # A line drawn earlier (by an administrator, say) stays choosable so the contact can still be edited.
        reports_to.queryset = (
            Contact.objects.filter(Q(account_id__in=linkable_ids) | Q(pk=self.instance.reports_to_id or 0))
            .select_related("account")
            .order_by("name")
        )
        if self.instance.pk:
            reports_to.queryset = reports_to.queryset.exclude(pk=self.instance.pk)
        reports_to.empty_label = _("— nobody in this group —")
        reports_to.error_messages["invalid_choice"] = _(
            "Choose someone who works for this account or for an account of its group that you may edit."
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


class ProductLineForm(forms.ModelForm):
    class Meta:
        model = ProductLine
        fields = ["name", "family", "is_active"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        same = ProductLine.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).first()
        if same is not None:
            if same.merged_into_id:
                raise forms.ValidationError(
                    _("“%(name)s” is another name of the line %(line)s, merged into it."),
                    params={"name": same.name, "line": same.merged_into},
                )
            raise forms.ValidationError(_("A product line is already named “%(name)s”."), params={"name": same.name})
        return name


class ProductLineMergeForm(forms.Form):
    sources = IdsChoiceField(
        label=_("Lines to merge"),
        queryset=ProductLine.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their revenue, deals, potentials, marks and objectives go to the line kept; their names stay "
                    "as other names of it, for the next imports."),
    )  # fmt: skip
    target = forms.ModelChoiceField(label=_("Into the line"), queryset=ProductLine.objects.none())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        lines = ProductLine.objects.current().order_by("name")
        self.fields["sources"].queryset = lines
        self.fields["target"].queryset = lines

    def clean(self) -> dict:
        data = super().clean()
        sources, target = data.get("sources"), data.get("target")
        if sources is not None and target is not None and not [line for line in sources if line.pk != target.pk]:
            raise forms.ValidationError(_("Choose at least one line other than the one kept."))
        return data
