"""A user's own preferences: how reminders reach them and in which language."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.models import User

DELIVERY_CHOICES = [
    ("email", _("In the app and by e-mail")),
    ("app", _("In the app only")),
]


class PreferencesForm(forms.ModelForm):
    delivery = forms.ChoiceField(
        label=_("Reminders and notifications"),
        choices=DELIVERY_CHOICES,
        widget=forms.RadioSelect,
        help_text=_("Digests and notifications always appear in the app; e-mails are optional."),
    )

    class Meta:
        model = User
        fields = ["language"]
        labels = {"language": _("Language of e-mails")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["delivery"].initial = "email" if self.instance.email_notifications else "app"
        self.fields["language"].widget.attrs["class"] = "form-select"

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.email_notifications = self.cleaned_data["delivery"] == "email"
        if commit:
            user.save(update_fields=["language", "email_notifications"])
        return user


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The 6-digit code your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )


class TwoFactorConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        help_text=_("The 6 digits the app shows for KAM after you added it."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


# Longer than any name or reference; SQLite refuses LIKE patterns over 50,000 bytes.
SEARCH_MAX_LENGTH = 200


class SearchForm(forms.Form):
    """A free-text search from the address bar: bounded, and without NUL characters (forms refuse those)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)

    def query(self) -> str:
        """What to search for: the typed text when valid, else nothing (the errors say why)."""
        return self.cleaned_data.get("q", "") if self.is_valid() else ""
