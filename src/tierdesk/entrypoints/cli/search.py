"""Retrieval from the terminal: ``kb add|list|search|remove``, ``index rebuild|status`` and
``eval retrieval`` (BEIR-format public data through the desk's own search index)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from tierdesk.assist.evaluation import (
    answer_metrics,
    decide_answers,
    index_corpus,
    metrics,
    rank_queries,
    read_corpus,
    read_qrels,
    read_queries,
)
from tierdesk.bootstrap import bootstrap
from tierdesk.domain.knowledge import DocumentKind
from tierdesk.entrypoints.cli.wiring import load_settings, note, render_table, running_desk, say
from tierdesk.errors import InvalidInputError
from tierdesk.services import answer_replay, knowledge
from tierdesk.services import search as search_services
from tierdesk.services.auth import SYSTEM

kb_app = typer.Typer(help="Manuals and KB articles: ingest, list, search.", no_args_is_help=True)
index_app = typer.Typer(help="The search index over tickets and manuals.", no_args_is_help=True)
eval_app = typer.Typer(help="Measure retrieval on public data.", no_args_is_help=True)


@kb_app.command("add")
def add(
    paths: Annotated[list[Path], typer.Argument(help="Markdown, HTML or PDF files.")],
    product: Annotated[str | None, typer.Option(help="Product the manual describes.")] = None,
    version: Annotated[str | None, typer.Option(help="Product version it applies to.")] = None,
    title: Annotated[str | None, typer.Option(help="Title; default: from the file.")] = None,
    known_issue: Annotated[
        bool, typer.Option("--known-issue", help="The file describes known issues.")
    ] = False,
) -> None:
    """Ingest manuals: split them into sections by heading and index every section."""
    kind = DocumentKind.KNOWN_ISSUE if known_issue else DocumentKind.MANUAL
    with running_desk() as app:
        for path in paths:
            if not path.is_file():
                raise InvalidInputError(f"{path}: no such file")
            parsed = app.read_document(path.read_bytes(), path.name, title)
            done = knowledge.add_article(
                app.desk, SYSTEM, parsed, path.name, product=product, version=version, kind=kind
            )
            verb = "Added" if done.created else "Already added"
            say(
                f"{verb} article {done.article.id}: {done.article.title} "
                f"({done.article.section_count} sections)"
            )


@kb_app.command("list")
def list_articles(
    product: Annotated[str | None, typer.Option(help="Only this product's.")] = None,
) -> None:
    """List the ingested manuals and articles."""
    with running_desk() as app:
        articles = knowledge.list_articles(app.desk, SYSTEM, product)
    rows = [
        [
            str(a.id),
            a.title[:60],
            str(a.kind),
            a.product or "",
            a.version or "",
            a.format,
            str(a.section_count),
        ]
        for a in articles
    ]
    say(render_table(["id", "title", "kind", "product", "version", "format", "sections"], rows))


@kb_app.command("search")
def search_kb(
    query: Annotated[str, typer.Argument(help="A question, in any supported language.")],
    limit: Annotated[int, typer.Option(help="How many passages.")] = 5,
    product: Annotated[str | None, typer.Option(help="Only this product's manuals.")] = None,
) -> None:
    """Search the manuals; every passage comes with its citation."""
    with running_desk() as app:
        hits = knowledge.search_knowledge(app.desk, SYSTEM, query, limit=limit, product=product)
    if not hits:
        note("No manual passage matches.")
    for hit in hits:
        page = f", page {hit.page}" if hit.page is not None else ""
        say(f"{hit.score:.3f}  {hit.document} › {hit.section}{page}")
        say(f"       {hit.passage[:200]}")


@kb_app.command("remove")
def remove(article_id: Annotated[int, typer.Argument(help="Article id.")]) -> None:
    """Remove an article and its sections from the index."""
    with running_desk() as app:
        knowledge.remove_article(app.desk, SYSTEM, article_id)
    say(f"Removed article {article_id}.")


@index_app.command("rebuild")
def rebuild() -> None:
    """Embed and index every ticket and manual section again."""
    with running_desk() as app:
        sizes = search_services.index_size(app.desk)
        total = sum(sizes.values()) - sizes.get(str(DocumentKind.DOCUMENT), 0)
        with typer.progressbar(length=max(total, 1), label="Indexing", file=sys.stderr) as bar:
            count = search_services.rebuild_index(app.desk, progress=bar.update)
    say(f"Indexed {count} documents.")


@index_app.command("status")
def status() -> None:
    """How many documents of each kind the index holds."""
    with running_desk() as app:
        sizes = search_services.index_size(app.desk)
    say(render_table(["kind", "documents"], [[k, str(v)] for k, v in sizes.items()]))


@eval_app.command("retrieval")
def retrieval(
    corpus: Annotated[Path, typer.Option(help='JSON lines {"_id","title","text"}.')],
    queries: Annotated[Path, typer.Option(help='JSON lines {"_id","text"}.')],
    qrels: Annotated[Path, typer.Option(help="TSV: query-id, corpus-id, score.")],
    mode: Annotated[
        str | None, typer.Option(help="bm25, dense or hybrid (default: setting).")
    ] = None,
) -> None:
    """Index a BEIR corpus into a throwaway index (SQLite, the configured embedder) and print
    recall@1/5/10/20, MRR and nDCG@10; the last line is JSON."""
    for path in (corpus, queries, qrels):
        if not path.is_file():
            raise InvalidInputError(f"{path}: no such file")
    documents, asked, relevant = read_corpus(corpus), read_queries(queries), read_qrels(qrels)
    asked = [q for q in asked if relevant.get(q.id)]
    with tempfile.TemporaryDirectory(prefix="tierdesk-eval-") as scratch:
        settings = load_settings().model_copy(
            update={"data_dir": Path(scratch), "database_url": None, "env": "test"}
        )
        settings.db.url = None
        settings.search.min_confidence = 0.0  # the ranking is measured, not what is shown
        app = bootstrap(settings)
        try:
            app.upgrade_database()
            index = app.desk.search
            assert index is not None  # bootstrap always builds one
            with typer.progressbar(length=len(documents), label="Indexing", file=sys.stderr) as bar:
                ids = index_corpus(index, app.desk.uow, documents, bar.update)
            with typer.progressbar(length=len(asked), label="Searching", file=sys.stderr) as bar:
                rankings = rank_queries(index, app.desk.uow, asked, ids, mode, bar.update)
        finally:
            app.close()
    result = metrics(rankings, relevant)
    note(f"{len(documents)} documents, {len(asked)} queries, mode {mode or settings.search.mode}")
    say(json.dumps({"mode": mode or settings.search.mode, **result}))


@eval_app.command("answers")
def answers(
    corpus: Annotated[Path, typer.Option(help='JSON lines {"_id","title","text"}.')],
    queries: Annotated[Path, typer.Option(help='JSON lines {"_id","text"}.')],
    qrels: Annotated[Path, typer.Option(help="TSV: query-id, corpus-id, score.")],
    predictions: Annotated[
        Path | None,
        typer.Option(help='Write one JSON line per query: {"query_id","answered","doc_id"}.'),
    ] = None,
) -> None:
    """The answerer's decision on a BEIR question set (the same rule as on tickets: the best
    hit, answered when its calibrated confidence reaches answers.min_confidence), through a
    throwaway index (SQLite, the configured embedder). The last line is JSON: coverage (share
    answered), precision (share of answers citing a relevant document) and the threshold.
    Queries without qrels are left out, as in ``eval retrieval``."""
    for path in (corpus, queries, qrels):
        if not path.is_file():
            raise InvalidInputError(f"{path}: no such file")
    documents, asked, relevant = read_corpus(corpus), read_queries(queries), read_qrels(qrels)
    asked = [q for q in asked if relevant.get(q.id)]
    with tempfile.TemporaryDirectory(prefix="tierdesk-eval-") as scratch:
        settings = load_settings().model_copy(
            update={"data_dir": Path(scratch), "database_url": None, "env": "test"}
        )
        settings.db.url = None
        settings.search.min_confidence = 0.0  # the answerer's own threshold decides
        threshold = settings.answers.min_confidence
        app = bootstrap(settings)
        try:
            app.upgrade_database()
            index = app.desk.search
            assert index is not None  # bootstrap always builds one
            with typer.progressbar(length=len(documents), label="Indexing", file=sys.stderr) as bar:
                ids = index_corpus(index, app.desk.uow, documents, bar.update)
            with typer.progressbar(length=len(asked), label="Answering", file=sys.stderr) as bar:
                decisions = decide_answers(index, app.desk.uow, asked, ids, threshold, bar.update)
        finally:
            app.close()
    if predictions is not None:
        lines = [
            json.dumps({"query_id": d.query_id, "answered": d.answered, "doc_id": d.doc_id})
            for d in decisions
        ]
        predictions.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    result = answer_metrics(decisions, relevant, threshold)
    note(f"{len(documents)} documents, {len(asked)} queries, threshold {threshold}")
    say(json.dumps(result))


@eval_app.command("replay")
def replay(
    limit: Annotated[
        int | None, typer.Option(help="Only the newest N solved tickets (default: all).")
    ] = None,
) -> None:
    """The answerer's decision replayed over this desk's solved tickets (no writes, no mail):
    each ticket's subject and first customer message asked as its customer, searched without
    the ticket itself and without anything that did not exist when it was opened, compared
    with how it was solved (docs/design.md says what counts as right). Prints one line per
    level and queue; the last line is JSON: tickets, answered, coverage, precision,
    threshold."""
    with running_desk() as app:
        ids = answer_replay.solved_ticket_ids(app.desk, limit)
        with typer.progressbar(length=max(len(ids), 1), label="Replaying", file=sys.stderr) as bar:
            cases = answer_replay.replay_answers(app.desk, ids, bar.update)
        threshold = app.desk.answer_settings.min_confidence
    rows = [
        [
            f"L{line.level}",
            line.queue,
            str(line.tickets),
            str(line.refused),
            str(line.answered),
            str(line.right),
        ]
        for line in answer_replay.replay_lines(cases)
    ]
    say(render_table(["level", "queue", "tickets", "refused", "answered", "right"], rows))
    say(json.dumps(answer_replay.replay_figures(cases, threshold)))
