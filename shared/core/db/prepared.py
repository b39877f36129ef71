"""Querysets compiled to SQL once per shape, then run with new values: the hot reads' fast path.

Django builds and compiles a queryset again on every call. For the projects list that costs
several times what the database spends running it (about 0.7 ms against 0.09 ms on SQLite). A
:class:`PreparedQuery` calls its ``build`` function once per database and *shape* (whatever
changes the SQL: an ordering, which filters are present, a page's slice) with a marker in each
bound value, compiles the queryset, and remembers where each marker went. Each call then puts
its values there, adapted by the same model fields Django would use, runs the SQL, and passes
the rows through Django's own converters. The ORM stays the one definition of the query.

``build`` must return a ``.values(...)`` queryset, and may only compare the bound values for
equality (``field=value``, or ``field__in=values`` with a list or tuple bound: its length is
part of the shape): a lookup that rewrites its value (``contains`` makes ``%value%``) belongs
to the ORM path. Each shape is compiled twice, with two sets of random markers:
a bound value's parameter holds the first marker in one SQL and the second in the other, every
other parameter is the same in both; anything else (a marker missing, or rewritten) is an error
at the first call, never a wrong result.
"""

import secrets
import threading
import uuid
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, QuerySet
from django.db.models.sql.compiler import SQLCompiler

MAX_SHAPES = 256  # per query; shapes include a page's slice, so their number is bounded here


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]  # the compiled parameters; the bound ones are replaced per call
    slots: tuple[tuple[int, str, int | None], ...]  # (parameter index, name, item of a list)
    columns: tuple[str, ...]
    compiler: SQLCompiler | None  # converts the rows as Django would (None: a count)
    empty: bool = False  # Django proved the result empty (an empty slice, ``__in=[]``)


class PreparedQuery:
    """``build(shape, **values) -> QuerySet.values(...)``, compiled once per database and shape.

    ``bind`` names the values a call may bind and the model field that adapts each one; the
    names a call passes are part of its shape.
    """

    def __init__(self, build: Callable[..., QuerySet], *, bind: Mapping[str, Field]):
        self._build = build
        self._bind = dict(bind)
        self._compiled: dict[tuple[str, str, Hashable], _Compiled] = {}
        self._lock = threading.Lock()

    def rows(self, *, using: str, shape: Hashable = (), **values: Any) -> list[dict[str, Any]]:
        """The rows as dicts of the ``.values()`` columns, converted as the ORM converts them."""
        compiled = self._prepared("rows", using, shape, values)
        if compiled.empty:
            return []
        rows = self._execute(compiled, using, values)
        assert compiled.compiler is not None
        converted = compiled.compiler.results_iter([rows])
        return [dict(zip(compiled.columns, row, strict=True)) for row in converted]

    def count(self, *, using: str, shape: Hashable = (), **values: Any) -> int:
        """How many rows the query has, its ordering ignored (``build`` must not slice here)."""
        compiled = self._prepared("count", using, shape, values)
        if compiled.empty:
            return 0
        return int(self._execute(compiled, using, values)[0][0])

    def _execute(self, compiled: _Compiled, using: str, values: Mapping[str, Any]) -> list:
        connection = connections[using]
        params = list(compiled.params)
        for index, name, item in compiled.slots:
            value = values[name] if item is None else values[name][item]
            params[index] = self._bind[name].get_db_prep_value(value, connection, prepared=False)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            return cursor.fetchall()

    def _prepared(
        self, kind: str, using: str, shape: Hashable, values: Mapping[str, Any]
    ) -> _Compiled:
        arity = {name: _length(value) for name, value in values.items()}
        key = (kind, using, shape, frozenset(arity.items()))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compile(kind, using, shape, arity)
            with self._lock:
                if len(self._compiled) >= MAX_SHAPES:
                    self._compiled.clear()
                self._compiled[key] = compiled
        return compiled

    def _compile(
        self, kind: str, using: str, shape: Hashable, arity: Mapping[str, int | None]
    ) -> _Compiled:
        """Compile twice, with two sets of markers: a bound value's parameter is one that holds
        the first marker in the first SQL and the second in the second; every other parameter
        must be the same in both (a lookup that rewrote a marker would leave it different)."""
        first, second = (self._compile_with_markers(kind, using, shape, arity) for _ in range(2))
        if first is None or second is None:
            return _Compiled(sql="", params=(), slots=(), columns=(), compiler=None, empty=True)
        (sql, params, markers, queryset, compiler), (sql_2, params_2, markers_2, *_) = first, second
        if sql != sql_2 or len(params) != len(params_2):
            raise ValueError("the SQL of this shape depends on the values bound")
        connection = connections[using]
        slots = []
        for name, marker in markers.items():
            pairs = zip(marker, markers_2[name], strict=True) if isinstance(marker, list) else None
            items = enumerate(pairs) if pairs else [(None, (marker, markers_2[name]))]
            for item, (one, other) in items:
                field = self._bind[name]
                adapted = field.get_db_prep_value(one, connection, prepared=False)
                adapted_2 = field.get_db_prep_value(other, connection, prepared=False)
                found = [
                    index
                    for index, (param, param_2) in enumerate(zip(params, params_2, strict=True))
                    if param == adapted and param_2 == adapted_2
                ]
                if not found:
                    raise ValueError(f"{name}: not compared for equality by the prepared query")
                slots += [(index, name, item) for index in found]
        bound = {index for index, _, _ in slots}
        for index, (param, param_2) in enumerate(zip(params, params_2, strict=True)):
            if index not in bound and param != param_2:
                raise ValueError(f"parameter {index}: a bound value rewritten by its lookup")
        if kind == "count":
            sql = f"SELECT COUNT(*) FROM ({sql}) counted"
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            columns=tuple(queryset.query.values_select),
            compiler=compiler if kind == "rows" else None,
        )

    def _compile_with_markers(
        self, kind: str, using: str, shape: Hashable, arity: Mapping[str, int | None]
    ) -> tuple[str, list[Any], dict[str, Any], QuerySet, SQLCompiler] | None:
        """The SQL, parameters, markers, queryset and compiler; None if Django proved it empty."""
        connection = connections[using]
        markers: dict[str, Any] = {
            name: _marker(self._bind[name], connection)
            if length is None
            else [_marker(self._bind[name], connection) for _ in range(length)]
            for name, length in arity.items()
        }
        queryset = self._build(shape, **markers).using(using)
        if kind == "count":
            queryset = queryset.order_by().values("pk")
        compiler = queryset.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        return sql, list(params), markers, queryset, compiler


def _length(value: Any) -> int | None:
    """A list or tuple binds each of its items (its length is part of the shape)."""
    return len(value) if isinstance(value, list | tuple) else None


def _marker(field: Field, connection: BaseDatabaseWrapper) -> Any:
    """A random value of the field's type, within what the database stores in it.

    An integer out of the column's range would let Django prove the query empty (PostgreSQL's
    smallint stops at 32767), so integers are drawn from the upper half of the range.
    """
    kind = field.get_internal_type()
    if kind == "UUIDField":
        return uuid.uuid4()
    if kind.endswith("IntegerField"):
        low, high = connection.ops.integer_field_range(kind)
        high = min(high if high is not None else 2**31 - 1, 2**31 - 1)
        low = max(low if low is not None else 0, high // 2)
        return low + secrets.randbelow(high - low)
    return f"prepared-marker-{secrets.token_hex(8)}"
