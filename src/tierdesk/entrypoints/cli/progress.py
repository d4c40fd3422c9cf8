"""A build's progress on standard error. On a terminal: one line redrawn in place, the phase,
a bar and its percentage for a counted phase, and the time since the build began, which a
ticking thread keeps redrawing so that no phase looks stuck while it works. When the output
goes to a file or a pipe (a CI log), where carriage returns would only pile up: plain lines, a
phase's start and end, and every tenth of a counted phase. Standard output keeps the build's
summary alone."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from typing import TextIO

from tierdesk.demo.progress import BuildProgress

_REDRAW_SECONDS = 0.1  # a terminal line is redrawn at most this often (and at a phase's end)
_TICK_SECONDS = 0.5  # how often the elapsed time is redrawn while nothing reports
_CLEAR_TO_END = "\x1b[K"  # ANSI "erase in line": what a shorter redraw leaves is blanked
_BAR_WIDTH = 24


class ProgressLine:
    def __init__(
        self,
        stream: TextIO,
        *,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
        columns: int | None = None,
        ticking: bool | None = None,
    ) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.clock = clock
        self.columns = columns or shutil.get_terminal_size().columns
        self.full, self.empty = ("█", "░") if _shows_blocks(stream) else ("#", "-")
        self.phase_number = 0
        self.phases = 0
        self.began: float | None = None  # when the first phase started
        self.phase_began = 0.0
        self.last_draw = float("-inf")
        self.tenths = 0  # the last tenth of a counted phase written as a plain line
        self.shown: BuildProgress | None = None  # what the terminal line shows now
        self._lock = threading.Lock()  # the ticking thread redraws too
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        self._ticking = self.tty if ticking is None else ticking

    def __call__(self, progress: BuildProgress) -> None:
        with self._lock:
            now = self.clock()
            if self.began is None:
                self.began = now
                self._start_ticking()
            if progress.number != self.phase_number:
                self._finish_phase(now)
                self.phase_number, self.phases = progress.number, progress.phases
                self.phase_began, self.tenths = now, 0
                self._show(progress, now, first=True)
            else:
                self._show(progress, now, first=False)

    def tick(self) -> None:
        """Redraw the terminal line with the time elapsed (the ticking thread's work)."""
        with self._lock:
            if self.tty and self.shown is not None and self.phase_number:
                self._draw(self.shown, self.clock())

    def close(self, *, failed: bool = False) -> None:
        """End the last phase's line once the build has returned (or failed: then the line
        is only ended, so the error starts on a line of its own)."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        with self._lock:
            if failed and self.phase_number:
                if self.tty:
                    self._write_line("")
            else:
                self._finish_phase(self.clock())
            self.phase_number = 0
            self.shown = None

    def __enter__(self) -> ProgressLine:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_exc: object) -> None:
        self.close(failed=exc_type is not None)

    def _start_ticking(self) -> None:
        if not self._ticking:
            return

        def run() -> None:
            while not self._stop.wait(_TICK_SECONDS):
                self.tick()

        self._ticker = threading.Thread(target=run, name="demo-progress", daemon=True)
        self._ticker.start()

    def _show(self, progress: BuildProgress, now: float, *, first: bool) -> None:
        head = f"[{progress.number}/{progress.phases}] {progress.phase}"
        if self.tty:
            self.shown = progress
            last = progress.counted and progress.done == progress.total
            if first or last or now - self.last_draw >= _REDRAW_SECONDS:
                self._draw(progress, now)
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
        if self.tty and self.shown is not None:
            # the finished phase's line keeps its name and says how long it took
            tail = f" … {took}"
            head = self._fit(f"[{self.phase_number}/{self.phases}] {self.shown.phase}", tail)
            self._write_line("\r" + head + tail + _CLEAR_TO_END)
        elif self.tty:
            self._write_line(f" {took}")
        else:
            self._write_line(f"[{self.phase_number}/{self.phases}] {took}")

    def _draw(self, progress: BuildProgress, now: float) -> None:
        """``[3/8] Playing the history through the desk  ██████░░░░  42%  0:17``: the bar
        only for a counted phase; the phase's name is shortened to fit the terminal."""
        elapsed = _clock_time(now - (self.began if self.began is not None else now))
        if progress.counted:
            filled = round(progress.fraction * _BAR_WIDTH)
            bar = self.full * filled + self.empty * (_BAR_WIDTH - filled)
            tail = f"  {bar} {_percent(progress):3d}%  {elapsed}"
        else:
            tail = f" …  {elapsed}"
        head = self._fit(f"[{progress.number}/{progress.phases}] {progress.phase}", tail)
        self.stream.write("\r" + head + tail + _CLEAR_TO_END)
        self.last_draw = now
        self.stream.flush()

    def _fit(self, head: str, tail: str) -> str:
        """``head`` shortened so that it and ``tail`` fit the terminal's width: a line that
        wraps could not be redrawn in place."""
        room = max(self.columns - 1 - len(tail), 12)
        return head if len(head) <= room else head[: room - 1] + "…"

    def _write_line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()


def _shows_blocks(stream: TextIO) -> bool:
    """Whether the stream can carry the bar's block characters (a text buffer always can)."""
    encoding = getattr(stream, "encoding", None)
    try:
        "█░…".encode(encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _percent(progress: BuildProgress) -> int:
    return progress.done * 100 // progress.total if progress.total else 0  # 99% until done


def _clock_time(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


def _count(progress: BuildProgress) -> str:
    unit = f" {progress.unit}" if progress.unit else ""
    return f"{_percent(progress):3d}% ({progress.done:,} of {progress.total:,}{unit})"
