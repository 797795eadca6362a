"""Scoring: pure functions from entered scores and criteria data to totals, grades and reasons.

Nothing here imports Flask or SQLAlchemy; every number, band and rule comes from the kind and scale
of a loaded criteria pack. Each scoring method is one module of ``scoring/methods``.
"""

from scoring.engine import score_kind
from scoring.inputs import ScoreInputError
from scoring.result import ItemPoints, ScoreResult

__all__ = ["ItemPoints", "ScoreInputError", "ScoreResult", "score_kind"]
