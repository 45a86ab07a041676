"""The OpenAPI 3.1 document at /api/v1/openapi.json (public: a contract, no data) and the
docs page (signed-in professionals only)."""

from __future__ import annotations

import pytest
from django.test import Client
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from tests.api.helpers import API
from tests.api.routes import API_ROUTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def document() -> dict:
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document, cls=OpenAPIV31SpecValidator)


def test_the_document_describes_every_operation_under_api_v1(document):
    paths = document["paths"]
    assert all(path.startswith("/api/v1/") for path in paths)
    described = {op["operationId"] for ops in paths.values() for op in ops.values()}
    assert described == set(API_ROUTES)
    assert "post" in paths["/api/v1/learners/search"]
    assert "get" not in paths["/api/v1/learners/search"]


def test_errors_are_documented_as_problem_details(document):
    for ops in document["paths"].values():
        for op in ops.values():
            for status in ("401", "403", "404", "422"):
                content = op["responses"][status]["content"]
                assert list(content) == ["application/problem+json"]
                assert content["application/problem+json"]["schema"]["$ref"].endswith("/Problem")


def test_both_ways_of_signing_in_are_described(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SignedInSession"]["in"] == "cookie"


def test_the_learner_search_takes_its_criteria_in_the_body(document):
    search = document["paths"]["/api/v1/learners/search"]["post"]
    assert search.get("parameters", []) == []
    body = search["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/LearnerSearch")
    assert {"text", "date_of_birth"} <= set(
        document["components"]["schemas"]["LearnerSearch"]["properties"]
    )


def test_the_docs_page_is_for_signed_in_professionals(cast):
    assert Client().get(f"{API}/docs").status_code == 302
    assert cast.client_for(cast.parent).get(f"{API}/docs").status_code == 403
    page = cast.client_for(cast.caseworker).get(f"{API}/docs")
    assert page.status_code == 200
    assert b"openapi.json" in page.content or b"swagger" in page.content.lower()
