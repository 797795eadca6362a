"""Scoring methods, one module each, behind ``ScoringMethod`` (see ``base``).

A pack names a method in each kind's ``scoring.method``; the loader finds the class through the
``platform.scoring_methods`` entry points (pyproject.toml) and loads the block into it, so
``kind.scoring`` is an instance of one of these classes.
"""

from scoring.methods.base import ScoringMethod

__all__ = ["ScoringMethod"]
