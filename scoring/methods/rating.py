"""``rating``: nothing is scored; the reviewer rates the submission with one band of the kind's
grade scale. The bands offered are the block's ``bands``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, NoReturn

from criteria.fields import Code, Items, Strict, Text, not_empty_list
from criteria.methods import Found
from criteria.pack import Kind, Pack
from scoring.inputs import ScoreInputError
from scoring.methods.base import ScoringMethod
from scoring.result import ScoreResult


class RatingScoringSchema(Strict):
    method = Text(required=True)
    bands = Items(Code(), required=True, validate=not_empty_list())  # the bands the reviewer may choose


@dataclass(frozen=True)
class Rating(ScoringMethod):
    code: ClassVar[str] = "rating"
    key_help: ClassVar[dict[str, dict[str, str]]] = {
        "RatingScoringSchema": {"method": "计分方法：rating 审核人评定等次，不计分", "bands": "审核人可以选择的等次代码"},
    }
    schema: ClassVar[type[Strict]] = RatingScoringSchema
    scores_items: ClassVar[bool] = False
    rates: ClassVar[bool] = True

    bands: tuple[str, ...]

    @classmethod
    def of(cls, data: dict[str, Any]) -> Rating:
        return cls(tuple(data["bands"]))

    @classmethod
    def check(cls, file: str, kind: dict[str, Any], bands: set[str] | None) -> Iterator[Found]:
        """No items, a scale, bands of that scale, a transition that rates."""
        if kind["items"]:
            yield file, "items", "a kind rated by the reviewer (scoring.method rating) has no scored items"
        if "grade_scale" not in kind:
            yield file, "grade_scale", "is required when the reviewer rates the kind (scoring.method rating)"
        chosen = kind["scoring"]["bands"]
        for index, band in enumerate(chosen):
            if bands is not None and band not in bands:
                yield file, f"scoring.bands[{index}]", f"unknown band '{band}' of scale '{kind['grade_scale']}'"
            if band in chosen[:index]:
                yield file, f"scoring.bands[{index}]", f"band '{band}' is listed twice"
        if not any(t["rates"] for t in kind["workflow"]["transitions"]):
            yield file, "workflow.transitions", "no transition rates the record (rates: true), but scoring.method is rating"

    def parse(self, pack: Pack, kind: Kind, payload: dict[str, Any]) -> NoReturn:
        labels = pack.band_labels(kind)
        raise ScoreInputError(f"{kind.name}不计算得分：由审核人评定为" + "、".join(labels.get(code, code) for code in self.bands))

    def score(self, pack: Pack, kind: Kind, parsed: Any) -> ScoreResult:
        raise ScoreInputError(f"{kind.name}不计算得分")
