"""The OpenAPI document: generated without warnings, valid, and served with its
documentation page."""

import pytest
from django.core.management import call_command
from django.urls import reverse


def test_the_openapi_document_is_valid_with_no_warnings(tmp_path):
    # --fail-on-warn: an endpoint the generator cannot describe fails the suite.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml")
    assert "/api/v1/hours/{id}/approve/" in (tmp_path / "s.yaml").read_text()


@pytest.mark.django_db
def test_the_schema_and_its_documentation_are_served(client):
    assert client.get(reverse("schema")).status_code == 200
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200
    # The Swagger UI comes from our static files, never a CDN.
    assert b"cdn" not in docs.content.lower()
