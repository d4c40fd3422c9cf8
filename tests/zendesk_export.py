"""The Zendesk export fixture (tests/fixtures/zendesk, written for these tests after Zendesk's
documented objects), copied for a test with its one reachable attachment served locally."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "zendesk"
VPN_LOG = b"01:00 tunnel down\n02:00 tunnel down\n"


class _Files(BaseHTTPRequestHandler):
    """The old desk's attachment host: one file there, everything else 404."""

    def do_GET(self) -> None:
        if self.path == "/attachments/vpn.log":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(VPN_LOG)))
            self.end_headers()
            self.wfile.write(VPN_LOG)
        else:
            self.send_error(404)

    def log_message(self, *_args: object) -> None:
        pass


@contextmanager
def served_export(tmp_path: Path) -> Iterator[Path]:
    """A copy of the fixture export whose first attachment a local server serves (the other
    one points at a port nobody listens on)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    target = tmp_path / "export"
    shutil.copytree(FIXTURE, target)
    tickets = target / "tickets.json"
    url = f"http://127.0.0.1:{server.server_address[1]}"
    tickets.write_text(tickets.read_text("utf-8").replace("{server}", url), "utf-8")
    try:
        yield target
    finally:
        server.shutdown()
        server.server_close()
