"""A build's progress on standard error: one line redrawn in place on a terminal, plain lines
(a phase's start, then every tenth of a counted phase) when the output goes to a file or a pipe,
where carriage returns would only pile up. Standard output keeps the build's summary alone."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

from tierdesk.demo.progress import BuildProgress

_REDRAW_SECONDS = 0.1  # a terminal line is redrawn at most this often (and at a phase's end)
_CLEAR_TO_END = "\x1b[K"  # ANSI "erase in line": what a shorter redraw leaves is blanked


class ProgressLine:
    def __init__(
        self,
        stream: TextIO,
        *,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.clock = clock
        self.phase_number = 0
        self.phases = 0
        self.phase_began = 0.0
        self.last_draw = float("-inf")
        self.tenths = 0  # the last tenth of a counted phase written as a plain line

    def __call__(self, progress: BuildProgress) -> None:
        now = self.clock()
        if progress.number != self.phase_number:
            self._finish_phase(now)
            self.phase_number, self.phases = progress.number, progress.phases
            self.phase_began, self.tenths = now, 0
            self._show(progress, now, first=True)
        else:
            self._show(progress, now, first=False)

    def close(self, *, failed: bool = False) -> None:
        """End the last phase's line once the build has returned (or failed: then the line
        is only ended, so the error starts on a line of its own)."""
        if failed and self.phase_number:
            if self.tty:
                self._write_line("")
        else:
            self._finish_phase(self.clock())
        self.phase_number = 0

    def __enter__(self) -> ProgressLine:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_exc: object) -> None:
        self.close(failed=exc_type is not None)

    def _show(self, progress: BuildProgress, now: float, *, first: bool) -> None:
        head = f"[{progress.number}/{progress.phases}] {progress.phase}"
        if self.tty:
            last = progress.counted and progress.done == progress.total
            if first or last or now - self.last_draw >= _REDRAW_SECONDS:
                self._draw(head + (f": {_count(progress)}" if progress.counted else " …"), now)
            return
        if first:
            self._write_line(head + " …")
        if progress.counted:
            tenths = int(progress.fraction * 10)
            if tenths > self.tenths:
                self.tenths = tenths
                self._write_line(f"{head}: {_count(progress)}")

    def _finish_phase(self, now: float) -> None:
        if not self.phase_number:
            return
        took = f"done in {now - self.phase_began:.1f} s"
        if self.tty:
            self._write_line(f" {took}")
        else:
            self._write_line(f"[{self.phase_number}/{self.phases}] {took}")

    def _draw(self, text: str, now: float) -> None:
        self.stream.write("\r" + text + _CLEAR_TO_END)
        self.last_draw = now
        self.stream.flush()

    def _write_line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()


def _count(progress: BuildProgress) -> str:
    unit = f" {progress.unit}" if progress.unit else ""
    percent = progress.done * 100 // progress.total if progress.total else 0  # 99% until done
    return f"{percent:3d}% ({progress.done:,} of {progress.total:,}{unit})"
