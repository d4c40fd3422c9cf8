"""An OpenAI-compatible chat endpoint (llama.cpp server, Ollama, vLLM, a cloud API) for
abstractive summaries, translations and reply drafts. Optional and off by default: nothing in
the desk needs it, and what it writes is only ever a draft an agent must act on."""

from __future__ import annotations

import httpx

from tierdesk.errors import LanguageModelUnavailableError


class ChatEndpoint:
    def __init__(
        self, endpoint: str, model: str, api_key: str | None = None, timeout: float = 60.0
    ) -> None:
        self._url = endpoint.rstrip("/") + "/chat/completions"
        self._model = model
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._timeout = timeout

    def complete(self, system: str, user: str) -> str:
        body = {
            "model": self._model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "temperature": 0.2,
        }
        try:
            response = httpx.post(
                self._url, json=body, headers=self._headers, timeout=self._timeout
            )
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"]
        except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as exc:
            raise LanguageModelUnavailableError(
                f"the language model at {self._url} failed: {exc}"
            ) from exc
        if not isinstance(content, str) or not content.strip():
            raise LanguageModelUnavailableError(
                f"the language model at {self._url} returned no text"
            )
        return content.strip()
