"""GitHub issues as the developers' tracker: the REST subset a defect needs (create an issue,
comment on it, read its state, labels and milestone) and webhook deliveries, verified with the
``X-Hub-Signature-256`` HMAC. GitLab or Jira would be one more module of this shape.

API: https://docs.github.com/en/rest/issues ; webhooks:
https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Any

import httpx

from tierdesk.domain.defects import TrackerIssue
from tierdesk.errors import ConfigurationError, TrackerUnavailableError

API_VERSION = "2022-11-28"


class GitHubTracker:
    def __init__(
        self,
        api_url: str,
        repository: str,
        token: str | None,
        webhook_secret: str | None,
        *,
        labels: Sequence[str] = (),
        timeout: float = 15.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        owner, _, name = repository.partition("/")
        if not owner or not name or "/" in name:
            raise ConfigurationError(f"tracker.repository {repository!r} is not owner/name")
        self._repository = repository
        self._webhook_secret = webhook_secret
        self._labels = list(labels)  # put on every issue the desk opens
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": "tierdesk",
        }
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(
            base_url=api_url.rstrip("/"), headers=headers, timeout=timeout, transport=transport
        )

    @property
    def name(self) -> str:
        return "github"

    def close(self) -> None:
        self._client.close()

    def _request(self, method: str, path: str, json: dict[str, Any] | None = None) -> Any:
        url = f"/repos/{self._repository}{path}"
        try:
            response = self._client.request(method, url, json=json)
        except httpx.HTTPError as exc:
            raise TrackerUnavailableError(
                f"GitHub could not be reached: {exc}", tracker="github"
            ) from exc
        if response.status_code >= 400:
            message = _error_message(response)
            raise TrackerUnavailableError(
                f"GitHub refused {method} {url}: {response.status_code} {message}",
                tracker="github",
                status=response.status_code,
            )
        return response.json()

    def create_issue(self, title: str, body: str, labels: Sequence[str]) -> TrackerIssue:
        data = self._request(
            "POST", "/issues", {"title": title, "body": body, "labels": [*self._labels, *labels]}
        )
        return issue_from_json(data)

    def add_comment(self, external_id: str, body: str) -> None:
        self._request("POST", f"/issues/{int(external_id)}/comments", {"body": body})

    def get_issue(self, external_id: str) -> TrackerIssue:
        return issue_from_json(self._request("GET", f"/issues/{int(external_id)}"))

    def verify_webhook(self, body: bytes, signature: str | None) -> bool:
        if not self._webhook_secret or not signature:
            return False  # without a secret no delivery can be trusted
        expected = hmac.new(self._webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(f"sha256={expected}", signature.strip())

    def issue_from_webhook(self, event: str, payload: dict[str, Any]) -> TrackerIssue | None:
        if event != "issues" or not isinstance(payload.get("issue"), dict):
            return None
        if payload.get("repository", {}).get("full_name", self._repository) != self._repository:
            return None  # a hook on another repository of the organisation
        return issue_from_json(payload["issue"])


def issue_from_json(data: dict[str, Any]) -> TrackerIssue:
    milestone = data.get("milestone") or {}
    return TrackerIssue(
        external_id=str(data["number"]),
        url=str(data.get("html_url") or ""),
        state=str(data.get("state") or "open"),
        state_reason=data.get("state_reason"),
        labels=tuple(
            str(label["name"] if isinstance(label, dict) else label)
            for label in data.get("labels") or []
        ),
        milestone=str(milestone["title"]) if milestone.get("title") else None,
    )


def _error_message(response: httpx.Response) -> str:
    try:
        return str(response.json().get("message", ""))[:300]
    except ValueError:
        return response.text[:300]
