"""A first draft of the answer a solved ticket gives its customer, read off the public thread.

The resolution is written for colleagues (root cause, lab steps, internal names); the customer
is owed what support told them. So the draft is the last public reply of an agent, together
with the replies just before it that no customer message separates from it (an answer sent in
two parts), each as the agent laid it out (``message_prose.own_text``: no quoted history,
greeting or signature; commands, menu paths and numbered steps kept on their lines). A thanks
from the customer after it changes nothing: the answer is still the reply that solved it. No
public reply, no draft. The agent edits it before solving.
"""

from __future__ import annotations

from collections.abc import Sequence

from tierdesk.domain.message_prose import clip, own_text
from tierdesk.domain.messages import Message, MessageKind

MAX_ANSWER_CHARS = 20_000


def draft_public_answer(messages: Sequence[Message]) -> str:
    """The draft (see the module's docstring); "" when the thread holds no public reply."""
    thread = [m for m in messages if m.kind.is_public]
    last = max(
        (i for i, m in enumerate(thread) if m.kind is MessageKind.PUBLIC_REPLY), default=None
    )
    if last is None:
        return ""
    first = last
    while first > 0 and thread[first - 1].kind is MessageKind.PUBLIC_REPLY:
        first -= 1
    parts = [_own_words(m) for m in thread[first : last + 1]]
    return clip("\n\n".join(p for p in parts if p), MAX_ANSWER_CHARS)


def _own_words(reply: Message) -> str:
    text = own_text(reply.body_text)
    # "Hello Kevin,\n\nthe pool is full" starts, without its greeting, with a small letter.
    return text[:1].upper() + text[1:]
