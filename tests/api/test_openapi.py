"""The OpenAPI document says what the API really does, for every operation, including the ones
routers added later bring: checked over the whole generated document, not route by route."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World
from tierdesk.bootstrap import Tierdesk
from tierdesk.entrypoints.web.app import create_app

Operation = tuple[str, str, dict[str, Any]]
ENVELOPE = {"$ref": "#/components/schemas/ErrorEnvelope"}


@pytest.fixture
def spec(app: Tierdesk) -> dict[str, Any]:
    document: dict[str, Any] = create_app(app).openapi()
    return document


def operations(spec: dict[str, Any]) -> list[Operation]:
    return [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]


def test_every_operation_says_what_it_does(spec: dict[str, Any]) -> None:
    undescribed = [
        f"{method} {path}"
        for method, path, operation in operations(spec)
        if not operation.get("summary") or not operation.get("description", "").strip()
    ]
    assert undescribed == []


def test_no_operation_documents_fastapis_validation_error(spec: dict[str, Any]) -> None:
    assert "HTTPValidationError" not in json.dumps(spec)


def test_every_operation_documents_the_errors_it_can_give_in_the_desk_envelope(
    spec: dict[str, Any],
) -> None:
    missing = []
    for method, path, operation in operations(spec):
        responses = operation["responses"]
        expected = {"422"}
        if operation.get("security"):
            expected |= {"401", "403", "429"}
        if "{" in path:
            expected.add("404")
        if "requestBody" in operation:
            expected.add("400")
        missing += [f"{method} {path}: {status}" for status in expected - set(responses)]
        for status, response in responses.items():
            if status >= "4":
                content = response.get("content", {}).get("application/json", {})
                if content.get("schema") != ENVELOPE or "error" not in content.get("example", {}):
                    missing.append(f"{method} {path}: {status} not in the envelope")
    assert missing == []


def test_every_request_body_and_success_answer_has_an_example(spec: dict[str, Any]) -> None:
    missing = []
    for method, path, operation in operations(spec):
        contents = [("body", operation.get("requestBody", {}).get("content", {}))]
        contents += [(s, r.get("content", {})) for s, r in operation["responses"].items()]
        for where, content in contents:
            if where != "body" and not where.startswith("2"):
                continue
            for media_type, media in content.items():
                if media.get("schema") and "example" not in media and "examples" not in media:
                    missing.append(f"{method} {path} {where} {media_type}")
    assert missing == []


def test_an_unknown_query_parameter_is_refused_naming_it(client: TestClient, world: World) -> None:
    answer = client.get("/api/v1/tickets?stauts=open", headers=world.l1_agent)

    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["field"] == "stauts"
    assert "stauts" in error["message"]


def test_declared_query_parameters_are_still_taken(client: TestClient, world: World) -> None:
    answer = client.get("/api/v1/tickets?status=open&limit=5", headers=world.l1_agent)

    assert answer.status_code == 200


def test_every_schema_has_a_name_a_client_generator_keeps(spec: dict[str, Any]) -> None:
    # Two models of one class name in two modules get module-path names, which generators
    # (openapi-python-client) fold into one and then drop every model that refers to them.
    assert [name for name in spec["components"]["schemas"] if "__" in name] == []
