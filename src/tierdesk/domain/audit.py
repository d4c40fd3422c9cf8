"""The append-only audit trail: one record for every change, by whom, when and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tierdesk.domain.people import Actor


@dataclass(eq=False)
class AuditEvent:
    """A change that happened. ``changes`` maps a field to ``[before, after]`` or holds the
    facts of the action; ``public`` events are the ones a customer may read on their ticket."""

    subject_type: str
    action: str
    actor_kind: str
    at: datetime
    actor_id: int | None = None
    actor_name: str = ""
    subject_id: int | None = None
    ticket_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    public: bool = False
    id: int | None = None


def audit_event(
    subject_type: str,
    action: str,
    actor: Actor,
    at: datetime,
    *,
    subject_id: int | None = None,
    changes: dict[str, Any] | None = None,
    reason: str | None = None,
    public: bool = False,
) -> AuditEvent:
    return AuditEvent(
        subject_type=subject_type,
        action=action,
        actor_kind=str(actor.kind),
        actor_id=actor.id,
        actor_name=actor.name,
        at=at,
        subject_id=subject_id,
        changes=changes or {},
        reason=reason,
        public=public,
    )
