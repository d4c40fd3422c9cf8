"""Reading the pages' forms into the services' values."""

from __future__ import annotations

from itertools import groupby
from typing import Annotated, Any

from fastapi import Depends, Form, Request, UploadFile

from tierdesk.domain.handoff import PACKET_PARTS, PacketContent, PacketPart, TriedStep, Widget
from tierdesk.errors import InvalidInputError, TooLargeError
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


# -- the hand-off packet: one form field per part of PACKET_PARTS (domain/handoff.py) -----------


def _read_part(part: PacketPart, values: list[str]) -> Any:
    text = values[0] if values else ""
    match part.widget:
        case Widget.TEXT:
            return text.strip()
        case Widget.LINE:
            return text.strip() or None
        case Widget.LINES:
            return lines(text)
        case Widget.STEPS:
            return steps(text)
        case Widget.ATTACHMENTS:
            try:
                return [int(value) for value in values]
            except ValueError as exc:
                raise InvalidInputError("attachment ids are numbers", field=part.name) from exc


async def packet_form(request: Request) -> PacketContent:
    """The packet the escalate form sends (_escalate.html writes one field per part)."""
    form = await request.form()
    return PacketContent(
        **{
            part.name: _read_part(part, [v for v in form.getlist(part.name) if isinstance(v, str)])
            for part in PACKET_PARTS
        }
    )


PacketForm = Annotated[PacketContent, Depends(packet_form)]


def _shown_part(part: PacketPart, value: Any) -> Any:
    """A part's value as its form field holds it (what packet_form reads back)."""
    match part.widget:
        case Widget.TEXT | Widget.ATTACHMENTS:
            return value
        case Widget.LINE:
            return value or ""
        case Widget.LINES:
            return "\n".join(value)
        case Widget.STEPS:
            return steps_text(value)


def packet_rows(draft: PacketContent) -> list[list[tuple[PacketPart, Any]]]:
    """The escalate form's fields, each part with the draft's value; short fields side by
    side in one row."""
    fields = [(part, _shown_part(part, getattr(draft, part.name))) for part in PACKET_PARTS]
    rows: list[list[tuple[PacketPart, Any]]] = []
    for short, group in groupby(fields, key=lambda f: f[0].widget is Widget.LINE):
        found = list(group)
        rows += [found] if short else [[f] for f in found]
    return rows


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
