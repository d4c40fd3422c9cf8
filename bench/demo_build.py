"""How long `tierdesk demo` takes, and where the time goes.

    .venv/bin/python bench/demo_build.py [--embedder use|hashing] [--seed 7]

Builds the demo world into a throwaway data directory, as `tierdesk demo` does, and prints
wall and CPU seconds of its phases: the history played through the services (and, within it,
the new tickets' and messages' follow-up jobs run after their commits), the final indexing
pass (manuals and the embedding of every ticket), training triage on the history (and
predicting the open tickets with it), the whole build, and the CPU the embedding-ahead worker
process spent on the other core. CPU seconds do not grow with other processes' load, wall
seconds do: report both, with the load average.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tierdesk.demo.builder as builder
import tierdesk.demo.clocked as clocked
from tierdesk.bootstrap import bootstrap
from tierdesk.config import SearchSettings, Settings


def timed(name: str, function: Callable[..., Any], figures: dict[str, tuple[float, float]]) -> Any:
    def run(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            figures[name] = (time.perf_counter() - wall, time.process_time() - cpu)

    return run


def accumulated(
    name: str, function: Callable[..., Any], figures: dict[str, tuple[float, float]]
) -> Callable[..., Any]:
    """``function`` timed on every call, the calls' seconds added up under ``name``."""

    def run(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            before = figures.get(name, (0.0, 0.0))
            figures[name] = (
                before[0] + time.perf_counter() - wall,
                before[1] + time.process_time() - cpu,
            )

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default="use", choices=["use", "hashing"])
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    figures: dict[str, tuple[float, float]] = {}
    builder.play = timed("history (play)", builder.play, figures)
    # the jobs run inside the history's commits (a nested call returns at once)
    clocked.FollowUpsNow.__call__ = accumulated(  # type: ignore[method-assign]
        "follow-up jobs", clocked.FollowUpsNow.__call__, figures
    )
    builder.index_manuals = timed("final index pass", builder.index_manuals, figures)
    builder.train_triage_on_history = timed(
        "triage training", builder.train_triage_on_history, figures
    )
    with tempfile.TemporaryDirectory(prefix="tierdesk-demo-bench-") as directory:
        settings = Settings(
            data_dir=Path(directory), search=SearchSettings(embedder=options.embedder)
        )
        app = bootstrap(settings)
        try:
            app.upgrade_database()
            wall, cpu = time.perf_counter(), time.process_time()
            summary = builder.build_demo(app, seed=options.seed)
            figures["whole build"] = (time.perf_counter() - wall, time.process_time() - cpu)
        finally:
            app.close()
    worker = os.times().children_user + os.times().children_system
    print(
        f"embedder {options.embedder}, seed {options.seed}: {summary.tickets} tickets, "
        f"{summary.indexed} documents indexed; load average {os.getloadavg()[0]:.1f}"
    )
    order = ["history (play)", "follow-up jobs", "final index pass", "triage training"]
    for name in [*order, *(n for n in figures if n not in order)]:
        if name in figures:
            wall, cpu = figures[name]
            print(f"  {name:<18} {wall:6.1f} s wall {cpu:6.1f} s CPU")
    print(f"  {'worker process':<18} {'':>13} {worker:6.1f} s CPU (embedding ahead)")


if __name__ == "__main__":  # the embedding worker is a spawned process: it imports this module
    main()
