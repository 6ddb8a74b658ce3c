"""A contact's personal data: administrators export it and erase it on request; scores and counts survive."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accounts.history import account_changes
from accounts.models import BuyingRole, Contact, Interaction
from accounts.tests.factories import AccountFactory, ContactFactory, InteractionFactory
from surveys.analytics import nps_by_account, overall_index
from surveys.frames import answers_frame, role_weights
from surveys.models import Answer
from surveys.tests.factories import answer, links_by_email, sent_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(manager, sponsor):
    return AccountFactory(name="Acme Bikes", owner=manager, executive_sponsor=sponsor, is_key=True)


@pytest.fixture
def dora(account):
    return ContactFactory(
        account=account,
        name="Dora Decider",
        email="dora@acme.test",
        phone="+33 6 12 34 56 78",
        notes="Prefers calls on Monday",
        buying_role=BuyingRole.DECISION_MAKER,
    )


@pytest.fixture
def answered(manager, account, dora):
    """Dora and Uma both answered a survey, Dora with a verbatim."""
    ContactFactory(account=account, name="Uma User", email="uma@acme.test", buying_role=BuyingRole.USER)
    sent_campaign(by=manager, accounts=[account])
    links = links_by_email()
    answer(links["dora@acme.test"], nps=9, rating=8, text="Dora here: faster quotes please")
    answer(links["uma@acme.test"], nps=6, rating=5)
    return account


def _url(name: str, contact: Contact) -> str:
    return reverse(f"accounts:{name}", args=[contact.account_id, contact.pk])


def _survey_figures(account) -> tuple[list, list]:
    frame = answers_frame(account_ids=[account.pk])
    return (
        overall_index(frame, role_weights()).tolist(),
        nps_by_account(frame).reset_index().to_dict("records"),
    )


def test_export_holds_the_card_interactions_and_survey_answers(client, admin_user, answered, dora):
    InteractionFactory(account=answered, contact=dora, summary="Lunch with Dora")
    InteractionFactory(account=answered, summary="Board meeting: Dora Decider pushed the tender")
    InteractionFactory(account=answered, summary="Call with purchasing")
    client.force_login(admin_user)

    response = client.get(_url("contact_personal_data_export", dora))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["contact"]["name"] == "Dora Decider"
    assert data["contact"]["email"] == "dora@acme.test"
    assert data["contact"]["phone"] == "+33 6 12 34 56 78"
    assert data["history"][0]["type"] == "+"
    assert sorted(i["summary"] for i in data["interactions"]) == [
        "Board meeting: Dora Decider pushed the tender",
        "Lunch with Dora",
    ]
    [invitation] = data["survey_invitations"]
    assert invitation["responded_at"] is not None
    texts = [a["text"] for a in invitation["answers"] if a["text"]]
    numbers = [a["number"] for a in invitation["answers"] if a["number"] is not None]
    assert texts == ["Dora here: faster quotes please"]
    assert 9 in numbers and 8 in numbers


def test_erase_removes_the_name_and_email_everywhere_and_keeps_the_survey_index(client, admin_user, answered, dora):
    with_her = InteractionFactory(account=answered, contact=dora, summary="Lunch with Dora Decider, she hinted at…")
    naming_her = InteractionFactory(account=answered, summary="Board meeting: dora decider pushed the tender")
    dora.job_title = "Chief buyer"
    dora.save()  # a second historical record holding her name
    before = _survey_figures(answered)
    interactions_before = Interaction.objects.filter(account=answered).count()
    client.force_login(admin_user)

    refused = client.post(_url("contact_personal_data_erase", dora), {"confirm_name": "Dora"})
    assert refused.status_code == 422
    assert Contact.objects.get(pk=dora.pk).name == "Dora Decider"

    response = client.post(_url("contact_personal_data_erase", dora), {"confirm_name": "Dora Decider"}, follow=True)

    assert response.status_code == 200
    erased = Contact.objects.get(pk=dora.pk)
    assert erased.name == f"Erased contact #{dora.pk}"
    assert (erased.email, erased.phone, erased.notes, erased.job_title) == ("", "", "", "")
    assert not erased.is_active and erased.erased_at is not None
    assert _survey_figures(answered) == before
    assert Answer.objects.filter(response__contact=dora).exclude(number=None).count() == 6
    assert not Answer.objects.filter(text__icontains="Dora").exists()
    assert Interaction.objects.filter(account=answered).count() == interactions_before
    with_her.refresh_from_db()
    naming_her.refresh_from_db()
    assert "Dora" not in with_her.summary
    assert naming_her.summary == f"Board meeting: Erased contact #{dora.pk} pushed the tender"
    for record in Contact.history.filter(id=dora.pk):
        assert "Dora" not in record.name and record.email == "" and record.phone == ""
    assert not Contact.history.filter(email="dora@acme.test").exists()
    change = next(c for c in account_changes(answered) if "erased" in c.what.lower())
    assert change.who == str(admin_user)


@pytest.mark.parametrize("name", ["contact_personal_data", "contact_personal_data_export"])
def test_a_manager_of_the_account_is_refused_personal_data(client, manager, dora, name):
    client.force_login(manager)

    assert client.get(_url(name, dora)).status_code == 403


def test_a_manager_cannot_erase_and_an_outsider_learns_nothing(client, manager, outsider, dora):
    client.force_login(manager)
    assert client.post(_url("contact_personal_data_erase", dora), {"confirm_name": "Dora Decider"}).status_code == 403
    client.force_login(outsider)
    assert client.get(_url("contact_personal_data_export", dora)).status_code == 404
    assert client.post(_url("contact_personal_data_erase", dora), {"confirm_name": "Dora Decider"}).status_code == 404
    assert Contact.objects.get(pk=dora.pk).name == "Dora Decider"


def test_the_map_offers_personal_data_to_administrators_only(client, admin_user, manager, dora):
    link = _url("contact_personal_data", dora)
    client.force_login(admin_user)
    assert link in client.get(reverse("accounts:map", args=[dora.account_id])).content.decode()
    client.force_login(manager)
    assert link not in client.get(reverse("accounts:map", args=[dora.account_id])).content.decode()
