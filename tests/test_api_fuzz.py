"""Schemathesis against the OpenAPI document: every GET an anonymous caller can make,
with generated parameters, never errors and answers as the document says."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assetmap.wsgi import application
from tests.factories import (
    AssetFactory,
    CategoryFactory,
    NetworkFactory,
    OpportunityFactory,
    PracticeFactory,
    RecurringSessionFactory,
)

# The document /api/schema/ serves, built in-process, so loading it needs no request.
_document = json.loads(
    OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))
)
schema = schemathesis.openapi.from_dict(_document).include(method="GET")
schema.app = application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def published_data(db):
    network = NetworkFactory(name="Bromley-by-Bow", slug="bromley-by-bow")
    PracticeFactory(network=network)
    category = CategoryFactory()
    for _ in range(3):
        asset = AssetFactory(categories=[category])
        RecurringSessionFactory(asset=asset)
    OpportunityFactory()


@pytest.fixture
def wsgi_calls_keep_the_test_transaction():
    """Django closes "old" connections around each request it handles; inside a test's
    transaction that would poison it. Django's own test client does this too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_public_get_endpoints_answer_as_documented(
    case, published_data, wsgi_calls_keep_the_test_transaction
):
    response = case.call()

    # Refusals, bad parameters and unknown ids included: every answer is documented.
    case.validate_response(response, checks=CHECKS)
