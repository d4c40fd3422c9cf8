"""The approximate dense search at scale: recall against exact search, latency, build time and
memory, for a SQLite desk of 100k to 1M synthetic tickets.

    python bench/ann.py build --size 1000000 --dir DIR   # writes DIR/<size>/tierdesk.db
    python bench/ann.py measure --size 1000000 --dir DIR [--queries 200] [--exact]

Tickets are bench/speed.py's synthetic text, written straight into the search tables with SQL
(the store's ``put`` runs ~250 tickets/s here, which is more than an hour at 1M; the rows are the
same: a document, its text-index row, as many passages as the desk would embed for it).
Vectors are clustered, not uniform: random unit vectors have no neighbourhoods, which makes any
graph index look worse than real embeddings do. Each ticket has a direction drawn around one of
4,096 topics (themselves around 64 areas, all sharing a common direction, as sentence embeddings
do: two unrelated tickets have a cosine of ~0.13); its passages scatter around that direction.
Recall queries are drawn like passages of a random ticket; the latency of the dense and hybrid
searches is measured with real queries (2-6 words of a ticket, embedded by the real model).

``measure`` opens the desk as a process of the desk would: with ``search.approximate_above``
under the desk's size (the graph, loaded from the data directory or built from the database)
and, with ``--exact``, over it (every passage in memory: needs ~2 KB of RAM per passage).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import load_average, percentiles, ticket_text, time_to_searchable, vocabulary

from tierdesk.adapters.search import vectors
from tierdesk.adapters.search.graph import APPROXIMATE_PROBE
from tierdesk.adapters.search.vectors import (
    VectorMatrix,
    matrix_for,
    one_blas_thread,
)
from tierdesk.assist.embeddings import UniversalSentenceEncoder
from tierdesk.assist.search import HybridSearch
from tierdesk.bootstrap import bootstrap
from tierdesk.config import SearchSettings, Settings
from tierdesk.domain.knowledge import DocumentKind, SearchDocument, SearchFilter
from tierdesk.entrypoints.cli.worker import background_jobs

DIM = 512
AREAS, TOPICS = 64, 4096
BATCH = 1000
MODEL = "use-multilingual-v3"  # the default embedder's name: what the desk's searches ask for
Floats = NDArray[np.float32]


def _unit(vectors: Floats) -> Floats:
    normalised: Floats = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return normalised.astype(np.float32)


def topics() -> Floats:
    rng = np.random.default_rng(0)
    areas = _unit(rng.standard_normal((AREAS, DIM)).astype(np.float32))
    spread = rng.standard_normal((TOPICS, DIM)).astype(np.float32) / np.sqrt(DIM)
    return _unit(areas[rng.integers(0, AREAS, TOPICS)] + 0.8 * spread)


def ticket_directions(start: int, count: int, centres: Floats) -> Floats:
    """Each ticket's direction: a common direction, its topic and its own part (seeded by the
    batch, so a query can be drawn near any ticket later)."""
    rng = np.random.default_rng(10_000_000 + start)
    common = _unit(np.random.default_rng(1).standard_normal((1, DIM)).astype(np.float32))
    own = rng.standard_normal((count, DIM)).astype(np.float32) / np.sqrt(DIM)
    return _unit(0.5 * common + centres[rng.integers(0, TOPICS, count)] + 0.9 * own)


def near(directions: Floats, rng: np.random.Generator, spread: float = 0.7) -> Floats:
    noise = rng.standard_normal(directions.shape).astype(np.float32) / np.sqrt(DIM)
    return _unit(directions + spread * noise)


def build(size: int, root: Path) -> None:
    data_dir = root / str(size)
    app = bootstrap(Settings(data_dir=data_dir, env="test"))
    app.upgrade_database()
    index = app.desk.search
    assert isinstance(index, HybridSearch)
    database = app.sqlite_path
    assert database is not None
    app.close()
    rng = random.Random(size)  # noqa: S311 - seeded synthetic tickets
    words, weights = vocabulary(rng)
    centres = topics()
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = OFF")  # a throwaway desk: build it fast
    now = datetime.now(UTC).isoformat()
    started, passages = time.perf_counter(), 0
    for start in range(0, size, BATCH):
        count = min(BATCH, size - start)
        directions = ticket_directions(start, count, centres)
        generator = np.random.default_rng(start)
        documents, fts, rows = [], [], []
        for offset in range(count):
            n = start + offset
            subject, body = ticket_text(rng, words, weights)
            pieces = index.passage_texts(SearchDocument("", DocumentKind.DOCUMENT, subject, body))
            vectors = near(np.repeat(directions[offset : offset + 1], len(pieces), 0), generator)
            documents.append((n + 1, f"doc:{n}", "document", subject, body, "bench", now))
            fts.append((n + 1, subject, body))
            rows += [
                (n + 1, i, text, MODEL, DIM, vector.tobytes())
                for i, (text, vector) in enumerate(zip(pieces, vectors, strict=True))
            ]
        passages += len(rows)
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO search_documents (id, key, kind, title, body, fingerprint, internal, "
            "citation, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, '{}', ?)",
            documents,
        )
        connection.executemany("INSERT INTO search_fts (rowid, title, body) VALUES (?, ?, ?)", fts)
        connection.executemany(
            "INSERT INTO search_passages (document_id, ordinal, text, model, dim, embedding) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        connection.execute("COMMIT")
        if start % 100_000 == 0:
            print(f"{start:,} tickets, {time.perf_counter() - started:.0f} s", flush=True)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    took = time.perf_counter() - started
    print(f"built {size:,} tickets ({passages:,} passages) in {took:.0f} s; load {load_average()}")
    (data_dir / "bench.json").write_text(json.dumps({"size": size, "passages": passages}))


def recall_queries(size: int, count: int) -> Floats:
    """Query vectors drawn like a passage of a random ticket."""
    rng = np.random.default_rng(99)
    centres = topics()
    picked = sorted(int(n) for n in rng.integers(0, size, count))
    directions = np.vstack(
        [ticket_directions(n - n % BATCH, BATCH, centres)[n % BATCH] for n in picked]
    )
    return near(directions, rng, 0.9)


def exact_top(database: Path, queries: Floats, limit: int) -> list[list[int]]:
    """Exact max-sim over every passage, read from the database in chunks."""
    best: list[dict[int, float]] = [{} for _ in queries]
    connection = sqlite3.connect(database)
    cursor = connection.execute(
        "SELECT document_id, embedding FROM search_passages WHERE model = ? ORDER BY id", (MODEL,)
    )
    with one_blas_thread():
        while chunk := cursor.fetchmany(200_000):
            documents = np.fromiter((r[0] for r in chunk), np.int64, len(chunk))
            vectors = np.frombuffer(b"".join(r[1] for r in chunk), np.float32).reshape(-1, DIM)
            scores = vectors @ queries.T
            for q in range(len(queries)):
                top = np.argpartition(-scores[:, q], limit * 20)[: limit * 20]
                for row in top:
                    document, score = int(documents[row]), float(scores[row, q])
                    if score > best[q].get(document, -2.0):
                        best[q][document] = score
    connection.close()
    return [sorted(b, key=lambda d: -b[d])[:limit] for b in best]


def resident_mb() -> float:
    """The process's resident memory now (not the peak: the exact search's reading)."""
    status = Path("/proc/self/status").read_text()
    return int(next(ln for ln in status.splitlines() if ln.startswith("VmRSS")).split()[1]) / 1024


def dense_stage(
    matrix: VectorMatrix, queries: Floats, truth: list[list[int]]
) -> tuple[float, tuple[float, float, float, float]]:
    """Recall@10 against exact search, and the dense stage's p50/p95 ms, wall clock and CPU
    (400 documents wanted, as ``nearest`` asks for the hybrid search's 100 candidates)."""
    found, took, cpu = [], [], []
    for query in queries:
        began, began_cpu = time.perf_counter(), time.process_time()
        documents, _, _ = matrix.search(MODEL, query[None, :], 400)
        took.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        found.append([int(d) for d in documents[:10]])
    recall = np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)])
    return float(recall), (*percentiles(took), *percentiles(cpu))


def measure(size: int, root: Path, query_count: int, exact: bool) -> None:
    data_dir = root / str(size)
    passages = json.loads((data_dir / "bench.json").read_text())["passages"]
    model = UniversalSentenceEncoder()
    model.embed(["load the model"])
    print(f"\n## {size:,} tickets ({passages:,} passages); load {load_average()}\n")
    queries = recall_queries(size, 100)
    database = data_dir / "tierdesk.db"
    started = time.perf_counter()
    truth = exact_top(database, queries, 10)
    print(f"- exact search of 100 queries over the database: {time.perf_counter() - started:.0f} s")
    rng = random.Random(size)  # noqa: S311 - the texts of bench/speed.py, again
    words, weights = vocabulary(rng)
    texts = [" ".join(ticket_text(rng, words, weights)) for _ in range(2000)]
    typed = [
        " ".join(rng.sample(rng.choice(texts).split(), rng.randint(2, 6)))
        for _ in range(query_count)
    ]
    modes = [("approximate", passages - 1)] + ([("in memory", 10**12)] if exact else [])
    for name, threshold in modes:
        rss_before = resident_mb()
        settings = Settings(
            data_dir=data_dir, env="test", search=SearchSettings(approximate_above=threshold)
        )
        app = bootstrap(settings)
        index = app.desk.search
        assert isinstance(index, HybridSearch)
        matrix = matrix_for(app.engine)
        started = time.perf_counter()
        matrix.search(MODEL, queries[:1], 10)  # loads or builds the cache
        loaded = time.perf_counter() - started
        print(
            f"- {name}: cache ready in {loaded:.1f} s; the process's resident memory "
            f"{rss_before:,.0f} MB before, {resident_mb():,.0f} MB after"
        )
        for probe in (1, 2) if name == "approximate" else (vectors.PROBE_FACTOR,):
            vectors.APPROXIMATE_PROBE = probe
            recall, (d50, d95, c50, c95) = dense_stage(matrix, queries, truth)
            print(
                f"  - probing {probe} x 400 documents: recall@10 against exact {recall:.3f}; "
                f"dense stage alone p50/p95 {d50:.1f}/{d95:.1f} ms (CPU {c50:.1f}/{c95:.1f})",
                flush=True,
            )
        vectors.APPROXIMATE_PROBE = APPROXIMATE_PROBE
        where = SearchFilter(kinds=(DocumentKind.DOCUMENT,), everything=True)
        latency: dict[str, tuple[list[float], list[float]]] = {
            "dense": ([], []),
            "hybrid": ([], []),
        }
        with app.desk.uow() as uow:
            for mode, (samples, cpu) in latency.items():
                for query in typed:
                    began, began_cpu = time.perf_counter(), time.process_time()
                    index.search(uow, query, where, 10, mode)
                    samples.append(time.perf_counter() - began)
                    cpu.append(time.process_time() - began_cpu)
        if name == "approximate":  # as `tierdesk serve` runs: the follow-up job indexes it
            with background_jobs(app, enabled=True):
                fresh = [time_to_searchable(app.desk, n) for n in range(5)]
            print(
                "  - a new ticket is searchable "
                + ", ".join(f"{f * 1000:.0f}" for f in fresh)
                + " ms after open_ticket is called (5 tickets)"
            )
        app.close()
        if name == "approximate":  # as the next process starts: the saved graph
            app = bootstrap(settings)
            started = time.perf_counter()
            matrix_for(app.engine).search(MODEL, queries[:1], 10)
            print(
                f"  - a new process reads the saved graph in {time.perf_counter() - started:.1f} s"
            )
            app.close()
        for mode, (samples, cpu) in latency.items():
            p50, p95 = percentiles(samples)
            c50, c95 = percentiles(cpu)
            print(
                f"  - {mode} search (real model, {len(samples)} queries): p50/p95 "
                f"{p50:.1f}/{p95:.1f} ms (CPU {c50:.1f}/{c95:.1f})"
            )
        print(f"  - load {load_average()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("build", "measure"))
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--exact", action="store_true", help="also the in-memory search")
    args = parser.parse_args()
    if args.action == "build":
        build(args.size, args.dir)
    else:
        measure(args.size, args.dir, args.queries, args.exact)


if __name__ == "__main__":
    main()
