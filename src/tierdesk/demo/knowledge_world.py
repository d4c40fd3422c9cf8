"""What the demo's knowledge shows once the history is played: KB articles written from the
commonest solved cases, and the questions customers asked that nothing answers.

Articles are written the way an agent writes one (``services.articles``): for the scenarios
with the most solved tickets (the README walk-through's factory reset and feature requests
left out: the walk-through has the assist panel cite the manual), the day after the first half
of a scenario's tickets was solved, drafted from the English ones among them by the engineer
who solved the last, the title trimmed of a customer's "URGENT:", published a day later by the
lead (two public, one internal, the last left a draft), rated by the lead, by the agents of the
later tickets and (public ones) by the customers whose tickets it was written from, and linked
to the later tickets it helped. The choice follows the seed, not a list.

The gaps are customers' portal drafts on things the manuals do not cover, asked through the
portal's own suggestions (``deflection.suggest_while_typing``), so they are recorded only if
the index really finds nothing: on the last weeks of the history, which ends at the build, so
the leads' 30-day view (``/kb/gaps``) shows them.

Both move the demo's clock back into the history and leave it where it was."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta

from tierdesk.adapters.clock import FixedClock
from tierdesk.demo.cast import Customer, Roster
from tierdesk.demo.walkthrough import WALKTHROUGH_SCENARIO
from tierdesk.domain.people import Agent, Contact
from tierdesk.domain.tickets import Status, Ticket, TicketType
from tierdesk.ports import TicketFilter
from tierdesk.services import articles, deflection, knowledge_gaps, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.desk import Desk

# One article per scenario, in the order of their solved tickets: (public, published).
ARTICLE_PLAN = ((True, True), (True, True), (False, True), (True, False))
SOURCE_TICKETS = 3  # solved tickets an article is drafted from
LINKED_TICKETS = 3  # later tickets it is linked to as having helped
RATERS = 8  # "did this help?" answers an article gets, one every seven hours
RATING_DAYS = 3  # ... so within this many days of its publication
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
        "App Kestrel para iPhone",
        "¿Hay una app Kestrel para el iPhone?",
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
    """Articles from the scenarios with the most solved tickets (``scenarios``: ticket number
    to the scenario it tells), each written the day after the first half of them was solved,
    from the English ones among those; the later half are the tickets it helped. Returns them
    as the summary names them."""
    back_to = clock.now()
    solved = _solved_by_scenario(desk, scenarios)
    contacts = {c.id: c for customer in customers for c in customer.contacts}
    agents = {a.id: a for a in roster.agents}
    ranked = sorted(
        (key for key in solved if key != WALKTHROUGH_SCENARIO),
        key=lambda key: (-len(solved[key]), key),
    )
    written: list[str] = []
    for key in ranked:
        if len(written) == len(ARTICLE_PLAN):
            break
        public, published = ARTICLE_PLAN[len(written)]
        half = -(-len(solved[key]) // 2)
        sources = [t for t in solved[key][:half] if t.language == "en"][-SOURCE_TICKETS:]
        day = _solved_at(solved[key][half - 1]) + timedelta(days=1)
        at = day.replace(hour=10, minute=0, second=0, microsecond=0)
        if not sources or at > end - timedelta(days=RATING_DAYS + 2):
            continue
        author = agents.get(sources[-1].assignee_id) or roster.lead
        clock.at = at
        article = articles.create_article_from_tickets(desk, author, [t.id or 0 for t in sources])
        assert article.id is not None
        trimmed = _SHOUTING.sub("", article.title).strip()
        title = trimmed[:1].upper() + trimmed[1:] if trimmed else article.title
        clock.at = at + timedelta(hours=2)
        content = replace(article.content(), title=title)
        articles.update_article(desk, author, article.id, content, public=public)
        label = f"KB-{article.id} {title}"
        if not published:
            written.append(f"{label} (draft)")
            continue
        clock.at = at + timedelta(days=1)
        articles.publish_article(desk, roster.lead, article.id)
        later = [t for t in solved[key][half:] if _solved_at(t) > clock.now() + timedelta(hours=2)]
        earlier = solved[key][:half]
        readers = [contacts[t.requester_id] for t in earlier if t.requester_id in contacts]
        _rate(desk, clock, article.id, roster.lead, later, agents, readers if public else [])
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
    lead: Agent,
    later: list[Ticket],
    agents: dict[int | None, Agent],
    readers: list[Contact],
) -> None:
    """Over the days after it is published: the lead and the agents of the later tickets say
    it helped (the first of those agents that it did not), and so do the customers whose
    tickets it was written from (``readers``, only for a public article)."""
    start = clock.now()
    raters: list[Agent | Contact] = [lead]
    raters += [a for t in later if (a := agents.get(t.assignee_id)) is not None]
    raters += readers
    seen: set[str] = set()
    for rater in raters:
        if len(seen) == RATERS:
            break
        who = f"{type(rater).__name__}:{rater.id}"
        if who in seen:
            continue
        seen.add(who)
        clock.at = start + timedelta(hours=3 + 7 * len(seen))
        articles.give_feedback(desk, rater, article_id, helpful=len(seen) != 2 or not later)


def _solved_by_scenario(desk: Desk, scenarios: dict[str, str]) -> dict[str, list[Ticket]]:
    """The solved (or since closed) tickets of each scenario, oldest solution first."""
    done = [str(Status.SOLVED), str(Status.CLOSED)]
    found = tickets.list_tickets(desk, SYSTEM, TicketFilter(status=done), 100_000).tickets
    by_scenario: dict[str, list[Ticket]] = defaultdict(list)
    for ticket in sorted(found, key=lambda t: (_solved_at(t), t.id or 0)):
        key = scenarios.get(ticket.number or "")
        if key is not None and ticket.type is not TicketType.ENHANCEMENT:
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
        clock.at = (end - timedelta(days=days)).replace(
            hour=9 + n % 8, minute=10 + n, second=0, microsecond=0
        )
        shown = deflection.suggest_while_typing(desk, contact, f"{subject}\n{text}")
        missed += not shown
    clock.at = back_to
    return missed


def gap_topics(desk: Desk, lead: Agent) -> list[str]:
    """The labels of the topics the lead's 30-day gaps view shows."""
    return [g.topic.label for g in knowledge_gaps.knowledge_gaps(desk, lead, 30).topics]
