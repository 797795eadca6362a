"""The data layer of every generated view and API: reads and writes only inside the user's scope.

``ScopedInterface`` is the single data layer both the HTML views and the REST APIs use, so the scope
in ``views.scope`` and the uniqueness checks apply to every door alike.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from flask import current_app, has_app_context
from flask_appbuilder.models.sqla.filters import SQLAFilterConverter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.utils.base import is_column_dotted
from markupsafe import Markup
from sqlalchemy import Column, asc, desc, func, inspect, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import ColumnProperty, Load, Query, joinedload, selectinload

from models.aggregate import assessment_table
from models.uniqueness import Key, holder, keys_of, refusal
from views.api_fields import plausible_id
from views.scope import OUTSIDE, ScopeViolation, current_scope, ensure_in_scope, scope_clause


def plain_cell(value: Any) -> Any:
    """A cell as text or number: links (Markup) become their text, objects their name."""
    if isinstance(value, Markup):
        return value.striptags()
    if value is None or isinstance(value, (int, float, str)):
        return value
    return str(value)


class AtLeast(int):
    """A list's row count that stopped at ``LIST_COUNT_LIMIT``: there are at least this many rows.
    It pages like a number and reads “10000+” where it is shown (记录数); a REST answer carries
    ``count_at_least``."""

    def __str__(self) -> str:
        return f"{int(self)}+"


def count_limit() -> int:
    """``LIST_COUNT_LIMIT`` of the app (0: count every row; no app: the command line counts all)."""
    return int(current_app.config.get("LIST_COUNT_LIMIT") or 0) if has_app_context() else 0


class KeptCounts:
    """Counts that reached the limit, kept ``LIST_COUNT_KEEP_SECONDS`` per statement and parameters.

    Such a count reads ``limit`` rows on every page of the list (at a city's size some 2 ms of a
    REST page's 7). It reads “10000+” until the rows the list selects fall under the limit, which takes mass
    deletion: that shows within the kept seconds. A count under the limit is never kept, so a new or
    removed record changes it at once. The key is the statement's own, values included: whatever
    made the rows (scope, filters, the user's review roles) is in it."""

    SIZE = 512

    def __init__(self) -> None:
        self._counts: dict[Any, tuple[float, int]] = {}
        self._lock = threading.Lock()  # a worker's threads share it

    def get(self, key: Any) -> int | None:
        found = self._counts.get(key)
        return found[1] if found and found[0] > time.monotonic() else None

    def keep(self, key: Any, count: int, seconds: float) -> None:
        with self._lock:
            if len(self._counts) >= self.SIZE:
                now = time.monotonic()
                self._counts = {k: v for k, v in self._counts.items() if v[0] > now}
                while len(self._counts) >= self.SIZE:
                    del self._counts[next(iter(self._counts))]
            self._counts[key] = (time.monotonic() + seconds, count)


def _statement_key(statement: Any) -> Any:
    """The statement and the values of its parameters, as one hashable key (None: the statement
    has a part SQLAlchemy cannot key, and its count is not kept)."""
    cache_key = statement._generate_cache_key()
    if cache_key is None:
        return None
    return cache_key.key, tuple(repr(b.effective_value) for b in cache_key.bindparams)


class FieldProblem(Exception):
    """A value of one field cannot be stored (for example it duplicates another record)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class Refused(Exception):
    """The record may not be changed now (for example it is no longer a draft)."""


class KeptFilterConverter(SQLAFilterConverter):
    """FAB builds the filters of every column of the model each time it makes a ``Filters`` (three
    times a list request: some 100 filter objects, a tenth of a REST list's time). Which filters a
    column has cannot change while the data model lives: they are found once per column; each call
    gets its own list (FAB extends the lists it gets)."""

    def convert(self, col_name: str) -> list[Any] | None:
        kept: dict[str, list[Any] | None] = self.datamodel.__dict__.setdefault("_kept_filters", {})
        if col_name not in kept:
            kept[col_name] = super().convert(col_name)
        found = kept[col_name]
        return None if found is None else list(found)


class ScopedInterface(SQLAInterface):
    """SQLAInterface that reads and writes only inside the current user's data scope."""

    filter_converter_class = KeptFilterConverter

    def __init__(self, obj: type, session: Any = None, of_kind: str | None = None) -> None:
        super().__init__(obj, session)
        # The records (or item rows) of one kind: a kind's class, or an item view of that kind. On the
        # core table it also lets a list sort by the (kind, changed_on) index instead of every record.
        self.of_kind = of_kind or getattr(obj, "kind_code", None)
        self.kept_counts = KeptCounts()
        # A SQL expression mapped for loading (the aggregate's discriminator) is no column of a form.
        for key, prop in list(self.list_properties.items()):
            if isinstance(prop, ColumnProperty) and not isinstance(prop.columns[0], Column):
                del self.list_properties[key]
                self.list_columns.pop(key, None)

    def _scoped(self, query: Query) -> Query:
        clause = scope_clause(self.obj, current_scope())
        query = query if clause is None else query.filter(clause)
        if self.of_kind is None:
            return query
        if assessment_table in inspect(self.obj).tables:
            return query.filter(assessment_table.c.kind == self.of_kind)
        return query.filter(self.obj.assessment_id.in_(select(assessment_table.c.id).where(assessment_table.c.kind == self.of_kind)))

    def query_count(self, query: Query, filters: Any = None, select_columns: Any = None, exact: bool = False) -> int:
        """The number of rows the list pages through, counted up to ``LIST_COUNT_LIMIT`` (an
        ``AtLeast`` when there are more; ``exact`` counts them all, as an export does).

        For a kind's records it is counted on the core table alone when every filter is on core
        columns: joining each header row only to count it costs a walk of the whole core table's
        key (PostgreSQL), many times the count itself."""
        # Only the joins of dotted columns matter to a count, not which columns a page loads.
        joins = [c for c in select_columns or () if is_column_dotted(c)]
        query = self._apply_inner_all(self._scoped(query), filters, select_columns=joins, aliases_mapping={})
        limit = 0 if exact else count_limit()
        if self.of_kind is not None and assessment_table in inspect(self.obj).tables:
            keys = query.with_entities(assessment_table.c.id)
            # Whether the count needs more than the core table depends on which filters apply and on
            # the scope, not on their values: asked once for each such shape (it compiles the query).
            shape = (current_scope().kind, *((type(f), f.column_name) for f in (filters.filters if filters else ())))
            alone: dict[tuple, bool] = self.__dict__.setdefault("_count_alone", {})
            if shape not in alone:
                alone[shape] = keys.statement.get_final_froms() == [assessment_table]
            if alone[shape]:
                return self._bounded(keys, limit) if limit else query.with_entities(func.count(assessment_table.c.id)).scalar()
        if not limit:
            return query.count()
        # the key alone for a one-table model; a model over joined tables (a kind's core and header)
        # keeps its entity, which carries the join
        single = len(inspect(self.obj).tables) == 1 and not joins
        return self._bounded(query.with_entities(*inspect(self.obj).primary_key) if single else query, limit)

    def _bounded(self, rows: Query, limit: int) -> int:
        """How many rows ``rows`` has, reading at most ``limit`` of them (a count that reached it is
        kept a while: ``KeptCounts``)."""
        statement = select(func.count()).select_from(rows.order_by(None).limit(limit).subquery())
        seconds = float(current_app.config.get("LIST_COUNT_KEEP_SECONDS") or 0)
        key = _statement_key(statement) if seconds > 0 else None
        if key is not None and (found := self.kept_counts.get(key)) is not None:
            return AtLeast(found)
        found = self.session.execute(statement).scalar_one()
        if found < limit:
            return found
        if key is not None:
            self.kept_counts.keep(key, found, seconds)
        return AtLeast(found)

    eager: tuple[str, ...] = ()  # relations a list shows: loaded with the page, not row by row
    # relations a list reads of some rows only (a record's items, for its total before a result is
    # stored), and which rows: loaded with the page for those rows alone
    eager_for: tuple[tuple[str, ...], Callable[[Any], bool]] | None = None

    def query(
        self,
        filters: Any = None,
        order_column: str = "",
        order_direction: str = "",
        page: int | None = None,
        page_size: int | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, list[Any]]:
        if page is None and page_size is None and not args and not kwargs:
            # every row, as a form's pick list reads them: their count is their number (FAB counts
            # them first, a second query on every page with a pick list in its search form)
            rows = self.apply_all(self.session.query(self.obj), filters, order_column, order_direction).all()
            count = len(rows)
        else:
            count, rows = super().query(filters, order_column, order_direction, page, page_size, *args, **kwargs)
        if self.eager_for and rows:
            names, needs = self.eager_for
            wanted = [row.id for row in rows if needs(row)]
            if wanted:  # the page's records that need them, again, with the relations: one query each
                key = inspect(self.obj).primary_key[0]
                found = select(self.obj).where(key.in_(wanted)).options(*(selectinload(getattr(self.obj, n)) for n in names))
                self.session.execute(found).scalars().all()
        return count, rows

    def eager_for_all(self) -> list[Any]:
        """The relations of ``eager_for`` loaded for every row, for a query of all of a list's rows
        (an export); ``apply_all`` already loads ``eager``."""
        return [selectinload(getattr(self.obj, name)) for name in (self.eager_for[0] if self.eager_for else ())]

    def _own_columns(self, select_columns: list[str]) -> tuple[Any, list[str]]:
        """One ``load_only`` option for the selected columns of the model itself (None: there are
        none), and the rest (dotted, relations, properties). Kept per set of columns: an option is
        immutable, and making one walks each column again."""
        kept: dict[tuple[str, ...], tuple[Any, list[str]]] = self.__dict__.setdefault("_own_split", {})
        key = tuple(select_columns)
        if key not in kept:
            plain = [
                c for c in select_columns if not is_column_dotted(c) and not self.is_relation(c) and not self.is_property_or_function(c)
            ]
            option = Load(self.obj).load_only(*(getattr(self.obj, c) for c in plain)) if plain else None
            kept[key] = (option, [c for c in select_columns if c not in plain])
        return kept[key]

    def apply_inner_select_joins(self, query: Query, select_columns: list[str] | None = None, aliases_mapping: Any = None) -> Query:
        """One ``load_only`` for the model's own columns. FAB adds an option per column: some sixty
        on a list of a kind with a long header, each walked again for the statement's cache key
        (a fifth of a REST list's time)."""
        if not select_columns:
            return query
        option, rest = self._own_columns(select_columns)
        if option is not None:
            query = query.options(option)
        return super().apply_inner_select_joins(query, rest, aliases_mapping) if rest else query

    def apply_order_by(self, query: Query, order_column: str, order_direction: str, *args: Any, **kwargs: Any) -> Query:
        """A kind's records: the tie-breaker after the sort column is the core table's key, which the
        (kind, …, changed_on) indexes end with, so a page is read in index order. (FAB's is the
        class's first key column, the header table's: the same value, but the database cannot know
        that and sorts.)"""
        if not kwargs.get("add_pk") or not order_column or assessment_table not in inspect(self.obj).tables:
            return super().apply_order_by(query, order_column, order_direction, *args, **kwargs)
        query = super().apply_order_by(query, order_column, order_direction, *args, **{**kwargs, "add_pk": False})
        return query.order_by(asc(assessment_table.c.id) if order_direction == "asc" else desc(assessment_table.c.id))

    def apply_all(self, query: Query, *args: Any, **kwargs: Any) -> Query:
        """A list's rows in the scope, with the many-to-one relations it shows joined in (one
        statement: a second one for them cost more than the join)."""
        query = super().apply_all(self._scoped(query), *args, **kwargs)
        kept: dict[tuple[str, ...], list[Any]] = self.__dict__.setdefault("_eager_options", {})
        if self.eager not in kept:
            kept[self.eager] = [joinedload(getattr(self.obj, name)) for name in self.eager]
        return query.options(*kept[self.eager])

    def get(self, id: Any, filters: Any = None, select_columns: Any = None, outer_default_load: bool = False) -> Any:
        """The record with this id inside the scope; None (404) also for an id no key can hold
        (a number past BIGINT would otherwise fail in the database driver)."""
        if not plausible_id(id):
            return None
        return super().get(id, filters, select_columns, outer_default_load)

    def _visible(self, record_id: Any) -> bool:
        clause = scope_clause(self.obj, current_scope())
        if clause is None:
            return True
        primary_key = self.obj.__mapper__.primary_key[0]
        query = select(func.count()).select_from(self.obj).where(primary_key == record_id, clause)
        return bool(self.session.execute(query).scalar_one())

    def label_of(self, column: str) -> str:
        info = self.list_columns[column].info if column in self.list_columns else {}
        return str(info.get("label", column))

    def check_unique(self, item: Any, keys: list[Key]) -> None:
        """Unique columns and keys are checked across all records, not only the visible ones. A key
        held by a record the user may not see is refused as a write outside the scope: the refusal
        never tells that such a record exists, nor its number."""
        table = self.obj.__table__
        found = holder(self.session, keys, item.id)
        if found:
            if not self._visible(found[1]):
                raise ScopeViolation(OUTSIDE)
            raise FieldProblem(*refusal(*found))
        for column in table.columns:
            if not column.unique or column.primary_key:
                continue
            value = getattr(item, column.key, None)
            if value is None:
                continue
            query = select(func.count()).select_from(table).where(column == value)
            if item.id is not None:
                query = query.where(table.c.id != item.id)
            if self.session.execute(query).scalar_one():
                raise FieldProblem(column.key, f"“{value}”已被其他记录使用，{self.label_of(column.key)}不能重复")

    def _write(self, item: Any, commit: bool) -> None:
        with self.session.no_autoflush:
            keys, own_id = keys_of(item), item.id  # kept: a failed commit expires the item
        try:
            with self.session.no_autoflush:
                self.check_unique(item, keys)
            self.session.add(item)
            ensure_in_scope(self.session, item)
            if commit:
                self.session.commit()
        except (ScopeViolation, FieldProblem):
            self.session.rollback()
            raise
        except IntegrityError as exc:  # a write at the same moment took the key after the check
            self.session.rollback()
            found = holder(self.session, keys, own_id)
            if found:
                raise (FieldProblem(*refusal(*found)) if self._visible(found[1]) else ScopeViolation(OUTSIDE)) from exc
            raise FieldProblem("", f"保存失败，数据库拒绝了该记录：{exc.orig}") from exc
        except SQLAlchemyError as exc:
            self.session.rollback()
            raise FieldProblem("", f"保存失败，数据库拒绝了该记录：{exc.orig if hasattr(exc, 'orig') else exc}") from exc

    def add(self, item: Any, commit: bool = True) -> None:
        self._write(item, commit)

    def edit(self, item: Any, commit: bool = True) -> None:
        self._write(item, commit)


def listed_relations(view: Any) -> tuple[str, ...]:
    """The many-to-one relations a list reads for each row: the listed ones, and the ones its
    listed properties read (``list_reads``, e.g. an item row's name comes from its assessment's
    criteria version)."""
    listed = [c for c in view.list_columns if view.datamodel.is_relation_many_to_one(c)]
    return tuple(dict.fromkeys([*listed, *view.list_reads]))
