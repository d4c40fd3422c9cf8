"""The nearest-neighbour vote inside the triage classifier's meaning model.

A text's ``NEIGHBOURS`` most similar training texts (cosine of the sentence embeddings) vote
for their labels, each vote weighted by how close the neighbour is and by its class's weight
(the same balancing as the linear models: every class weighs the same in total). The vote is
mixed into the logistic regression's probabilities with the fixed share ``NEIGHBOUR_SHARE``.

Why: a text in another language than the training rows sits a little off them in the
embedding space, and a linear model turns that offset into a bias for or against whole
classes; the closest training texts still say what it is about. On the development splits
(bench/routing_sets.py, every set's own folds; no test split) the share 0.3 against none:
xSID Dutch accuracy 0.817 -> 0.853 and Italian 0.897 -> 0.900 (English 0.940 -> 0.937,
German 0.890 -> 0.883), macro-F1 on GitBugs priorities 0.284 -> 0.308, BANKING77's long tail
0.819 -> 0.833, CLINC150's domains 0.931 -> 0.939, BANKING77 0.929 -> 0.930 (accuracy 0.930 ->
0.933), CLINC150 0.958 -> 0.958 (in-scope accuracy as the desk answers 0.930 -> 0.937,
out-of-scope recall 0.69 -> 0.66). 0.5 was worse on xSID; one vote per class (its closest row)
instead of the five nearest rows was worse on GitBugs. One fixed setting for every desk and set.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from tierdesk.assist import linear_models

NEIGHBOURS = 5
NEIGHBOUR_SHARE = 0.3
# How sharply closeness counts: a neighbour 0.1 less similar than the closest votes e^-1 as much.
SHARPNESS = 10.0
_BATCH = 512  # query rows per similarity block (bounds memory on large training sets)


def vote(
    query: NDArray[np.float32],
    rows: NDArray[np.floating],
    targets: NDArray[np.int64],
    classes: int,
) -> NDArray[np.float64]:
    """Per query row, the neighbours' vote as probabilities over ``classes``; ``rows`` and
    ``targets`` are the training vectors and their class numbers (in scope only)."""
    if len(rows) == 0 or len(query) == 0:
        return np.zeros((len(query), classes))
    return tally(*nearest(query, rows), targets, classes)


def nearest(
    query: NDArray[np.float32], rows: NDArray[np.floating]
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Per query row, its ``NEIGHBOURS`` most similar rows (in no order) and their cosines."""
    count = min(NEIGHBOURS, len(rows))
    matrix = np.asarray(rows, dtype=np.float32)
    found, closeness = [], []
    for start in range(0, len(query), _BATCH):
        block = np.asarray(query[start : start + _BATCH], dtype=np.float32)
        similar = np.asarray(block @ matrix.T, dtype=np.float64)
        near = np.argpartition(-similar, count - 1, axis=1)[:, :count]
        found.append(near)
        closeness.append(np.take_along_axis(similar, near, axis=1))
    return np.vstack(found), np.vstack(closeness)


def tally(
    found: NDArray[np.intp],
    closeness: NDArray[np.float64],
    targets: NDArray[np.int64],
    classes: int,
) -> NDArray[np.float64]:
    """The vote of the rows ``nearest`` found, as probabilities over ``classes``."""
    present, counts = np.unique(targets, return_counts=True)
    weight = np.zeros(classes)
    weight[present] = counts.astype(np.float64) ** -linear_models.CLASS_WEIGHT_POWER
    labels = targets[found]
    votes = np.exp(SHARPNESS * (closeness - closeness.max(axis=1, keepdims=True)))
    votes *= weight[labels]
    result = np.zeros((len(found), classes))
    per_row = found.shape[1]
    np.add.at(result, (np.repeat(np.arange(len(found)), per_row), labels.ravel()), votes.ravel())
    total = result.sum(axis=1, keepdims=True)
    total[total == 0] = 1.0
    normalised: NDArray[np.float64] = result / total
    return normalised


class NeighbourRows:
    """The training texts' embeddings (half precision: the vote needs no more), one object for
    every field of a model trained on the same tickets, remembering the rows nearest to the
    last vectors asked about: a new ticket's fields vote one after another on the same vector,
    and widening the rows to single precision was most of each vote."""

    def __init__(self, vectors: NDArray[np.float16]) -> None:
        self.vectors = vectors
        self._last: tuple[bytes, NDArray[np.intp], NDArray[np.float64]] | None = None

    def nearest(self, query: NDArray[np.float32]) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
        key = repr(query.shape).encode() + np.ascontiguousarray(query, np.float32).tobytes()
        last = self._last  # read once: another thread may replace it meanwhile
        if last is not None and last[0] == key:
            return last[1], last[2]
        found, closeness = nearest(query, self.vectors)
        self._last = (key, found, closeness)
        return found, closeness


def mix(
    regression: NDArray[np.float64], neighbours: NDArray[np.float64] | None
) -> NDArray[np.float64]:
    """The meaning model's probabilities: the regression's with the neighbours' vote mixed in
    (models stored before the vote have none: the regression alone)."""
    if neighbours is None:
        return regression
    mixed: NDArray[np.float64] = (1.0 - NEIGHBOUR_SHARE) * regression + (
        NEIGHBOUR_SHARE * neighbours
    )
    return mixed
