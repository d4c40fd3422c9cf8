"""A manual upload, for the API and the KB page alike.

The handlers are ``async`` to read the upload, and only that happens on the event loop:
reading the file into sections (a PDF takes pypdf seconds per megabyte of page content) and
storing it run on a worker thread. Done on the loop, they froze every other request for as
long: a 20 KB PDF that inflated to megabytes of text held the whole desk for 38 seconds.
"""

from __future__ import annotations

from fastapi import Request, UploadFile
from starlette.concurrency import run_in_threadpool

from tierdesk.bootstrap import Tierdesk
from tierdesk.domain.knowledge import DocumentKind
from tierdesk.domain.people import Actor
from tierdesk.errors import InvalidInputError, TooLargeError
from tierdesk.services import knowledge
from tierdesk.services.access import require_agent

# A manual is bigger than an attachment; past this it belongs on the command line (tierdesk kb add).
MAX_MANUAL_BYTES = 50 * 1024 * 1024


async def ingest_upload(
    request: Request,
    actor: Actor,
    upload: UploadFile,
    *,
    title: str | None = None,
    product: str | None = None,
    version: str | None = None,
    kind: DocumentKind = DocumentKind.MANUAL,
) -> knowledge.Ingested:
    if not upload.filename:
        raise InvalidInputError("choose a Markdown, HTML or PDF file", field="file")
    data = await upload.read(MAX_MANUAL_BYTES + 1)
    if len(data) > MAX_MANUAL_BYTES:
        raise TooLargeError(
            "a manual may be at most 50 MB; larger ones go in with `tierdesk kb add`",
            limit=MAX_MANUAL_BYTES,
        )
    application: Tierdesk = request.app.state.tierdesk
    return await run_in_threadpool(
        _ingest, application, actor, data, upload.filename, title, product, version, kind
    )


def _ingest(
    application: Tierdesk,
    actor: Actor,
    data: bytes,
    filename: str,
    title: str | None,
    product: str | None,
    version: str | None,
    kind: DocumentKind,
) -> knowledge.Ingested:
    require_agent(actor, "add knowledge articles")  # before a customer's file is read
    parsed = application.read_document(data, filename, title)
    return knowledge.add_article(
        application.desk,
        actor,
        parsed,
        filename,
        product=product,
        version=version,
        kind=kind,
        index_at_once=application.settings.manuals.index_at_once,
    )
