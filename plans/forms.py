"""Forms of the plan page; small ones are rendered by hand so each row of a list stays cheap."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, ProductLine
from kam.fields import AmountField, NumberField
from kam.models import User
from kam.roles import Role
from plans.content import SECTION_FIELDS
from plans.models import AccountPlan, Action, Checkpoint, Metric, Objective, Resource, UnbilledService
from plans.services import PlanRefused, horizon_check

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CompactForm(forms.BaseForm):
    """Bootstrap classes on the widgets, so the plan page renders its forms without crispy's per-field templates."""

    # Several of these forms share one page: distinct ids keep each label tied to its own field.
    id_prefix = "plan"

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"
                self.fields[name].widget.attrs["aria-describedby"] = f"{self.auto_id % name}-errors"


class PlanDatesForm(forms.Form):
    starts_on = forms.DateField(label=_("Start"), widget=DATE)
    ends_on = forms.DateField(label=_("End"), widget=DATE)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on"):
            try:
                horizon_check(starts_on=data["starts_on"], ends_on=data["ends_on"])
            except PlanRefused as refused:
                raise forms.ValidationError(refused.message) from refused
        return data


class PlanSectionsForm(forms.ModelForm):
    starts_on = forms.DateField(label=_("Start"), widget=DATE)
    ends_on = forms.DateField(label=_("End"), widget=DATE)

    class Meta:
        model = AccountPlan
        fields = ["title", "starts_on", "ends_on", *SECTION_FIELDS]
        widgets = {field: forms.Textarea(attrs={"rows": 3}) for field in SECTION_FIELDS}

    def clean(self) -> dict:
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on"):
            try:
                horizon_check(starts_on=data["starts_on"], ends_on=data["ends_on"])
            except PlanRefused as refused:
                self.add_error("ends_on", refused.message)
        return data


# How deep a group's subsidiaries are offered as the place of a line objective (subsidiaries of subsidiaries…).
GROUP_DEPTH = 4


def plan_subsidiaries(account: Account) -> QuerySet[Account]:
    """The account's subsidiaries at any level down to GROUP_DEPTH (Account.parent), in one lazy query."""
    condition = Q()
    for depth in range(1, GROUP_DEPTH + 1):
        condition |= Q(**{"__".join(["parent"] * depth) + "_id": account.pk})
    return Account.objects.filter(condition).exclude(pk=account.pk).order_by("name")


def objective_lines() -> QuerySet[ProductLine]:
    """The lines an objective may target: current (not merged away) and active."""
    return ProductLine.objects.current().filter(is_active=True).order_by("name")


class ObjectiveForm(CompactForm, forms.ModelForm):
    id_prefix = "objective"

    class Meta:
        model = Objective
        fields = ["title", "metric", "custom_metric", "line", "line_account", "baseline", "target", "due_on"]
        widgets = {"due_on": DATE}
        # A metric's values may be money, a share or a score: numbers typed as the user's language writes them.
        field_classes = {"baseline": NumberField, "target": NumberField}
        help_texts = {
            "line": _("With the metric “Revenue on a product line”: progress is then read from revenue by line."),
        }

    def __init__(self, *args, plan: AccountPlan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        line, place = self.fields["line"], self.fields["line_account"]
        line.queryset = objective_lines()  # type: ignore[attr-defined]
        line.empty_label = _("No product line")  # type: ignore[attr-defined]
        # Only the plan's account or one of its subsidiaries: any other account is not a valid choice.
        place.queryset = plan_subsidiaries(plan.account)  # type: ignore[attr-defined]
        place.empty_label = _("%(account)s (the plan's account)") % {"account": plan.account.name}  # type: ignore[attr-defined]
        place.help_text = _("Where the line is to be won: the plan's account or one of its subsidiaries.")

    def clean(self) -> dict:
        data = super().clean()
        metric = data.get("metric")
        if metric == "custom" and not data.get("custom_metric"):
            self.add_error("custom_metric", _("Name the custom metric."))
        if metric == Metric.LINE_REVENUE and not data.get("line") and "line" not in self.errors:
            self.add_error("line", _("Choose the product line to win."))
        if metric and metric != Metric.LINE_REVENUE and (data.get("line") or data.get("line_account")):
            self.add_error(
                "line", _("A product line goes with the metric “Revenue on a product line”: choose it, or no line.")
            )
        return data


class CheckpointForm(forms.ModelForm):
    class Meta:
        model = Checkpoint
        fields = ["label", "due_on", "target"]
        widgets = {"due_on": DATE}
        field_classes = {"target": NumberField}


class ActualForm(forms.Form):
    actual = NumberField(label=_("Actual"), max_digits=14, decimal_places=2, required=False)


def plan_people():
    """Anyone with a role, from any department, may own an action."""
    return (
        User.objects.filter(is_active=True, groups__name__in=list(Role)).distinct().order_by("first_name", "username")
    )


class ActionForm(CompactForm, forms.ModelForm):
    id_prefix = "action"

    class Meta:
        model = Action
        fields = ["title", "owner", "objective", "due_on", "status"]
        widgets = {"due_on": DATE}

    def __init__(self, *args, plan: AccountPlan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = plan_people()
        self.fields["objective"].queryset = plan.objectives.all()
        # Empty choices that say what choosing nothing means, instead of "---------".
        self.fields["owner"].empty_label = _("Choose an owner")
        self.fields["objective"].empty_label = _("No objective: a general action")


class ActionStatusForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["status"]


class ResourceForm(CompactForm, forms.ModelForm):
    id_prefix = "resource"

    class Meta:
        model = Resource
        fields = ["kind", "description", "amount"]
        field_classes = {"amount": AmountField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        kind.choices = [("", _("Choose a kind")), *[c for c in kind.choices if c[0]]]  # type: ignore[attr-defined]


class UnbilledServiceForm(CompactForm, forms.ModelForm):
    id_prefix = "service"

    class Meta:
        model = UnbilledService
        fields = ["description", "given_on", "estimated_value"]
        widgets = {"given_on": DATE}
        field_classes = {"estimated_value": AmountField}


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class PlanFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    owner = forms.ModelChoiceField(label=_("Key account manager"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, **kwargs) -> None:
        from plans.models import PlanStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *PlanStatus.choices]
        self.fields["owner"].queryset = User.objects.filter(
            is_active=True, groups__name=Role.KEY_ACCOUNT_MANAGER
        ).order_by("first_name", "username")
        self.fields["owner"].empty_label = _("Anyone")
