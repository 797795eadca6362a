"""Assessment workflow: the states and transitions a kind declares, applied to one record."""

from workflow.rules import Actor, Facts, WorkflowRefused, check, choices, item_meaning, status_for

__all__ = ["Actor", "Facts", "WorkflowRefused", "check", "choices", "item_meaning", "status_for"]
