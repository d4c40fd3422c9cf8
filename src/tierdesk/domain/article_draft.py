"""A first draft of a KB article (or a known issue) read off solved tickets by plain rules.

It reads only what ``visibility.solution_of`` lets any agent read of a solved ticket: the
public thread (customer messages and public replies), the resolution and the answer the
customer was given. Never an internal note, never an attachment: an L1 agent drafting from an
L3 ticket gets the same draft as the L3 engineer would, and nothing of the lab's notes.

- **problem**: the first ticket's subject, and a sentence or two of its first customer message
  that state the problem (``message_prose.statement``), its addresses, host names and serial
  numbers replaced by their kind ("[host name]");
- **symptoms**: what each ticket's customer said first, one line a ticket, repeats left out;
- **environment**: the catalogue's product and version where the service knows them, and the
  versions and codes the customers wrote (the hand-off draft's reading of the thread);
- **facts**: error codes, statuses, traces and versions from the customers' text — never their
  addresses, host names or serial numbers (an article may be public);
- **steps**: the numbered steps of the answer, else of the resolution, else the answer's
  sentences;
- **answer**: the first ticket's answer for the customer.

The agent edits all of it before anyone publishes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from tierdesk.domain.articles import MAX_FACTS, MAX_STEPS, ArticleContent
from tierdesk.domain.fact_kinds import FactKind
from tierdesk.domain.facts import distinct, extract_facts
from tierdesk.domain.handoff_draft import draft_packet
from tierdesk.domain.message_prose import clip, read_prose, statement, substance
from tierdesk.domain.messages import MessageKind
from tierdesk.domain.public_answer import draft_public_answer
from tierdesk.domain.tickets import Ticket
from tierdesk.domain.tried_steps import listed_steps
from tierdesk.domain.visibility import SolutionView

# What a fact may be in an article: about the problem, never about one customer's systems.
ARTICLE_FACT_KINDS = (
    FactKind.ERROR_CODE,
    FactKind.SIP_STATUS,
    FactKind.HTTP_STATUS,
    FactKind.STACK_TRACE,
    FactKind.PRODUCT_VERSION,
    FactKind.VERSION,
)
# What is one customer's own and never goes into an article's text: replaced by its kind.
PRIVATE_FACT_KINDS = (
    FactKind.IP_ADDRESS,
    FactKind.MAC_ADDRESS,
    FactKind.SERIAL_NUMBER,
    FactKind.HOSTNAME,
)
_REPLY_PREFIX = ("re:", "aw:", "fw:", "fwd:", "wg:", "r:", "tr:")


@dataclass(frozen=True)
class SourceTicket:
    """One solved ticket as a draft may read it: its solution, and the catalogue's product and
    version when the service may name them (``None`` otherwise)."""

    solution: SolutionView
    product: str | None = None
    version: str | None = None


def clean_subject(subject: str) -> str:
    text = subject.strip()
    while text.lower().startswith(_REPLY_PREFIX):
        text = text.split(":", 1)[1].strip()
    return text or subject.strip()


def without_private_facts(text: str) -> str:
    """``text`` with the customer's addresses, host names and serial numbers replaced by what
    they are ("[host name]"): the problem and symptoms are a customer's own words, and an
    article may be public."""
    private = [f for f in extract_facts(text) if f.kind in PRIVATE_FACT_KINDS]
    for fact in sorted(private, key=lambda f: f.start, reverse=True):
        text = f"{text[: fact.start]}[{fact.kind.label}]{text[fact.end :]}"
    return text


def _first_customer_text(solution: SolutionView) -> str:
    for message in solution.thread:
        if message.kind is MessageKind.CUSTOMER:
            return message.body_text
    return ""


def _steps(answer: str, resolution: str) -> list[str]:
    for text in (answer, resolution):
        found = listed_steps(text)
        if len(found) >= 2:
            return found[:MAX_STEPS]
    sentences = substance(read_prose(answer).sentences) if answer else []
    return [s for s in sentences if not s.endswith("?")][:MAX_STEPS]


def _facts(sources: Sequence[SourceTicket]) -> list[str]:
    found = []
    for source in sources:
        for message in source.solution.thread:
            if message.kind is MessageKind.CUSTOMER:
                found += extract_facts(message.body_text)
    kept = [f for f in distinct(found) if f.kind in ARTICLE_FACT_KINDS]
    return [f"{f.kind.label}: {f.value}" for f in kept][:MAX_FACTS]


def _environment(sources: Sequence[SourceTicket]) -> str:
    parts: list[str] = []
    for source in sources:
        if source.product:
            named = f"{source.product} {source.version}" if source.version else source.product
            parts.append(f"product: {named}")
        thread = list(source.solution.thread)
        read = draft_packet(source.solution.subject, thread).environment
        parts += [p for p in read.split("; ") if p and not p.startswith(("IPs", "hosts", "MACs"))]
        parts = [p for p in parts if not p.startswith("pasted log")]
    return "\n".join(dict.fromkeys(parts))


def draft_article(sources: Sequence[SourceTicket], title: str | None = None) -> ArticleContent:
    """The draft (see the module's docstring); ``sources`` first is the main one."""
    if not sources:
        return ArticleContent(title=title or "Untitled article")
    main = sources[0].solution
    subject = without_private_facts(clean_subject(main.subject))
    opening = statement(read_prose(without_private_facts(_first_customer_text(main))))
    problem = f"{subject}: {opening}" if opening else subject
    symptoms = []
    for source in sources:
        said = statement(read_prose(without_private_facts(_first_customer_text(source.solution))))
        symptoms.append(said or without_private_facts(clean_subject(source.solution.subject)))
    answer = next((s.solution.public_answer for s in sources if s.solution.public_answer), "")
    resolution = next((s.solution.resolution for s in sources if s.solution.resolution), "")
    return ArticleContent(
        title=clip((title or subject).strip() or subject, 300),
        problem=clip(problem, 2_000),
        symptoms="\n".join(dict.fromkeys(s for s in symptoms if s)),
        environment=_environment(sources),
        steps=_steps(answer or "", resolution or ""),
        answer=answer or "",
        facts=_facts(sources),
    )


@dataclass(frozen=True)
class KnownIssueDraft:
    """What L3's "known fix" proposes as a new known issue, for the engineer to edit."""

    title: str
    symptoms: str
    fix: str
    root_cause: str
    affected_versions: list[str]
    # the fix is the answer the customer was given when solved; False: drafted from the last
    # public replies or the resolution, which may be a question or internal words (check it)
    fix_was_sent: bool = False


def public_side(
    ticket: Ticket, product: str | None = None, version: str | None = None
) -> SourceTicket:
    """A ticket the engineer may open, read as a solution is (its public thread without
    attachments, its resolution and answer), solved or not: what a known issue may say is what
    every customer who meets it may read, so internal notes stay out here too."""
    assert ticket.id is not None
    view = SolutionView(
        ticket_id=ticket.id,
        number=ticket.number or str(ticket.id),
        subject=ticket.subject,
        status=str(ticket.status),
        solved_at=ticket.tier,
        thread=tuple(replace(m, attachments=[]) for m in ticket.messages if m.is_public),
        resolution=ticket.resolution,
        public_answer=ticket.public_answer,
        records=(),
        openable=True,
    )
    return SourceTicket(view, product, version)


def draft_known_issue(source: SourceTicket) -> KnownIssueDraft:
    """Title and symptoms as an article's; the fix is the answer the customer was given (what
    a known issue sends to every customer who meets it), else the last public replies (L3
    often records the known fix before the ticket is solved), else the resolution; the root
    cause is the resolution (never sent)."""
    article = draft_article([source])
    solution = source.solution
    symptoms = "\n".join(p for p in (article.problem, *article.facts) if p)
    versions = [source.version] if source.version else []
    fix = (
        solution.public_answer or draft_public_answer(solution.thread) or solution.resolution or ""
    )
    return KnownIssueDraft(
        title=article.title,
        symptoms=symptoms,
        fix=fix,
        root_cause=solution.resolution or "",
        affected_versions=versions,
        fix_was_sent=bool(solution.public_answer),
    )
