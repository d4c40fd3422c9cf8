"""The OpenAPI document as the desk really answers: one post-processing step over FastAPI's.

FastAPI documents every 422 as its own ``HTTPValidationError``, while the desk answers every
error in one envelope (``entrypoints/web/errors.py``). Here every operation gets the error
statuses it can give, all in that envelope, and every request body and success answer an
example: the schema's own when it has one, otherwise one built from the schema, so a generated
client and the browsable /docs show a plausible value instead of ``"string"``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field

Schema = dict[str, Any]
_REF = "#/components/schemas/"


class Problem(BaseModel):
    field: str = Field(description="Where: a query or path parameter, or a body field path")
    problem: str


class ErrorBody(BaseModel):
    """Besides ``code`` and ``message``, an error may carry what explains it: ``field`` (the
    input at fault), ``problems`` (each invalid input), ``retry_after`` (seconds), ``ticket``."""

    model_config = ConfigDict(extra="allow")

    code: str = Field(description="Stable and machine-readable: branch on this, not the text")
    message: str = Field(description="For people; may change between versions")
    field: str | None = None
    problems: list[Problem] | None = None


class ErrorEnvelope(BaseModel):
    """Every error the API answers, whatever its status."""

    error: ErrorBody


# status → (when, example code, example message)
_ERRORS: dict[int, tuple[str, str, str]] = {
    400: ("The body is not valid JSON", "malformed_json", "the request body is not valid JSON"),
    401: (
        "No token, or one that is unknown, revoked or expired",
        "unauthenticated",
        "send an API token as 'Authorization: Bearer <token>'",
    ),
    403: (
        "The token's owner may see this but may not do it",
        "permission_denied",
        "only agents may do this",
    ),
    404: (
        "No such record, or one this token's owner may not see",
        "not_found",
        "ticket TD-1042 not found",
    ),
    409: (
        "The change conflicts with the record's current state",
        "invalid_transition",
        "a closed ticket cannot be solved",
    ),
    422: (
        "A parameter or body field is invalid, or a query parameter is unknown",
        "invalid_request",
        "invalid request: limit: Input should be less than or equal to 200",
    ),
    429: (
        "Too many failed attempts from this address: wait `retry_after` seconds",
        "rate_limited",
        "too many failed attempts; try again in 60 seconds",
    ),
}
_WRITES = {"post", "put", "patch", "delete"}


def _error_response(status: int) -> dict[str, Any]:
    when, code, message = _ERRORS.get(status, ("", "unavailable", "not ready: the database"))
    example: dict[str, Any] = {"code": code, "message": message}
    if status == 422:
        example["problems"] = [{"field": "limit", "problem": "less than or equal to 200"}]
    if status == 429:
        example["retry_after"] = 60
    return {
        "description": when,
        "content": {
            "application/json": {
                "schema": {"$ref": f"{_REF}ErrorEnvelope"},
                "example": {"error": example},
            }
        },
    }


def error_statuses(path: str, method: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses an operation can answer, from what it takes."""
    statuses = [422]  # every operation rejects unknown query parameters
    if "requestBody" in operation:
        statuses.append(400)
    if operation.get("security"):
        statuses += [401, 403, 429]
    if "{" in path:
        statuses.append(404)
    if method in _WRITES and operation.get("security"):
        statuses.append(409)
    return sorted(statuses)


# -- examples built from a schema -----------------------------------------------------------

_STRING_HINTS = {
    "number": "TD-1042",
    "ticket": "TD-1042",
    "ticket_ref": "TD-1042",
    "subject": "VPN drops every 20 minutes",
    "body": "Since this morning the VPN client disconnects every 20 minutes.",
    "email": "ana@acme.example",
    "name": "Acme Telecom",
    "title": "VPN client disconnects after sleep",
    "product": "vpn",
    "key": "network",
    "queue": "network",
    "cursor": "eyJrIjpbNDJdfQ",
    "next_cursor": None,
    "language": "en",
    "message": "Done",
    "url": "https://support.example.com/portal/tickets/TD-1042",
}
_FORMATS = {
    "date-time": "2026-03-02T09:00:00Z",
    "date": "2026-03-02",
    "email": "ana@acme.example",
    "uri": "https://support.example.com/",
    "duration": "PT4H",
}


def example_of(
    schema: Schema, components: dict[str, Schema], name: str = "", seen: tuple[str, ...] = ()
) -> Any:
    """A value that fits ``schema``, its own example first."""
    if "example" in schema:
        return schema["example"]
    if schema.get("examples"):
        return schema["examples"][0]
    if "$ref" in schema:
        ref = schema["$ref"].removeprefix(_REF)
        if ref in seen:  # a recursive schema (a thread of replies): stop at the first repeat
            return None
        return example_of(components.get(ref, {}), components, name, (*seen, ref))
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return example_of(options[0], components, name, seen) if options else None
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {prop: example_of(sub, components, prop, seen) for prop, sub in properties.items()}
    if kind == "array":
        return [example_of(schema.get("items", {}), components, name, seen)]
    if kind == "integer":
        return min(max(42, int(schema.get("minimum", 42))), int(schema.get("maximum", 42)))
    if kind == "number":
        return 0.5
    if kind == "boolean":
        return False
    if kind == "string":
        if schema.get("format") in _FORMATS:
            return _FORMATS[schema["format"]]
        return _STRING_HINTS.get(name, name.replace("_", " ") or "text")
    return None


def _add_examples(operation: dict[str, Any], components: dict[str, Schema]) -> None:
    contents = [operation.get("requestBody", {}).get("content", {})]
    contents += [
        response.get("content", {})
        for status, response in operation["responses"].items()
        if status.startswith("2")
    ]
    for content in contents:
        for media in content.values():
            schema = media.get("schema")
            if schema and "example" not in media and "examples" not in media:
                media["example"] = example_of(schema, components)


def desk_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """``app.openapi``: FastAPI's document, post-processed once and cached."""

    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        components = spec.setdefault("components", {}).setdefault("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        envelope = ErrorEnvelope.model_json_schema(ref_template=_REF + "{model}")
        components.update(envelope.pop("$defs", {}))
        components["ErrorEnvelope"] = envelope
        for path, item in spec.get("paths", {}).items():
            for method, operation in item.items():
                responses = operation.setdefault("responses", {})
                for status in error_statuses(path, method, operation):
                    responses[str(status)] = _error_response(status)
                for status, response in responses.items():
                    if status >= "4" and "content" not in response:  # declared by hand (503)
                        response["content"] = _error_response(int(status))["content"]
                _add_examples(operation, components)
        app.openapi_schema = spec
        return spec

    return build
