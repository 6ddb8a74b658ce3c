"""The decision-maker map: the tree, the grid, editing in place, reports-to rules, access, history, query bound."""

from __future__ import annotations

import pytest

from accounts.maps import map_build, map_roots, map_walk
from accounts.models import Attitude, BuyingRole, Contact
from accounts.tests.factories import AccountFactory, ContactFactory, InteractionFactory
from accounts.tests.pages import account_page

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def account(manager, sponsor):
    return AccountFactory(name="Acme Industries", owner=manager, executive_sponsor=sponsor, is_key=True)


def _contact_data(**values) -> dict:
    data = {"name": "New Person", "attitude": "neutral", "language": "en", "relationship_strength": "0"}
    data["is_active"] = "on"
    data.update(values)
    return data


# --- the tree -------------------------------------------------------------------


def test_tree_nests_reports_under_their_manager_with_several_roots(account):
    ceo = ContactFactory(account=account, name="Ceo", influence=5)
    cfo = ContactFactory(account=account, name="Cfo", reports_to=ceo, influence=4)
    ContactFactory(account=account, name="Buyer", reports_to=cfo)
    ContactFactory(account=account, name="Plant Manager")  # reports to nobody: a second root
    roots = map_roots(account=account)
    assert [node.contact.name for node in roots] == ["Ceo", "Plant Manager"]  # most influential first
    assert [c.contact.name for c in roots[0].children] == ["Cfo"]
    assert [c.contact.name for c in roots[0].children[0].children] == ["Buyer"]
    kinds = [step.kind for step in map_walk(roots)]
    assert kinds.count("open") == kinds.count("close") == 3
    assert kinds.count("item") == kinds.count("end") == 4


def test_someone_who_leaves_keeps_their_place_and_their_branch_in_the_tree(account):
    ceo = ContactFactory(account=account, name="Ceo", influence=5)
    cfo = ContactFactory(account=account, name="Cfo", reports_to=ceo, influence=4)
    ContactFactory(account=account, name="Buyer", reports_to=cfo)
    ContactFactory(account=account, name="Engineer", reports_to=ceo, influence=2)
    ContactFactory(account=account, name="Plant Manager", influence=3)
    before = [(step.kind, step.node and step.node.contact.name) for step in map_walk(map_roots(account=account))]
    Contact.objects.filter(pk=cfo.pk).update(is_active=False)
    after = [(step.kind, step.node and step.node.contact.name) for step in map_walk(map_roots(account=account))]
    assert after == before
    roots = map_roots(account=account)
    assert [n.contact.name for n in roots[0].children] == ["Cfo", "Engineer"]
    assert roots[0].children[0].contact.is_active is False  # shown in place, marked by the template


def test_a_cycle_written_behind_the_forms_back_hides_nobody(account):
    a = ContactFactory(account=account, name="A")
    b = ContactFactory(account=account, name="B", reports_to=a)
    Contact.objects.filter(pk=a.pk).update(reports_to=b)
    roots = map_build(list(Contact.objects.filter(account=account)))
    names = [step.node.contact.name for step in map_walk(roots) if step.kind == "item"]
    assert sorted(names) == ["A", "B"]


def test_map_page_shows_role_influence_attitude_in_words_and_who_covers(client, contributor, account, manager):
    boss = ContactFactory(
        account=account,
        name="Dora Decider",
        buying_role=BuyingRole.DECISION_MAKER,
        influence=5,
        attitude=Attitude.SCEPTIC,
        covered_by=manager,
    )
    InteractionFactory(account=account, contact=boss, occurred_on="2026-01-15")
    client.force_login(contributor)
    body = client.get(f"/accounts/{account.pk}/map/").content.decode()
    assert "Dora Decider" in body
    assert "Attitude: Sceptic" in body
    assert "Economic decision maker / final signer" in body
    assert "Influence: 5/5" in body
    assert f"Covered by: {manager}" in body
    assert 'datetime="2026-01-15"' in body
    assert "Edit" not in body  # a contributor reads the map, no editing controls


def test_grid_view_places_people_by_influence_and_attitude_and_flags_missing_support(client, sponsor, account):
    ContactFactory(account=account, name="Hostile Boss", influence=5, attitude=Attitude.OPPONENT)
    ContactFactory(account=account, name="Friendly User", influence=2, attitude=Attitude.CHAMPION)
    client.force_login(sponsor)
    body = client.get(f"/accounts/{account.pk}/map/?view=grid").content.decode()
    grid = body[body.index('id="influence-grid"') :]
    assert "Hostile Boss" in grid and "Friendly User" in grid
    assert grid.count("No support at this level") == 1  # influence 5 has only an opponent; 4 is empty


def test_map_page_query_count_does_not_grow_with_contacts(client, manager, account, django_assert_max_num_queries):
    def people(count: int, start: int) -> None:
        parent = None
        for i in range(start, start + count):
            parent = ContactFactory(account=account, name=f"P{i:03d}", reports_to=parent if i % 3 else None)
            InteractionFactory(account=account, contact=parent)

    people(5, 0)
    client.force_login(manager)
    client.get(f"/accounts/{account.pk}/map/")
    with django_assert_max_num_queries(12) as few:
        client.get(f"/accounts/{account.pk}/map/")
    people(55, 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/accounts/{account.pk}/map/")
    assert response.content.decode().count('<article class="map-card') == 60
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"/accounts/{account.pk}/map/print/").content.decode().count('<article class="map-card') == 60


# --- editing in place ----------------------------------------------------------------


def test_owner_adds_someone_under_a_manager_and_gets_the_updated_map(client, manager, account):
    boss = ContactFactory(account=account, name="Big Boss")
    client.force_login(manager)
    form = client.get(f"/accounts/{account.pk}/map/contacts/new/?under={boss.pk}", headers=HTMX).content.decode()
    assert "Add someone who reports to Big Boss" in form
    response = client.post(
        f"/accounts/{account.pk}/map/contacts/new/?under={boss.pk}",
        _contact_data(name="Assistant", reports_to=boss.pk, buying_role="gatekeeper"),
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "Assistant added to the map." in body
    created = Contact.objects.get(name="Assistant")
    assert (created.account, created.reports_to, created.buying_role) == (account, boss, "gatekeeper")


def test_without_javascript_a_save_redirects_to_the_map(client, manager, account):
    client.force_login(manager)
    response = client.post(f"/accounts/{account.pk}/map/contacts/new/", _contact_data(name="No Js"))
    assert response.status_code == 302 and response.url == f"/accounts/{account.pk}/map/"


def test_changing_attitude_and_role_updates_the_coverage_findings(client, manager, account):
    only = ContactFactory(account=account, name="Pat Purchasing", buying_role=BuyingRole.PURCHASING)
    ContactFactory(account=account, name="Second")
    client.force_login(manager)
    before = client.get(f"/accounts/{account.pk}/map/").content.decode()
    assert 'data-finding="no_decision_maker"' in before
    body = client.post(
        f"/accounts/{account.pk}/map/contacts/{only.pk}/",
        _contact_data(name=only.name, buying_role="decision_maker", attitude="supporter", covered_by=manager.pk),
        headers=HTMX,
    ).content.decode()
    assert 'data-finding="no_decision_maker"' not in body
    assert "Attitude: Supporter" in body


def test_marking_someone_as_having_left_shows_the_gap(client, manager, account):
    champion = ContactFactory(account=account, name="Chris Champion", attitude=Attitude.CHAMPION)
    ContactFactory(account=account, name="Other")
    client.force_login(manager)
    body = client.post(
        f"/accounts/{account.pk}/map/contacts/{champion.pk}/presence/", {"active": "0"}, headers=HTMX
    ).content.decode()
    champion.refresh_from_db()
    assert champion.is_active is False
    assert "Chris Champion marked as having left." in body
    assert 'data-finding="key_person_left"' in body
    assert "Left the company" in body


def test_reports_to_cycles_are_refused_with_a_clear_message(client, manager, account):
    a = ContactFactory(account=account, name="Alice")
    b = ContactFactory(account=account, name="Bob", reports_to=a)
    c = ContactFactory(account=account, name="Carol", reports_to=b)
    client.force_login(manager)
    response = client.post(
        f"/accounts/{account.pk}/map/contacts/{a.pk}/", _contact_data(name="Alice", reports_to=c.pk), headers=HTMX
    )
    body = response.content.decode()
    assert "Alice cannot report to Carol: Carol already reports, directly or through others, to Alice." in body
    a.refresh_from_db()
    assert a.reports_to is None


def test_reports_to_may_cross_the_group_but_not_leave_it(client, manager, account):
    holding = AccountFactory(name="Holding", owner=manager)
    account.parent = holding
    account.save()
    group_boss = ContactFactory(account=holding, name="Group Ceo")
    stranger = ContactFactory(name="Stranger")  # another customer altogether
    mine = ContactFactory(account=account, name="Local Director")
    client.force_login(manager)
    url = f"/accounts/{account.pk}/map/contacts/{mine.pk}/"
    body = client.post(url, _contact_data(name=mine.name, reports_to=stranger.pk), headers=HTMX).content.decode()
    assert "Choose someone who works for this account or for an account of its group" in body
    client.post(url, _contact_data(name=mine.name, reports_to=group_boss.pk), headers=HTMX)
    mine.refresh_from_db()
    assert mine.reports_to == group_boss
    assert "Reports to Group Ceo (Holding)" in client.get(f"/accounts/{account.pk}/map/").content.decode()


@pytest.fixture
def colleagues_holding(account, other_manager):
    """The account's parent, run by another key account manager."""
    holding = AccountFactory(name="Holding", owner=other_manager)
    account.parent = holding
    account.save()
    return holding


def test_manager_cannot_make_his_contacts_report_to_people_of_a_colleagues_account_in_the_group(
    client, manager, account, colleagues_holding
):
    group_boss = ContactFactory(account=colleagues_holding, name="Group Ceo")
    mine = ContactFactory(account=account, name="Local Director")
    client.force_login(manager)
    url = f"/accounts/{account.pk}/map/contacts/{mine.pk}/"
    assert "Group Ceo" not in client.get(url, headers=HTMX).content.decode()
    body = client.post(url, _contact_data(name=mine.name, reports_to=group_boss.pk), headers=HTMX).content.decode()
    assert "Choose someone who works for this account or for an account of its group that you may edit." in body
    new = client.post(
        f"/accounts/{account.pk}/map/contacts/new/", _contact_data(name="Newcomer", reports_to=group_boss.pk)
    )
    assert new.status_code == 422
    mine.refresh_from_db()
    assert mine.reports_to is None
    assert not Contact.objects.filter(name="Newcomer").exists()


def test_administrator_links_contacts_across_the_whole_group(client, admin_user, account, colleagues_holding):
    group_boss = ContactFactory(account=colleagues_holding, name="Group Ceo")
    mine = ContactFactory(account=account, name="Local Director")
    client.force_login(admin_user)
    client.post(
        f"/accounts/{account.pk}/map/contacts/{mine.pk}/",
        _contact_data(name=mine.name, reports_to=group_boss.pk),
        headers=HTMX,
    )
    mine.refresh_from_db()
    assert mine.reports_to == group_boss


def test_a_line_an_administrator_drew_to_a_colleagues_account_survives_the_managers_edit(
    client, manager, account, colleagues_holding
):
    group_boss = ContactFactory(account=colleagues_holding, name="Group Ceo")
    mine = ContactFactory(account=account, name="Local Director", reports_to=group_boss)
    client.force_login(manager)
    client.post(
        f"/accounts/{account.pk}/map/contacts/{mine.pk}/",
        _contact_data(name=mine.name, job_title="Director", reports_to=group_boss.pk),
        headers=HTMX,
    )
    mine.refresh_from_db()
    assert (mine.job_title, mine.reports_to) == ("Director", group_boss)


def test_invalid_contact_without_javascript_is_shown_again_with_errors_and_input(client, manager, account):
    client.force_login(manager)
    response = client.post(f"/accounts/{account.pk}/map/contacts/new/", _contact_data(name="", job_title="Kept"))
    assert response.status_code == 422
    assert 'value="Kept"' in response.content.decode()


# --- access --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["sponsor", "contributor", "other_manager"])
def test_colleagues_read_the_map_but_may_not_change_it(client, request, role, account):
    contact = ContactFactory(account=account, name="Read Only")
    client.force_login(request.getfixturevalue(role))
    assert client.get(f"/accounts/{account.pk}/map/").status_code == 200
    assert client.get(f"/accounts/{account.pk}/map/contacts/new/").status_code == 403
    assert client.post(f"/accounts/{account.pk}/map/contacts/new/", _contact_data()).status_code == 403
    edit = client.post(f"/accounts/{account.pk}/map/contacts/{contact.pk}/", _contact_data(name="Hacked"))
    assert edit.status_code == 403
    presence = client.post(f"/accounts/{account.pk}/map/contacts/{contact.pk}/presence/", {"active": "0"})
    assert presence.status_code == 403
    contact.refresh_from_db()
    assert (contact.name, contact.is_active) == ("Read Only", True)


def test_outsider_gets_404_on_the_map_and_its_edits(client, outsider, account):
    contact = ContactFactory(account=account)
    client.force_login(outsider)
    assert client.get(f"/accounts/{account.pk}/map/").status_code == 404
    assert client.get(f"/accounts/{account.pk}/map/print/").status_code == 404
    assert client.post(f"/accounts/{account.pk}/map/contacts/{contact.pk}/", _contact_data()).status_code == 404


def test_a_contact_of_another_account_cannot_be_edited_through_this_one(client, manager, account):
    foreign = ContactFactory(name="Foreign")
    client.force_login(manager)
    response = client.post(f"/accounts/{account.pk}/map/contacts/{foreign.pk}/", _contact_data(name="Taken"))
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Foreign"


# --- account page and history -----------------------------------------------------------


def test_account_page_shows_the_coverage_summary_and_links_to_the_map(client, contributor, account):
    ContactFactory(account=account, name="Lonely", buying_role=BuyingRole.USER)
    client.force_login(contributor)
    body = account_page(client, account)
    assert 'id="coverage-score">45<' in body  # single-threaded (30) and no decision maker (25)
    assert "Poor coverage" in body
    assert "Lonely is the only active contact" in body
    assert f'href="/accounts/{account.pk}/map/"' in body


def test_contact_changes_are_kept_in_the_account_history(client, manager, account):
    client.force_login(manager)
    client.post(f"/accounts/{account.pk}/map/contacts/new/", _contact_data(name="Hedy History"))
    hedy = Contact.objects.get(name="Hedy History")
    client.post(
        f"/accounts/{account.pk}/map/contacts/{hedy.pk}/", _contact_data(name="Hedy History", attitude="opponent")
    )
    body = account_page(client, account)
    assert "Contact added: Hedy History" in body
    assert "Contact changed: Hedy History" in body
    assert "Neutral → Opponent" in body
    assert hedy.history.first().history_user == manager


def test_tree_partial_renders_alone_for_the_plan_pdf_without_editing_controls(account, manager):
    from django.template.loader import render_to_string

    boss = ContactFactory(account=account, name="Pdf Boss", attitude=Attitude.SUPPORTER, covered_by=manager)
    ContactFactory(account=account, name="Pdf Report", reports_to=boss)
    html = render_to_string("accounts/_map_tree.html", {"map_roots": map_roots(account=account)})
    assert html.index("Pdf Boss") < html.index("Pdf Report")
    assert html.count("<ul") == 2 and "Attitude: Supporter" in html
    assert "<a " not in html and "<button" not in html and "<script" not in html
