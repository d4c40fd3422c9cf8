"""One pagination for every API list: ``limit`` + an opaque ``cursor``, answered as
``{"items": [...], "next_cursor": "..." | null}``.

A cursor is base64url-encoded JSON that only this module reads: the list's own keyset (its
sort key and id, where the list is paged in the database) or, for the small lists paged in
memory, the id and position of the last item shown. Anything else sent as a cursor is a 422 on
the field ``cursor``, never a 500 or a silent first page."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field

from tierdesk.domain.audit_query import MAX_RECORD_ID
from tierdesk.errors import InvalidInputError

T = TypeVar("T")
K = TypeVar("K")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(*values: Any) -> str:
    raw = json.dumps(list(values), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    """The values ``encode_cursor`` packed, or a 422 on ``cursor``."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list):
        raise invalid_cursor()
    return values


def invalid_cursor() -> InvalidInputError:
    return InvalidInputError(
        "the cursor is not one this list handed out; start again without one", field="cursor"
    )


@dataclass(frozen=True)
class PageRequest:
    limit: int
    cursor: str | None


def page_request(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"At most this many items (≤ {MAX_LIMIT})")
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(max_length=500, description="The `next_cursor` of the previous page"),
    ] = None,
) -> PageRequest:
    return PageRequest(limit, cursor)


PageQuery = Annotated[PageRequest, Depends(page_request)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="Send as `cursor` for the next page; null on the last page"
    )


def _id_of(item: object) -> Any:
    return item if isinstance(item, str | int) else getattr(item, "id", None)


def paginate(items: Sequence[T], page: PageRequest, id_of: Callable[[T], Any] = _id_of) -> Page[T]:
    """A page of a small list already in memory, in its own order."""
    return paginate_fetched(lambda _count: items, page, id_of)


def paginate_fetched(
    fetch: Callable[[int], Sequence[T]], page: PageRequest, id_of: Callable[[T], Any] = _id_of
) -> Page[T]:
    """A page of a list whose query takes a limit: ``fetch(n)`` answers its first ``n`` items.

    The cursor names the last item shown (its id) and the position after it: the next page
    resumes after that item where it still is among those fetched, else at that position."""
    last_id, position = None, 0
    if page.cursor:
        values = decode_cursor(page.cursor)
        if len(values) != 3 or values[0] != "m" or not isinstance(values[2], int):
            raise invalid_cursor()
        last_id, position = values[1], max(values[2], 0)
    items = fetch(position + page.limit + 1)
    ids = [id_of(item) for item in items]
    start = ids.index(last_id) + 1 if last_id is not None and last_id in ids else position
    shown = list(items[start : start + page.limit])
    more = start + page.limit < len(items)
    next_cursor = None
    if more and shown:
        next_cursor = encode_cursor("m", id_of(shown[-1]), start + len(shown))
    return Page[T](items=shown, next_cursor=next_cursor)


def paginate_keyset(
    fetch: Callable[[K | None, int], Sequence[T]],
    page: PageRequest,
    key_of: Callable[[T], K],
    *,
    kind: str,
    encode: Callable[[K], list[Any]],
    decode: Callable[[list[Any]], K],
) -> Page[T]:
    """A page of a list the query pages itself: ``fetch(after, n)`` answers the first ``n``
    items after the key ``after`` (None: from the start) in the list's order. The cursor holds
    the last shown item's key (``encode``/``decode`` turn it into JSON values and back; a
    ValueError from ``decode`` is a cursor this list never handed out)."""
    after = None
    if page.cursor:
        values = decode_cursor(page.cursor)
        if not values or values[0] != kind:
            raise invalid_cursor()
        try:
            after = decode(values[1:])
        except (ValueError, TypeError):
            raise invalid_cursor() from None
    items = fetch(after, page.limit + 1)
    shown = list(items[: page.limit])
    more = len(items) > page.limit and shown
    return Page[T](
        items=shown, next_cursor=encode_cursor(kind, *encode(key_of(shown[-1]))) if more else None
    )


def record_id(values: list[Any]) -> int:
    """An id from a cursor: one value, in the id columns' range."""
    [value] = values
    if not isinstance(value, int) or not 1 <= value <= MAX_RECORD_ID:
        raise ValueError(value)
    return value
