"""Criteria packs: the assessment guide as YAML, validated as a whole."""

from criteria.errors import CriteriaError, Problem
from criteria.loader import DEFAULT_PACK, load_pack, load_snapshot
from criteria.pack import Kind, Pack

__all__ = ["DEFAULT_PACK", "CriteriaError", "Kind", "Pack", "Problem", "load_pack", "load_snapshot"]
