"""The decision-maker map and its contacts: the tree, the influence × attitude grid, editing in place.

Every write answers an htmx request with the whole map body (tree, grid and coverage change
together); without JavaScript the same URLs render the full page and redirect after a save.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import can_edit_account, get_account_for_user, get_editable_account, get_editable_contact
from accounts.coverage import account_coverage, silence_days
from accounts.events import account_event
from accounts.forms import ContactForm
from accounts.maps import influence_grid, map_build, map_contacts
from accounts.models import Account, Attitude
from kam.ids import parse_id


def _map_context(request: HttpRequest, account: Account, **extra) -> dict:
    contacts = list(map_contacts(account=account))
    return {
        "account": account,
        "contacts": contacts,
        "map_roots": map_build(contacts),
        "grid": influence_grid(contacts),
        "attitudes": list(Attitude),
        "coverage": account_coverage(account=account, contacts=contacts),
        "silence_days": silence_days(),
        "can_edit": can_edit_account(request.user, account),
        "map_editable": True,
        "map_url": reverse("accounts:map", args=[account.pk]),
        "view": "grid" if request.GET.get("view") == "grid" else "tree",
        **extra,
    }


def _map_reply(
    request: HttpRequest, account: Account, *, form=None, anchor=None, done: str = "", action: str = ""
) -> HttpResponse:
    """After a GET or POST of the editor: the map body for htmx, else the page (or a redirect once saved)."""
    if done and not request.htmx:
        messages.success(request, done)
        return redirect("accounts:map", pk=account.pk)
    context = _map_context(request, account, form=form, editor_anchor=anchor, done=done, form_action=action)
    if request.htmx:
        return render(request, "accounts/_map_body.html", context)
    status = 422 if form is not None and form.is_bound else 200
    return render(request, "accounts/account_map.html", context, status=status)


def account_map(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for_user(request, pk)
    template = "accounts/_map_body.html" if request.htmx else "accounts/account_map.html"
    return render(request, template, _map_context(request, account))


def account_map_print(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_account_for_user(request, pk)
    return render(request, "accounts/account_map_print.html", _map_context(request, account, map_editable=False))


def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a contact, at the top of the map or under someone (?under=<contact id>)."""
    account = get_editable_account(request, pk)
    under_id = request.GET.get("under", "")
    under_pk = parse_id(under_id)
    under = account.contacts.filter(pk=under_pk).first() if under_pk is not None else None
    form = ContactForm(request.POST or None, account=account, user=request.user, initial={"reports_to": under})
    if request.method == "POST" and form.is_valid():
        contact = form.save()
        return _map_reply(request, account, done=_("%(name)s added to the map.") % {"name": contact.name})
    action = reverse("accounts:contact_create", args=[account.pk]) + (f"?under={under.pk}" if under else "")
    return _map_reply(request, account, form=form, anchor=under.pk if under else None, action=action)


def contact_edit(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    account, contact = get_editable_contact(request, pk, contact_pk)
    was_active = contact.is_active
    form = ContactForm(request.POST or None, instance=contact, account=account, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        if was_active and not contact.is_active:
            account_event(kind="contact_left", account=account, by=request.user, contact=contact)
        return _map_reply(request, account, done=_("Changes to %(name)s saved.") % {"name": contact.name})
    action = reverse("accounts:contact_edit", args=[account.pk, contact.pk])
    return _map_reply(request, account, form=form, anchor=contact.pk, action=action)


@require_POST
def contact_presence(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    """Mark someone as having left the company, or as back."""
    account, contact = get_editable_contact(request, pk, contact_pk)
    contact.is_active = request.POST.get("active") == "1"
    contact.save(update_fields=["is_active"])
    if not contact.is_active:
        account_event(kind="contact_left", account=account, by=request.user, contact=contact)
    done = (_("%(name)s is back at the company.") if contact.is_active else _("%(name)s marked as having left.")) % {
        "name": contact.name
    }
    return _map_reply(request, account, done=done)
