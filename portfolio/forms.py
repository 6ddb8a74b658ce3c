"""Forms of the roof's pages."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from portfolio.work_items import BUCKETS, WorkItem


class MyWorkFilterForm(forms.Form):
    """When it is due, which plan, which account: the choices are those of the user's own items."""

    due = forms.ChoiceField(label=_("Due"), required=False, choices=[("", _("Any time")), *BUCKETS])
    plan = forms.TypedChoiceField(label=_("Plan"), required=False, coerce=int, empty_value=None)
    account = forms.TypedChoiceField(label=_("Account"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, items: Iterable[WorkItem], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        items = list(items)
        plans = sorted({(i.plan_id, i.plan_title) for i in items if i.plan_id is not None}, key=lambda p: p[1])
        accounts = sorted({(i.account_id, i.account_name) for i in items}, key=lambda a: a[1])
        self.fields["plan"].choices = [("", _("Every plan")), *plans]
        self.fields["account"].choices = [("", _("Every account")), *accounts]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
