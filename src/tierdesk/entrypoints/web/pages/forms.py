"""Reading the pages' forms into the services' values."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, UploadFile

from tierdesk.domain.handoff import PacketContent, TriedStep
from tierdesk.errors import TooLargeError
from tierdesk.services.conversation import NewAttachment

# The one-time key a form carries (services/idempotency.py): the same post sent twice counts once.
FormKey = Annotated[str | None, Form()]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def steps(text: str) -> list[TriedStep]:
    """One step a line, its result after "=>": "restarted the SBC => no change"."""
    found = []
    for line in lines(text):
        step, _, result = line.partition("=>")
        found.append(TriedStep(step.strip(), result.strip()))
    return found


def steps_text(tried: list[TriedStep]) -> str:
    return "\n".join(f"{s.step} => {s.result}" if s.result else s.step for s in tried)


def packet(
    symptoms: str,
    product: str,
    version: str,
    environment: str,
    tried: str,
    hypotheses: str,
    questions: str,
    diagnostics: list[int],
) -> PacketContent:
    return PacketContent(
        symptoms=symptoms.strip(),
        product=product.strip() or None,
        version=version.strip() or None,
        environment=environment.strip(),
        steps_tried=steps(tried),
        diagnostics=diagnostics,
        hypotheses=lines(hypotheses),
        open_questions=lines(questions),
    )


async def attachments(files: list[UploadFile], limit: int) -> list[NewAttachment]:
    """Uploaded files; the services sniff their type and store them content-addressed."""
    read = []
    for upload in files:
        if not upload.filename:
            continue  # an empty file input still sends one nameless part
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise TooLargeError(
                f"{upload.filename} is larger than {limit} bytes", limit=limit, field="files"
            )
        read.append(NewAttachment(upload.filename, data, upload.content_type))
    return read
