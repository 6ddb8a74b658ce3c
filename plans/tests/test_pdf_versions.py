"""The plan PDF in two versions: the customer's copy without our judgement of their people, the internal one stamped."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from accounts.tests.factories import ContactFactory
from plans.models import PdfAudience, PdfStatus, PlanPdf
from plans.pdf import plan_pdf_html
from plans.tests.factories import AccountPlanFactory, ObjectiveFactory, big_plan

pytestmark = pytest.mark.django_db

INTERNAL_WORDS = ["Opponent", "Sceptic", "Attitude", "Covered by", "nobody", "Left the company", "Gone Person"]


def _pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


@pytest.fixture
def plan(manager):
    plan = AccountPlanFactory(account__owner=manager, title="Acme plan")
    ObjectiveFactory(plan=plan, title="Double revenue in Asia")
    chief = ContactFactory(account=plan.account, name="Chief Opposer", attitude="opponent")
    gone = ContactFactory(
        account=plan.account, name="Gone Person", attitude="sceptic", is_active=False, reports_to=chief
    )
    ContactFactory(account=plan.account, name="Kept Report", reports_to=gone)
    return plan


def test_customer_pdf_leaves_out_attitudes_coverage_and_departures(client, manager, plan):
    client.force_login(manager)
    response = client.get(f"/plans/{plan.pk}/pdf/?version=customer")
    text = "\n".join(_pages(response.content))
    assert "Double revenue in Asia" in text and "Chief Opposer" in text
    assert "Kept Report" in text  # who reported to someone who left moves up, and stays
    for word in INTERNAL_WORDS:
        assert word not in text, word
    assert "Internal" not in text


def test_the_plain_pdf_address_gives_the_customer_version(client, manager, plan):
    client.force_login(manager)
    for query in ["", "?version=bogus", "?version=%00"]:
        text = "\n".join(_pages(client.get(f"/plans/{plan.pk}/pdf/{query}").content))
        assert "Opponent" not in text and "Left the company" not in text


def test_internal_pdf_prints_everything_and_says_internal_on_every_page(client, manager, plan):
    client.force_login(manager)
    response = client.get(f"/plans/{plan.pk}/pdf/?version=internal")
    assert response["Content-Disposition"] == 'attachment; filename="acme-plan-internal.pdf"'
    pages = _pages(response.content)
    assert len(pages) >= 3
    assert all("INTERNAL" in page.upper() for page in pages)
    text = "\n".join(pages)
    assert "Opponent" in text and "Left the company" in text and "nobody" in text


def test_customer_html_has_no_internal_margin_box():
    html = plan_pdf_html(plan=AccountPlanFactory(), language="en", audience=PdfAudience.CUSTOMER)
    assert "@top-center" not in html
    internal = plan_pdf_html(plan=AccountPlanFactory(), language="en", audience=PdfAudience.INTERNAL)
    assert "@top-center" in internal


def test_a_large_plans_background_pdf_keeps_the_version_asked(
    client, manager, plan, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("plans.views.pdf.SYNC_ROW_LIMIT", 5)
    big_plan(plan, objectives=3, checkpoints=2, actions=3)
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"/plans/{plan.pk}/pdf/?version=internal")
        client.get(f"/plans/{plan.pk}/pdf/?version=customer")
    internal, customer = PlanPdf.objects.order_by("created_at", "pk")
    assert (internal.audience, customer.audience) == (PdfAudience.INTERNAL, PdfAudience.CUSTOMER)
    assert internal.status == customer.status == PdfStatus.READY
    download = client.get(f"/plans/{plan.pk}/pdf/{internal.pk}/download/")
    assert "-internal.pdf" in download["Content-Disposition"]
    assert all("INTERNAL" in page.upper() for page in _pages(download.content))
    customer_text = "\n".join(_pages(client.get(f"/plans/{plan.pk}/pdf/{customer.pk}/download/").content))
    assert "Opponent" not in customer_text
