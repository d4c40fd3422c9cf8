"""One logging set-up for every process (``serve``, ``worker``, ``mail poll``): the standard
library's logging, one line per record, as text or as JSON (setting ``log_format``).

Every line carries its time, level, logger and message, and the request id, job id and ticket
reference of the work it belongs to when there is one (``services/log_context.py``). uvicorn's
loggers go through the same handler; its access log is off, because it writes the raw path
(a portal sign-in link holds its token in the path): the web edge logs each request under its
route template instead (``entrypoints/web/requests.py``)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from tierdesk.services import log_context

_CONTEXT_KEYS = ("request_id", "job_id", "ticket")


class ContextFilter(logging.Filter):
    """Copies the current request/job/ticket onto the record (in the thread that logs it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in log_context.current().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


def _timestamp(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: ``time``, ``level``, ``logger``, ``message``, the context keys
    that are set, and ``exception`` (the traceback) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in _CONTEXT_KEYS:
            value = getattr(record, key, None)
            if value is not None:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``time level logger [request=… job=… ticket=…] message`` for a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        context = " ".join(
            f"{key.removesuffix('_id')}={getattr(record, key)}"
            for key in _CONTEXT_KEYS
            if getattr(record, key, None) is not None
        )
        head = f"{_timestamp(record)} {record.levelname} {record.name}"
        text = (
            f"{head} [{context}] {record.getMessage()}"
            if context
            else f"{head} {record.getMessage()}"
        )
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


class _DeskHandler(logging.StreamHandler[TextIO]):
    """Ours, told apart from handlers others added (pytest's), to be replaced on a second call.
    Without a stream of its own it writes to whatever ``sys.stderr`` is *now*: one bound at
    set-up outlives a test runner's or CLI runner's swapped-in stderr, and every later record
    then ends as a "Logging error" on a closed file, mixed into other output."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream or sys.stderr)
        self.follows_stderr = stream is None

    def emit(self, record: logging.LogRecord) -> None:
        if self.follows_stderr:
            self.stream = sys.stderr
        super().emit(record)


def configure_logging(
    log_format: str = "text", level: str = "INFO", stream: TextIO | None = None
) -> None:
    """Send every logger's records (uvicorn's included) through one handler on standard error
    (or ``stream``). Called once by each command that runs for a while; calling it again
    replaces the handler."""
    handler = _DeskHandler(stream)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _DeskHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
