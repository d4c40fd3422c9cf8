"""What the demo's knowledge shows once the history is played: KB articles written from the
commonest solved cases, and the questions customers asked that nothing answers.

Articles are written the way an agent writes one (``services.articles``): drafted from solved
tickets of one scenario by the engineer who solved the first of them, the title trimmed of a
customer's "URGENT:", published a day later by the lead (two public, one internal, the last
left a draft), rated by agents and by customers who had the problem, and linked to the
tickets of the same scenario it helped after it was published. The scenarios are the ones with
the most solved English tickets (the walk-through's factory reset left out: the README has the
assist panel cite the manual for it), so the choice follows the seed, not a list.

The gaps are customers' portal drafts on things the manuals do not cover, asked through the
portal's own suggestions (``deflection.suggest_while_typing``), so they are recorded only if
the index really finds nothing: on the last weeks of the history, which ends at the build, so
the leads' 30-day view (``/kb/gaps``) shows them.

Both move the demo's clock back into the history's last weeks and leave it where it was."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta

from tierdesk.adapters.clock import FixedClock
from tierdesk.demo.cast import Customer, Roster
from tierdesk.demo.walkthrough import WALKTHROUGH_SCENARIO
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.tickets import Status, Ticket
from tierdesk.ports import TicketFilter
from tierdesk.services import articles, deflection, knowledge_gaps, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk

# One article per scenario, in the order of their solved tickets: (public, published).
ARTICLE_PLAN = ((True, True), (True, True), (False, True), (True, False))
SOURCE_TICKETS = 3  # solved tickets an article is drafted from
LINKED_TICKETS = 3  # later tickets it is linked to as having helped
_SHOUTING = re.compile(r"^(?:[A-Z]{3,}\s*[:!-]\s*)+")  # "URGENT: ", "OUTAGE - "

# Customers' portal drafts no manual answers: (days before the end, language, subject, text).
# Three topics (a company logo on the phones' display, a mobile app, paying the maintenance
# renewal by SEPA direct debit), asked in several languages with the words customers use
# whatever their language ("logo", "display", "app", "SEPA"), which the gaps view groups by.
GAP_QUESTIONS = (
    (
        27,
        "en",
        "Company logo on the KP-400 display",
        "Can we upload our company logo as the wallpaper of the KP-400 display?",
    ),
    (
        20,
        "de",
        "Firmenlogo auf dem KP-400 Display",
        "Wie laden wir unser Logo als Wallpaper auf das KP-400 Display?",
    ),
    (
        13,
        "it",
        "Logo aziendale sul display KP-400",
        "Come caricare il nostro logo come wallpaper sul display dei KP-400?",
    ),
    (
        3,
        "en",
        "Custom logo wallpaper on KP-400 and KP-200 display",
        "Where do we set a custom logo wallpaper for the KP-400 display?",
    ),
    (
        24,
        "en",
        "Kestrel mobile app for Android and iPhone",
        "Is there a Kestrel mobile app for Android or iPhone so staff can use their extension?",
    ),
    (
        16,
        "es",
        "App móvil Kestrel para Android y iPhone",
        "¿Existe una app móvil Kestrel para Android o iPhone para usar la extensión?",
    ),
    (
        9,
        "de",
        "Kestrel App für Android und iPhone",
        "Gibt es eine Kestrel App für Android oder iPhone für unsere Nebenstellen?",
    ),
    (
        18,
        "en",
        "Maintenance renewal by SEPA direct debit",
        "Can we pay the annual maintenance renewal by SEPA direct debit instead of credit card?",
    ),
    (
        11,
        "en",
        "SEPA direct debit for the maintenance renewal",
        "Our finance team asks whether the maintenance renewal can be paid by SEPA direct debit.",
    ),
    (
        6,
        "de",
        "Maintenance Renewal per SEPA Direct Debit",
        "Können wir das Maintenance Renewal per SEPA-Lastschrift zahlen?",
    ),
    (
        2,
        "fr",
        "Maintenance renewal par prélèvement SEPA",
        "Peut-on payer le maintenance renewal par prélèvement SEPA ?",
    ),
)


def write_articles(
    desk: Desk,
    clock: FixedClock,
    roster: Roster,
    customers: list[Customer],
    scenarios: dict[str, str],
    end: datetime,
) -> list[str]:
    """Articles from the scenarios with the most solved English tickets (``scenarios``:
    ticket number to the scenario it tells), one every six days over the history's last four
    weeks. Returns them as the summary names them."""
    back_to = clock.now()
    solved = _solved_by_scenario(desk, scenarios)
    contacts = {c.id: c for customer in customers for c in customer.contacts}
    agents = {a.id: a for a in roster.agents}
    ranked = sorted(
        (key for key in solved if key != WALKTHROUGH_SCENARIO),
        key=lambda key: (-sum(t.language == "en" for t in solved[key]), key),
    )
    written: list[str] = []
    for key in ranked:
        if len(written) == len(ARTICLE_PLAN):
            break
        public, published = ARTICLE_PLAN[len(written)]
        at = (end - timedelta(days=26 - 6 * len(written))).replace(hour=10, minute=0)
        sources = [t for t in solved[key] if t.language == "en" and _solved_at(t) < at]
        if not sources:
            continue
        sources = sources[-SOURCE_TICKETS:]
        author = agents.get(sources[-1].assignee_id) or roster.lead
        clock.at = at
        article = articles.create_article_from_tickets(desk, author, [t.id or 0 for t in sources])
        assert article.id is not None
        title = _SHOUTING.sub("", article.title).strip() or article.title
        clock.at = at + timedelta(hours=2)
        content = replace(article.content(), title=title)
        articles.update_article(desk, author, article.id, content, public=public)
        label = f"KB-{article.id} {title}"
        if not published:
            written.append(f"{label} (draft)")
            continue
        clock.at = at + timedelta(days=1)
        articles.publish_article(desk, roster.lead, article.id)
        later = [t for t in solved[key] if _solved_at(t) > clock.now() + timedelta(hours=2)]
        _rate(desk, clock, article.id, roster, agents, later, contacts if public else {})
        for ticket in later[:LINKED_TICKETS]:
            helper = agents.get(ticket.assignee_id) or roster.lead
            clock.at = _solved_at(ticket) - timedelta(hours=1)
            articles.link_article(desk, helper, article.id, ticket.id or 0)
        written.append(f"{label} ({'public' if public else 'internal'})")
    clock.at = back_to
    return written


def _rate(
    desk: Desk,
    clock: FixedClock,
    article_id: int,
    roster: Roster,
    agents: dict[int | None, Agent],
    later: list[Ticket],
    contacts: dict[int | None, Contact],
) -> None:
    """Agents who solved later tickets of the kind say it helped (one of them that it did
    not); on a public article, so do those tickets' customers."""
    start = clock.now()
    raters: list[Agent | Contact] = [roster.lead]
    raters += [a for t in later if (a := agents.get(t.assignee_id)) is not None]
    raters += [c for t in later if (c := contacts.get(t.requester_id)) is not None]
    seen: set[str] = set()
    for n, rater in enumerate(raters):
        who = f"{type(rater).__name__}:{rater.id}"
        if who in seen:
            continue
        seen.add(who)
        clock.at = start + timedelta(hours=3 + 7 * n)
        articles.give_feedback(desk, rater, article_id, helpful=len(seen) != 3)


def _solved_by_scenario(desk: Desk, scenarios: dict[str, str]) -> dict[str, list[Ticket]]:
    """The solved (or since closed) tickets of each scenario, oldest solution first."""
    done = [str(Status.SOLVED), str(Status.CLOSED)]
    found = tickets.list_tickets(desk, SYSTEM, TicketFilter(status=done), 100_000).tickets
    by_scenario: dict[str, list[Ticket]] = defaultdict(list)
    for ticket in sorted(found, key=lambda t: (_solved_at(t), t.id or 0)):
        key = scenarios.get(ticket.number or "")
        if key is not None and ticket.solved_at is not None:
            by_scenario[key].append(ticket)
    return by_scenario


def _solved_at(ticket: Ticket) -> datetime:
    return ticket.solved_at or ticket.created_at


def ask_unanswered(desk: Desk, clock: FixedClock, customers: list[Customer], end: datetime) -> int:
    """The customers' portal drafts of ``GAP_QUESTIONS``, each by a contact writing that
    language (the next one each time), through the portal's suggestions. Returns how many
    found nothing (the misses recorded)."""
    back_to = clock.now()
    by_language: dict[str, list[Contact]] = defaultdict(list)
    for customer in customers:
        for contact in customer.contacts:
            by_language[contact.language or "en"].append(contact)
    missed = 0
    for n, (days, language, subject, text) in enumerate(GAP_QUESTIONS):
        speakers = by_language.get(language) or by_language["en"]
        contact = speakers[n % len(speakers)]
        clock.at = (end - timedelta(days=days)).replace(hour=9 + n % 8, minute=10 + n)
        shown = deflection.suggest_while_typing(desk, contact, f"{subject}\n{text}")
        missed += not shown
    clock.at = back_to
    return missed


def gap_topics(desk: Desk, lead: Agent) -> list[str]:
    """The labels of the topics the lead's 30-day gaps view shows."""
    return [g.topic.label for g in knowledge_gaps.knowledge_gaps(desk, lead, 30).topics]
