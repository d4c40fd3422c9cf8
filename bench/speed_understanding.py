"""Enrichment throughput: how many new tickets per second the desk reads for language, facts
and log templates, on this machine (2 cores). Target: at least 50 tickets/s.

    python bench/speed_understanding.py [--tickets 300] [--datasets ../shared/datasets]

Tickets are realistic support texts (a version, an error or SIP status, an address, a sentence
of prose in one of five languages); one in four carries 40 pasted log lines taken from the
loghub-2k files. Two figures:

1. **enrichment**: ``services.enrichment.read_message`` plus language identification per
   ticket (exactly what the handler does per new message), no database;
2. **opening tickets end to end** through ``services.tickets.open_ticket`` on a throwaway
   SQLite desk, every handler included (enrichment, triage cold start, outage check, search
   indexing with the hashing embedder, routing, SLA clocks), so the share enrichment adds to
   a ticket's opening is visible. Run once with understanding off for the comparison.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tierdesk.bootstrap import bootstrap
from tierdesk.config import SearchSettings, Settings, UnderstandingSettings
from tierdesk.domain.messages import Message, MessageKind
from tierdesk.services import people, tickets
from tierdesk.services.auth import SYSTEM
from tierdesk.services.enrichment import read_message

REPO = Path(__file__).resolve().parent.parent
PROSE = {
    "en": "Since the upgrade our phones stop ringing after a few minutes and calls drop.",
    "de": "Seit dem Update klingeln unsere Telefone nach ein paar Minuten nicht mehr.",
    "it": "Dopo l'aggiornamento i telefoni smettono di squillare dopo qualche minuto.",
    "fr": "Depuis la mise à jour nos téléphones ne sonnent plus après quelques minutes.",
    "es": "Desde la actualización nuestros teléfonos dejan de sonar tras unos minutos.",
}


def ticket_texts(count: int, datasets: Path, seed: int = 7) -> list[str]:
    chance = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    logs = [
        path.read_text(encoding="utf-8", errors="replace").splitlines()
        for path in sorted((datasets / "loghub-2k").glob("*/*_2k.log"))
    ]
    texts = []
    for index in range(count):
        language = chance.choice(list(PROSE))
        text = (
            f"Hello,\n{PROSE[language]} Kestrel SBC {chance.randint(3, 6)}.{chance.randint(0, 9)}."
            f"{chance.randint(0, 20)} on 10.{chance.randint(0, 255)}.{chance.randint(0, 255)}.7 "
            f"answers SIP/2.0 {chance.choice([403, 480, 503])} and logs ERR_MEDIA_TIMEOUT.\n"
        )
        if index % 4 == 0 and logs:
            lines = chance.choice(logs)
            start = chance.randrange(0, max(1, len(lines) - 40))
            text += "\n".join(lines[start : start + 40]) + "\n"
        texts.append(text + "Regards, Anna")
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--datasets", type=Path, default=REPO.parent / "shared" / "datasets")
    arguments = parser.parse_args()
    texts = ticket_texts(arguments.tickets, arguments.datasets)

    with tempfile.TemporaryDirectory(prefix="tierdesk-speed-") as scratch:
        for enabled in (True, False):
            settings = Settings(
                data_dir=Path(scratch) / f"data-{enabled}",
                env="test",
                search=SearchSettings(embedder="hashing"),
                understanding=UnderstandingSettings(enabled=enabled),
            )
            app = bootstrap(settings)
            app.upgrade_database()
            desk = app.desk
            if enabled:
                assert desk.understanding is not None
                now = datetime.now(UTC)
                desk.understanding.languages.detect("warm up the language model")
                started = time.perf_counter()
                facts = 0
                for number, text in enumerate(texts):
                    message = Message(
                        MessageKind.CUSTOMER, "contact", 1, "Anna", text, now, id=number
                    )
                    desk.understanding.languages.detect(text)
                    facts += len(read_message(desk, 1, message))
                took = time.perf_counter() - started
                print(
                    f"enrichment only: {len(texts) / took:,.0f} tickets/s "
                    f"({len(texts)} tickets, {facts / len(texts):.1f} facts each, target 50/s)"
                )
            organisation = people.create_organisation(
                desk, SYSTEM, people.NewOrganisation(name="Bench Org", plan="standard")
            )
            contact = people.create_contact(
                desk,
                SYSTEM,
                people.NewContact(
                    email="bench@example.com", name="Bench", organisation=organisation.name
                ),
            ).contact
            started = time.perf_counter()
            for text in texts:
                tickets.open_ticket(
                    desk,
                    contact,
                    tickets.NewTicket(subject=text.splitlines()[1][:80], body_text=text),
                )
            took = time.perf_counter() - started
            label = "with understanding" if enabled else "understanding off "
            print(
                f"opening tickets end to end, {label}: {len(texts) / took:,.1f} tickets/s "
                f"(SQLite, every handler)"
            )
            app.close()


if __name__ == "__main__":
    main()
