"""``tierdesk import tierdesk DIR``: a desk's export (services/exports.py, docs/export.md) read
back into an empty desk, losslessly: the same ids and ticket numbers, messages with their
authors, visibility and times, every event with its kind, time and payload, every record and
link.

It shares the other importers' machinery: one transaction per batch, the source ids and
fingerprints of ``imported_records`` (system ``tierdesk:<export id>``, one source id per line:
``<file>:<id>``; ``<file>:<ticket_id>/<installed_item_id>`` for a line with a composite key),
the report, and ``finish_import`` (the index and triage afterwards). Unlike
them it stores lines as they are, not as neutral records: those would lose levels, packets,
events and everything else another desk does not have. And it leaves nothing out: every file
is read and checked before anything is stored (a bad line stops the run naming file and line),
and a batch the database refuses stops the run with nothing of that batch stored; what the
earlier batches stored is skipped when the run is repeated.

Rows are written as they were, raising no event (services/handlers.py never hears of them):
history sends no mail, runs no rule and starts no SLA clock.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tierdesk.domain.imports import INDEX_PENDING, INDEX_STATE, ImportReport, Outcome, RecordKind
from tierdesk.domain.people import Actor
from tierdesk.errors import ConflictError, InvalidInputError, TierdeskError
from tierdesk.services import articles, known_issues
from tierdesk.services.access import require_lead
from tierdesk.services.desk import Desk
from tierdesk.services.exports import ATTACHMENTS, FILE_LISTS, FORMAT, FORMAT_VERSION, MANIFEST
from tierdesk.services.imports import MAX_BATCH

# Files whose lines are what the index reads (finish_import rebuilds it once at the end).
_INDEXED = frozenset({"tickets", "messages", "notes", "articles", "article_versions"})
# What makes a desk not empty: an import into it would mix two desks' ids.
_PEOPLE_AND_TICKETS = ("tickets", "organisations", "contacts", "agents")
_MANIFEST_SOURCE_ID = "manifest"
_SHA256 = re.compile(r"[0-9a-f]{64}")

Progress = Callable[[int, int], None]  # lines done, lines in the export


@dataclass(frozen=True)
class _Line:
    number: int
    document: dict[str, Any]
    fingerprint: str


def import_export(
    desk: Desk,
    actor: Actor,
    directory: Path,
    batch: int = 200,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the export in ``directory`` (see the module's docstring)."""
    require_lead(actor, "import a desk's history")
    if not 1 <= batch <= MAX_BATCH:
        raise InvalidInputError(f"a batch is 1-{MAX_BATCH} rows", field="batch")
    manifest = read_manifest(directory)
    system = f"tierdesk:{manifest['export_id']}"
    with desk.uow() as uow:
        names = uow.desk_rows.files()
    counts = {name: _listed_count(manifest, name) for name in names}
    for name in names:  # everything is read and checked before anything is stored
        for _ in _lines(desk, directory, name, counts[name]):
            pass
    _claim_desk(desk, system, manifest)
    report = ImportReport(system)
    total, done = sum(counts.values()), 0
    knowledge: dict[str, list[int]] = {"known_issues": [], "articles": []}
    for name in names:
        chunk: list[_Line] = []
        for line in _lines(desk, directory, name, counts[name]):
            if name in knowledge:
                knowledge[name].append(int(line.document["id"]))
            chunk.append(line)
            if len(chunk) == batch:
                _store(desk, directory, system, name, chunk, report)
                done += len(chunk)
                chunk = []
                if progress is not None:
                    progress(done, total)
        if chunk:
            _store(desk, directory, system, name, chunk, report)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
        _link(desk, directory, name, counts[name], batch)
    _index_knowledge(desk, knowledge)
    return report


def _link(desk: Desk, directory: Path, name: str, expected: int, batch: int) -> None:
    """Store the file's references to its own lines (a region's ``hands_to_id``) once all of
    them are in; repeated on every run, so an interrupted one is completed."""
    with desk.uow() as uow:
        if not uow.desk_rows.deferred_fields(name):
            return
    chunk: list[dict[str, Any]] = []
    for line in _lines(desk, directory, name, expected):
        chunk.append(line.document)
        if len(chunk) == batch:
            _link_chunk(desk, name, chunk)
            chunk = []
    if chunk:
        _link_chunk(desk, name, chunk)


def _link_chunk(desk: Desk, name: str, documents: list[dict[str, Any]]) -> None:
    with desk.uow() as uow:
        uow.desk_rows.link(name, documents)
        uow.commit()


def _index_knowledge(desk: Desk, knowledge: dict[str, list[int]]) -> None:
    """Give known issues and published articles their search documents, as creating and
    publishing them did (``finish_import``'s rebuild re-embeds what is indexed; it does not
    make documents for records)."""
    if desk.search is None:
        return
    with desk.uow() as uow:
        for issue_id in knowledge["known_issues"]:
            issue = uow.known_issues.get(issue_id)
            if issue is not None:
                known_issues.index_known_issue(uow, desk, issue)
        for article_id in knowledge["articles"]:
            articles.index_article(uow, desk, article_id)
        uow.commit()


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        message = f"{path}: no such file; is {directory} a tierdesk export?"
        raise InvalidInputError(message) from None
    except (OSError, ValueError) as exc:
        raise InvalidInputError(f"{path}: cannot be read ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InvalidInputError(f"{path}: not a tierdesk export manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise InvalidInputError(
            f"{path}: format version {manifest.get('format_version')!r}; this desk reads "
            f"version {FORMAT_VERSION}"
        )
    export_id = manifest.get("export_id")
    if not isinstance(export_id, str) or not re.fullmatch(r"[0-9a-z]{1,30}", export_id):
        raise InvalidInputError(f"{path}: export_id must be 1-30 letters and digits")
    if not isinstance(manifest.get("files"), dict):
        raise InvalidInputError(f"{path}: no list of files")
    return manifest


def _listed_count(manifest: dict[str, Any], name: str) -> int:
    entry = manifest["files"].get(name)
    if not isinstance(entry, dict) or not isinstance(entry.get("count"), int):
        raise InvalidInputError(f"{MANIFEST}: {name} is not listed with its count")
    return int(entry["count"])


def _lines(desk: Desk, directory: Path, name: str, expected: int) -> Iterator[_Line]:
    """The file's lines, each checked against its table (InvalidInputError names file and line)."""
    filename = f"{name}.ndjson"
    path = directory / filename
    if not path.is_file():
        raise InvalidInputError(f"{filename}: missing from {directory}")
    seen = 0
    with desk.uow() as uow, path.open(encoding="utf-8") as handle:
        try:
            for number, text in enumerate(handle, start=1):
                if not text.strip():
                    continue
                where = f"{filename} line {number}"
                try:
                    document = json.loads(text)
                except ValueError as exc:
                    raise InvalidInputError(f"{where}: not JSON ({exc})") from None
                if not isinstance(document, dict):
                    raise InvalidInputError(f"{where}: a line is one JSON object")
                try:
                    uow.desk_rows.check(name, document)
                    _check_files(directory, name, document)
                except InvalidInputError as exc:
                    raise InvalidInputError(f"{where}: {exc.message}", **exc.data) from None
                seen += 1
                digest = hashlib.sha256(
                    json.dumps(document, sort_keys=True, ensure_ascii=False).encode("utf-8")
                ).hexdigest()
                yield _Line(number, document, digest)
        except UnicodeDecodeError as exc:
            raise InvalidInputError(f"{filename}: not UTF-8 ({exc.reason})") from None
    if seen != expected:
        raise InvalidInputError(f"{filename}: {seen} lines, the manifest says {expected}")


def _check_files(directory: Path, name: str, document: dict[str, Any]) -> None:
    """A line's files are named by their SHA-256 and are in ``attachments/`` (their bytes are
    checked against the name as they are stored)."""
    if name == "attachments":
        _check_file(directory, "sha256", document["sha256"])
    if name not in FILE_LISTS:
        return
    field = FILE_LISTS[name]
    listed = document[field]
    if not isinstance(listed, list):
        raise InvalidInputError(f"{field!r}: expected a list", field=field)
    for number, entry in enumerate(listed, start=1):
        what = f"{field!r} item {number}"
        if not isinstance(entry, dict) or set(entry) != set(_LISTED_FILE):
            fields = ", ".join(_LISTED_FILE)
            raise InvalidInputError(f"{what}: expected an object of {fields}", field=field)
        for key, kind in _LISTED_FILE.items():
            value = entry[key]
            if not isinstance(value, kind) or isinstance(value, bool):
                raise InvalidInputError(f"{what}: {key!r} is not {kind.__name__}", field=field)
        _check_file(directory, field, entry["sha256"], what)


_LISTED_FILE: dict[str, type] = {"filename": str, "content_type": str, "size": int, "sha256": str}


def _check_file(directory: Path, field: str, digest: str, what: str = "") -> None:
    what = what or repr(field)
    if not _SHA256.fullmatch(digest):
        raise InvalidInputError(f"{what}: sha256 is not a SHA-256 in hex", field=field)
    if not (directory / ATTACHMENTS / digest).is_file():
        raise InvalidInputError(f"{what}: {ATTACHMENTS}/{digest} is missing", field=field)


def _claim_desk(desk: Desk, system: str, manifest: dict[str, Any]) -> None:
    """Refuse a desk that has people or tickets of its own, unless they came from this very
    export (a repeated or interrupted run); else remember that this export is being imported."""
    with desk.uow() as uow:
        claimed = uow.imports.find(system, RecordKind.EXPORT, [_MANIFEST_SOURCE_ID])
        if claimed:
            return
        held = {name: uow.desk_rows.count(name) for name in _PEOPLE_AND_TICKETS}
        if any(held.values()):
            found = ", ".join(f"{n} {name}" for name, n in held.items() if n)
            raise ConflictError(
                f"this desk is not empty ({found}); an export is imported into an empty desk"
            )
        uow.imports.put(
            system,
            RecordKind.EXPORT,
            _MANIFEST_SOURCE_ID,
            0,
            str(manifest["export_id"]),
            desk.clock.now(),
        )
        uow.commit()


def _store(
    desk: Desk, directory: Path, system: str, name: str, lines: list[_Line], report: ImportReport
) -> None:
    with desk.uow() as uow:
        keys = uow.desk_rows.key_fields(name)
        source_ids = [f"{name}:{'/'.join(str(line.document[k]) for k in keys)}" for line in lines]
        known = uow.imports.find(system, RecordKind.EXPORT, source_ids)
    fresh: list[tuple[str, _Line]] = []
    for source_id, line in zip(source_ids, lines, strict=True):
        ref = known.get(source_id)
        if ref is not None and ref.fingerprint == line.fingerprint:
            report.by_file[(name, Outcome.SKIPPED)] += 1
        else:
            fresh.append((source_id, line))
    if not fresh:
        return
    documents = [dict(line.document) for _, line in fresh]
    if name == "attachments":  # stored before the transaction; content-addressed, so harmless
        for (_, line), document in zip(fresh, documents, strict=True):
            document["storage_key"] = _stored_file(
                desk, directory, f"{name}.ndjson line {line.number}", document
            )
    if name in FILE_LISTS:
        field = FILE_LISTS[name]
        for (_, line), document in zip(fresh, documents, strict=True):
            where = f"{name}.ndjson line {line.number} {field!r}"
            document[field] = [
                {
                    **{k: v for k, v in entry.items() if k != "sha256"},
                    "storage_key": _stored_file(desk, directory, where, entry),
                }
                for entry in document[field]
            ]
    first, last = fresh[0][1].number, fresh[-1][1].number
    try:
        with desk.uow() as uow:
            uow.desk_rows.write(name, documents)
            now = desk.clock.now()
            uow.imports.put_many(
                system,
                RecordKind.EXPORT,
                [(sid, int(line.document[keys[0]]), line.fingerprint) for sid, line in fresh],
                now,
            )
            if name in _INDEXED:
                uow.imports.put(system, RecordKind.INDEX, INDEX_STATE, 0, INDEX_PENDING, now)
            uow.commit()
    except TierdeskError:
        raise
    except Exception as exc:  # the database refused the batch: say which lines, store none
        text = getattr(exc, "message", None) or str(exc)
        raise InvalidInputError(
            f"{name}.ndjson lines {first}-{last} could not be stored, nothing of them was: "
            f"{type(exc).__name__}: {(text.splitlines() or [''])[0][:300]}"
        ) from exc
    for source_id, _ in fresh:
        report.by_file[(name, Outcome.UPDATED if source_id in known else Outcome.CREATED)] += 1


def _stored_file(desk: Desk, directory: Path, where: str, listed: dict[str, Any]) -> str:
    """Store the bytes ``listed`` (an attachment's line, or a file a line lists) names by their
    ``sha256``; where this desk keeps them."""
    digest = str(listed["sha256"])
    if not _SHA256.fullmatch(digest):
        raise InvalidInputError(f"{where}: sha256 is not a SHA-256 in hex")
    path = directory / ATTACHMENTS / digest
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"{where}: {ATTACHMENTS}/{digest} cannot be read ({exc})") from exc
    if hashlib.sha256(data).hexdigest() != digest:
        raise InvalidInputError(f"{where}: {ATTACHMENTS}/{digest} does not match its hash")
    saved = desk.files.put(data, str(listed["content_type"]), str(listed["filename"]))
    return saved.storage_key
