"""A serving process's start-up objects kept out of the garbage collector's full passes.

A started web process holds ~290,000 objects the cyclic collector tracks (the models, the
imported modules, FastAPI's routes and Pydantic's validators, the ORM's mappers, the reference
caches), and none of them ever becomes garbage. Python's full collection (generation 2) walks
all of them: on the demo desk it took 180–250 ms, every hundred-odd requests, holding the
interpreter and so every request of the process meanwhile, which was the slowest 1 % of ticket
reads (bench/README.md, issue 19). Frozen after start-up, they are left out of every pass; a
full collection then walks only what requests made since, ~1 ms.

Called by the processes that serve (``tierdesk serve`` and its ``--workers``) once their
application is built and warmed up, and again by serve's follow-up thread once its models are
in (scikit-learn and the triage model load there while the server starts); not by tests or
other commands: a frozen object that becomes garbage is never collected, and a process that
builds many applications would keep every one of them."""

from __future__ import annotations

import gc


def settle_heap() -> None:
    """Collect what start-up left as garbage, then move everything alive into the permanent
    generation the collector skips."""
    gc.collect()
    gc.freeze()
