"""Forms of the review routine: a review with its follow-up actions, an account's cadence, the due list's filters."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Segment
from kam.fields import IdsChoiceField
from kam.models import User
from kam.numbers import money
from kam.roles import Role
from plans.forms import DATE, plan_people
from plans.models import SCHEDULED_TYPES, AccountPlan, Review, ReviewCadence, ReviewType, UnbilledService


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["review_type", "held_on", "our_attendees", "their_attendees", "notes", "decisions"]
        widgets = {
            "held_on": DATE,
            "our_attendees": forms.CheckboxSelectMultiple,
            "their_attendees": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 4}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"our_attendees": IdsChoiceField, "their_attendees": IdsChoiceField}

    highlighted_services = IdsChoiceField(
        label=_("Unbilled services to highlight"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("From the account plan: the value we gave without billing it, to show at the meeting."),
    )

    def __init__(self, *args, account: Account, plan: AccountPlan | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["our_attendees"].queryset = plan_people()
        # The account's own people only; someone who left stays listed if they attended.
        contacts = account.contacts.all()
        if self.instance.pk:
            contacts = contacts.filter(pk__in=self.instance.their_attendees.all()) | contacts.filter(is_active=True)
        else:
            contacts = contacts.filter(is_active=True)
        self.fields["their_attendees"].queryset = contacts.order_by("name").distinct()
        self.fields["their_attendees"].label_from_instance = lambda c: (
            f"{c.name}, {c.job_title}" if c.job_title else c.name
        )
        services = plan.unbilled_services.all() if plan else UnbilledService.objects.none()
        if self.instance.pk:
            services = services | self.instance.highlighted_services.all()
        self.fields["highlighted_services"].queryset = services.distinct()
        self.fields["highlighted_services"].label_from_instance = lambda s: (
            f"{s.description} ({date_format(s.given_on, 'SHORT_DATE_FORMAT')}, {money(s.estimated_value)})"
        )
        if self.instance.pk and "highlighted_services" not in self.initial:
            self.initial["highlighted_services"] = list(self.instance.highlighted_services.all())

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("Record a review once it is held: the date cannot be in the future."))
        return held_on


class FollowUpForm(forms.Form):
    """One follow-up action decided at the review; an empty row is ignored."""

    title = forms.CharField(label=_("Follow-up action"), max_length=200, required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    due_on = forms.DateField(label=_("Due date"), widget=DATE, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = plan_people()
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "owner" else "form-control"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}-errors"

    def clean(self) -> dict:
        data = super().clean()
        if data.get("title") or data.get("owner") or data.get("due_on"):
            if not data.get("title"):
                self.add_error("title", _("Say what is to be done."))
            if not data.get("due_on"):
                self.add_error("due_on", _("Give the action a due date."))
        return data


FollowUpFormSet = forms.formset_factory(FollowUpForm, extra=3)


class AccountCadenceForm(forms.Form):
    """One field per review type: empty follows the segment, 0 switches the type off for this account."""

    def __init__(self, *args, segment_rules: dict[str, ReviewCadence], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Outside the f-string below: makemessages cannot see strings inside f-strings.
        LEAVE_EMPTY_HINT = _("Leave empty to follow it; 0 means no review of this type.")
        for review_type in SCHEDULED_TYPES:
            rule = segment_rules.get(review_type)
            if rule is None:
                hint = _("Segment default: none.")
            else:
                hint = _("Segment default: every %(months)s months%(key)s.") % {
                    "months": rule.every_months,
                    "key": _(" (key accounts only)") if rule.key_only else "",
                }
            self.fields[review_type] = forms.IntegerField(
                label=_("%(type)s every (months)") % {"type": ReviewType(review_type).label},
                min_value=0,
                max_value=36,
                required=False,
                help_text=f"{hint} {LEAVE_EMPTY_HINT}",
            )


WHEN_CHOICES = [
    ("7", _("Overdue or due within 7 days")),
    ("30", _("Overdue or due within 30 days")),
    ("90", _("Overdue or due within 90 days")),
    ("overdue", _("Overdue only")),
]


class ReviewDueFilterForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Accounts"), required=False, choices=[("mine", _("My accounts")), ("all", _("All accounts"))]
    )
    when = forms.ChoiceField(label=_("When"), required=False, choices=WHEN_CHOICES)
    review_type = forms.ChoiceField(label=_("Type"), required=False)
    segment = forms.ChoiceField(label=_("Segment"), required=False)
    owner = forms.ModelChoiceField(label=_("Key account manager"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["review_type"].choices = [("", _("Any type")), *[(t.value, t.label) for t in SCHEDULED_TYPES]]
        self.fields["segment"].choices = [("", _("Any segment")), *Segment.choices]
        self.fields["owner"].queryset = User.objects.filter(
            is_active=True, groups__name=Role.KEY_ACCOUNT_MANAGER
        ).order_by("first_name", "username")
        self.fields["owner"].empty_label = _("Anyone")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
