"""Health pages: the card explains the index in a fixed number of queries; risks follow the account's rules."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from django.utils import timezone

from accounts.models import BuyingRole, InteractionKind
from accounts.tests.factories import AccountFactory, ContactFactory, InteractionFactory
from accounts.tests.pages import account_page
from health.frames import week_of
from health.models import HealthSnapshot, Playbook, PlaybookAction, PlaybookActionStatus, PlaybookFiring, Risk
from health.services import snapshots_write
from plans.models import Action
from plans.tests.factories import AccountPlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(manager, sponsor):
    return AccountFactory(name="Alpha", owner=manager, executive_sponsor=sponsor, is_key=True)


def _risk(account, owner, **extra) -> Risk:
    return Risk.objects.create(
        account=account, title="Competitor courts purchasing", category="competitor", likelihood=4, impact=5,
        owner=owner, **extra,
    )  # fmt: skip


def test_card_explains_each_signal_and_shows_missing_ones_as_missing(client, manager, account):
    ContactFactory(account=account, buying_role=BuyingRole.DECISION_MAKER)
    _risk(account, manager)
    client.force_login(manager)
    assert f'hx-get="/health/accounts/{account.pk}/card/"' in account_page(client, account)
    html = client.get(f"/health/accounts/{account.pk}/card/", headers={"HX-Request": "true"}).content.decode()
    assert "Why this health" in html and "<html" not in html
    assert "No survey answered yet." in html  # satisfaction: missing, not 50
    assert "1 open risks, total exposure 20" in html
    assert html.count("data-missing") >= 5
    assert "Competitor courts purchasing" in html


def test_card_shows_the_weekly_trend(client, manager, account):
    today = timezone.localdate()
    for back, score in ((2, 80.0), (1, 70.0)):
        snapshots_write(health=pd.Series({account.pk: score}), week=week_of(today) - timedelta(weeks=back))
    client.force_login(manager)
    # Swapped into the account page, the card brings the address of plotly.js (loaded on demand).
    fragment = client.get(f"/health/accounts/{account.pk}/card/", headers={"HX-Request": "true"}).content.decode()
    assert 'data-plotly-src="' in fragment and "plotly.min.js" in fragment
    html = client.get(f"/health/accounts/{account.pk}/card/").content.decode()  # without JavaScript: a page
    assert 'id="chart-health"' in html and "plotly.min.js" in html and "<html" in html


def _card_queries(account) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from health.cards import health_card_context

    with CaptureQueriesContext(connection) as queries:
        health_card_context(account=account, can_edit=True)
    return len(queries)


def test_card_query_count_does_not_grow_with_the_account(manager, account):
    from django.core.cache import cache

    small = _card_queries(account)
    plan = AccountPlanFactory(account=account)
    for n in range(6):
        contact = ContactFactory(account=account, buying_role=BuyingRole.DECISION_MAKER)
        InteractionFactory(account=account, contact=contact, kind=InteractionKind.INCIDENT)
        _risk(account, manager)
        Action.objects.create(plan=plan, title=f"A{n}", owner=manager, due_on=timezone.localdate())
    firing = PlaybookFiring.objects.create(playbook=Playbook.objects.first(), account=account, key="k", reason="r")
    for n in range(5):
        PlaybookAction.objects.create(firing=firing, account=account, title=f"P{n}", owner=manager,
                                      due_on=timezone.localdate())  # fmt: skip
    cache.clear()
    assert _card_queries(account) == small


def test_manager_opens_a_risk_and_links_a_mitigation_action(client, manager, account):
    plan = AccountPlanFactory(account=account)
    action = Action.objects.create(plan=plan, title="Show the unbilled services", owner=manager,
                                   due_on=timezone.localdate())  # fmt: skip
    other = Action.objects.create(plan=AccountPlanFactory(), title="Someone else's", due_on=timezone.localdate())
    client.force_login(manager)
    page = client.get(f"/health/accounts/{account.pk}/risks/new/").content.decode()
    assert "Show the unbilled services" in page and "Someone else&#x27;s" not in page
    response = client.post(
        f"/health/accounts/{account.pk}/risks/new/",
        {"title": "Budget cut announced", "category": "budget_cut", "likelihood": 3, "impact": 4,
         "owner": manager.pk, "status": "open", "raised_on": timezone.localdate().isoformat(),
         "mitigation_actions": [action.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    risk = Risk.objects.get()
    assert list(risk.mitigation_actions.all()) == [action] and risk.created_by == manager
    bad = client.post(
        f"/health/accounts/{account.pk}/risks/new/",
        {"title": "x", "category": "other", "likelihood": 3, "impact": 9, "owner": manager.pk, "status": "open",
         "raised_on": timezone.localdate().isoformat(), "mitigation_actions": [other.pk]},
    )  # fmt: skip
    assert bad.status_code == 422 and Risk.objects.count() == 1


def test_closing_a_risk_dates_it_and_lifts_it_from_health(client, manager, account):
    risk = _risk(account, manager)
    client.force_login(manager)
    response = client.post(
        f"/health/risks/{risk.pk}/",
        {"title": risk.title, "category": "competitor", "likelihood": 4, "impact": 5, "owner": manager.pk,
         "status": "closed", "raised_on": risk.raised_on.isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.closed_on == timezone.localdate()
    assert not Risk.objects.open().exists()


def test_outsider_gets_404_on_the_health_card(client, outsider, contributor, account):
    client.force_login(outsider)
    assert client.get(f"/health/accounts/{account.pk}/card/").status_code == 404
    client.force_login(contributor)
    assert client.get(f"/health/accounts/{account.pk}/card/").status_code == 200


def test_risk_access_follows_the_account(client, manager, other_manager, contributor, outsider, account):
    risk = _risk(account, manager)
    data = {"title": "Changed", "category": "other", "likelihood": 1, "impact": 1, "owner": manager.pk,
            "status": "open", "raised_on": risk.raised_on.isoformat()}  # fmt: skip
    client.force_login(contributor)  # reads, may not change
    assert client.get(f"/health/risks/{risk.pk}/").status_code == 200
    assert client.post(f"/health/risks/{risk.pk}/", data).status_code == 403
    assert client.get(f"/health/accounts/{account.pk}/risks/new/").status_code == 403
    client.force_login(other_manager)
    assert client.post(f"/health/risks/{risk.pk}/", data).status_code == 403
    client.force_login(outsider)
    assert client.get(f"/health/risks/{risk.pk}/").status_code == 404
    assert client.get(f"/health/accounts/{account.pk}/risks/").status_code == 404
    client.force_login(manager)
    assert client.post(f"/health/risks/{risk.pk}/", data).status_code == 302


def test_a_risk_owner_who_does_not_run_the_account_may_update_it(client, other_manager, account):
    risk = _risk(account, other_manager)
    client.force_login(other_manager)
    response = client.post(
        f"/health/risks/{risk.pk}/",
        {"title": risk.title, "category": "competitor", "likelihood": 2, "impact": 5, "owner": other_manager.pk,
         "status": "mitigating", "raised_on": risk.raised_on.isoformat()},
    )  # fmt: skip
    assert response.status_code == 302


def test_worklist_shows_the_playbook_action_with_its_reason_and_the_owned_risks(client, manager, account):
    firing = PlaybookFiring.objects.create(
        playbook=Playbook.objects.get(trigger="payment_issue"), account=account, key="k", reason="Invoice 7 unpaid"
    )
    PlaybookAction.objects.create(firing=firing, account=account, title="Call the customer", owner=manager,
                                  due_on=timezone.localdate())  # fmt: skip
    _risk(account, manager)
    client.force_login(manager)
    html = client.get("/").content.decode()
    assert "Call the customer" in html and "Invoice 7 unpaid" in html
    assert "Payment issue on a key account" in html
    assert 'id="worklist-risks"' in html


def test_playbook_action_done_by_its_owner_only(client, manager, contributor, outsider, account):
    firing = PlaybookFiring.objects.create(playbook=Playbook.objects.first(), account=account, key="k", reason="r")
    action = PlaybookAction.objects.create(firing=firing, account=account, title="Call", owner=manager,
                                           due_on=timezone.localdate())  # fmt: skip
    url = f"/health/actions/{action.pk}/done/"
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    client.force_login(contributor)
    assert client.post(url).status_code == 403
    client.force_login(manager)
    assert client.post(url, {"next": "/"}).status_code == 302
    action.refresh_from_db()
    assert action.status == PlaybookActionStatus.DONE


def test_firing_log_lists_only_what_the_user_reads(client, manager, outsider, account):
    PlaybookFiring.objects.create(playbook=Playbook.objects.first(), account=account, key="k", reason="Because")
    client.force_login(manager)
    assert "Because" in client.get("/health/playbooks/log/").content.decode()
    client.force_login(outsider)
    assert client.get("/health/playbooks/log/").status_code == 403
    assert client.get("/health/").status_code == 403


def test_slipping_accounts_on_health_page_dashboard_and_sponsor_digest(client, manager, sponsor, account):
    from portfolio.digests import sponsor_digest_for

    steady = AccountFactory(name="Steady", executive_sponsor=sponsor)
    today = timezone.localdate()
    week = week_of(today)
    snapshots_write(health=pd.Series({account.pk: 82.0, steady.pk: 60.0}), week=week - timedelta(weeks=3))
    snapshots_write(health=pd.Series({account.pk: 51.0, steady.pk: 61.0}), week=week)
    client.force_login(manager)
    for url in ("/health/", "/dashboard/"):
        html = client.get(url).content.decode()
        assert 'id="slipping"' in html and "Alpha" in html and "−31" in html
    digest = sponsor_digest_for(user=sponsor, today=today)
    assert [row.account for row in digest.slipping] == [account]
    assert HealthSnapshot.objects.count() == 4


def test_plan_pdf_internal_version_lists_open_risks_and_the_customer_version_does_not(manager, account):
    from plans.pdf import PdfAudience, plan_pdf_html

    plan = AccountPlanFactory(account=account)
    _risk(account, manager, mitigation="Propose a partnership")
    internal = plan_pdf_html(plan=plan, language="en", audience=PdfAudience.INTERNAL)
    assert "Open risks (internal, not for the customer)" in internal and "Competitor courts purchasing" in internal
    customer = plan_pdf_html(plan=plan, language="en", audience=PdfAudience.CUSTOMER)
    assert "Competitor courts purchasing" not in customer
