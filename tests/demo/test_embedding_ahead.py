"""Embedding ahead in a worker process (the demo build's final index pass): whatever path a
text takes, ``embed`` returns the vectors the embedder itself gives."""

from __future__ import annotations

import time

import numpy as np

from tierdesk.assist.embedding_ahead import BATCH, EmbeddingAhead
from tierdesk.assist.embeddings import HashingEmbedder
from tierdesk.config import SearchSettings

HASHING = SearchSettings(embedder="hashing")


def texts(prefix: str, n: int) -> list[str]:
    return [f"{prefix} passage {i} about SIP trunk registration {i * 7}" for i in range(n)]


def wait_until_ready(ahead: EmbeddingAhead, n: int) -> None:
    deadline = time.monotonic() + 120  # a generous bound on a loaded machine; not a speed test
    while ahead.ready() < n:
        assert time.monotonic() < deadline, "the worker never finished its batch"
        time.sleep(0.05)


def test_announced_texts_are_served_from_the_worker_and_others_embedded_here() -> None:
    inner = HashingEmbedder()
    announced, later = texts("closed", BATCH), texts("changed", 3)
    with EmbeddingAhead(inner, HASHING) as ahead:
        ahead.ahead(announced)
        wait_until_ready(ahead, BATCH)

        asked = [later[0], *announced, later[1], announced[0], later[2]]
        vectors = ahead.embed(asked)

        assert ahead.served_ahead == BATCH + 1  # the repeated text too
        assert ahead.embedded_here == 3
    np.testing.assert_allclose(vectors, inner.embed(asked), atol=1e-6)
    assert ahead.name == inner.name


def test_texts_announced_but_not_yet_sent_or_done_are_still_answered() -> None:
    inner = HashingEmbedder()
    many = texts("burst", 3 * BATCH + 5)  # three batches sent, five left queued
    with EmbeddingAhead(inner, HASHING) as ahead:
        ahead.ahead(many)
        vectors = ahead.embed(many)

        assert ahead.served_ahead + ahead.embedded_here == len(many)
    np.testing.assert_allclose(vectors, inner.embed(many), atol=1e-6)


def test_a_worker_that_cannot_start_leaves_the_embedding_to_this_process() -> None:
    inner = HashingEmbedder()
    broken = SearchSettings(embedder="openai")  # no endpoint: the worker's set-up raises
    announced = texts("orphan", BATCH)
    with EmbeddingAhead(inner, broken) as ahead:
        ahead.ahead(announced)
        vectors = ahead.embed(announced)
        ahead.ahead(texts("more", 2 * BATCH))  # the pool is known broken now: not an error

        assert ahead.embedded_here == BATCH and ahead.served_ahead == 0
    np.testing.assert_allclose(vectors, inner.embed(announced), atol=1e-6)
    assert ahead.embed([]).shape[0] == 0


def test_texts_announced_one_by_one_are_served_alone_exactly_as_embedded_here() -> None:
    inner = HashingEmbedder()
    openings = texts("opening", 4)
    with EmbeddingAhead(inner, HASHING) as ahead:
        ahead.ahead_one_by_one(openings)
        one_by_one = ahead.one_by_one()
        served = [one_by_one.embed([text]) for text in openings]
        together = one_by_one.embed(texts("descriptions", 2))  # not one text: embedded here

        assert ahead.served_ahead + ahead.embedded_here == len(openings) + 2
        assert ahead.embedded_here >= 2
    for text, vector in zip(openings, served, strict=True):
        assert np.array_equal(vector, inner.embed([text]))  # bit for bit, not just close
    assert np.array_equal(together, inner.embed(texts("descriptions", 2)))
    assert one_by_one.name == inner.name


def test_a_text_announced_one_by_one_that_the_worker_finished_is_not_embedded_again() -> None:
    inner = HashingEmbedder()
    with EmbeddingAhead(inner, HASHING) as ahead:
        ahead.ahead_one_by_one(["Phone reboots every night", "Phone reboots every night"])
        ahead._singles["Phone reboots every night"].result(timeout=120)  # the worker is done

        ahead.one_by_one().embed(["Phone reboots every night"])

        assert (ahead.served_ahead, ahead.embedded_here) == (1, 0)
