"""A minimal client generated at run time from the desk's own OpenAPI document: each operation
by its ``operationId``, its parameters split into path and query as the document declares, and
every answer checked against the schema the document gives for its status. What a generated
client (openapi-python-client and the like) relies on, without its code generation step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

Schema = dict[str, Any]


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    path_params: frozenset[str]
    query_params: frozenset[str]
    responses: dict[str, Any]


class SchemaMismatch(AssertionError):
    pass


class SpecClient:
    def __init__(self, spec: dict[str, Any], http: TestClient, headers: dict[str, str]) -> None:
        self.spec = spec
        self.http = http
        self.headers = headers
        self.operations: dict[str, Operation] = {}
        for path, item in spec["paths"].items():
            for method, operation in item.items():
                params = operation.get("parameters", [])
                self.operations[operation["operationId"]] = Operation(
                    method=method.upper(),
                    path=path,
                    path_params=frozenset(p["name"] for p in params if p["in"] == "path"),
                    query_params=frozenset(p["name"] for p in params if p["in"] == "query"),
                    responses=operation["responses"],
                )

    def find(self, method: str, path: str) -> str:
        """The operationId of ``method path`` (a generated client's method name)."""
        [found] = [
            key
            for key, op in self.operations.items()
            if (op.method, op.path) == (method.upper(), path)
        ]
        return found

    def call(self, operation_id: str, body: Any = None, **params: Any) -> tuple[int, Any]:
        operation = self.operations[operation_id]
        unknown = set(params) - operation.path_params - operation.query_params
        if unknown:
            raise TypeError(f"{operation_id} takes no {sorted(unknown)}")
        path = operation.path
        for name in operation.path_params:
            path = path.replace("{" + name + "}", str(params[name]))
        query = {k: v for k, v in params.items() if k in operation.query_params}
        answer = self.http.request(
            operation.method, path, params=query, json=body, headers=self.headers
        )
        documented = operation.responses.get(str(answer.status_code))
        if documented is None:
            raise SchemaMismatch(f"{operation_id} answered an undocumented {answer.status_code}")
        content = documented.get("content", {}).get("application/json")
        data = answer.json() if content and answer.content else None
        if content:
            check(self.spec, content["schema"], data, operation_id)
        return answer.status_code, data


def check(spec: dict[str, Any], schema: Schema, value: Any, where: str = "$") -> None:
    """``value`` fits ``schema`` (the JSON Schema subset FastAPI emits), or SchemaMismatch."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        check(spec, spec["components"]["schemas"][name], value, where)
        return
    for key in ("anyOf", "oneOf"):
        if key in schema:
            for option in schema[key]:
                try:
                    check(spec, option, value, where)
                    return
                except SchemaMismatch:
                    continue
            raise SchemaMismatch(f"{where}: {value!r} fits none of {key}")
    for part in schema.get("allOf", []):
        check(spec, part, value, where)
    if "const" in schema and value != schema["const"]:
        raise SchemaMismatch(f"{where}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        raise SchemaMismatch(f"{where}: {value!r} not in {schema['enum']}")
    kinds = {
        "object": dict,
        "array": list,
        "string": str,
        "integer": int,
        "number": (int, float),
        "boolean": bool,
        "null": type(None),
    }
    kind = schema.get("type")
    if kind is not None:
        wanted = kinds[kind]
        if not isinstance(value, wanted) or (kind in {"integer", "number"} and value is True):
            raise SchemaMismatch(f"{where}: {value!r} is not {kind}")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                raise SchemaMismatch(f"{where}: {name!r} is missing")
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                check(spec, sub, value[name], f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            check(spec, schema["items"], item, f"{where}[{i}]")
