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


def _operations():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_every_operation_documents_the_errors_it_can_give():
    for path, method, operation in _operations():
        statuses = set(operation["responses"])
        assert {"401", "403"} <= statuses, (method, path)
        if "{" in path:
            assert "404" in statuses, (method, path)
        if method in ("post", "put", "patch"):
            assert "400" in statuses, (method, path)
        forbidden = operation["responses"]["403"]["content"]["application/json"]["schema"]
        assert forbidden["required"] == ["detail"]


def test_actions_document_their_own_request_bodies():
    bodies = {
        (path, method): operation.get("requestBody", {})
        .get("content", {})
        .get("application/json", {})
        .get("schema", {})
        .get("$ref", "")
        for path, method, operation in _operations()
    }

    assert bodies[("/api/v1/hours/{id}/reject/", "post")].endswith("/RejectRequest")
    assert bodies[("/api/v1/credits/spend/", "post")].endswith("/SpendRequest")
    assert bodies[("/api/v1/hours/{id}/approve/", "post")] == ""
    assert bodies[("/api/v1/assets/{id}/archive/", "post")] == ""
