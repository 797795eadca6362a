"""Final grades kept in the database: gathered from approved records, scored, adjusted, stored."""

from grading.store import recompute, recompute_enterprise

__all__ = ["recompute", "recompute_enterprise"]
