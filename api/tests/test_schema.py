"""The checked-in schema (api/schema.yaml) is the one the code generates: `make api-schema` refreshes it."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.yaml"


def test_checked_in_schema_matches_the_code():
    generated = OpenApiYamlRenderer().render(SchemaGenerator().get_schema(request=None, public=True))
    assert yaml.safe_load(generated) == yaml.safe_load(SCHEMA_FILE.read_text()), (
        "api/schema.yaml is stale: run `make api-schema` and commit it"
    )


def test_every_operation_is_under_v1_and_needs_a_token():
    schema = yaml.safe_load(SCHEMA_FILE.read_text())
    assert schema["paths"] and all(path.startswith("/api/v1/") for path in schema["paths"])
    for operations in schema["paths"].values():
        for operation in operations.values():
            assert operation["security"] == [{"personalToken": []}]


def test_docs_and_schema_are_served_without_a_cdn(db):
    client = Client()
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html
    assert "<script>" not in html  # our CSP forbids inline scripts: the split view serves its own as a file
    assert client.get("/api/schema/").status_code == 200
