"""Forms of the surveys app: the public answer form, campaign creation, improvement actions."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, BuyingRole, Segment, Tier
from kam.fields import IdsChoiceField
from kam.models import User
from kam.roles import Role
from surveys.models import ActionStatus, ImprovementAction, Question, QuestionKind, SurveyTemplate


class AnswerForm(forms.Form):
    """One field per question, labelled in the contact's language; `q<id>` names."""

    def __init__(self, *args, questions: list[Question], language: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            label = question.text_in(language)
            name = f"q{question.pk}"
            if question.kind == QuestionKind.NPS:
                choices = [(str(n), str(n)) for n in range(11)]
            elif question.kind == QuestionKind.RATING:
                choices = [(str(n), str(n)) for n in range(1, 11)]
            elif question.kind == QuestionKind.CHOICE:
                choices = list(enumerate(question.choices_in(language)))
            else:
                self.fields[name] = forms.CharField(
                    label=label, required=question.required, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
                )
                continue
            self.fields[name] = forms.ChoiceField(
                label=label, choices=choices, required=question.required, widget=forms.RadioSelect
            )

    def rows(self) -> list[tuple[Question, forms.BoundField]]:
        return [(question, self[f"q{question.pk}"]) for question in self.questions]

    def answers(self) -> dict[int, int | str | None]:
        """Numbers for scales, text for free text, the English label for a choice (comparable across languages)."""
        values: dict[int, int | str | None] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if value in (None, ""):
                continue
            if question.kind in (QuestionKind.NPS, QuestionKind.RATING):
                values[question.pk] = int(value)
            elif question.kind == QuestionKind.CHOICE:
                options = question.choices_in("en")
                values[question.pk] = options[int(value)] if int(value) < len(options) else None
            else:
                values[question.pk] = value.strip()
        return values


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    template = forms.ModelChoiceField(label=_("Template"), queryset=SurveyTemplate.objects.all(), empty_label=None)
    closes_on = forms.DateField(label=_("Closes on"), widget=forms.DateInput(attrs={"type": "date"}))
    reminder_after_days = forms.IntegerField(
        label=_("Remind non-respondents after (days)"), min_value=0, max_value=365, initial=7
    )
    segment = forms.ChoiceField(label=_("Segment"), choices=[("", _("Any"))] + Segment.choices, required=False)
    tier = forms.ChoiceField(label=_("Tier"), choices=[("", _("Any"))] + Tier.choices, required=False)
    key_only = forms.BooleanField(label=_("Key accounts only"), required=False)
    owner = forms.ModelChoiceField(
        label=_("Key account manager"), queryset=User.objects.none(), required=False, empty_label=_("Any")
    )
    accounts = IdsChoiceField(
        label=_("Or pick accounts by hand"),
        queryset=Account.objects.none(),
        required=False,
        # Ticked boxes in a scrolling list that a text box filters (templates/surveys/_account_picker.html):
        # a 170-entry multi-select needed Ctrl-clicks and lost every choice on a stray click.
        widget=forms.CheckboxSelectMultiple,
    )
    buying_roles = forms.MultipleChoiceField(
        label=_("Ask only these buying roles (none ticked: every active contact with an e-mail)"),
        choices=BuyingRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accounts"].queryset = Account.objects.editable_by(user).only("pk", "name").order_by("name")
        self.fields["owner"].queryset = User.objects.filter(groups__name=Role.KEY_ACCOUNT_MANAGER, is_active=True)
        self.fields["template"].initial = SurveyTemplate.objects.filter(is_default=True).first()

    def clean_closes_on(self):
        value = self.cleaned_data["closes_on"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The close date is in the past."))
        return value


class ImprovementActionForm(forms.ModelForm):
    class Meta:
        model = ImprovementAction
        fields = ["title", "owner", "department", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True, groups__isnull=False).distinct()


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    outcome = forms.CharField(label=_("What we did"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
