"""Who is asking: the organisation's name and logo on the public survey page, its e-mails and the PDFs."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from pypdf import PdfReader

from accounts.models import BuyingRole
from accounts.tests.factories import AccountFactory, ContactFactory
from surveys.tests.factories import links_by_email, sent_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(settings) -> None:
    settings.KAM_ORGANISATION_NAME = "Northwind Traders"
    settings.KAM_ORGANISATION_LOGO = "img/favicon.svg"


@pytest.fixture
def campaign(manager):
    account = AccountFactory(name="Acme Bikes", owner=manager, is_key=True)
    ContactFactory(account=account, email="dora@acme.test", buying_role=BuyingRole.DECISION_MAKER)
    return sent_campaign(by=manager, accounts=[account])


def test_the_public_page_and_its_email_name_the_organisation(client, organisation, campaign):
    message = mail.outbox[-1]
    assert message.subject.startswith("Northwind Traders: ") and len(message.subject) <= 78
    assert "\n" not in message.subject
    assert "This survey comes from Northwind Traders." in message.body
    assert "Your account team at Northwind Traders" in message.body
    body = client.get(f"/s/{links_by_email()['dora@acme.test']}/").content.decode()
    assert "How satisfied are you with Northwind Traders?" in body
    assert '<img src="/static/img/favicon.svg" alt="Northwind Traders"' in body


def test_without_a_name_nothing_is_invented(client, campaign, settings):
    settings.KAM_ORGANISATION_NAME = ""
    settings.KAM_ORGANISATION_LOGO = "../../etc/passwd"  # outside the static files: ignored
    body = client.get(f"/s/{links_by_email()['dora@acme.test']}/").content.decode()
    assert "How satisfied are you with us?" in body and "public-org" not in body


def test_the_pdfs_name_the_organisation(client, organisation, manager, sponsor):
    from plans.tests.factories import AccountPlanFactory

    plan = AccountPlanFactory(account__owner=manager)
    client.force_login(manager)
    for url in (f"/plans/{plan.pk}/pdf/", "/dashboard/pdf/"):
        text = PdfReader(io.BytesIO(client.get(url).content)).pages[0].extract_text()
        assert "Northwind Traders" in text, url
