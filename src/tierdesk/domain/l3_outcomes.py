"""How level 3 ends an escalation: recommend a known fix, ask for more information, or open a
defect. Every outcome is recorded, so the metrics can show the mix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tierdesk.domain.customer_texts import customer_text
from tierdesk.domain.messages import require_text
from tierdesk.domain.people import Tier
from tierdesk.errors import InvalidInputError


class L3Outcome(StrEnum):
    KNOWN_FIX = "known-fix"
    MORE_INFO = "more-info"
    DEFECT = "defect"


@dataclass(eq=False)
class OutcomeRecord:
    ticket_id: int
    outcome: L3Outcome
    tier: Tier
    decided_at: datetime
    decided_by: str
    product_id: int | None = None
    record_id: int | None = None  # the known issue or defect it named
    id: int | None = None


def is_l3_decision(tier: Tier) -> bool:
    """Outcomes are level 3's: the same action at another level is ordinary work."""
    return tier is Tier.L3


def checklist_message(items: list[str], note: str | None, language: str | None = None) -> str:
    """The public message that asks the customer for what level 3 needs: the items and the
    note as the agent wrote them, framed in the customer's ``language``."""
    cleaned = [require_text(item, "checklist item", max_length=2_000) for item in items]
    if not cleaned:
        raise InvalidInputError("list at least one thing you need from the customer", field="items")
    lines = [customer_text(language, "checklist.intro"), ""]
    lines += [f"[ ] {item}" for item in cleaned]
    if note and note.strip():
        lines += ["", note.strip()]
    lines += ["", customer_text(language, "checklist.closing")]
    return "\n".join(lines)
