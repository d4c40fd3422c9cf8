"""Text with a NUL character or a lone surrogate is refused, on every route (API and pages), in
one place.

PostgreSQL's text (and JSONB) cannot hold U+0000: a subject, a search word or a form field
carrying one failed when it was bound, an answer of 500 where the caller's mistake belongs.
SQLite stored it, so the same request answered differently on the two engines. A NUL carries
nothing a person wrote, so wherever it arrives as text (a path or query parameter, a JSON
string or key, a form field or an uploaded file's name) the request is a 422 naming the field,
before anything reads or writes. An uploaded file's bytes are not text and are left alone.

JSON can also carry half of a UTF-16 surrogate pair ("\\ud800" with no partner), which Python
keeps as a lone surrogate that no database driver can encode: the same 422, not a 500 from
wherever it was first bound."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator

from fastapi import Request, params
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from tierdesk.errors import InvalidInputError

NUL = "\x00"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # a pair decodes to one character; half stays
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _json_strings(value: object, path: str) -> Iterator[tuple[str, str]]:
    """Every string in a parsed JSON value (keys too), with where it is (``packet.steps.0``)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            yield where, str(key)
            yield from _json_strings(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{path}.{index}" if path else str(index))


def _form_parsed_already(request: Request) -> bool:
    """FastAPI reads a route's form before its dependencies run when the route declares form
    fields (then the body itself is gone, the form is kept)."""
    body_field = getattr(request.scope.get("route"), "body_field", None)
    return body_field is not None and isinstance(body_field.field_info, params.Form)


async def _form_texts(request: Request) -> list[tuple[str, str]]:
    if not _form_parsed_already(request):
        # Kept, so that the route can still read the body as sent (the tracker's signature) or
        # as a form (the CSRF check): the form below is parsed from the kept body.
        await request.body()
    try:
        form = await request.form()
    except HTTPException:  # not a form after all: the route's own reading answers that
        return []
    texts: list[tuple[str, str]] = []
    for name, item in form.multi_items():
        value = (item.filename or "") if isinstance(item, UploadFile) else item
        texts += [(name, name), (name, value)]
    return texts


async def _texts(request: Request) -> list[tuple[str, str]]:
    """Every text the request carries, with the field it is in."""
    texts: list[tuple[str, str]] = []
    texts += [(str(name), str(value)) for name, value in request.path_params.items()]
    for name, value in request.query_params.multi_items():
        texts += [(name, name), (name, value)]
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(_FORMS):
        texts += await _form_texts(request)
    elif request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        body = await request.body()  # read (and kept) already by the route's own parsing
        # JSON can only carry a NUL escaped; "\\u0000" (an escaped backslash) is no NUL, which
        # parsing tells. A body that is not JSON is the route's to refuse.
        if b"\\u0000" in body or _ESCAPED_SURROGATE.search(body):
            with contextlib.suppress(ValueError):
                texts += _json_strings(json.loads(body), "")
    return texts


async def refuse_nul_characters(request: Request) -> None:
    """A dependency of the API's and the pages' routers."""
    for field, text in await _texts(request):
        if NUL in text:
            raise InvalidInputError(
                f"{field or 'the body'} holds a NUL character (U+0000), which no text may hold",
                field=field,
            )
        if _LONE_SURROGATE.search(text):
            raise InvalidInputError(
                f"{field or 'the body'} holds half of a UTF-16 surrogate pair, which is no "
                "character",
                field=field,
            )
