"""Search speed at ticket-desk volume: index build time, query latency p50/p95 for BM25, dense and
hybrid beside brute force, embedding throughput, and how soon a new ticket is searchable.

    python bench/speed.py [--sizes 10000,100000] [--queries 200]

Synthetic tickets (40-120 words drawn from a Zipf distribution over support words and a long
tail of 20,000 made-up names, so a few words are in most tickets and most words in a handful, as
in real text) go into a throwaway SQLite desk through the same store the desk uses, each with as
many passages as the desk would embed for it. Embedding 100k tickets with the default model
would take hours on 2 cores, so the stored passage vectors are random unit vectors under the
default model's name (vector search costs the same whatever the numbers mean); the embedding
throughput is measured separately on real text, and the build time with embedding is
extrapolated from it (printed as such). Queries are 2-6 words of some stored ticket's text and
are embedded by the real model, so a query's latency includes embedding it. Five new tickets
are then opened through the services, with the job runner of `tierdesk serve` in the process
(their follow-up job indexes them), and timed until a search finds each.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from tierdesk.assist.embeddings import UniversalSentenceEncoder
from tierdesk.assist.search import HybridSearch
from tierdesk.bootstrap import bootstrap
from tierdesk.config import Settings
from tierdesk.domain.knowledge import DocumentKind, Passage, SearchDocument, SearchFilter
from tierdesk.entrypoints.cli.worker import background_jobs
from tierdesk.services import people, search, tickets
from tierdesk.services.auth import SYSTEM

WORDS = [
    "call",
    "drop",
    "sip",
    "trunk",
    "register",
    "timeout",
    "codec",
    "audio",
    "one-way",
    "echo",
    "jitter",
    "packet",
    "loss",
    "nat",
    "firewall",
    "port",
    "forwarding",
    "vlan",
    "dhcp",
    "option",
    "provisioning",
    "firmware",
    "upgrade",
    "reboot",
    "crash",
    "license",
    "expired",
    "certificate",
    "tls",
    "handshake",
    "failed",
    "voicemail",
    "greeting",
    "headset",
    "bluetooth",
    "display",
    "backlight",
    "button",
    "key",
    "line",
    "busy",
    "transfer",
    "conference",
    "hold",
    "music",
    "queue",
    "agent",
    "login",
    "password",
    "reset",
    "lldp",
    "poe",
    "switch",
    "router",
    "edge",
    "sbc",
    "deskphone",
    "cluster",
    "failover",
    "node",
    "replication",
    "database",
    "backup",
    "restore",
    "disk",
    "full",
    "memory",
    "leak",
    "cpu",
    "high",
    "latency",
    "dns",
    "resolution",
    "ntp",
    "clock",
    "drift",
    "log",
    "error",
    "warning",
    "alarm",
]
ERRORS = [f"E{n:04d}" for n in range(400)]
TAIL_WORDS = 20_000  # product, site and component names, codes: the long tail of ticket text


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Support words first, then a long tail of made-up names, with cumulative Zipf weights
    (rank r has weight 1/r): a few words are in most tickets, most in a handful, as in real
    text."""
    syllables = ["ka", "lo", "mi", "ter", "vox", "net", "ra", "sel", "din", "ko", "plex", "tri"]
    tail = {
        "".join(rng.choices(syllables, k=rng.randint(2, 4))) + str(rng.randint(0, 99))
        for _ in range(TAIL_WORDS)
    }
    words = [*WORDS, *ERRORS, *sorted(tail)]
    head, rest = words[: len(WORDS)], words[len(WORDS) :]
    rng.shuffle(rest)
    ordered = [*head, *rest]
    return ordered, list(accumulate(1.0 / rank for rank in range(1, len(ordered) + 1)))


def ticket_text(rng: random.Random, words: list[str], weights: list[float]) -> tuple[str, str]:
    subject = " ".join(rng.choices(words, cum_weights=weights, k=rng.randint(4, 8)))
    body = " ".join(rng.choices(words, cum_weights=weights, k=rng.randint(40, 120)))
    version = f"{rng.randint(1, 9)}.{rng.randint(0, 9)}"
    return subject, f"{body} error {rng.choice(ERRORS)} version {version}"


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2] * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


@dataclass(frozen=True)
class Latency:
    p50: float  # ms, wall clock
    p95: float
    cpu_p50: float  # ms of CPU the process used (all its threads): what a search costs when
    cpu_p95: float  # it has a core to itself, whatever else the shared machine is doing


def measure(run: Callable[[str], object], queries: list[str]) -> Latency:
    timings, cpu = [], []
    for query in queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        run(query)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return Latency(*percentiles(timings), *percentiles(cpu))


def bench_size(
    size: int,
    query_count: int,
    model: UniversalSentenceEncoder,
    rates: Rates,
    keep: Path | None = None,
) -> None:
    rng = random.Random(size)  # noqa: S311 - seeded synthetic tickets
    words, weights = vocabulary(rng)
    with tempfile.TemporaryDirectory(prefix="tierdesk-speed-") as scratch:
        data_dir = keep / str(size) if keep else Path(scratch)
        app = bootstrap(Settings(data_dir=data_dir, env="test"))
        app.upgrade_database()
        app.warm_up()  # as `tierdesk serve` does: models load before the first request
        index = app.desk.search
        assert isinstance(index, HybridSearch)
        with app.desk.uow() as uow:
            reused = uow.search.count([DocumentKind.DOCUMENT]) >= size
        texts: list[str] = []
        passages = 0
        started = time.perf_counter()
        for start in range(0, size, 1000):
            with app.desk.uow() as uow:
                for n in range(start, min(size, start + 1000)):
                    subject, body = ticket_text(rng, words, weights)
                    texts.append(f"{subject} {body}")
                    document = SearchDocument(f"doc:{n}", DocumentKind.DOCUMENT, subject, body)
                    pieces = index.passage_texts(document)  # as many vectors as the desk makes
                    passages += len(pieces)
                    if reused:
                        continue
                    vectors = rng_unit_vectors(len(pieces), n)
                    uow.search.put(
                        document,
                        [Passage(t, v.tobytes()) for t, v in zip(pieces, vectors, strict=True)],
                        index.model,
                    )
                uow.commit()
        stored = float("nan") if reused else time.perf_counter() - started
        # what people type: two to six words of some ticket's text
        queries = [
            " ".join(rng.sample(rng.choice(texts).split(), rng.randint(2, 6)))
            for _ in range(query_count)
        ]
        where = SearchFilter(kinds=(DocumentKind.DOCUMENT,), everything=True)
        with app.desk.uow() as uow:
            index.search(uow, "warm up the vector cache", where, 10)  # loads the matrix once

            def searcher(mode: str) -> Callable[[str], object]:
                return lambda query: index.search(uow, query, where, 10, mode)

            results = {
                mode: measure(searcher(mode), queries) for mode in ("bm25", "dense", "hybrid")
            }
        lowered = [t.lower() for t in texts]
        matrix = rng_unit_vectors(passages, -1)

        def brute_lexical(query: str) -> object:
            terms = query.lower().split()
            scores = [sum(t.count(term) for term in terms) for t in lowered]
            return sorted(range(len(scores)), key=scores.__getitem__, reverse=True)[:10]

        def brute_dense(query: str) -> object:
            vector = model.embed([query])[0]
            return np.argsort(-(matrix @ vector))[:10]

        brute = {
            "bm25": measure(brute_lexical, queries[:20]),
            "dense": measure(brute_dense, queries[:20]),
        }
        # As `tierdesk serve` runs them: the runners in this process, woken by the commit that
        # enqueues the new ticket's follow-up (which indexes it).
        with background_jobs(app, enabled=True):
            fresh = [time_to_searchable(app.desk, n) for n in range(5)]
        app.close()
    print(f"\n## {size:,} tickets ({passages:,} passage vectors)\n")
    print(f"- load average when this size finished: {load_average()}")
    print(f"- index build without embedding: {stored:.1f} s ({size / stored:,.0f} tickets/s)")
    print(
        f"- with embedding (extrapolated from {rates.passages:.0f} passages/s): "
        f"{stored + passages / rates.passages:,.0f} s"
    )
    print(
        "- a new ticket is searchable "
        + ", ".join(f"{f * 1000:.0f}" for f in fresh)
        + " ms after open_ticket is called (5 tickets)\n"
    )
    print(
        "| search | p50 ms | p95 ms | CPU p50 / p95 ms | brute force p50 ms | brute force p95 ms |"
    )
    print("|---|---|---|---|---|---|")
    for mode, took in results.items():
        b = brute.get(mode)
        b50, b95 = (b.p50, b.p95) if b else (float("nan"), float("nan"))
        print(
            f"| {mode} | {took.p50:.1f} | {took.p95:.1f} | {took.cpu_p50:.1f} / "
            f"{took.cpu_p95:.1f} | {b50:.1f} | {b95:.1f} |",
            flush=True,
        )


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: on a shared machine the figures move with it."""
    return " / ".join(f"{n:.1f}" for n in os.getloadavg())


def rng_unit_vectors(count: int, seed: int) -> NDArray[np.float32]:
    generator = np.random.default_rng(seed if seed >= 0 else None)
    vectors = generator.standard_normal((count, 512)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def time_to_searchable(desk: object, n: int) -> float:
    """From calling open_ticket to finding the ticket with a search, with the real model."""
    from tierdesk.services.desk import Desk

    assert isinstance(desk, Desk)
    run = f"{n}x{time.time_ns() % 10**9}"  # unique in a desk kept from an earlier run
    organisation = people.create_organisation(
        desk, SYSTEM, people.NewOrganisation(f"Bench {run}", "basic")
    )
    contact = people.create_contact(
        desk, SYSTEM, people.NewContact(f"bench{run}@example.com", "Bench", organisation.name)
    ).contact
    word = f"zyxwvut{run}"
    started = time.perf_counter()
    opened = tickets.open_ticket(
        desk, contact, tickets.NewTicket(f"Brand new {word} failure", f"{word} broke today")
    )
    # Indexed by its follow-up job after the commit: search until the ticket is found.
    give_up = started + 30
    while time.perf_counter() < give_up:
        with desk.uow() as uow:
            index = desk.search
            assert index is not None
            where = search.search_filter(SYSTEM, (DocumentKind.TICKET,))
            found = index.search(uow, f"{word} failure", where, 1)
            hit = uow.search.documents([found[0].document_id]) if found else {}
        if hit and next(iter(hit.values())).ticket_id == opened.id:
            return time.perf_counter() - started
        time.sleep(0.01)
    with desk.uow() as uow:
        jobs = [(j.name, str(j.status), j.last_error) for j in uow.jobs.recent([], 5)]
    raise SystemExit(f"the new ticket was not found by a search within 30 s; jobs: {jobs}")


@dataclass(frozen=True)
class Rates:
    passages: float  # embedded per second, of the desk's passage length
    short: float  # embedded per second, of 8 words


def embedding_rates(model: UniversalSentenceEncoder, passage_words: int) -> Rates:
    rng = random.Random(7)  # noqa: S311 - seeded sample text
    model.embed(["load the model"])
    rates = []
    for length in (passage_words, 8):
        sample = [" ".join(rng.choices(WORDS, k=length)) for _ in range(256)]
        started = time.perf_counter()
        model.embed(sample)
        rates.append(len(sample) / (time.perf_counter() - started))
    return Rates(*rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--keep",
        type=Path,
        help="Keep each size's desk in DIR/<size> and reuse it on the next run "
        "(the build time then reads nan).",
    )
    args = parser.parse_args()
    model = UniversalSentenceEncoder()
    words = Settings().search.passage_words
    rates = embedding_rates(model, words)
    print("# tierdesk search speed (SQLite: FTS5 + numpy)\n")
    print(
        f"- embedding throughput ({model.name}): {rates.passages:.0f} passages/s of "
        f"{words} words, {rates.short:.0f} short texts/s of 8 words"
    )
    print(f"- python {sys.version.split()[0]}, {args.queries} queries of 2-6 words")
    print(f"- load average at the start: {load_average()} ({os.cpu_count()} cores)")
    for size in (int(s) for s in args.sizes.split(",")):
        bench_size(size, args.queries, model, rates, args.keep)


if __name__ == "__main__":
    main()
