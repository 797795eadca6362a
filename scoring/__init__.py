"""Scoring: pure functions from entered scores and criteria data to totals, grades and reasons.

Nothing here imports Flask or SQLAlchemy; every number, band and rule comes from the kind and scale
dictionaries of a loaded criteria pack.
"""

from scoring.engine import ScoreInputError, parse_input, score_kind
from scoring.result import ItemPoints, ScoreResult

__all__ = ["ItemPoints", "ScoreInputError", "ScoreResult", "parse_input", "score_kind"]
