"""The import wizard over HTTP: each step, bad files, and who may use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from accounts.models import Account, ImportBatch, ImportMapping
from kam.models import User

pytestmark = pytest.mark.django_db

NORTHWIND = Path(__file__).resolve().parents[1] / "demo_data" / "northwind"


def _upload(client, name: str, content: bytes, kind: str = "accounts"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/accounts/import/", {"file": SimpleUploadedFile(name, content), "kind": kind})


def test_wizard_imports_a_french_excel_csv_end_to_end(client, manager):
    client.force_login(manager)
    content = "Code client;Raison sociale;Pays;Potentiel\nC1;Société Générale de Boulangerie;France;1 234,50\n"
    response = _upload(client, "clients.csv", content.encode("cp1252"))
    batch = ImportBatch.objects.get()
    assert response.url == f"/accounts/import/{batch.pk}/map/"
    body = client.get(response.url).content.decode()
    assert "Raison sociale" in body
    response = client.post(
        response.url, {"column_0": "reference", "column_1": "name", "column_2": "country", "column_3": "potential"}
    )
    assert response.url == f"/accounts/import/{batch.pk}/preview/"
    assert "1 account to create, 0 to update, 0 unchanged" in client.get(response.url).content.decode()
    response = client.post(f"/accounts/import/{batch.pk}/preview/")
    assert response.url == f"/accounts/import/{batch.pk}/result/"
    account = Account.objects.get(reference="C1")
    assert account.name == "Société Générale de Boulangerie"
    assert str(account.potential) == "1234.50"
    assert account.owner == manager


def test_preview_lists_every_bad_row_and_apply_writes_nothing(client, manager):
    client.force_login(manager)
    content = b"name,potential\nGood Co,100\nBad Co,-5\n,12\nWorse Co,abc\n"
    batch_url = _upload(client, "accounts.csv", content).url
    preview_url = batch_url.replace("map", "preview")
    body = client.get(preview_url).content.decode()
    for line in ("3", "5"):
        assert f'<th scope="row">{line}</th>' in body
    assert '<th scope="row">4</th>' not in body
    assert "1 row skipped: no account name (line 4)." in body
    assert "Nothing will be imported" in body
    response = client.post(preview_url)
    assert "Nothing was imported" in response.content.decode()
    assert not Account.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "file is empty."),
        ("broken.xlsx", b"not a zip", "not a valid Excel .xlsx file"),
        ("header.csv", b"name,country\n", "no data"),
    ],
)
def test_broken_uploads_get_a_clear_message_on_the_form(client, manager, name, content, message):
    client.force_login(manager)
    response = _upload(client, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_missing_required_column_is_explained_on_the_mapping_step(client, manager):
    client.force_login(manager)
    batch_url = _upload(client, "no-name.csv", b"city,country\nLyon,FR\n").url
    response = client.get(batch_url.replace("map", "preview"), follow=True)
    assert "required" in response.content.decode()
    assert not Account.objects.exists()


def test_oversized_upload_is_refused_with_the_limit(client, manager, settings):
    settings.KAM_IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(manager)
    response = _upload(client, "big.csv", b"name\n" + b"x" * (2 * 1024 * 1024))
    assert "the largest file accepted is 1 MB" in response.content.decode()


@pytest.mark.parametrize("role", ["sponsor", "contributor", "outsider"])
def test_only_administrators_and_managers_may_import(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/accounts/import/").status_code == 403
    assert _upload(client, "a.csv", b"name\nX\n").status_code == 403
    assert not Account.objects.exists()


def test_a_batch_is_private_to_its_uploader(client, manager, other_manager):
    client.force_login(manager)
    batch_url = _upload(client, "a.csv", b"name\nX\n").url
    client.force_login(other_manager)
    assert client.get(batch_url).status_code == 404
    assert client.post(batch_url.replace("map", "preview")).status_code == 404
    assert not Account.objects.exists()


def test_northwind_orders_import_as_yearly_revenue(client, admin_user, tmp_path):
    import pandas as pd

    from accounts.demo import read_ragged_csv

    orders = read_ragged_csv(NORTHWIND / "orders.csv", loose_column="shipAddress")
    lines = pd.read_csv(NORTHWIND / "order-details.csv").astype({"orderID": str})
    joined = lines.merge(orders[["orderID", "customerID", "orderDate"]], on="orderID").head(400)
    client.force_login(admin_user)
    batch_url = _upload(client, "lines.csv", joined.to_csv(index=False).encode(), kind="transactions").url
    form = client.get(batch_url).context["form"]
    data = {name: field.initial or form.initial.get(name, "") for name, field in form.fields.items()}
    data["create_missing_accounts"] = "on"
    client.post(batch_url, data)
    client.post(batch_url.replace("map", "preview"))
    batch = ImportBatch.objects.get()
    assert batch.status == "applied", batch.result
    assert Account.objects.filter(financials__isnull=False).exists()


# --- CRM exports: suggestions, company facts, saved mappings, sales teams -----------------------------------------

CRM = Path(__file__).resolve().parent / "data" / "crm"


def _map_as_guessed(client, batch_url: str, **extra):
    """Post the map step as shown (guessed or saved mapping), with extra answers."""
    form = client.get(batch_url).context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data = {name: value for name, value in data.items() if value not in (None, False)}
    return client.post(batch_url, {**data, **extra})


def test_one_click_accepts_every_country_suggestion_then_the_file_applies(client, manager):
    client.force_login(manager)
    batch_url = _upload(client, "a.csv", b"name,country\nA,Germnay\nB,Germnay\nC,France\n").url
    preview_url = batch_url.replace("map", "preview")
    body = client.get(preview_url).content.decode()
    assert "Did you mean Germany for “Germnay” (2 rows)?" in body

    response = client.post(batch_url.replace("map", "accept-suggestions"), follow=True)

    body = response.content.decode()
    assert "Did you mean" not in body and "rows have problems" not in body
    assert "3 accounts to create" in body
    client.post(preview_url)
    assert sorted(Account.objects.values_list("country", flat=True)) == ["DE", "DE", "FR"]


def test_map_step_asks_unit_and_currency_of_the_company_turnover(client, manager):
    client.force_login(manager)
    batch_url = _upload(client, "a.csv", b"account,revenue\nAcme,12.5\n").url

    response = _map_as_guessed(client, batch_url)

    assert response.status_code == 200
    assert "Say in which unit the company turnover is written." in response.content.decode()
    response = _map_as_guessed(client, batch_url, turnover_unit="M", turnover_currency="usd")
    assert response.url.endswith("/preview/")
    client.post(response.url)
    acme = Account.objects.get()
    assert acme.company_turnover_display == "12.50 million USD"


def test_a_file_with_an_imported_header_reuses_its_saved_mapping(client, manager):
    client.force_login(manager)
    content = b"Societe,Chiffre,Pays\nAcme,10,FR\n"
    batch_url = _upload(client, "crm.csv", content).url
    _map_as_guessed(client, batch_url, column_0="name", column_1="company_turnover", column_2="country",
                    turnover_unit="k", turnover_currency="EUR", save_as="Our CRM")  # fmt: skip
    client.post(batch_url.replace("map", "preview"))

    second = _upload(client, "crm-next-month.csv", b"SOCIETE, chiffre ,Pays\nBeta,20,DE\n").url
    body = client.get(second).content.decode()

    assert "Using saved mapping “Our CRM”" in body
    form = client.get(second).context["form"]
    assert [form.initial[f"column_{i}"] for i in range(3)] == ["name", "company_turnover", "country"]
    assert (form.initial["turnover_unit"], form.initial["turnover_currency"]) == ("k", "EUR")


def test_saved_mappings_are_listed_renamed_and_deleted_by_their_author_only(client, manager, other_manager, admin_user):
    client.force_login(manager)
    batch_url = _upload(client, "a.csv", b"name\nAcme\n").url
    client.post(batch_url.replace("map", "preview"))  # applying keeps the mapping, named after the file
    saved = ImportMapping.objects.get()
    assert saved.name == "a.csv"
    assert "a.csv" in client.get("/accounts/import/mappings/").content.decode()

    client.post(f"/accounts/import/mappings/{saved.pk}/", {"name": "Weekly export"}, follow=True)
    assert ImportMapping.objects.get().name == "Weekly export"
    client.force_login(other_manager)
    assert "Weekly export" not in client.get("/accounts/import/mappings/").content.decode()
    assert client.post(f"/accounts/import/mappings/{saved.pk}/delete/").status_code == 404
    client.force_login(admin_user)
    assert "Weekly export" in client.get("/accounts/import/mappings/").content.decode()
    client.force_login(manager)
    client.post(f"/accounts/import/mappings/{saved.pk}/delete/")
    assert not ImportMapping.objects.exists()


def test_sales_team_then_crm_accounts_through_the_wizard_with_counts_that_say_what_they_count(client, admin_user):
    client.force_login(admin_user)
    team_url = _upload(client, "sales_teams.csv", (CRM / "sales_teams.csv").read_bytes(), kind="sales_team").url
    _map_as_guessed(client, team_url)
    response = client.post(team_url.replace("map", "preview"), follow=True)
    assert "14 users created, 0 updated, 0 unchanged" in response.content.decode()

    accounts_url = _upload(client, "accounts.csv", (CRM / "accounts.csv").read_bytes()).url
    _map_as_guessed(client, accounts_url, turnover_unit="M", turnover_currency="USD")
    client.post(accounts_url.replace("map", "accept-suggestions"))
    response = client.post(accounts_url.replace("map", "preview"), follow=True)

    body = response.content.decode()
    assert "40 accounts created, 0 updated, 0 unchanged" in body
    assert "2 rows skipped: no account name (lines 17, 33)." in body


def test_a_manager_cannot_import_a_sales_team(client, manager):
    client.force_login(manager)

    response = _upload(client, "team.csv", b"sales_agent,manager\nAnna Lee,Bo Chef\n", kind="sales_team")

    assert response.status_code == 200
    assert "Only administrators can import a sales team" in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert not User.objects.filter(last_name="Lee").exists()


# --- Money: credit notes, unit and currency, opportunities ----------------------------------------------------


def _form_data(client, url: str) -> dict:
    """What the mapping page submits when the user changes nothing."""
    form = client.get(url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else value
    return data


def test_the_mapping_step_asks_which_document_types_are_credit_notes(client, manager):
    from decimal import Decimal

    from accounts.tests.factories import AccountFactory

    AccountFactory(reference="K1", name="Known", owner=manager)
    client.force_login(manager)
    content = "client;date;montant;type de document\nK1;01/03/2024;100;Facture\nK1;02/03/2024;40;Avoir\n"
    batch_url = _upload(client, "lignes.csv", content.encode(), kind="transactions").url
    body = client.get(batch_url).content.decode()
    assert 'id="credit-values"' in body
    data = _form_data(client, batch_url)
    assert data["credit_0"] == "on"  # "Avoir" is pre-ticked; "Facture" is not
    assert "credit_1" not in data
    data.update({"unit": "1000", "currency": "chf"})

    client.post(batch_url, data)
    preview = client.get(batch_url.replace("map", "preview")).content.decode()
    client.post(batch_url.replace("map", "preview"))

    assert "1 yearly revenue to write for 1 account." in preview
    stored = ImportBatch.objects.get().result
    assert stored["counts"] == ["1 yearly revenue written for 1 account."]
    financial = Account.objects.get(reference="K1").financials.get()
    assert (financial.revenue, financial.currency) == (Decimal("60000.00"), "CHF")


def test_a_currency_that_is_not_an_iso_code_is_refused_next_to_the_field(client, manager):
    client.force_login(manager)
    batch_url = _upload(client, "a.csv", b"customer,date,amount\nK1,2024-01-01,5\n", kind="transactions").url
    data = _form_data(client, batch_url)
    data["currency"] = "euros"

    response = client.post(batch_url, data)

    assert response.status_code == 200
    assert "Enter a three-letter currency code, such as EUR or USD." in response.content.decode()


def test_opportunities_wizard_confirms_stages_and_counts_what_it_writes(client, manager):
    from accounts.models import Deal
    from accounts.tests.factories import AccountFactory

    AccountFactory(name="Acme Corporation", owner=manager)
    client.force_login(manager)
    content = (
        "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"
        "C1I7A6R,Anna,GTX Pro,Acme Corporation,Won,2016-11-02,2016-12-01,4821\n"
        "D2K,Anna,GTX Pro,Acme Corporation,Stage X,2016-11-02,2016-12-01,100\n"
        "E3L,Anna,GTX Pro,Unknown Co,Engaging,2016-11-02,,100\n"
        "F4M,Anna,GTX Pro,,Engaging,,,\n"
    )
    batch_url = _upload(client, "opportunities.csv", content.encode(), kind="opportunities").url
    page = client.get(batch_url)
    stages = {field.label: field.initial for field in page.context["form"].stage_fields()}
    assert stages == {"Engaging": "open", "Stage X": "", "Won": "won"}
    data = _form_data(client, batch_url)

    response = client.post(batch_url, data)
    assert "Say whether this stage is won, open or lost." in response.content.decode()

    data[next(f"stage_{i}" for i, label in enumerate(sorted(stages)) if label == "Stage X")] = "lost"
    client.post(batch_url, data)
    preview = client.get(batch_url.replace("map", "preview")).content.decode()
    assert "1 won deal, 0 open deals (pipeline 0 EUR), 1 lost deal ignored." in preview
    assert "1 row skipped: no account." in preview
    assert "1 row skipped: its account is not in the register (1 account)." in preview
    assert "The newest figures are for 2016" in preview
    client.post(batch_url.replace("map", "preview"))
    result = client.get(batch_url.replace("map", "result")).content.decode()

    assert "1 yearly revenue written for 1 account." in result
    assert Deal.objects.count() == 2
    assert not Account.objects.filter(name="Unknown Co").exists()


def test_a_saved_mapping_also_keeps_the_unit_currency_and_stages_of_an_opportunities_export(client, manager):
    from accounts.tests.factories import AccountFactory

    AccountFactory(name="Acme Corporation", owner=manager)
    client.force_login(manager)
    header = "opportunity_id,account,deal_stage,close_date,close_value\n"
    batch_url = _upload(client, "deals.csv", (header + "A1,Acme Corporation,Stage X,2024-02-01,5\n").encode(),
                        kind="opportunities").url  # fmt: skip
    data = _form_data(client, batch_url)
    data.update({"unit": "1000", "currency": "usd", "stage_0": "won", "save_as": "Our CRM deals"})
    client.post(batch_url, data)
    client.post(batch_url.replace("map", "preview"))

    second = _upload(client, "deals-next.csv", (header + "B2,Acme Corporation,Stage X,2024-03-01,7\n").encode(),
                     kind="opportunities").url  # fmt: skip
    page = client.get(second)

    assert "Using saved mapping “Our CRM deals”" in page.content.decode()
    form = page.context["form"]
    assert (form.fields["unit"].initial, form.fields["currency"].initial) == (1000, "USD")
    assert [field.initial for field in form.stage_fields()] == ["won"]
    client.post(second, _form_data(client, second))
    client.post(second.replace("map", "preview"))
    assert Account.objects.get(name="Acme Corporation").financials.get(year=2024).revenue == 12000


def test_an_accounts_file_takes_our_revenue_only_from_a_column_named_as_ours(client, manager):
    client.force_login(manager)
    content = b"account,revenue,our revenue,year\nAcme,1.2,30,2024\n"
    batch_url = _upload(client, "a.csv", content).url

    form = client.get(batch_url).context["form"]

    assert [form.initial[f"column_{i}"] for i in range(4)] == ["name", "company_turnover", "revenue", "year"]
    data = _form_data(client, batch_url)
    data.update({"unit": "1000", "currency": "EUR", "turnover_unit": "M", "turnover_currency": "USD"})
    client.post(batch_url, data)
    client.post(batch_url.replace("map", "preview"))
    acme = Account.objects.get(name="Acme")
    assert acme.company_turnover_display == "1.20 million USD"
    assert (acme.financials.get(year=2024).revenue, acme.financials.get(year=2024).currency) == (30000, "EUR")
