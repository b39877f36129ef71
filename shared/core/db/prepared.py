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
to the ORM path. A marker that is missing from the compiled parameters is an error at
the first call, never a wrong result.
"""

import secrets
import threading
import uuid
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
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
        """How many rows the query has, ignoring its ordering and slice."""
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
        connection = connections[using]
        markers: dict[str, Any] = {
            name: _marker(self._bind[name])
            if length is None
            else [_marker(self._bind[name]) for _ in range(length)]
            for name, length in arity.items()
        }
        queryset = self._build(shape, **markers).using(using)
        if kind == "count":
            queryset = queryset.order_by().values("pk")
        compiler = queryset.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _Compiled(sql="", params=(), slots=(), columns=(), compiler=None, empty=True)
        if kind == "count":
            sql = f"SELECT COUNT(*) FROM ({sql}) counted"
        slots = []
        for name, marker in markers.items():
            items = enumerate(marker) if isinstance(marker, list) else [(None, marker)]
            for item, one in items:
                adapted = self._bind[name].get_db_prep_value(one, connection, prepared=False)
                found = [index for index, param in enumerate(params) if param == adapted]
                if not found:
                    raise ValueError(f"{name}: not compared for equality by the prepared query")
                slots += [(index, name, item) for index in found]
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            columns=tuple(queryset.query.values_select),
            compiler=compiler if kind == "rows" else None,
        )


def _length(value: Any) -> int | None:
    """A list or tuple binds each of its items (its length is part of the shape)."""
    return len(value) if isinstance(value, list | tuple) else None


def _marker(field: Field) -> Any:
    """A value of the field's type that nothing else in a query will equal."""
    kind = field.get_internal_type()
    if kind == "UUIDField":
        return uuid.uuid4()
    if kind.endswith("IntegerField"):
        return 2**30 + secrets.randbelow(2**29)
    return f"prepared-marker-{secrets.token_hex(8)}"
