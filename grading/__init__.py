"""Final grades kept in the database: gathered from approved records, scored, adjusted, stored."""

from grading.store import PeriodFrozen, preview, recompute, recompute_enterprise

__all__ = ["PeriodFrozen", "preview", "recompute", "recompute_enterprise"]
