"""The whitespace map page, its cell editor and the peer settings, as the people who use them see them."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from accounts.models import Deal, DealOutcome, FinancialYearSetting
from accounts.tests.factories import AccountFactory
from accounts.tests.pages import HTMX
from growth.models import LinePotential, MarkKind, PeerSettings, WhitespaceMark
from growth.tests.factories import (
    LinePotentialFactory,
    LineRevenueFactory,
    ProductLineFactory,
    WhitespaceMarkFactory,
)
from plans.models import AccountPlan, PdfAudience

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture(autouse=True)
def year_in_use(db):
    FinancialYearSetting.objects.update_or_create(pk=1, defaults={"fixed_year": YEAR})


@pytest.fixture
def group(manager):
    """A group the manager runs, with two subsidiaries, and five lines each cell of which says something else."""
    parent = AccountFactory(name="Groupe Alpha", owner=manager, sector="Food", employees=500)
    north = AccountFactory(name="Alpha Nord", parent=parent, owner=manager, sector="Food", employees=40)
    south = AccountFactory(name="Alpha Sud", parent=parent, sector="Food", employees=40)
    oil, tea, rice, salt, sugar = (ProductLineFactory(name=n) for n in ("Oil", "Tea", "Rice", "Salt", "Sugar"))
    LineRevenueFactory(account=parent, line=oil, year=YEAR, revenue=Decimal("12345"))
    Deal.objects.create(account=parent, external_id="D1", stage="Proposal", outcome=DealOutcome.OPEN, amount=700,
                        line=tea)  # fmt: skip
    WhitespaceMarkFactory(account=parent, line=rice, competitor="Rival & <Co>")
    WhitespaceMarkFactory(account=parent, line=sugar, kind=MarkKind.NOT_RELEVANT, competitor="")
    LinePotentialFactory(account=north, line=salt, amount=Decimal("9000"), reason="Plant <b>opening</b>")
    return {"parent": parent, "north": north, "south": south, "lines": (oil, tea, rice, salt, sugar)}


def test_group_map_has_the_group_row_first_then_each_subsidiary_and_says_every_status_in_words(client, manager, group):
    client.force_login(manager)
    page = client.get(f"/accounts/{group['parent'].pk}/whitespace/").content.decode()

    assert page.index('<th scope="row">Groupe Alpha') < page.index("Alpha Nord") < page.index("Alpha Sud")
    assert '<th scope="col">' in page and '<th scope="row">' in page
    assert "Revenue in 2025" in page
    assert "Sold" in page and "12,345\u00a0EUR" in page
    assert "In pipeline" in page and "700\u00a0EUR" in page
    assert "Competitor holds it" in page and "Rival &amp; &lt;Co&gt;" in page and "<Co>" not in page
    assert "Not relevant" in page
    assert "entered: 9,000\u00a0EUR — Plant &lt;b&gt;opening&lt;/b&gt;" in page
    assert "potential unknown" in page
    assert "Legend" in page


def test_map_reads_in_french_with_french_numbers(client, manager, group):
    client.force_login(manager)
    page = client.get(f"/accounts/{group['parent'].pk}/whitespace/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Vendu" in page and ("12\u202f345\u00a0EUR" in page or "12\u00a0345\u00a0EUR" in page)


def test_peer_estimate_is_shown_as_an_estimate_with_its_number_of_peers(client, manager):
    line = ProductLineFactory(name="Oil")
    for revenue in (100, 200, 300):
        LineRevenueFactory(account=AccountFactory(sector="Food", employees=30), line=line, revenue=revenue)
    account = AccountFactory(sector="Food", employees=20, owner=manager)
    client.force_login(manager)

    page = client.get(f"/accounts/{account.pk}/whitespace/").content.decode()

    assert "estimated from 3 peers: 200\u00a0EUR" in page and "(estimate)" in page


def test_inactive_lines_show_only_when_these_rows_have_data_on_them(client, manager):
    account = AccountFactory(owner=manager)
    ProductLineFactory(name="Retired empty", is_active=False)
    LineRevenueFactory(account=account, line=ProductLineFactory(name="Retired sold", is_active=False), year=YEAR)
    merged_into = ProductLineFactory(name="Kept")
    ProductLineFactory(name="Old alias", merged_into=merged_into)
    client.force_login(manager)

    page = client.get(f"/accounts/{account.pk}/whitespace/").content.decode()

    assert "Retired sold" in page and "Retired empty" not in page
    assert "Kept" in page and "Old alias" not in page


def test_each_cell_is_a_link_to_its_editor_which_htmx_loads_as_a_fragment(client, manager, group):
    client.force_login(manager)
    parent, salt = group["parent"], group["lines"][3]
    url = f"/accounts/{parent.pk}/whitespace/{group['north'].pk}/{salt.pk}/"
    page = client.get(f"/accounts/{parent.pk}/whitespace/").content.decode()
    assert f'href="{url}" hx-get="{url}" hx-target="#ws-editor"' in page

    fragment = client.get(url, headers=HTMX).content.decode()
    full = client.get(url).content.decode()

    assert "<html" not in fragment and "Save the mark" in fragment and "Clear the potential" in fragment
    assert "<html" in full and "Save the potential" in full


def test_manager_marks_a_competitor_then_clears_it(client, manager, group):
    client.force_login(manager)
    parent, salt = group["parent"], group["lines"][3]
    base = f"/accounts/{parent.pk}/whitespace/{parent.pk}/{salt.pk}/"

    response = client.post(f"{base}mark/", {"mark-kind": "competitor", "mark-competitor": "Globex"})

    assert response.status_code == 302 and response.url.endswith(f"#cell-{parent.pk}-{salt.pk}")
    assert WhitespaceMark.objects.get(account=parent, line=salt).competitor == "Globex"
    assert "Globex" in client.get(f"/accounts/{parent.pk}/whitespace/").content.decode()
    client.post(f"{base}mark/clear/")
    assert not WhitespaceMark.objects.filter(account=parent, line=salt).exists()


def test_competitor_mark_without_a_name_is_refused_with_a_message_and_input_kept(client, manager, group):
    client.force_login(manager)
    parent, salt = group["parent"], group["lines"][3]
    response = client.post(f"/accounts/{parent.pk}/whitespace/{parent.pk}/{salt.pk}/mark/", {"mark-kind": "competitor"})
    assert response.status_code == 422
    assert "Name the competitor" in response.content.decode()
    assert not WhitespaceMark.objects.filter(account=parent, line=salt).exists()


def test_manager_enters_a_potential_with_a_reason_and_without_reason_it_is_refused(client, manager, group):
    client.force_login(manager)
    parent, south, salt = group["parent"], group["south"], group["lines"][3]
    # The manager runs the group, not Alpha Sud: its cells are read-only for him.
    base = f"/accounts/{parent.pk}/whitespace/{parent.pk}/{salt.pk}/potential/"

    refused = client.post(base, {"potential-amount": "5000", "potential-reason": ""})
    assert refused.status_code == 422 and 'value="5000"' in refused.content.decode()
    client.post(base, {"potential-amount": "5000", "potential-reason": "Budget 2026"})
    assert LinePotential.objects.get(account=parent, line=salt).reason == "Budget 2026"
    client.post(f"{base}clear/")
    assert not LinePotential.objects.filter(account=parent, line=salt).exists()
    assert (
        client.post(
            f"/accounts/{parent.pk}/whitespace/{south.pk}/{salt.pk}/potential/",
            {"potential-amount": "1", "potential-reason": "x"},
        ).status_code
        == 403
    )


@pytest.mark.parametrize("reader", ["contributor", "sponsor", "other_manager"])
def test_readers_see_the_map_but_no_edit_controls_and_their_posts_get_403(client, request, reader, group):
    client.force_login(request.getfixturevalue(reader))
    parent, rice = group["parent"], group["lines"][2]
    base = f"/accounts/{parent.pk}/whitespace/{parent.pk}/{rice.pk}/"

    assert "Rival" in client.get(f"/accounts/{parent.pk}/whitespace/").content.decode()
    cell = client.get(base).content.decode()
    assert "Competitor holds it" in cell and "Save the mark" not in cell and "Clear the mark" not in cell
    for suffix, data in (
        ("mark/", {"mark-kind": "not_relevant"}),
        ("mark/clear/", {}),
        ("potential/", {"potential-amount": "1", "potential-reason": "x"}),
        ("potential/clear/", {}),
    ):
        assert client.post(f"{base}{suffix}", data).status_code == 403
    assert WhitespaceMark.objects.get(account=parent, line=rice).competitor == "Rival & <Co>"


def test_outsider_gets_404_on_the_map_the_cell_and_every_post(client, outsider, group):
    client.force_login(outsider)
    parent, rice = group["parent"], group["lines"][2]
    base = f"/accounts/{parent.pk}/whitespace/{parent.pk}/{rice.pk}/"
    assert client.get(f"/accounts/{parent.pk}/whitespace/").status_code == 404
    assert client.get(base).status_code == 404
    for suffix in ("mark/", "mark/clear/", "potential/", "potential/clear/"):
        assert client.post(f"{base}{suffix}", {"mark-kind": "not_relevant"}).status_code == 404


def test_a_cell_of_an_account_outside_the_group_is_404(client, manager, group):
    client.force_login(manager)
    stranger = AccountFactory(owner=manager)
    url = f"/accounts/{group['parent'].pk}/whitespace/{stranger.pk}/{group['lines'][0].pk}/"
    assert client.get(url).status_code == 404
    assert client.post(f"{url}mark/", {"mark-kind": "not_relevant"}).status_code == 404


def test_untouched_cell_links_to_a_new_objective_of_the_current_plan_or_to_drafting_a_plan(client, manager, group):
    client.force_login(manager)
    parent, north, salt = group["parent"], group["north"], group["lines"][3]
    url = f"/accounts/{parent.pk}/whitespace/{north.pk}/{salt.pk}/"
    assert f'href="/plans/new/{parent.pk}/"' in client.get(url).content.decode()

    plan = AccountPlan.objects.create(account=parent, title="Plan", starts_on="2026-01-01", ends_on="2026-12-31",
                                      status="active")  # fmt: skip
    body = client.get(url).content.decode()
    assert f'href="/plans/{plan.pk}/objectives/new/?line={salt.pk}&amp;at={north.pk}"' in body
    # A sold cell is not whitespace: no objective link.
    sold = client.get(f"/accounts/{parent.pk}/whitespace/{parent.pk}/{group['lines'][0].pk}/").content.decode()
    assert "objectives/new" not in sold


def test_account_card_summarises_the_map_and_links_to_it(client, manager, group):
    client.force_login(manager)
    parent = group["parent"]
    card = client.get(f"/accounts/{parent.pk}/cards/whitespace/", headers=HTMX).content.decode()
    assert f'href="/accounts/{parent.pk}/whitespace/"' in card
    assert "The group and its 2 subsidiaries" in card
    assert "1 of 5" in card  # lines bought
    assert "9,000\u00a0EUR" in card and "700\u00a0EUR" in card


def _pdf_text(plan: AccountPlan, audience: str, language: str = "en") -> str:
    from plans.pdf import plan_pdf_render

    pdf = plan_pdf_render(plan=plan, language=language, audience=audience)
    # PDF text extraction breaks lines inside table cells: compare with the whitespace collapsed.
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture
def group_with_peers(group):
    """Three Food accounts of the subsidiaries' size buy Salt: Alpha Sud gets an estimate from 3 peers."""
    salt = group["lines"][3]
    for revenue in (100, 200, 300):
        LineRevenueFactory(account=AccountFactory(sector="Food", employees=30), line=salt, year=YEAR, revenue=revenue)
    return group


# What only our side may read: potentials and why, peers' estimates, competitors, our judgement, deal amounts.
# ("Estimated value" is the plan's own heading of unbilled services.)
INTERNAL_ONLY = [
    *["Rival", "Competitor", "Plant", "opening", "9,000", "entered", "estimated from", "(estimate)", "≈", "peer"],
    *["200", "Not relevant", "Untouched", "potential", "700", "In pipeline", "Whitespace"],
]


def test_customer_plan_pdf_shows_only_lines_bought_and_in_discussion(manager, group_with_peers):
    plan = AccountPlan.objects.create(account=group_with_peers["parent"], title="Plan", starts_on="2026-01-01",
                                      ends_on="2026-12-31")  # fmt: skip

    customer = _pdf_text(plan, PdfAudience.CUSTOMER)
    internal = _pdf_text(plan, PdfAudience.INTERNAL)

    assert "Product lines: bought and in discussion" in customer
    assert "Bought 12,345 EUR" in customer  # Oil at the group
    assert "In discussion" in customer  # Tea, without our deal's amount
    assert "Not bought yet" in customer
    assert "Bought: your purchases on the line in 2025" in customer  # the legend fits the copy
    assert [word for word in INTERNAL_ONLY if word.casefold() in customer.casefold()] == []
    # The internal copy keeps all of it.
    for text in ["Rival & <Co>", "Competitor holds it", "entered: 9,000 EUR", "estimated from 3 peers: 200 EUR",
                 "Not relevant", "In pipeline 700 EUR", "Whitespace map"]:  # fmt: skip
        assert text in internal, text


def test_customer_plan_pdf_in_french_keeps_our_intelligence_out(manager, group_with_peers):
    plan = AccountPlan.objects.create(account=group_with_peers["parent"], title="Plan", starts_on="2026-01-01",
                                      ends_on="2026-12-31")  # fmt: skip

    customer = _pdf_text(plan, PdfAudience.CUSTOMER, language="fr")

    assert "Acheté" in customer and "En discussion" in customer and "Pas encore acheté" in customer
    # ("valeur estimée" and "réalisé saisi" are the plan's own words.)
    for word in ["Rival", "Concurrent", "Plant", "9 000", "9\u202f000", "pairs", "Non pertinent", "potentiel",
                 "À conquérir", "700"]:  # fmt: skip
        assert word.casefold() not in customer.casefold(), word


def test_administrator_sets_peer_bands_and_bad_limits_are_refused(client, admin_user):
    client.force_login(admin_user)
    bad = client.post("/growth/peers/", {"size_basis": "employees", "size_edges": "10, ², x", "min_peers": "3"})
    assert bad.status_code == 422 and "Not a whole number: ²; x" in bad.content.decode()
    down = client.post("/growth/peers/", {"size_basis": "employees", "size_edges": "50, 10", "min_peers": "3"})
    assert "larger than the one before" in down.content.decode()

    response = client.post(
        "/growth/peers/", {"size_basis": "company_turnover", "size_edges": "1 000, 20000", "min_peers": "2"}
    )

    assert response.status_code == 302
    settings = PeerSettings.load()
    assert (settings.size_basis, settings.size_edges, settings.min_peers) == ("company_turnover", [1000, 20000], 2)


@pytest.mark.parametrize("user", ["manager", "sponsor", "contributor", "outsider"])
def test_only_administrators_open_the_peer_settings(client, request, user):
    client.force_login(request.getfixturevalue(user))
    assert client.get("/growth/peers/").status_code == 403
    assert (
        client.post("/growth/peers/", {"size_basis": "employees", "size_edges": "1", "min_peers": "1"}).status_code
        == 403
    )


def test_plan_pdf_with_the_map_renders(manager, group):
    from plans.pdf import plan_pdf_render

    plan = AccountPlan.objects.create(account=group["parent"], title="Plan", starts_on="2026-01-01",
                                      ends_on="2026-12-31")  # fmt: skip
    assert plan_pdf_render(plan=plan, language="fr", audience=PdfAudience.CUSTOMER).startswith(b"%PDF")


def test_a_cell_already_turned_into_an_objective_links_to_it_instead_of_offering_another(client, manager, group):
    from plans.models import Metric
    from plans.tests.factories import ObjectiveFactory

    plan = AccountPlan.objects.create(account=group["parent"], title="Plan", starts_on="2026-01-01",
                                      ends_on="2026-12-31")  # fmt: skip
    salt = group["lines"][3]
    objective = ObjectiveFactory(plan=plan, title="Win Salt at Alpha Nord", metric=Metric.LINE_REVENUE, line=salt,
                                 line_account=group["north"])  # fmt: skip
    client.force_login(manager)
    base = f"/accounts/{group['parent'].pk}/whitespace"

    targeted = client.get(f"{base}/{group['north'].pk}/{salt.pk}/", headers=HTMX).content.decode()
    other = client.get(f"{base}/{group['south'].pk}/{salt.pk}/", headers=HTMX).content.decode()

    assert f'Objective: <a href="/plans/{plan.pk}/#objective-{objective.pk}">Win Salt at Alpha Nord</a>' in targeted
    assert "Turn into a plan objective" not in targeted
    assert "Turn into a plan objective" in other  # the same line at the other subsidiary is still to target
