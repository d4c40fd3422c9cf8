"""`tierdesk demo`'s progress on standard error: redrawn in place on a terminal, plain lines
(each phase, each tenth of the history) in a log."""

from __future__ import annotations

import io

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

    a_build(ProgressLine(terminal, tty=True, clock=Ticking()))

    text = terminal.getvalue()
    assert text.count("\n") == 3  # one finished line per phase
    history = text.split("\n")[1]
    assert history.count("\r[2/5] Playing the history:") == 21  # redrawn, not new lines
    assert history.endswith("100% (1,000 of 1,000 steps)\x1b[K done in 5.2 s")


def test_a_failed_build_leaves_the_error_a_line_of_its_own_and_claims_nothing_done() -> None:
    terminal = io.StringIO()
    show = ProgressLine(terminal, tty=True, clock=Ticking())

    try:
        with show:
            show(BuildProgress("Playing the history", 3, 5, 10, 1000, "steps"))
            raise RuntimeError("disk full")
    except RuntimeError:
        pass

    assert terminal.getvalue().endswith("(10 of 1,000 steps)\x1b[K\n")
