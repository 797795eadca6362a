"""The interface of a scoring method: its pack block, its input, its score, its form.

A method is a frozen dataclass holding the typed ``scoring`` block of one kind. Its class says what
the rest of the platform may ask without comparing method names: whether items carry the scores,
whether the reviewer rates instead, whether records are catalogue entries. Its methods do the four
jobs of a method:

- ``check``: rules of the block against the rest of its kind, at pack load time (pure data);
- ``parse``: the scorer's JSON payload (``criteria score``, a stored record) into checked input;
- ``score``: that input into a ``ScoreResult``;
- ``read_entry`` / ``stored_entry`` / ``row_payload``: one item of the 办理 page's fill-in table,
  as posted, as saved, and as the scorer reads a saved row.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar, Self

from marshmallow import Schema

from criteria.methods import Found
from criteria.pack import Item, Kind, Pack
from criteria.rules import Rounding
from scoring.inputs import Entry, ScoreInputError
from scoring.result import ScoreResult


@dataclass(frozen=True)
class ScoringMethod(ABC):
    code: ClassVar[str]
    schema: ClassVar[type[Schema]]
    scores_items: ClassVar[bool] = True  # the kind's items carry the scores
    allows_not_applicable: ClassVar[bool] = True  # an item may be marked 不涉及 (缺项)
    rates: ClassVar[bool] = False  # the reviewer rates the record with a band; nothing is scored
    catalogued: ClassVar[bool] = False  # a record is one catalogue entry (日常考核)
    uses_subtables: ClassVar[bool] = False  # items are fed by sub-table results
    overridable: ClassVar[bool] = False  # a reviewer's × may replace an item's self score (考核得分)
    key_help: ClassVar[dict[str, dict[str, str]]] = {}  # Chinese help for the keys of its block's schemas
    item_max_label: ClassVar[str] = "满分"  # what an item's max is called where a revision lists it
    entry_label: ClassVar[str] = "得分"  # what an applicable item lacks while nothing is entered

    # -- the pack block ---------------------------------------------------------------------------

    @classmethod
    def of(cls, data: dict[str, Any]) -> Self:
        """The typed block from its validated mapping (``rounding`` becomes a ``Rounding``)."""
        names = {f.name for f in fields(cls)}
        values = {key: Rounding.of(value) if key == "rounding" else value for key, value in data.items() if key in names}
        return cls(**values)

    @classmethod
    def check(cls, file: str, kind: dict[str, Any], bands: set[str] | None) -> Iterator[Found]:
        """Rules of the block against the rest of its validated kind; ``bands``: the codes of the
        kind's grade scale (None: it has none)."""
        return iter(())

    def params(self) -> dict[str, Any]:
        return {"method": self.code, **asdict(self)}

    @property
    def places(self) -> int:
        """Decimals a typed score may have."""
        return 1

    # -- the scorer's input and the score ---------------------------------------------------------

    @abstractmethod
    def parse(self, pack: Pack, kind: Kind, payload: dict[str, Any]) -> Any:
        """Checked input from the payload's ``items``/``vetoes``/``entries``; ScoreInputError names
        the item or entry that does not fit."""

    @abstractmethod
    def score(self, pack: Pack, kind: Kind, parsed: Any) -> ScoreResult: ...

    # -- the fill-in table (methods whose items carry scores) -------------------------------------

    def read_entry(self, kind: Kind, item: Item, form: Mapping[str, str], not_applicable: bool) -> tuple[Entry, str | None]:
        """One item as posted: the entry, and what is wrong with it (None: nothing)."""
        raise ScoreInputError(f"{kind.name}没有可填写得分的考核项目")

    def stored_entry(self, item: Item, row: Any) -> Entry:
        """One item as its saved row holds it (``row`` is not 不涉及)."""
        return Entry()

    def entered(self, entry: Entry) -> bool:
        return False

    def entry_payload(self, entry: Entry) -> Any:
        """The scorer's value of an entered item."""
        return None

    def entry_columns(self, entry: Entry) -> dict[str, Any]:
        """The item row's columns that hold the entry."""
        return {}

    def row_payload(self, item: Item, row: Any, which: str) -> Any:
        """The scorer's value of a saved row that is not 不涉及 (None: nothing entered yet);
        ``which`` is 'assessed' or 'self'."""
        return None
