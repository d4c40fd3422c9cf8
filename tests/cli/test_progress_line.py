"""`tierdesk demo`'s progress on standard error: a bar redrawn in place on a terminal (phase,
percentage, time since the build began), plain lines (each phase, each tenth of a counted
phase) in a log."""

from __future__ import annotations

import io
import time

from tierdesk.demo.progress import BuildProgress
from tierdesk.entrypoints.cli.progress import ProgressLine


class Ticking:
    """A monotonic clock that moves a quarter second each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.25
        return self.now


def a_build(show: ProgressLine) -> None:
    phases = 5  # a build of five phases (the line's behaviour, whatever the demo has today)
    show(BuildProgress("Creating people", 1, phases))
    for done in range(0, 1001, 50):
        show(BuildProgress("Playing the history", 2, phases, done, 1000, "steps"))
    show(BuildProgress("Indexing", 3, phases))
    show.close()


def test_in_a_log_every_phase_and_every_tenth_of_the_history_is_a_plain_line() -> None:
    log = io.StringIO()

    a_build(ProgressLine(log, tty=False, clock=Ticking()))

    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue()
    assert lines[0] == "[1/5] Creating people …"
    assert lines[1].startswith("[1/5] done in ")
    history = [line for line in lines if line.startswith("[2/5] Playing the history:")]
    assert len(history) == 10  # 10 %, 20 % … 100 %, each once
    assert history[-1] == "[2/5] Playing the history: 100% (1,000 of 1,000 steps)"
    assert lines[-2] == "[3/5] Indexing …"
    assert lines[-1].startswith("[3/5] done in ")


def test_on_a_terminal_the_line_is_redrawn_in_place_and_each_phase_ends_with_its_time() -> None:
    terminal = io.StringIO()

    a_build(ProgressLine(terminal, tty=True, clock=Ticking(), columns=100, ticking=False))

    text = terminal.getvalue()
    assert text.count("\n") == 3  # one finished line per phase
    history = text.split("\n")[1]
    assert history.count("\r[2/5] Playing the history  ") == 21  # redrawn, not new lines
    assert "\r[2/5] Playing the history  " + "█" * 24 + " 100%  0:05\x1b[K" in history
    assert history.endswith("\r[2/5] Playing the history … done in 5.2 s\x1b[K")


def test_on_a_terminal_a_counted_phase_is_a_bar_with_its_percentage_and_the_build_s_time() -> None:
    terminal = io.StringIO()
    show = ProgressLine(terminal, tty=True, clock=Ticking(), columns=100, ticking=False)

    show(BuildProgress("Creating people", 1, 3))
    show(BuildProgress("Playing the history", 2, 3, 0, 1000, "steps"))
    show(BuildProgress("Playing the history", 2, 3, 250, 1000, "steps"))

    last = terminal.getvalue().split("\r")[-1]
    assert last == "[2/3] Playing the history  " + "█" * 6 + "░" * 18 + "  25%  0:00\x1b[K"


def test_a_phase_that_reports_nothing_still_shows_the_time_going_on() -> None:
    terminal = io.StringIO()
    clock = Ticking()
    show = ProgressLine(terminal, tty=True, clock=clock, columns=100, ticking=False)

    show(BuildProgress("Training the triage model", 1, 2))
    clock.now += 75
    show.tick()  # what the ticking thread does twice a second

    assert terminal.getvalue().split("\r")[-1] == "[1/2] Training the triage model …  1:15\x1b[K"


def test_the_ticking_thread_redraws_on_its_own_and_stops_with_the_build() -> None:
    terminal = io.StringIO()

    with ProgressLine(terminal, tty=True, columns=100, ticking=True) as show:
        show(BuildProgress("Training the triage model", 1, 1))
        deadline = time.monotonic() + 30  # generous on a loaded machine; not a speed test
        while terminal.getvalue().count("\r") < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert terminal.getvalue().count("\r") >= 3

    assert show._ticker is None  # joined
    assert terminal.getvalue().endswith(" s\x1b[K\n")
    assert terminal.getvalue().count("done in ") == 1


def test_a_line_never_outgrows_a_narrow_terminal_so_it_can_be_redrawn() -> None:
    terminal = io.StringIO()
    show = ProgressLine(terminal, tty=True, clock=Ticking(), columns=60, ticking=False)

    show(BuildProgress("Reading the manuals, writing KB articles, indexing everything", 4, 8))
    show(BuildProgress("Playing the history through the desk", 5, 8, 10, 100, "steps"))

    lines = terminal.getvalue().replace("\x1b[K", "").replace("\n", "\r").split("\r")
    assert all(len(line) < 60 for line in lines)
    assert lines[-1].endswith("  10%  0:00")


def test_a_terminal_that_cannot_show_blocks_gets_a_bar_of_plain_characters() -> None:
    latin1 = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    show = ProgressLine(latin1, tty=True, clock=Ticking(), columns=100, ticking=False)

    show(BuildProgress("Playing the history", 1, 1, 500, 1000, "steps"))

    latin1.seek(0)
    assert "############------------  50%" in latin1.read()


def test_a_failed_build_leaves_the_error_a_line_of_its_own_and_claims_nothing_done() -> None:
    terminal = io.StringIO()
    show = ProgressLine(terminal, tty=True, clock=Ticking(), columns=100, ticking=False)

    try:
        with show:
            show(BuildProgress("Playing the history", 3, 5, 10, 1000, "steps"))
            raise RuntimeError("disk full")
    except RuntimeError:
        pass

    assert terminal.getvalue().endswith("  1%  0:00\x1b[K\n")
