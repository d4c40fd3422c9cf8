"""The API's ``Idempotency-Key`` header: a POST sent again after its answer was lost (a
timeout, a server restarted mid-request) makes nothing twice and is answered with what the
first made (services/idempotency.py, services/repeats.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Header, Response

from tierdesk.errors import InvalidInputError
from tierdesk.services.idempotency import valid_key

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"  # on an answer repeated from the first post's

OneTimeKey = Annotated[
    str | None,
    Header(
        alias=HEADER,
        description="A key of your own (16-64 letters, digits, '-' or '_'; a UUID will do) "
        "that makes this post count once for a day: sent again with the same key, it makes "
        "nothing and is answered with what the first made, with `Idempotent-Replayed: true`. "
        "A post the desk refused leaves its key unused.",
    ),
]


@contextmanager
def one_time(key: str | None) -> Iterator[str | None]:
    """The header's key, checked before anything is written; what the desk refuses about it
    names the header (the service speaks of the web forms' key)."""
    if key is not None and not valid_key(key):
        raise InvalidInputError(
            f"{HEADER} must be 16 to 64 letters, digits, '-' or '_' (a UUID will do)",
            field=HEADER,
        )
    try:
        yield key
    except InvalidInputError as refused:
        if key is None or refused.data.get("field") != "form_key":
            raise
        raise InvalidInputError(
            f"this {HEADER} was used by someone else; send the request with a new one",
            field=HEADER,
        ) from None


def replayed(response: Response) -> None:
    response.headers[REPLAYED] = "true"
