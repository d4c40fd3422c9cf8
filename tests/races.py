"""Requests sent at the same moment: threads that start together at a barrier, for the tests
of people racing one another on one ticket or record."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import httpx


def together(requests: Sequence[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """Every request's answer (in the order they came back), each sent from its own thread
    the moment all of them are ready."""
    start = threading.Barrier(len(requests))
    answers: list[httpx.Response] = []

    def run(request: Callable[[], httpx.Response]) -> None:
        start.wait()
        answers.append(request())

    racers = [threading.Thread(target=run, args=(r,)) for r in requests]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(60)
    assert len(answers) == len(requests), "a racer did not come back within a minute"
    return answers
