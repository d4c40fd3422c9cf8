"""How far a demo build is, told to whoever shows it.

The builder calls a hook with a :class:`BuildProgress` when each phase starts and, in the two
long counted phases (playing the history, indexing), as their units are done: every half
percent, so the hook costs nothing per ticket. A value says everything a display needs on its
own (the phase's name and number, how many phases there are, units done of the total), so a
progress bar is just a function of it (``entrypoints/cli/progress.py`` draws it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class BuildProgress:
    phase: str  # what is being done, in words
    number: int  # which phase, from 1
    phases: int  # how many phases the build has
    done: int = 0  # units of this phase done so far
    total: int = 0  # units in this phase; 0 when the phase is not counted
    unit: str = ""  # what is counted ("steps")

    @property
    def counted(self) -> bool:
        return self.total > 0

    @property
    def fraction(self) -> float:
        """Share of this phase done (0 for a phase that is not counted)."""
        return self.done / self.total if self.total else 0.0


ProgressHook = Callable[[BuildProgress], None]


def no_progress(_progress: BuildProgress) -> None:
    """The hook of a build nobody watches."""


PHASES = (
    "Creating products, agents and customers",
    "Planning the history",
    "Playing the history through the desk",
    "Writing KB articles from the history",
    "Indexing tickets, articles and manuals",
    "Asking the portal, answering, the last stories",
    "Training the triage model on the history",
    "Counting what was built",
)
HISTORY = PHASES.index("Playing the history through the desk")
ARTICLES = HISTORY + 1
INDEXING = HISTORY + 2  # counted: tickets and documents embedded and stored
LAST_STORIES = HISTORY + 3
TRAINING = HISTORY + 4
COUNTING = HISTORY + 5
REPORTS_PER_PHASE = 200  # a counted phase reports every half percent, never per step


class Phases:
    """The builder's side: start phases by index, report units done in the current one."""

    def __init__(self, hook: ProgressHook) -> None:
        self.hook = hook
        self.current = 0

    def start(self, index: int, total: int = 0, unit: str = "") -> None:
        self.current = index
        self.hook(BuildProgress(PHASES[index], index + 1, len(PHASES), 0, total, unit))

    def counter(self, total: int, unit: str) -> Callable[[int], None]:
        """A function to call with the units done so far (one at a time or in pages); it
        passes on a count at least 1/REPORTS_PER_PHASE of ``total`` past the last one it
        passed on, and the last one."""
        every = max(-(-total // REPORTS_PER_PHASE), 1)  # rounded up: at most that many reports
        phase = self.current
        told = 0

        def done(count: int) -> None:
            nonlocal told
            if count - told >= every or (count == total and told != total):
                told = count
                self.hook(BuildProgress(PHASES[phase], phase + 1, len(PHASES), count, total, unit))

        return done
