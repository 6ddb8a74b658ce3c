"""Forms of shared plans: what is shared and whom to invite (our side); code, comment, proposal (the customer)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Contact
from kam.fields import IdsChoiceField
from plans.content import _label
from plans.models import AccountPlan, Action, Objective
from sharing.models import SHAREABLE_SECTIONS

COMMENT_MAX_LENGTH = 2000


def _no_control_characters(value: str) -> str:
    if any(ord(c) < 32 and c not in "\n\r\t" for c in value):
        raise forms.ValidationError(_("Remove the control characters from the text."))
    return value


class ShareForm(forms.Form):
    sections = forms.MultipleChoiceField(
        label=_("Sections the customer reads"), required=False, widget=forms.CheckboxSelectMultiple
    )
    objectives = IdsChoiceField(
        label=_("Shared objectives"),
        queryset=Objective.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    actions = IdsChoiceField(
        label=_("Shared actions"), queryset=Action.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    customer_actions = IdsChoiceField(
        label=_("Of those, actions on the customer's side (they can mark them done)"),
        queryset=Action.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, plan: AccountPlan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = [(s, _label(s)) for s in SHAREABLE_SECTIONS]
        self.fields["objectives"].queryset = Objective.objects.filter(plan=plan)
        self.fields["actions"].queryset = Action.objects.filter(plan=plan)
        self.fields["customer_actions"].queryset = Action.objects.filter(plan=plan)


class InviteForm(forms.Form):
    contact = forms.ModelChoiceField(label=_("Contact to invite"), queryset=Contact.objects.none())

    def __init__(self, *args, plan: AccountPlan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = (
            Contact.objects.filter(account_id=plan.account_id, is_active=True, erased_at=None)
            .exclude(email="")
            .order_by("name")
        )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    side = forms.ChoiceField(
        choices=[("customer", _("On the customer's side")), ("ours", _("On our side"))], required=False
    )


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)


class CustomerCommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"), max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    about = forms.CharField(required=False, max_length=30)

    def clean_text(self) -> str:
        return _no_control_characters(self.cleaned_data["text"].strip())


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Action you propose"), max_length=200)
    due_on = forms.DateField(label=_("By (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_title(self) -> str:
        return _no_control_characters(self.cleaned_data["title"].strip())
