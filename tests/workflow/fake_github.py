"""A real HTTP server on 127.0.0.1 that speaks the subset of GitHub's issues REST API the desk
uses (create an issue, comment on it, read it), with GitHub's JSON shapes and token check.
Tests change issues on it the way developers would (close with a milestone) and build the
webhook deliveries GitHub would send, signed with ``X-Hub-Signature-256``."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REPOSITORY = "kestrel/pbx"
TOKEN = "ghp_test_token_for_the_fake"
WEBHOOK_SECRET = "webhook-secret-for-tests"

_ISSUES = re.compile(rf"^/repos/{REPOSITORY}/issues$")
_ISSUE = re.compile(rf"^/repos/{REPOSITORY}/issues/(\d+)$")
_COMMENTS = re.compile(rf"^/repos/{REPOSITORY}/issues/(\d+)/comments$")


@dataclass
class FakeGitHub:
    url: str = ""
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, list[str]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    down: bool = False  # answer 503 to everything (an outage)

    def close_issue(self, number: int, milestone: str | None, reason: str = "completed") -> None:
        issue = self.issues[number]
        issue["state"], issue["state_reason"] = "closed", reason
        issue["milestone"] = {"number": 1, "title": milestone} if milestone else None

    def webhook(self, number: int, action: str = "closed") -> tuple[bytes, dict[str, str]]:
        body = json.dumps(
            {
                "action": action,
                "issue": self.issues[number],
                "repository": {"full_name": REPOSITORY},
            }
        ).encode()
        signature = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
        headers = {
            "X-GitHub-Event": "issues",
            "X-Hub-Signature-256": f"sha256={signature}",
            "Content-Type": "application/json",
        }
        return body, headers


def _handler(state: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

        def _send(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _refused(self) -> bool:
            state.requests.append((self.command, self.path))
            if state.down:
                self._send(503, {"message": "Service Unavailable"})
                return True
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                self._send(401, {"message": "Bad credentials"})
                return True
            return False

        def _json(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            return dict(json.loads(self.rfile.read(length) or b"{}"))

        def do_GET(self) -> None:
            if self._refused():
                return
            match = _ISSUE.match(self.path)
            if match and int(match.group(1)) in state.issues:
                self._send(200, state.issues[int(match.group(1))])
            else:
                self._send(404, {"message": "Not Found"})

        def do_POST(self) -> None:
            if self._refused():
                return
            body = self._json()
            if _ISSUES.match(self.path):
                if not body.get("title"):
                    self._send(422, {"message": "Validation Failed"})
                    return
                number = len(state.issues) + 1
                state.issues[number] = {
                    "number": number,
                    "html_url": f"https://github.com/{REPOSITORY}/issues/{number}",
                    "title": body["title"],
                    "body": body.get("body"),
                    "state": "open",
                    "state_reason": None,
                    "labels": [{"name": name} for name in body.get("labels", [])],
                    "milestone": None,
                }
                self._send(201, state.issues[number])
                return
            match = _COMMENTS.match(self.path)
            if match and int(match.group(1)) in state.issues:
                state.comments.setdefault(int(match.group(1)), []).append(str(body["body"]))
                self._send(201, {"id": len(state.comments), "body": body["body"]})
                return
            self._send(404, {"message": "Not Found"})

    return Handler


class FakeGitHubServer:
    def __init__(self) -> None:
        self.state = FakeGitHub()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self.state.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeGitHub:
        self._thread.start()
        return self.state

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
