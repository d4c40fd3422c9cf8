"""@mentions in internal notes: ``@Anna Berg``, ``@anna.berg`` (the e-mail's local part) or
``@anna.berg@kestrel.example`` name a colleague, and so does ``@Anna`` while no other colleague
is called Anna (as people write to each other; with two Annas it names neither)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from tierdesk.domain.people import Agent


def _first_name(agent: Agent) -> str:
    words = agent.name.casefold().split()
    return words[0] if words else ""


def _handles(agent: Agent, first_names: Counter[str]) -> list[str]:
    email = agent.email.casefold()
    first = _first_name(agent)
    unique_first = first if first_names[first] == 1 else ""
    return [h for h in (email, agent.name.casefold(), email.partition("@")[0], unique_first) if h]


def _ends_word(text: str, end: int) -> bool:
    """A handle ends at ``end`` unless more of a name or address follows (a full stop that ends
    the sentence does not count: ``@lena.one.`` names lena.one)."""
    if end >= len(text):
        return True
    after = text[end]
    if after == ".":
        return end + 1 >= len(text) or not text[end + 1].isalnum()
    return not (after.isalnum() or after in "_-@+")


def _names(text: str, handle: str) -> bool:
    start = text.find("@" + handle)
    while start >= 0:
        # "@" inside an address (anna@example.com) is not a mention.
        before_ok = start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "._-+")
        if before_ok and _ends_word(text, start + 1 + len(handle)):
            return True
        start = text.find("@" + handle, start + 1)
    return False


def may_mention(text: str) -> bool:
    """Whether the text can mention anybody at all (without an @ it names nobody): the agents
    need not be read to find out."""
    return "@" in text


def mentioned_agents(text: str, agents: Iterable[Agent]) -> list[Agent]:
    """The agents the text mentions, each once, in the order given."""
    folded = text.casefold()
    if not may_mention(folded):
        return []
    everyone = list(agents)
    first_names = Counter(_first_name(a) for a in everyone)
    return [a for a in everyone if any(_names(folded, h) for h in _handles(a, first_names))]
