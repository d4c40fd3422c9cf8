"""What the answerer may do (issue 17), set per queue and capped per support plan.

Its own module so that a support plan (``domain/people.py``) can name a policy without a cycle
(``domain/answers.py`` needs the levels of ``people``).
"""

from __future__ import annotations

from enum import StrEnum

from tierdesk.errors import InvalidInputError


class AnswerPolicy(StrEnum):
    # From the least to the most the answerer does on its own (``stricter`` relies on it).
    OFF = "off"
    SUGGEST = "suggest"  # shown in the assist panel
    DRAFT = "draft"  # a reply the agent sends with one click
    SEND = "send"  # posted to the customer at once; the ticket then waits on them


_ORDER = list(AnswerPolicy)


def parse_policy(value: str, field: str = "answers") -> AnswerPolicy:
    try:
        return AnswerPolicy(value.strip().lower())
    except ValueError as exc:
        choices = ", ".join(str(p) for p in AnswerPolicy)
        raise InvalidInputError(
            f"{value!r} is not an answer policy: choose one of {choices}", field=field
        ) from exc


def stricter(*policies: AnswerPolicy) -> AnswerPolicy:
    """The policy that lets the answerer do least: a queue's ``send`` under a plan capped at
    ``suggest`` is ``suggest``; a queue's ``off`` stays off whatever the plan allows."""
    return min(policies, key=_ORDER.index)
