"""SQL that carries its own parameters, and the few places where SQLite and PostgreSQL differ.

The engine writes its set-based statements as ``Fragment`` values: SQL text with the parameters of its
``%s`` placeholders beside it. Fragments are put together with ``+``, ``Fragment.join`` and ``compose``
(a template whose ``{name}`` slots take fragments or trusted SQL text such as quoted table names), so the
parameters always follow the text they belong to: no list of parameters is assembled by hand and no SQL is
edited by replacing text. A literal percent sign is written ``%%`` (every statement is executed with its
parameters, so both backends read ``%%`` as ``%``). See docs/compliance-engine.md, §Stages and modules.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.db.models import Func
from django.db.models.sql import Query


@dataclass(frozen=True)
class Fragment:
    """A piece of SQL and the parameters of its placeholders, in order."""

    sql: str
    params: tuple = ()

    def __add__(self, other: Fragment | str) -> Fragment:
        other = as_fragment(other)
        return Fragment(self.sql + other.sql, self.params + other.params)

    def __radd__(self, other: str) -> Fragment:
        return as_fragment(other) + self

    def join(self, parts: Iterable[Fragment | str]) -> Fragment:
        """The ``parts`` with this fragment between them (as ``str.join``)."""
        result: Fragment | None = None
        for part in parts:
            result = as_fragment(part) if result is None else result + self + part
        return result if result is not None else Fragment("")

    def parens(self) -> Fragment:
        return Fragment(f"({self.sql})", self.params)


def as_fragment(value: Fragment | str) -> Fragment:
    """``value`` as a Fragment: a str is SQL without parameters (never a user's value: use param)."""
    return value if isinstance(value, Fragment) else Fragment(str(value))


def param(value: Any) -> Fragment:
    """One parameter (``%s``) with its value."""
    return Fragment("%s", (value,))


def join(separator: str, parts: Iterable[Fragment | str]) -> Fragment:
    return Fragment(separator).join(parts)


_FORMATTER = string.Formatter()


def compose(template: str, **slots: Fragment | str | int) -> Fragment:
    """``template`` with each ``{name}`` replaced by ``slots[name]`` (a Fragment, or SQL text/an int
    without parameters), the parameters collected in the order the slots appear. The template's own text
    holds no placeholders (give values through param)."""
    sql, params = [], []
    for literal, name, spec, conversion in _FORMATTER.parse(template):
        sql.append(literal)
        if name is None:
            continue
        assert not spec and not conversion, f"no format spec in SQL templates ({name})"
        value = slots[name]
        fragment = value if isinstance(value, Fragment) else Fragment(str(value))
        sql.append(fragment.sql)
        params.extend(fragment.params)
    return Fragment("".join(sql), tuple(params))


def compiled(expression, model: type[models.Model]) -> Fragment:
    """An ORM expression over ``model``'s columns (unqualified names resolve to its table) as a Fragment."""
    query = Query(model)
    sql, params = query.get_compiler(connection=connection).compile(expression.resolve_expression(query))
    return Fragment(sql, tuple(params))


def queryset_sql(queryset: models.QuerySet) -> Fragment:
    """The SELECT of ``queryset`` with its parameters."""
    sql, params = queryset.query.sql_with_params()
    return Fragment(sql, tuple(params))


def execute(cursor, statement: Fragment) -> int:
    """Run ``statement``; returns the rows it changed (0 when the driver does not say)."""
    cursor.execute(statement.sql, list(statement.params))
    return max(cursor.rowcount, 0)


def scalar(cursor, statement: Fragment) -> Any:
    execute(cursor, statement)
    return cursor.fetchone()[0]


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model: type[models.Model]) -> str:
    """The quoted table name of ``model``."""
    return quote(model._meta.db_table)


def postgres() -> bool:
    return connection.vendor == "postgresql"


def fence() -> str:
    """A no-op LIMIT that keeps the planner from inlining a subquery, so that each of its expressions is
    computed once a row (PostgreSQL: OFFSET 0; SQLite needs a LIMIT for an OFFSET)."""
    return "OFFSET 0" if postgres() else "LIMIT -1 OFFSET 0"


def letters(codes: Fragment | str) -> Fragment:
    """SQL of the outcome letters of ``codes`` (SQL of outcome codes), without the rules' version."""
    codes = as_fragment(codes)
    if postgres():
        return compose("split_part({c}, '#', 1)", c=codes)
    return compose("substr({c}, 1, instr({c}, '#') - 1)", c=codes)


def aggregate_ids(ids: str, condition: str) -> str:
    """SQL aggregate of the ``ids`` of a group's rows meeting ``condition`` (an array, or JSON on SQLite)."""
    function = "array_agg" if postgres() else "json_group_array"
    return f"{function}({ids}) FILTER (WHERE {condition})"


def unnest_ids(source: str, column: str) -> str:
    """SQL of rows ``id`` from the aggregated ``column`` (aggregate_ids) of every row of ``source``."""
    if postgres():
        return f"SELECT u.id FROM {source} f, unnest(f.{column}) AS u(id) WHERE f.{column} IS NOT NULL"
    return f"SELECT j.value AS id FROM {source} f, json_each(f.{column}) j WHERE f.{column} IS NOT NULL"


def md5_of_ordered_list(expression: str, source: str, order: str) -> str:
    """SQL of the md5 (hex) of ``expression`` over every row of ``source`` joined with "," in ``order``."""
    if postgres():
        return f"SELECT md5(COALESCE(string_agg({expression}, ',' ORDER BY {order}), '')) FROM {source}"
    # SQLite: group_concat keeps the order of its input; MD5 is registered by Django's SQLite backend.
    return f"SELECT MD5(COALESCE(group_concat({expression}, ','), '')) FROM (SELECT * FROM {source} ORDER BY {order})"


class Joined(Func):
    """Text parts joined with ``||`` (flat, unlike Concat's nested pairs that overflow SQLite's parser)."""

    arg_joiner = " || "
    template = "(%(expressions)s)"
    output_field = models.TextField()


class TemporaryTables:
    """The temporary tables of one run (private to its connection, dropped when it ends or recreated)."""

    @staticmethod
    def schema() -> str:
        return "pg_temp" if postgres() else "temp"  # never a permanent table of that name

    @classmethod
    def create(cls, cursor, name: str, select: Fragment, *, with_no_data: bool = False) -> None:
        """(Re)create the temporary table ``name`` from ``select``."""
        execute(cursor, Fragment(f"DROP TABLE IF EXISTS {cls.schema()}.{name}"))
        suffix = " WITH NO DATA" if with_no_data else ""
        execute(cursor, compose(f"CREATE TEMPORARY TABLE {name} AS {{select}}{suffix}", select=select))

    @staticmethod
    def index(cursor, name: str, key: str, analyze: str | None = None) -> None:
        """PostgreSQL: a primary key on ``key`` and statistics of ``analyze`` columns (its size for the
        plans; all columns when ``analyze`` is empty). SQLite plans without them."""
        if postgres():
            execute(cursor, Fragment(f"ALTER TABLE {name} ADD PRIMARY KEY ({key})"))
            execute(cursor, Fragment(f"ANALYZE {name}" + (f" ({analyze})" if analyze else "")))


def set_run_planner_settings(cursor) -> None:
    """PostgreSQL settings for the run's transaction only (docs/performance.md): the run reads and writes
    its cells and blocks by key, so a random page costs as on SSDs (1.1, not 4: PostgreSQL would rather
    scan 2 M cells to join 20,000 changed ones); no JIT (compiling the rules' many expressions took longer
    than running them); 64 MB to hash the aggregations per block in memory."""
    if postgres():
        for setting in ("random_page_cost = 1.1", "jit = off", "work_mem = '64MB'"):
            execute(cursor, Fragment(f"SET LOCAL {setting}"))
