"""Survey pages: who reads, who creates and sends, the public page, improvement actions; bounded queries."""

from __future__ import annotations

from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import BuyingRole
from accounts.tests.factories import AccountFactory, ContactFactory
from accounts.tests.pages import account_page
from surveys.models import Campaign, CampaignStatus, ImprovementAction, Invitation, OptOut, QuestionKind, Response
from surveys.tests.factories import answer, links_by_email, sent_campaign, survey_defaults

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(manager, sponsor):
    account = AccountFactory(
        name="Acme Bikes", owner=manager, executive_sponsor=sponsor, is_key=True, segment="loyal_core"
    )
    ContactFactory(account=account, name="Dora Decider", email="dora@acme.test", buying_role=BuyingRole.DECISION_MAKER)
    ContactFactory(
        account=account, name="Ugo Usager", email="ugo@acme.test", buying_role=BuyingRole.USER, language="fr"
    )
    return account


@pytest.fixture
def answered(manager, account):
    campaign = sent_campaign(by=manager, accounts=[account], name="Spring survey")
    answer(links_by_email()["dora@acme.test"], nps=4, rating={"product": 9, "relationship": 3, "service": 5,
           "delivery": 6, "value": 5}, text="Great machines, but nobody calls us back")  # fmt: skip
    return campaign


@pytest.mark.usefixtures("one_answer_is_enough")
@pytest.mark.parametrize("role", ["manager", "sponsor", "contributor", "admin_user"])
def test_every_role_reads_the_results(client, request, answered, account, role):
    client.force_login(request.getfixturevalue(role))
    assert "Spring survey" in client.get("/surveys/").content.decode()
    page = client.get(f"/surveys/{answered.pk}/").content.decode()
    assert "Satisfied with the product, not with the relationship" in page
    detail = client.get(f"/surveys/{answered.pk}/accounts/{account.pk}/").content.decode()
    assert "nobody calls us back" in detail and "Dora Decider" in detail
    assert "A decision maker is a detractor" in detail
    assert client.get("/surveys/portfolio/").status_code == 200
    assert client.get("/surveys/actions/").status_code == 200
    assert client.get(f"/surveys/accounts/{account.pk}/summary/").status_code == 200
    assert "Survey results" in account_page(client, account)


def test_outsider_gets_404_on_survey_pages(client, outsider, answered, account):
    client.force_login(outsider)
    assert "Spring survey" not in client.get("/surveys/").content.decode()
    response = Response.objects.get()
    for url in (
        f"/surveys/{answered.pk}/",
        f"/surveys/{answered.pk}/accounts/{account.pk}/",
        "/surveys/portfolio/",
        "/surveys/actions/",
        f"/surveys/accounts/{account.pk}/summary/",
        f"/surveys/responses/{response.pk}/action/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/surveys/{answered.pk}/send/").status_code == 404


def test_manager_drafts_a_campaign_for_their_accounts_and_sees_who_will_be_asked(
    client, manager, other_manager, account
):
    survey_defaults()
    theirs = AccountFactory(name="Not Mine", owner=other_manager, is_key=True)
    no_dm = AccountFactory(name="Beta Brakes", owner=manager, is_key=True)
    ContactFactory(account=no_dm, email="bob@beta.test", buying_role=BuyingRole.USER)
    client.force_login(manager)
    data = {"name": "Autumn", "closes_on": str(timezone.localdate() + timedelta(days=20)), "reminder_after_days": "5",
            "template": survey_defaults().pk, "key_only": "on"}  # fmt: skip
    response = client.post("/surveys/new/", data)
    campaign = Campaign.objects.get(name="Autumn")
    assert response.status_code == 302 and response["Location"] == f"/surveys/{campaign.pk}/"
    assert set(campaign.accounts.values_list("name", flat=True)) == {"Acme Bikes", "Beta Brakes"}
    page = client.get(f"/surveys/{campaign.pk}/").content.decode()
    assert "No decision maker among them" in page and "Decision maker asked" in page
    assert "Economic decision maker / final signer × 1" in page
    # Another manager's account cannot be picked by hand.
    refused = client.post("/surveys/new/", data | {"key_only": "", "accounts": [theirs.pk], "name": "Sneaky"})
    assert refused.status_code == 200 and not Campaign.objects.filter(name="Sneaky").exists()


def test_the_account_picker_offers_ticked_boxes_for_the_managers_accounts_only(client, manager, other_manager, account):
    survey_defaults()
    AccountFactory(name="Not Mine", owner=other_manager)
    client.force_login(manager)
    page = client.get("/surveys/new/").content.decode()
    assert f'type="checkbox" name="accounts" value="{account.pk}"' in page
    assert "Acme Bikes" in page and "Not Mine" not in page
    assert 'data-filter-list="id_accounts-list"' in page and '<select name="accounts"' not in page
    # A refused form keeps what was ticked.
    data = {"name": "", "closes_on": "", "accounts": [account.pk], "template": survey_defaults().pk}
    again = client.post("/surveys/new/", data).content.decode()
    # Look for the account's own box: another field's option may carry the same value.
    box = f'name="accounts" value="{account.pk}"'
    assert box in again and "checked" in again.split(box)[1][:40]


@pytest.mark.parametrize("picked", ["9" * 40, "²", "-1"])
def test_an_account_id_no_account_can_have_is_refused_on_the_campaign_form(client, manager, account, picked):
    client.force_login(manager)
    data = {"name": "Odd", "closes_on": str(timezone.localdate() + timedelta(days=5)), "reminder_after_days": "5",
            "template": survey_defaults().pk, "accounts": [account.pk, picked]}  # fmt: skip
    response = client.post("/surveys/new/", data)
    assert response.status_code == 200
    assert "is not a valid value" in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_past_close_date_is_refused_with_the_reason(client, manager, account):
    client.force_login(manager)
    data = {"name": "Late", "closes_on": str(timezone.localdate() - timedelta(days=1)), "reminder_after_days": "5",
            "template": survey_defaults().pk, "accounts": [account.pk]}  # fmt: skip
    assert "The close date is in the past." in client.post("/surveys/new/", data).content.decode()
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("role", ["sponsor", "contributor"])
def test_sponsors_and_contributors_cannot_create_campaigns(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/surveys/new/").status_code == 403


def test_only_the_campaigns_manager_sends_it(
    client, manager, other_manager, account, django_capture_on_commit_callbacks
):
    survey_defaults()
    from surveys.services import campaign_create

    accounts = account.__class__.objects.filter(pk=account.pk)
    campaign = campaign_create(by=manager, template=survey_defaults(), name="Q3", accounts=accounts,
                               closes_on=timezone.localdate() + timedelta(days=9))  # fmt: skip
    client.force_login(other_manager)
    assert client.post(f"/surveys/{campaign.pk}/send/").status_code == 403
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/surveys/{campaign.pk}/send/").status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.SENT
    assert sorted(m.to[0] for m in mail.outbox) == ["dora@acme.test", "ugo@acme.test"]


def test_the_public_page_speaks_the_contacts_language_and_records_one_answer(
    client, manager, account, django_capture_on_commit_callbacks
):
    campaign = sent_campaign(by=manager, accounts=[account])
    token = links_by_email()["ugo@acme.test"]
    page = client.get(f"/s/{token}/")
    assert page.status_code == 200 and 'lang="fr"' in page.content.decode()
    assert "Quel est votre niveau de satisfaction à l&#x27;égard de nos produits" in page.content.decode()
    questions = {q.kind + q.dimension: q.pk for q in campaign.template.questions.all()}
    incomplete = client.post(f"/s/{token}/", {f"q{questions['nps']}": "8"})
    assert incomplete.status_code == 400 and not Response.objects.exists()
    data = {f"q{pk}": "8" for key, pk in questions.items() if key not in ("text", "choice")}
    data[f"q{questions['text']}"] = "Livraisons en retard"
    data[f"q{questions['choice']}"] = "1"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/s/{token}/", data).status_code == 200
    response = Response.objects.get()
    assert response.answers.filter(text="Price").exists()  # choices kept in English, comparable across languages
    assert response.answers.filter(text="Livraisons en retard").exists()
    assert client.get(f"/s/{token}/").status_code == 404


def test_invalid_expired_used_and_opted_out_links_get_the_same_page(client, manager, account):
    campaign = sent_campaign(by=manager, accounts=[account])
    links = links_by_email()
    answer(links["dora@acme.test"], nps=9, rating=9)
    OptOut.objects.create(contact=account.contacts.get(email="ugo@acme.test"))
    used, opted_out = client.get(f"/s/{links['dora@acme.test']}/"), client.get(f"/s/{links['ugo@acme.test']}/")
    guessed = client.get("/s/" + "x" * 43 + "/")
    OptOut.objects.all().delete()
    Campaign.objects.filter(pk=campaign.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    expired = client.get(f"/s/{links['ugo@acme.test']}/")
    pages = [used, opted_out, guessed, expired]
    assert {page.status_code for page in pages} == {404}
    assert len({page.content for page in pages}) == 1
    assert "Acme" not in used.content.decode() and campaign.name not in used.content.decode()


def test_a_contact_opts_out_from_the_page(client, manager, account):
    sent_campaign(by=manager, accounts=[account])
    token = links_by_email()["ugo@acme.test"]
    assert client.post(f"/s/{token}/opt-out/").status_code == 200
    assert OptOut.objects.filter(contact__email="ugo@acme.test").exists()
    assert client.get(f"/s/{token}/").status_code == 404


def test_manager_turns_a_verbatim_into_an_action_that_reaches_the_summary(
    client, manager, answered, account, contributor
):
    response = Response.objects.get()
    verbatim = response.answers.exclude(text="").get()
    client.force_login(manager)
    url = f"/surveys/responses/{response.pk}/action/?answer={verbatim.pk}"
    assert "nobody calls us back" in client.get(url).content.decode()
    data = {"title": "Call back within 24 h", "owner": manager.pk, "department": "Sales",
            "due_on": str(timezone.localdate() + timedelta(days=30)), "answer": verbatim.pk}  # fmt: skip
    created = client.post(f"/surveys/responses/{response.pk}/action/", data)
    assert created.status_code == 302
    action = ImprovementAction.objects.get()
    assert action.answer == verbatim and action.account == account
    assert "Call back within 24 h" in client.get("/surveys/actions/").content.decode()
    client.post(f"/surveys/actions/{action.pk}/status/", {"status": "done", "outcome": "Hotline set up"})
    summary = client.get(f"/surveys/accounts/{account.pk}/summary/").content.decode()
    assert "nobody calls us back" in summary and "Hotline set up" in summary
    client.force_login(contributor)
    assert client.post(f"/surveys/responses/{response.pk}/action/", data).status_code == 403
    assert client.post(f"/surveys/actions/{action.pk}/status/", {"status": "open"}).status_code == 403
    assert ImprovementAction.objects.count() == 1


def _many_answered(manager, accounts: int) -> Campaign:
    survey_defaults()
    rows = []
    for _index in range(accounts):
        account = AccountFactory(owner=manager, is_key=True, segment="loyal_core", tier="gold")
        rows.append(account)
        ContactFactory(account=account, buying_role=BuyingRole.DECISION_MAKER)
        ContactFactory(account=account, buying_role=BuyingRole.USER)
    campaign = sent_campaign(by=manager, accounts=rows)
    for index, token in enumerate(links_by_email().values()):
        answer(token, nps=index % 11, rating=1 + index % 10, text=f"Verbatim {index}")
    return campaign


@pytest.mark.parametrize("accounts", [2, 12])
def test_result_pages_run_a_bounded_number_of_queries(client, manager, django_assert_max_num_queries, accounts):
    campaign = _many_answered(manager, accounts)
    for response in Response.objects.all()[:accounts]:
        ImprovementAction.objects.create(account_id=response.account_id, response=response, title="Fix", owner=manager,
                                         department="Sales", due_on=timezone.localdate())  # fmt: skip
    Campaign.objects.bulk_create(
        Campaign(template=campaign.template, name=f"Old {i}", closes_on=timezone.localdate(), created_by=manager)
        for i in range(accounts)
    )
    account = campaign.accounts.first()
    client.force_login(manager)
    for url in (
        "/surveys/",
        f"/surveys/{campaign.pk}/",
        f"/surveys/{campaign.pk}/accounts/{account.pk}/",
        "/surveys/portfolio/",
        "/surveys/actions/",
        f"/surveys/accounts/{account.pk}/summary/",
    ):
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200, url


def test_invitations_are_created_in_one_statement(manager, account, django_assert_max_num_queries):
    survey_defaults()
    for _index in range(30):
        ContactFactory(account=account, buying_role=BuyingRole.USER)
    with django_assert_max_num_queries(35):  # 32 contacts: nothing per contact (outbox and claim: a few fixed)
        sent_campaign(by=manager, accounts=[account])
    assert Invitation.objects.count() == 32


@pytest.mark.django_db(transaction=True)  # real commits: the alert task runs after the answer's
def test_the_respondent_gets_the_thanks_page_when_the_mail_server_fails(client, manager, account, monkeypatch):
    campaign = sent_campaign(by=manager, accounts=[account])
    token = links_by_email()["dora@acme.test"]

    def refuse(**kwargs):
        raise SMTPException("mail server down")

    monkeypatch.setattr("kam.notifications.send_mail", refuse)
    data = {f"q{q.pk}": "3" for q in campaign.template.questions.exclude(kind=QuestionKind.TEXT)}
    page = client.post(f"/s/{token}/", data)
    assert page.status_code == 200 and "Thank you" in page.content.decode()
    assert Response.objects.filter(contact__email="dora@acme.test").exists()


@pytest.mark.parametrize("month", ["9999-12", "9999-01", "0-01", "-5-03", "99999-01", "2024-13", "abc"])
def test_an_impossible_month_shows_the_current_one_with_a_message(client, manager, month):
    client.force_login(manager)
    page = client.get("/surveys/actions/", {"month": month})
    assert page.status_code == 200
    assert page.context["month"] == timezone.localdate().replace(day=1)
    assert [str(m) for m in page.context["messages"]] == ["This month is not valid; showing the current month."]


def test_a_valid_month_is_shown_without_a_message(client, manager):
    client.force_login(manager)
    page = client.get("/surveys/actions/", {"month": "9998-12"})
    assert page.status_code == 200 and str(page.context["month_end"]) == "9999-01-01"
    assert not list(page.context["messages"])


@pytest.mark.parametrize("quarter", ["9999-Q4", "99999-Q1", "0-Q1", "-5-Q1", "2024-Q5", "2024"])
def test_an_impossible_quarter_shows_the_current_one_with_a_message(client, manager, account, quarter):
    client.force_login(manager)
    page = client.get(f"/surveys/accounts/{account.pk}/summary/", {"quarter": quarter})
    assert page.status_code == 200
    today = timezone.localdate()
    assert (page.context["year"], page.context["quarter"]) == (today.year, (today.month - 1) // 3 + 1)
    assert [str(m) for m in page.context["messages"]] == ["This quarter is not valid; showing the current quarter."]


@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "١"])
def test_a_non_numeric_answer_in_the_action_link_is_404(client, manager, answered, value):
    client.force_login(manager)
    response = Response.objects.get()
    assert client.get(f"/surveys/responses/{response.pk}/action/", {"answer": value}).status_code == 404


def test_a_reminder_delay_beyond_a_year_is_refused_next_to_the_field(client, manager, account):
    survey_defaults()
    client.force_login(manager)
    data = {"name": "Long wait", "template": Campaign._meta.get_field("template").related_model.objects.get().pk,
            "closes_on": str(timezone.localdate() + timedelta(days=30)), "reminder_after_days": "40000",
            "accounts": [account.pk]}  # fmt: skip
    page = client.post("/surveys/new/", data)
    assert page.status_code == 200
    assert page.context["form"].errors["reminder_after_days"]
    assert 'value="40000"' in page.content.decode()
    assert not Campaign.objects.exists()


def test_the_campaign_list_counts_accounts_contacts_and_answers_without_multiplying_them(
    client, manager, account, django_assert_max_num_queries
):
    second = AccountFactory(name="Beta Bikes", owner=manager)
    ContactFactory(account=second, email="bea@beta.test", buying_role=BuyingRole.USER)
    campaign = sent_campaign(by=manager, accounts=[account, second])
    answer(links_by_email()["dora@acme.test"], nps=9, rating=8)
    client.force_login(manager)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/surveys/")
    row = next(c for c in page.context["page"].object_list if c.pk == campaign.pk)
    assert (row.account_count, row.invited, row.answered) == (2, 3, 1)
    listing = [q["sql"] for q in queries.captured_queries if "surveys_invitation" in q["sql"]]
    # One row per campaign is read: no join of its accounts with its invitations to count them.
    assert listing and not any("GROUP BY" in sql and "JOIN" in sql for sql in listing)
    with django_assert_max_num_queries(16):
        client.get("/surveys/")


@pytest.fixture
def broker_down(monkeypatch):
    """Tasks go to a broker that refuses connections, as during a Redis outage."""
    from kombu.exceptions import OperationalError

    from kam.celery import app

    def send_task(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr(app, "send_task", send_task)
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = True


def test_a_campaign_sent_while_the_broker_is_down_says_queued_then_mails_everyone_once(
    client, manager, account, broker_down, django_capture_on_commit_callbacks
):
    from kam.celery import app
    from kam.outbox import outbox_publish
    from surveys.services import campaign_create

    accounts = account.__class__.objects.filter(pk=account.pk)
    campaign = campaign_create(by=manager, template=survey_defaults(), name="Q3", accounts=accounts,
                               closes_on=timezone.localdate() + timedelta(days=9))  # fmt: skip
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/surveys/{campaign.pk}/send/")
    page = client.get(f"/surveys/{campaign.pk}/").content.decode()
    assert "Queued: the invitations will be sent when the mail service is back." in page
    assert mail.outbox == [] and Campaign.objects.get(pk=campaign.pk).invitations_sent_at is None
    assert "invitations not all sent yet" in client.get("/surveys/").content.decode()
    # Sending again is allowed while invitations are owed, and says the same.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/surveys/{campaign.pk}/send/", follow=True).content.decode()
    assert "Campaign queued: the invitations will be sent when the mail service is back." in again

    app.conf.task_always_eager = True  # the broker is back (its tasks run here)
    outbox_publish(now=timezone.now() + timedelta(minutes=5))
    assert sorted(m.to[0] for m in mail.outbox) == ["dora@acme.test", "ugo@acme.test"]  # once each
    assert "Queued" not in client.get(f"/surveys/{campaign.pk}/").content.decode()
    assert "invitations not all sent yet" not in client.get("/surveys/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(f"/surveys/{campaign.pk}/send/", follow=True).content.decode()
    assert "This campaign has already been sent." in refused and len(mail.outbox) == 2


def test_services_never_import_tasks():
    import ast
    from pathlib import Path

    import surveys.services

    tree = ast.parse(Path(surveys.services.__file__).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "surveys.tasks" not in imported
