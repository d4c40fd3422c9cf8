"""Extract a small, deterministic subset of GitBugs (Apache Hadoop) for the tierdesk demo.

The demo product "Kestrel CallStats" is built on Apache Hadoop, so its ticket history and
known-defect list are seeded with real, public Hadoop Jira reports rather than invented text.

The subset holds every issue that is an end of one of the duplicate pairs in
``hadoop_bugs-combined.csv`` plus evenly spaced other issues (sorted by numeric issue id),
up to ``--total`` issues. Output is gzip-compressed JSON with a fixed gzip header, so running
the script twice gives byte-identical files.

Source: GitHub av9ash/gitbugs (CC BY 4.0), see NOTICE.md next to the output file.

Usage:
    python3 scripts/extract_gitbugs_subset.py \
        --data-dir ../shared/datasets/gitbugs-hadoop \
        --out src/tierdesk/demo/content/gitbugs_hadoop_subset.json.gz
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = Path("/work/shared/datasets/gitbugs-hadoop")
DEFAULT_OUT = REPO_ROOT / "src/tierdesk/demo/content/gitbugs_hadoop_subset.json.gz"

SOURCE = (
    "GitBugs, Apache Hadoop part: github.com/av9ash/gitbugs, commit "
    "eadf2d6794990a1aaa26d0ae15391f29f8969301, files hadoop/hadoop_bugs.csv and "
    "hadoop/hadoop_bugs-combined.csv (subset; descriptions truncated)"
)
LICENCE = "CC BY 4.0"
ATTRIBUTION = (
    'Patil, "GitBugs: Bug Reports for Duplicate Detection, Retrieval Augmented Generation, '
    'Triage, and More", arXiv 2504.09651 (2025). '
    'Patil, Han, Jadon, "A Comparative Analysis of Text Embedding Models for Bug Report '
    'Semantic Similarity", SPIN 2024.'
)
MAX_DESCRIPTION = 2500
MAX_GZ_BYTES = 400 * 1024


def parse_created(value: str) -> str | None:
    """Jira export dates look like '30/Sep/21 17:20'; the export carries no zone, read as UTC."""
    value = value.strip()
    if not value:
        return None
    parsed = datetime.strptime(value, "%d/%b/%y %H:%M").replace(tzinfo=UTC)
    return parsed.isoformat()


def read_issues(path: Path) -> dict[int, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {int(row["Issue id"]): row for row in csv.DictReader(handle)}


def read_pairs(path: Path) -> list[tuple[int, int]]:
    """One row may list several duplicates ("13547000, 13396667"); each becomes its own pair."""
    pairs: list[tuple[int, int]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            issue_id = int(row["Issue id"])
            for duplicate in row["Duplicate id"].split(","):
                if duplicate.strip():
                    pairs.append((issue_id, int(duplicate)))
    return pairs


def choose_ids(all_ids: list[int], pair_ends: set[int], total: int) -> list[int]:
    """Every pair end, then evenly spaced other ids (every k-th in id order) up to ``total``."""
    others = sorted(i for i in all_ids if i not in pair_ends)
    wanted = max(0, total - len(pair_ends))
    if wanted == 0 or not others:
        return sorted(pair_ends)
    step = max(1, len(others) // wanted)
    extra = others[::step][:wanted]
    return sorted(pair_ends | set(extra))


def to_record(issue_id: int, row: dict[str, str]) -> dict[str, object]:
    description = row["Description"].replace("\r\n", "\n").strip()
    if len(description) > MAX_DESCRIPTION:
        description = description[: MAX_DESCRIPTION - 1].rstrip() + "\u2026"
    versions = [v.strip() for v in row["Affects Version/s"].split(",") if v.strip()]
    return {
        "id": issue_id,
        "summary": row["Summary"].strip(),
        "description": description,
        "priority": row["Priority"].strip() or None,
        "status": row["Status"].strip() or None,
        "resolution": row["Resolution"].strip() or None,
        "created": parse_created(row["Created"]),
        "affects_versions": versions,
    }


def build_subset(data_dir: Path, total: int) -> dict[str, object]:
    issues = read_issues(data_dir / "hadoop_bugs.csv")
    pairs = read_pairs(data_dir / "hadoop_bugs-combined.csv")
    pair_ends = {i for pair in pairs for i in pair}
    missing = pair_ends - issues.keys()
    if missing:
        raise SystemExit(f"pair ends missing from hadoop_bugs.csv: {sorted(missing)}")
    chosen = choose_ids(list(issues), pair_ends, total)
    chosen_set = set(chosen)
    kept_pairs = [[a, b] for a, b in pairs if a in chosen_set and b in chosen_set]
    return {
        "source": SOURCE,
        "licence": LICENCE,
        "attribution": ATTRIBUTION,
        "issues": [to_record(i, issues[i]) for i in chosen],
        "pairs": kept_pairs,
    }


def write_gz(payload: dict[str, object], out: Path) -> int:
    data = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    with (
        out.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz,
    ):
        gz.write(data)
    return out.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--total", type=int, default=220, help="target number of issues")
    args = parser.parse_args(argv)

    payload = build_subset(args.data_dir, args.total)
    size = write_gz(payload, args.out)
    print(
        f"wrote {args.out} ({size} bytes): {len(payload['issues'])} issues, "
        f"{len(payload['pairs'])} duplicate pairs"
    )
    if size > MAX_GZ_BYTES:
        print(f"error: output exceeds {MAX_GZ_BYTES} bytes", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
