"""Final grades kept in the database: gathered from approved records, scored, adjusted, stored."""

from grading.store import PeriodFrozen, apply, lines_of, plan, preview, recompute, recompute_enterprise

__all__ = ["PeriodFrozen", "apply", "lines_of", "plan", "preview", "recompute", "recompute_enterprise"]
