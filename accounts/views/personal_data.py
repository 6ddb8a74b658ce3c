"""A contact's personal data, for administrators only: see what is held, export it, erase it on request."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_account_for_user
from accounts.models import Account, Contact
from accounts.personal_data import contact_erase, contact_personal_data


def _get_contact_for_administrator(request: HttpRequest, pk: int, contact_pk: int) -> tuple[Account, Contact]:
    """404 for whoever cannot read the account, 403 for a reader who is not an administrator."""
    account = get_account_for_user(request, pk)
    if not request.user.is_administrator:
        raise PermissionDenied
    return account, get_object_or_404(Contact.objects.filter(account=account), pk=contact_pk)


def contact_personal_data_page(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    account, contact = _get_contact_for_administrator(request, pk, contact_pk)
    return render(request, "accounts/contact_personal_data.html", {"account": account, "contact": contact})


def contact_personal_data_export(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    _account, contact = _get_contact_for_administrator(request, pk, contact_pk)
    data = contact_personal_data(contact=contact)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}-personal-data.json"'
    return response


@require_POST
def contact_personal_data_erase(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    account, contact = _get_contact_for_administrator(request, pk, contact_pk)
    typed = request.POST.get("confirm_name", "").strip()
    if contact.erased_at is not None:
        messages.info(request, _("This contact's personal data was already erased."))
        return redirect("accounts:contact_personal_data", pk=account.pk, contact_pk=contact.pk)
    if typed != contact.name:
        context = {
            "account": account,
            "contact": contact,
            "typed": typed,
            "error": _("Type the contact's name exactly as shown to confirm."),
        }
        return render(request, "accounts/contact_personal_data.html", context, status=422)
    name = contact.name
    contact_erase(contact=contact, by=request.user)
    messages.success(request, _("The personal data of %(name)s was erased.") % {"name": name})
    return redirect("accounts:contact_personal_data", pk=account.pk, contact_pk=contact.pk)
