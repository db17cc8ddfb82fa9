"""Statements compiled once per shape of query, and run with each request's values.

Building a search with the ORM and compiling it to SQL took more Python than
anything else in an API search: about 5 ms a request, where PostgreSQL needs about
10 ms to run it (bench/README.md). Yet a search's SQL text depends only on its
shape, which filters it uses and how, not on the words, the place or the categories
searched for: those reach the SQL as parameters. So each shape is compiled once, and
later searches of that shape fill in their own parameters.

The values filled in are *traced*. The shape is compiled twice, with two sets of
stand-ins for the traced values. Each parameter that holds a stand-in in both
compilations becomes a slot, filled with the request's own value. Every other
parameter must be equal in both, and the SQL text the same. A traced value the ORM
transformed rather than passed on would show as a difference here. It would
otherwise be frozen into the statement, so such a shape is not kept: it is compiled
for each request, as before.

Tracing cannot see a traced value that chooses SQL in Python (`if len(q) < 3: ...`):
the callers promise there is none (AssetFilter.TRACED), and a test compares cached
statements with freshly compiled ones over a spread of searches. Everything else
that decides the SQL belongs in the shape, which is the cache's key.
"""

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence

from django.contrib.gis.db.backends.postgis.adapter import PostGISAdapter
from django.contrib.gis.geos import GEOSGeometry, Point

# A statement and its parameters, as a queryset's `query.sql_with_params()` gives them.
SQL = tuple[str, Sequence]

# Stand-ins are unusual numbers, and text no search contains, so that no constant of
# a statement is taken for one.
_STAND_IN_BASE = 7_340_033


class _Slot:
    """Where a traced value goes: `name`, the `index` within a list, and the parameter
    the stand-in became (a geometry goes through the database adapter)."""

    __slots__ = ("name", "index", "adapter")

    def __init__(self, name: str, index: int | None, param):
        self.name, self.index = name, index
        self.adapter = param if isinstance(param, PostGISAdapter) else None

    def value(self, traced: dict):
        value = traced[self.name] if self.index is None else traced[self.name][self.index]
        if self.adapter is not None:
            return PostGISAdapter(value, geography=self.adapter.geography)
        return value


class Statement:
    """SQL with the positions of its traced parameters and the values of the others."""

    def __init__(self, sql: str, params: list):
        self.sql, self.params = sql, params

    @classmethod
    def trace(cls, traced: dict, build: Callable[[dict], SQL]) -> "Statement | None":
        """`build`'s statement with slots for the `traced` values, or None when the
        statement does not take them as parameters only."""
        counter = itertools.count()
        first, second = _stand_ins(traced, counter), _stand_ins(traced, counter)
        if first is None:
            return None
        sql, params = build(first)
        second_sql, second_params = build(second)
        if sql != second_sql or len(params) != len(second_params):
            return None
        template = []
        for param, second_param in zip(params, second_params, strict=True):
            slot = _find(param, first)
            if slot is not None and slot == _find(second_param, second):
                template.append(_Slot(*slot, param))
            elif slot is None and _find(second_param, second) is None and param == second_param:
                template.append(param)
            else:
                return None
        return cls(sql, template)

    def params_for(self, traced: dict) -> list:
        return [param.value(traced) if isinstance(param, _Slot) else param for param in self.params]


class StatementCache:
    """The statements of the latest `size` shapes, in this process."""

    def __init__(self, size: int = 512):
        self.size = size
        self._statements: OrderedDict[Hashable, Statement | None] = OrderedDict()
        self._lock = threading.Lock()

    def sql_with_params(
        self, shape: Hashable | None, traced: dict, build: Callable[[dict], SQL]
    ) -> SQL:
        """What `build(traced)` gives, a statement and its parameters, where `shape`
        decides the statement's text (None: something else does, so `build` runs
        every time)."""
        key = _key(shape, traced)
        if key is None:
            return build(traced)
        with self._lock:
            known = key in self._statements
            statement = self._statements.get(key)
            if known:
                self._statements.move_to_end(key)
        if not known:
            statement = Statement.trace(traced, build)
            with self._lock:
                self._statements[key] = statement
                while len(self._statements) > self.size:
                    self._statements.popitem(last=False)
        if statement is None:
            return build(traced)
        return statement.sql, statement.params_for(traced)

    def clear(self) -> None:
        with self._lock:
            self._statements.clear()


def _key(shape, traced: dict) -> Hashable | None:
    """The shape, with what the stand-ins keep of the traced values: their names,
    types, the lengths of lists (each element has its own parameter) and the spatial
    reference of geometries (another one adds a transformation to the SQL)."""
    if shape is None:
        return None
    kept = tuple(
        (
            name,
            type(value),
            len(value) if isinstance(value, list) else None,
            getattr(value, "srid", None),
        )
        for name, value in traced.items()
    )
    key = (shape, kept)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _stand_ins(traced: dict, counter) -> dict | None:
    """A stand-in for each traced value, of the same type; None when there is a type
    with no stand-in."""
    stand_ins = {}
    for name, value in traced.items():
        if isinstance(value, list):
            items = [_stand_in(item, next(counter)) for item in value]
            if None in items:
                return None
            stand_ins[name] = items
        else:
            stand_ins[name] = _stand_in(value, next(counter))
            if stand_ins[name] is None:
                return None
    return stand_ins


def _stand_in(value, serial: int):
    number = _STAND_IN_BASE + serial
    if isinstance(value, bool):
        return None  # two stand-ins cannot differ enough to be told apart
    if isinstance(value, int):
        return number
    if isinstance(value, float):
        return number + 0.25
    if isinstance(value, str):
        return f"stand-in {number}"
    if isinstance(value, Point):
        return Point(number / 1e6, -number / 1e6, srid=value.srid)
    return None


def _find(param, stand_ins: dict) -> tuple[str, int | None] | None:
    """Which stand-in `param` is: its name and index within a list."""
    for name, stand_in in stand_ins.items():
        items = enumerate(stand_in) if isinstance(stand_in, list) else [(None, stand_in)]
        for index, item in items:
            if _is(param, item):
                return name, index
    return None


def _is(param, stand_in) -> bool:
    if isinstance(stand_in, GEOSGeometry):
        return isinstance(param, PostGISAdapter) and param.ewkb == bytes(stand_in.ewkb)
    return type(param) is type(stand_in) and param == stand_in
