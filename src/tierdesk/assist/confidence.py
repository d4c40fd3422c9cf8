"""How likely a hit is to be right: its evidence (``domain.knowledge.Evidence``) mapped to a
probability by logistic models fitted on development questions only
(``bench/confidence.py fit``; the coefficients are in ``assist.calibrated``).

The fused score ranks candidates against each other (z-scores), so it cannot say whether the
best of them is any good. A probability can: "right 9 times in 10" means the same for every
query. Two kinds of query are fitted apart — a question (a few words asked of manuals or
tickets) and a whole ticket (a ticket's text asked for similar tickets or passages) — each
with and without the meaning score, and on the meaning features alone. The meaning models hold
for the embedder they were fitted with (``calibrated.MODEL``); with another embedder, or where a
hit has no dense score (keyword search, vectors deferred), the keyword-only model is used.

A hit written in another language than the query (``Evidence.other_language``: a German ticket,
an English manual) cannot be expected to share its words, and a translated query has lower
cosines to every document: fitted on English questions, the ordinary model rates such a hit far
too low (a right passage at 0.1-0.4). It is rated by a model of its own (``across``), fitted on
questions in another language than the manual they are asked of: the fitting half of the demo
world's scenarios, written for the project in five languages (bench/demo_questions.py), each
asked of the three Kestrel manuals and of other products' documents, with their hits in the
same language too. Its features are ones any language has (the hit's cosine's standing among
the candidates', its lead in the same unit, the share of the query's words it holds: product
names and error codes cross languages; where its fused score stands; whether query and hit are
in the same language); the fit also chose the rule (``calibrated.ACROSS_RULE``): "alone", or
"higher" (the higher of it and the ordinary model's probability).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from tierdesk.assist import calibrated
from tierdesk.domain.knowledge import Evidence

FEATURES = (
    "share", "dense", "gap", "margin", "title_share", "lead", "standing", "lead_spread",
    "other_language",
)  # fmt: skip


def _features(evidence: Evidence) -> dict[str, float]:
    return {
        "share": evidence.share,
        "dense": evidence.dense if evidence.dense is not None else 0.0,
        "gap": evidence.gap,
        "margin": evidence.margin,
        "title_share": evidence.title_share,
        "lead": evidence.lead,
        "standing": evidence.standing,
        "lead_spread": evidence.lead_spread,
        "other_language": float(evidence.other_language),
    }


def _logistic(model: Mapping[str, float], features: Mapping[str, float]) -> float:
    z = model.get("intercept", 0.0) + sum(
        weight * features[name] for name, weight in model.items() if name in features
    )
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


def confidence(evidence: Evidence, embedder: str) -> float:
    """P(the hit is right), 0..1, rounded to two places (what the desk shows)."""
    kind = "question" if evidence.question else "ticket"
    meaning = evidence.dense is not None and embedder == calibrated.MODEL
    features = _features(evidence)
    model = calibrated.MODELS[kind]["meaning" if meaning else "keywords"]
    probability = _logistic(model, features)
    if meaning and evidence.other_language:
        across = _logistic(calibrated.MODELS[kind]["across"], features)
        probability = max(probability, across) if calibrated.ACROSS_RULE == "higher" else across
    return round(probability, 2)
