"""Final grades kept in the database: gathered from approved records, scored, adjusted, stored."""

from grading.store import PeriodFrozen, lines_of, plan, preview, recompute, recompute_enterprise

__all__ = ["PeriodFrozen", "lines_of", "plan", "preview", "recompute", "recompute_enterprise"]
