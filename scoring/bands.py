"""Grade bands of a scale: a band holds min <= score < max; the top band also holds its max."""

from __future__ import annotations

from decimal import Decimal

from criteria.rules import Band, Scale


def band_for(score: Decimal, scale: Scale) -> Band:
    top = scale.top
    for band in scale.bands:
        if band.min <= score < band.max or (score == band.max == top):
            return band
    raise ValueError(f"score {score} is outside scale {scale.code} ({scale.min}..{scale.max})")


def band_by_code(code: str, scale: Scale) -> Band:
    return scale.band(code)


def rank(code: str, scale: Scale) -> int:
    """0 for the best band; bands are listed best first."""
    return [band.code for band in scale.bands].index(code)
