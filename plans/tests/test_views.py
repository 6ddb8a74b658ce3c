"""Plan pages: who reads, who edits, who approves; bounded queries; the PDF."""

from __future__ import annotations

import html
import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from accounts.tests.factories import AccountFactory, ContactFactory
from accounts.tests.pages import account_page
from kam import pdf as pdf_floor
from plans.models import AccountPlan, PdfStatus, PlanPdf, PlanStatus
from plans.tests.factories import AccountPlanFactory, ActionFactory, CheckpointFactory, ObjectiveFactory, big_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(manager, sponsor):
    account = AccountFactory(name="Acme Bikes", owner=manager, executive_sponsor=sponsor, is_key=True)
    return AccountPlanFactory(account=account, title="Acme plan 2027")


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("role", ["manager", "sponsor", "contributor", "admin_user"])
def test_every_role_reads_the_plan_and_the_list(client, request, plan, role):
    client.force_login(request.getfixturevalue(role))
    assert "Acme plan 2027" in client.get("/plans/").content.decode()
    assert client.get(f"/plans/{plan.pk}/").status_code == 200


def test_outsider_gets_404_on_plan_pages(client, outsider, plan):
    client.force_login(outsider)
    assert "Acme plan 2027" not in client.get("/plans/").content.decode()
    for url in (f"/plans/{plan.pk}/", f"/plans/{plan.pk}/pdf/", f"/plans/{plan.pk}/edit/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/plans/{plan.pk}/objectives/", {"title": "x"}).status_code == 404


@pytest.mark.parametrize("role", ["other_manager", "sponsor", "contributor"])
def test_colleagues_cannot_change_someone_elses_plan(client, request, plan, role):
    client.force_login(request.getfixturevalue(role))
    data = {"title": "Sneaky", "metric": "revenue", "baseline": "1", "target": "2", "due_on": "2028-01-01"}
    assert client.post(f"/plans/{plan.pk}/objectives/", data).status_code == 403
    assert client.post(f"/plans/{plan.pk}/submit/").status_code == 403
    assert client.get(f"/plans/{plan.pk}/edit/").status_code == 403
    assert not plan.objectives.exists()


def test_manager_drafts_a_plan_from_the_account_page(client, manager, plan):
    account = AccountFactory(owner=manager, goals="Expand to Spain")
    client.force_login(manager)
    assert "Draft an account plan" in account_page(client, account)
    refused = client.post(f"/plans/new/{account.pk}/", {"starts_on": "2027-01-01", "ends_on": "2027-03-31"})
    assert "1 to 3 years" in refused.content.decode() and not account.plans.exists()
    response = client.post(f"/plans/new/{account.pk}/", {"starts_on": "2027-01-01", "ends_on": "2028-12-31"})
    new = account.plans.get()
    assert response.status_code == 302 and response["Location"] == f"/plans/{new.pk}/"
    assert new.strategy == "Expand to Spain"


def test_contributor_cannot_draft_a_plan(client, contributor, plan):
    client.force_login(contributor)
    assert (
        client.post(f"/plans/new/{plan.account.pk}/", {"starts_on": "2027-01-01", "ends_on": "2027-12-31"}).status_code
        == 403
    )


def test_htmx_adds_objective_checkpoint_and_action_in_place(client, manager, plan):
    client.force_login(manager)
    data = {
        "title": "Win the Asian plants",
        "metric": "revenue",
        "baseline": "100",
        "target": "300",
        "due_on": "2028-12-31",
    }
    body = client.post(f"/plans/{plan.pk}/objectives/", data, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="plan-work"' in body and "Win the Asian plants" in body and "<html" not in body
    objective = plan.objectives.get()
    cp = {
        f"cp{objective.pk}-label": "Q1 2027",
        f"cp{objective.pk}-due_on": "2027-03-31",
        f"cp{objective.pk}-target": "150",
    }
    client.post(f"/plans/{plan.pk}/objectives/{objective.pk}/checkpoints/", cp, HTTP_HX_REQUEST="true")
    checkpoint = objective.checkpoints.get()
    body = client.post(
        f"/plans/{plan.pk}/checkpoints/{checkpoint.pk}/actual/", {"actual": "140"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "At risk" in body  # 40 of the 50 to go: 80 %
    # The badge prints the share it judges (the checkpoint's) beside the share of the final target.
    assert "80 % of the checkpoint (20 % of the target)" in body
    action = {
        "title": "Visit Osaka",
        "owner": manager.pk,
        "objective": objective.pk,
        "due_on": "2027-05-01",
        "status": "todo",
    }
    client.post(f"/plans/{plan.pk}/actions/", action, HTTP_HX_REQUEST="true")
    assert plan.actions.get().objective == objective


def test_invalid_objective_shows_errors_and_keeps_input(client, manager, plan):
    client.force_login(manager)
    response = client.post(f"/plans/{plan.pk}/objectives/", {"title": "Half done", "metric": "custom"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Name the custom metric." in body and 'value="Half done"' in body


def test_add_forms_are_folded_behind_buttons_and_not_sent_with_the_page(client, manager, plan):
    objective = ObjectiveFactory(plan=plan)
    client.force_login(manager)
    body = client.get(f"/plans/{plan.pk}/").content.decode()
    for kind, summary in (("objective", "Add an objective"), ("action", "Add an action"),
                          ("resource", "Add a resource"), ("service", "Add a service")):  # fmt: skip
        assert f'<summary class="btn btn-sm btn-outline-primary" id="add-{kind}-title">{summary}</summary>' in body
        # htmx fetches the form when its button opens it; without JavaScript the link opens it on a page.
        assert f'hx-get="/plans/{plan.pk}/add/{kind}/" hx-trigger="toggle once"' in body
        assert f'href="/plans/{plan.pk}/add/{kind}/"' in body
    assert f'href="/plans/{plan.pk}/add/checkpoint/?objective={objective.pk}"' in body
    assert '<details class="add-form" open' not in body
    assert 'id="objective-form"' not in body and "Choose an owner" not in body


def test_an_opened_add_form_comes_as_a_fragment_with_meaningful_empty_choices(client, manager, plan):
    objective = ObjectiveFactory(plan=plan, title="Grow in Spain")
    client.force_login(manager)
    for kind, form_id, text in (("objective", "objective-form", "Add objective"),
                                ("action", "action-form", "Choose an owner"),
                                ("resource", "resource-form", "Choose a kind"),
                                ("service", "service-form", "Add service")):  # fmt: skip
        response = client.get(f"/plans/{plan.pk}/add/{kind}/", HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert response.status_code == 200 and "<html" not in body, kind
        assert f'id="{form_id}"' in body and text in body and 'hx-target="#plan-work"' in body, kind
        assert "---------" not in body
    body = client.get(
        f"/plans/{plan.pk}/add/checkpoint/?objective={objective.pk}", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'action="/plans/{plan.pk}/objectives/{objective.pk}/checkpoints/"' in body and "<html" not in body


def test_without_javascript_an_add_form_opens_on_its_own_page_and_adds(client, manager, plan):
    client.force_login(manager)
    page = client.get(f"/plans/{plan.pk}/add/objective/")
    body = page.content.decode()
    assert page.status_code == 200 and "<h1" in body and "Add an objective" in body
    assert f'action="/plans/{plan.pk}/objectives/"' in body
    data = {"title": "Open in Lyon", "metric": "revenue", "baseline": "1", "target": "2", "due_on": "2027-06-30"}
    response = client.post(f"/plans/{plan.pk}/objectives/", data)
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/#objectives"
    objective = plan.objectives.get(title="Open in Lyon")
    page = client.get(f"/plans/{plan.pk}/add/checkpoint/?objective={objective.pk}").content.decode()
    assert "<h1" in page and "Open in Lyon" in page and "Add checkpoint" in page


def test_add_forms_follow_who_may_change_the_plan(client, manager, other_manager, outsider, plan):
    other_plan = AccountPlanFactory(account=AccountFactory(owner=other_manager))
    foreign = ObjectiveFactory(plan=other_plan)
    client.force_login(outsider)
    assert client.get(f"/plans/{plan.pk}/add/action/").status_code == 404
    client.force_login(other_manager)
    assert client.get(f"/plans/{plan.pk}/add/action/").status_code == 403
    client.force_login(manager)
    assert client.get(f"/plans/{plan.pk}/add/nonsense/").status_code == 404
    assert client.get(f"/plans/{plan.pk}/add/checkpoint/?objective={foreign.pk}").status_code == 404
    assert client.get(f"/plans/{plan.pk}/add/checkpoint/?objective=x").status_code == 404
    plan.status = PlanStatus.ACTIVE
    plan.save()
    # Objectives are set while drafting; actions are added while the plan runs.
    assert client.get(f"/plans/{plan.pk}/add/objective/").status_code == 403
    assert client.get(f"/plans/{plan.pk}/add/action/").status_code == 200


def test_a_refused_form_opens_unfolded_with_its_errors(client, manager, plan):
    client.force_login(manager)
    body = client.post(f"/plans/{plan.pk}/objectives/", {"title": "Half done", "metric": "custom"}).content.decode()
    assert '<details class="add-form" open>' in body and "Name the custom metric." in body


def test_overdue_actions_stand_out(client, manager, plan):
    ActionFactory(plan=plan, title="Late call", due_on=date.today() - timedelta(days=3))
    ActionFactory(plan=plan, title="Late but done", due_on=date.today() - timedelta(days=3), status="done")
    client.force_login(manager)
    body = client.get(f"/plans/{plan.pk}/").content.decode()
    assert body.count("action-overdue") == 1 and "1 overdue" in body


def test_sponsor_approves_and_manager_sees_the_version(client, manager, sponsor, plan):
    ObjectiveFactory(plan=plan, title="Grow")
    client.force_login(manager)
    client.post(f"/plans/{plan.pk}/submit/")
    client.force_login(sponsor)
    assert "Approve the plan" in client.get(f"/plans/{plan.pk}/").content.decode()
    client.post(f"/plans/{plan.pk}/approve/", {"text": "Fine"})
    plan.refresh_from_db()
    assert plan.status in (PlanStatus.APPROVED, PlanStatus.ACTIVE)
    client.force_login(manager)
    assert "Grow" in client.get(f"/plans/{plan.pk}/versions/1/").content.decode()


def test_another_sponsor_cannot_approve(client, manager, plan):
    from kam.roles import Role
    from kam.tests.factories import UserFactory

    ObjectiveFactory(plan=plan)
    plan.status = PlanStatus.SUBMITTED
    plan.save()
    client.force_login(UserFactory(username="paul", role=Role.EXECUTIVE_SPONSOR))
    assert client.post(f"/plans/{plan.pk}/approve/").status_code == 403
    assert client.post(f"/plans/{plan.pk}/send-back/", {"text": "no"}).status_code == 403


def test_a_manager_who_is_also_the_sponsor_gets_403_approving_his_own_plan_and_is_told_why(client, manager):
    from django.contrib.auth.models import Group

    from kam.roles import Role

    manager.groups.add(Group.objects.get(name=Role.EXECUTIVE_SPONSOR))
    account = AccountFactory(name="Own Bikes", owner=manager, executive_sponsor=manager, is_key=True)
    plan = AccountPlanFactory(account=account, title="Own plan", created_by=manager)
    ObjectiveFactory(plan=plan)
    client.force_login(manager)
    client.post(f"/plans/{plan.pk}/submit/")
    body = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "You wrote this plan: another sponsor or an administrator approves it." in body
    assert "Approve the plan" not in body
    assert client.post(f"/plans/{plan.pk}/approve/", {"text": "Fine"}).status_code == 403
    assert client.post(f"/plans/{plan.pk}/send-back/", {"text": "no"}).status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_an_administrator_who_drafted_the_plan_gets_403_and_another_approves(client, admin_user):
    from kam.roles import Role
    from kam.tests.factories import UserFactory

    plan = AccountPlanFactory(account=AccountFactory(is_key=True), created_by=admin_user, status=PlanStatus.SUBMITTED)
    ObjectiveFactory(plan=plan)
    client.force_login(admin_user)
    assert "You wrote this plan" in client.get(f"/plans/{plan.pk}/").content.decode()
    assert client.post(f"/plans/{plan.pk}/approve/").status_code == 403
    client.force_login(UserFactory(username="second-admin", role=Role.ADMINISTRATOR))
    assert "Approve the plan" in client.get(f"/plans/{plan.pk}/").content.decode()
    client.post(f"/plans/{plan.pk}/approve/")
    plan.refresh_from_db()
    assert plan.status in (PlanStatus.APPROVED, PlanStatus.ACTIVE)


def test_send_back_without_comment_is_refused_with_a_message(client, sponsor, plan):
    ObjectiveFactory(plan=plan)
    plan.status = PlanStatus.SUBMITTED
    plan.save()
    client.force_login(sponsor)
    page = client.post(f"/plans/{plan.pk}/send-back/", {"text": ""}, follow=True).content.decode()
    assert "a comment is required" in page
    assert AccountPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED


@pytest.mark.parametrize("step", ["send-back", "approve", "comments"])
def test_a_comment_with_a_nul_character_is_refused_with_a_message(client, sponsor, plan, step):
    plan.status = PlanStatus.SUBMITTED
    plan.save()
    client.force_login(sponsor)
    page = client.post(f"/plans/{plan.pk}/{step}/", {"text": "fine\x00"}, follow=True).content.decode()
    assert "Null characters are not allowed" in page
    assert AccountPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED
    assert not plan.comments.exists()


def test_plan_page_queries_do_not_grow_with_objectives_and_actions(
    client, manager, plan, django_assert_max_num_queries
):
    client.force_login(manager)
    ObjectiveFactory(plan=plan)
    ActionFactory(plan=plan)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(f"/plans/{plan.pk}/")
    big_plan(plan, owner=manager)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"/plans/{plan.pk}/").status_code == 200


def test_plan_rows_are_written_in_the_readers_language(client, manager, plan):
    plan.status = PlanStatus.ACTIVE
    plan.save()
    objective = ObjectiveFactory(plan=plan, title="Grow", baseline=1000, target=2500.5, due_on=date(2027, 12, 31))
    CheckpointFactory(objective=objective, label="Q1", due_on=date(2027, 3, 31), target=1200, actual=1100)
    ActionFactory(plan=plan, title="Call Ana", owner=manager, due_on=date(2027, 2, 15))
    client.force_login(manager)
    english = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "baseline 1,000 → target 2,500.50, due 12/31/2027" in english
    assert "Checkpoints of Grow" in english and "Actual for Q1" in english and "Status of Call Ana" in english
    assert '<option value="todo" selected>To do</option>' in english
    french = html.unescape(client.get(f"/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    assert "valeur initiale 1" in french and "31/12/2027" in french and "15/02/2027" in french
    assert "Points d'étape de Grow" in french and "Réalisé pour Q1" in french and "Statut de Call Ana" in french


@pytest.mark.parametrize("status", [PlanStatus.DRAFT, PlanStatus.ACTIVE])
def test_plan_page_reads_a_big_plan_in_a_dozen_queries(client, manager, plan, status, django_assert_max_num_queries):
    plan.status = status
    plan.save()
    big_plan(plan, owner=manager)
    client.force_login(manager)
    # Session, user and roles; the plan, with whether the reader edits it; the data stamp; its content (5);
    # sharing; unread count; comments; versions.
    with django_assert_max_num_queries(14):
        body = client.get(f"/plans/{plan.pk}/").content.decode()
    assert body.count('<tr class="') == 60 and "Objective number 9" in body


def test_plan_list_queries_are_bounded(client, manager, django_assert_max_num_queries):
    for _ in range(30):
        AccountPlanFactory(account=AccountFactory(owner=manager))
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        body = client.get("/plans/?status=draft").content.decode()
    assert "30 plans" in body


def test_pdf_contains_objectives_actions_and_contacts(client, contributor, plan):
    objective = ObjectiveFactory(plan=plan, title="Double revenue in Asia")
    CheckpointFactory(objective=objective, actual=130)
    ActionFactory(plan=plan, title="Meet the board")
    ContactFactory(account=plan.account, name="Jane Decider")
    client.force_login(contributor)
    response = client.get(f"/plans/{plan.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Double revenue in Asia" in text and "Meet the board" in text and "Jane Decider" in text
    assert "Page 2 / " in text


def test_pdf_is_in_the_users_language(client, manager, plan):
    ObjectiveFactory(plan=plan)
    client.force_login(manager)
    assert "Jan. 1, 2027" in _pdf_text(client.get(f"/plans/{plan.pk}/pdf/").content)
    client.cookies["django_language"] = "fr"
    assert "1 janvier 2027" in _pdf_text(client.get(f"/plans/{plan.pk}/pdf/").content)


def test_user_text_in_the_pdf_is_escaped_and_never_fetched(client, manager, plan, monkeypatch):
    evil = '<img src="http://169.254.169.254/latest/meta-data/"><link rel=stylesheet href="file:///etc/passwd">'
    plan.recommendations = evil
    plan.save()
    ObjectiveFactory(plan=plan, title="Grow <img src=http://evil.example/x.png>")
    asked: list[str] = []
    fetcher_class = pdf_floor.local_url_fetcher_class()

    class SpyFetcher(fetcher_class):
        def fetch(self, url, headers=None):
            asked.append(url)
            return super().fetch(url, headers)

    monkeypatch.setattr(pdf_floor, "local_url_fetcher_class", lambda: SpyFetcher)
    client.force_login(manager)
    text = _pdf_text(client.get(f"/plans/{plan.pk}/pdf/").content)
    assert "<img src=http://evil.example/x.png>" in text.replace("\n", "")
    assert 'src="http://169.254.169.254' in text.replace("\n", "")
    assert asked and all(url.startswith(pdf_floor.BASE_URL + "static/") for url in asked)


def test_large_plan_renders_in_a_task_with_a_download_link(
    client, manager, plan, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("plans.views.pdf.SYNC_ROW_LIMIT", 5)
    big_plan(plan, objectives=3, checkpoints=2, actions=3)
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/plans/{plan.pk}/pdf/")
    pdf = PlanPdf.objects.get()
    assert response["Location"] == f"/plans/{plan.pk}/pdf/{pdf.pk}/" and pdf.status == PdfStatus.READY
    assert "Download the PDF" in client.get(response["Location"]).content.decode()
    download = client.get(f"/plans/{plan.pk}/pdf/{pdf.pk}/download/")
    assert "Objective number 0" in _pdf_text(download.content)
    assert manager.notifications.filter(kind="plan_pdf_ready").exists()


def test_editing_sections_keeps_the_horizon_rule(client, manager, plan):
    client.force_login(manager)
    data = {"title": "Acme plan", "starts_on": "2027-01-01", "ends_on": "2031-01-01", "business": "Bikes"}
    response = client.post(f"/plans/{plan.pk}/edit/", data)
    assert "1 to 3 years" in response.content.decode()
    data["ends_on"] = "2029-12-31"
    assert client.post(f"/plans/{plan.pk}/edit/", data).status_code == 302
    plan.refresh_from_db()
    assert (plan.ends_on, plan.business) == (date(2029, 12, 31), "Bikes")


def test_an_action_owner_from_another_department_updates_their_action_only(client, contributor, plan):
    mine = ActionFactory(plan=plan, owner=contributor)
    other = ActionFactory(plan=plan)
    client.force_login(contributor)
    assert client.post(f"/plans/{plan.pk}/actions/{mine.pk}/status/", {"status": "done"}).status_code == 302
    assert client.post(f"/plans/{plan.pk}/actions/{other.pk}/status/", {"status": "done"}).status_code == 403
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.status, other.status) == ("done", "todo")


def test_a_bad_checkpoint_keeps_what_was_typed(client, manager, plan):
    objective = ObjectiveFactory(plan=plan)
    client.force_login(manager)
    prefix = f"cp{objective.pk}"
    data = {f"{prefix}-label": "Q3 keep-me", f"{prefix}-due_on": "not a date", f"{prefix}-target": "12345"}
    response = client.post(f"/plans/{plan.pk}/objectives/{objective.pk}/checkpoints/", data)
    body = response.content.decode()
    assert response.status_code == 422
    assert 'value="Q3 keep-me"' in body and 'value="12345"' in body


def test_an_unreadable_actual_or_status_is_refused_with_a_message(client, manager, plan):
    checkpoint = CheckpointFactory(objective=ObjectiveFactory(plan=plan))
    action = ActionFactory(plan=plan)
    client.force_login(manager)
    response = client.post(f"/plans/{plan.pk}/checkpoints/{checkpoint.pk}/actual/", {"actual": "12,5,0"}, follow=True)
    assert "Not recorded" in response.content.decode()
    response = client.post(f"/plans/{plan.pk}/actions/{action.pk}/status/", {"status": "bogus"}, follow=True)
    assert "Status not changed" in response.content.decode()
    action.refresh_from_db()
    assert action.status == "todo"


def test_repeated_clicks_on_a_large_plans_pdf_queue_one_document(client, manager, plan, monkeypatch):
    monkeypatch.setattr("plans.views.pdf.SYNC_ROW_LIMIT", 5)
    # The test's transaction never commits, so its outbox message is never published: the PDF stays pending.
    big_plan(plan, objectives=3, checkpoints=2, actions=3)
    client.force_login(manager)
    first = client.get(f"/plans/{plan.pk}/pdf/")
    second = client.get(f"/plans/{plan.pk}/pdf/")
    assert first["Location"] == second["Location"]
    assert PlanPdf.objects.count() == 1


def test_pdf_keeps_the_map_heading_on_the_page_of_the_first_contacts(client, manager, plan):
    chief = ContactFactory(account=plan.account, name="Chief Decider")
    for i in range(40):
        ContactFactory(account=plan.account, name=f"Report {i:02d}", reports_to=chief)
    client.force_login(manager)
    content = client.get(f"/plans/{plan.pk}/pdf/?version=internal").content
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
    heading_page = next(text for text in pages if "Decision-maker map" in text)
    assert "Chief Decider" in heading_page and "Report 00" in heading_page


def test_pdf_file_name_turns_dashes_into_hyphens(client, manager, plan):
    plan.title = "Acme plan 2027–2028 — growth"
    plan.save(update_fields=["title"])
    client.force_login(manager)
    response = client.get(f"/plans/{plan.pk}/pdf/")
    assert response["Content-Disposition"] == 'attachment; filename="acme-plan-2027-2028-growth.pdf"'


def test_a_large_plans_pdf_asked_while_the_broker_is_down_waits_and_is_made_when_it_is_back(
    client, manager, plan, monkeypatch, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone
    from kombu.exceptions import OperationalError

    from kam.celery import app
    from kam.outbox import outbox_publish

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr("plans.views.pdf.SYNC_ROW_LIMIT", 5)
    monkeypatch.setattr(app, "send_task", broker_down)
    big_plan(plan, objectives=3, checkpoints=2, actions=3)
    client.force_login(manager)
    app.conf.task_always_eager = False
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(f"/plans/{plan.pk}/pdf/")
    finally:
        app.conf.task_always_eager = True
    assert response.status_code == 302
    assert PlanPdf.objects.get().status == "pending"
    outbox_publish(now=timezone.now() + timedelta(minutes=2))  # the broker is back (tasks run here)
    assert PlanPdf.objects.get().status == "ready"
