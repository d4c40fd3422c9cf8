"""One error shape for the whole API: ``{"error": {"code", "message", ...}}``.

The domain raises coded errors; this table alone decides their HTTP status."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from tierdesk.errors import ErrorCode, TierdeskError

STATUS_BY_CODE: dict[ErrorCode, int] = {
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.INVALID_INPUT: 422,
    ErrorCode.INVALID_TRANSITION: 409,
    ErrorCode.CONFLICT: 409,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA: 415,
    ErrorCode.CONFIGURATION: 500,
    ErrorCode.UNAVAILABLE: 502,
    ErrorCode.RATE_LIMITED: 429,
}

_HTTP_CODES = {
    401: "unauthenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media",
}


def error_response(
    http_status: int, code: str, message: str, data: dict[str, Any] | None = None
) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if http_status == 401 else None
    if http_status == 429 and data and "retry_after" in data:
        headers = {"Retry-After": str(data["retry_after"])}
    body = {"error": {**(data or {}), "code": code, "message": message}}
    return JSONResponse(body, status_code=http_status, headers=headers)


async def _tierdesk_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TierdeskError)
    return error_response(STATUS_BY_CODE[exc.code], str(exc.code), exc.message, exc.data)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"field": ".".join(str(p) for p in err["loc"] if p != "body"), "problem": err["msg"]}
        for err in exc.errors()
    ]
    if any(err.get("type") == "json_invalid" for err in exc.errors()):
        return error_response(
            400, "malformed_json", "the request body is not valid JSON", {"problems": problems}
        )
    summary = "; ".join(f"{p['field'] or 'body'}: {p['problem']}" for p in problems[:5])
    return error_response(
        422, "invalid_request", f"invalid request: {summary}", {"problems": problems}
    )


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(TierdeskError, _tierdesk_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
