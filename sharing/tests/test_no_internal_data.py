"""A generated check: no internal field of the plan, the account or its people ever reaches the customer's page.

Every text field of the models behind a plan (the plan's non-shared sections, contacts' notes and
titles, internal comments, resources, unbilled services, interactions, reviews) is filled with a
sentinel naming it; the customer's page, its code step and every page a contact's post leads to
must contain none of them, nor the verbose names of the fields that describe people to us.
"""

from __future__ import annotations

import pytest
from django.db import models
from django.test import Client

from accounts.models import Account, Contact, Interaction
from plans.models import AccountPlan, PlanComment, Resource, Review, UnbilledService
from sharing.models import SHAREABLE_SECTIONS
from sharing.tests.factories import invite, last_code, shared_plan

pytestmark = pytest.mark.django_db

# What the page may show of each model (shared sections are checked separately: only those chosen).
SHOWN = {
    AccountPlan: {"title", *SHAREABLE_SECTIONS},
    Account: {"name"},
    Contact: {"name", "email", "language"},
}
# Fields describing the customer's people to us: neither their values nor their names may appear.
INTERNAL_CONTACT_FIELDS = ["attitude", "influence", "relationship_strength", "covered_by", "buying_role", "notes"]


def _text_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField))
        and not f.choices
        and f.name not in SHOWN.get(model, set())
        and not f.unique
    ]


def _sentinel(model: type[models.Model], field: str) -> str:
    return f"SENTINEL{model.__name__}{field}".upper()


def _fill(obj: models.Model) -> list[str]:
    sentinels = []
    for name in _text_fields(type(obj)):
        field = type(obj)._meta.get_field(name)
        value = _sentinel(type(obj), name)[: field.max_length or 10_000]
        if isinstance(field, models.EmailField):
            continue
        setattr(obj, name, value)
        sentinels.append(value)
    obj.save()
    return sentinels


def test_no_internal_field_appears_in_any_page_the_customer_sees(manager):
    shared = shared_plan(manager=manager)
    plan, account = shared.plan, shared.plan.account
    sentinels = []
    sentinels += _fill(account)
    sentinels += _fill(shared.alice)
    # Sections not shared (the SWOT, the risks) and a shareable section the manager did not choose.
    for field in ("anticipated_problems", "strengths", "weaknesses", "opportunities", "threats", "strategy"):
        setattr(plan, field, _sentinel(AccountPlan, field))
        sentinels.append(_sentinel(AccountPlan, field))
    plan.business = "What the customer does"
    plan.save()
    sentinels += _fill(PlanComment(plan=plan, author=manager))
    sentinels += _fill(Resource(plan=plan, kind="people", description="x"))
    sentinels += _fill(UnbilledService(plan=plan, description="x", estimated_value=1))
    sentinels += _fill(Interaction(account=account, kind="meeting", summary="x", contact=shared.alice))
    sentinels += _fill(Review(account=account, review_type="qbr", plan=plan))
    shared.hidden_objective.title = "SENTINELHIDDENOBJECTIVE"
    shared.hidden_objective.save()
    shared.hidden_action.title = "SENTINELHIDDENACTION"
    shared.hidden_action.save()
    sentinels += ["SENTINELHIDDENOBJECTIVE", "SENTINELHIDDENACTION", manager.get_full_name(), manager.username]
    sentinels = [s for s in sentinels if s]
    assert len(sentinels) > 20  # the generation found the fields

    _invitation, token = invite(shared, shared.alice, by=manager)
    client = Client()
    pages = [client.get(f"/p/{token}/")]
    pages.append(client.post(f"/p/{token}/", {"code": last_code(shared.alice.email)}, follow=True))
    pages.append(client.post(f"/p/{token}/comment/", {"text": "ok"}, follow=True))
    pages.append(client.post(f"/p/{token}/done/", {"action": shared.theirs.pk}, follow=True))
    pages.append(client.post(f"/p/{token}/propose/", {"title": "Visit"}, follow=True))
    pages.append(client.post(f"/p/{token}/code/", follow=True))
    pages.append(client.get("/p/unknown-token/"))
    assert "Mutual plan 2027" in pages[1].content.decode()
    assert "What the customer does" in pages[1].content.decode()

    labels = [str(Contact._meta.get_field(name).verbose_name) for name in INTERNAL_CONTACT_FIELDS]
    labels += [str(AccountPlan._meta.get_field(name).verbose_name) for name in ("strengths", "weaknesses", "threats")]
    for response in pages:
        html = response.content.decode()
        for sentinel in sentinels:
            assert sentinel not in html, sentinel
        for label in labels:
            assert label.lower() not in html.lower(), label
