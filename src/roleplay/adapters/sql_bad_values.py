"""A value roleplay never writes, found while reading the index (a hand edit, another tool, a
restore gone wrong): said as the table, the row and the column, with what to do.

SQLite's index is a file: it is moved aside and built again from the recordings (the Indexer
does that with the path). A team's PostgreSQL index has no file to move, and other people's
sessions live in it, so nothing is deleted: the message names what is wrong and the command
that writes the row again (`roleplay reindex`, from the recordings that hold the session).
Meanwhile the reading commands read the folders (services/index/).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, or_, select, text
from sqlalchemy.exc import DataError

from roleplay.adapters.index_schema import UtcDateTime, metadata
from roleplay.adapters.local_sqlite import damage
from roleplay.adapters.sql_engine import Database
from roleplay.services.ports import IndexDamaged

_T = TypeVar("_T")
LONGEST_DETAIL = 200


def bad_value(
    db: Database, table: str, row: str, column: str, detail: str, origin: str | None = None
) -> IndexDamaged:
    """The index holds, in `table`'s `row`, a `column` value roleplay never writes."""
    detail = db.scrub(" ".join(detail.split()))[:LONGEST_DETAIL]
    where = f"table {table}, row {row}, column {column}"
    if db.dialect == "sqlite":  # a file: moved aside and built again (the Indexer)
        return damage(Path(db.url.database or ""), f"a value it never writes: {where}: {detail}")
    whose = f" (from the recordings folder whose .index/origin reads {origin})" if origin else ""
    return IndexDamaged(
        f"the index database {db.describe()} holds a value roleplay never writes: {where}"
        f"{whose}: {detail}. Run `roleplay reindex` on the computer whose recordings hold "
        "that session: it writes the row again from its folder (or the database owner "
        "deletes the row)",
        None,
        f"{where}: {detail}",
    )


def parsed(
    db: Database,
    table: str,
    row: str,
    column: str,
    parse: Callable[[Any], _T],
    value: Any,
    origin: str | None = None,
) -> _T:
    """`parse(value)` of one stored value; a ValueError/TypeError (pydantic's ValidationError
    is one) is said as a bad value of that row and column."""
    try:
        return parse(value)
    except (ValueError, TypeError) as exc:
        raise bad_value(db, table, row, column, _first_lines(exc), origin) from None


@contextmanager
def values(db: Database, *tables: Table) -> Iterator[None]:
    """A time the driver cannot read ('infinity', a year past 9999 on PostgreSQL) fails the
    whole query with no row named: the row is looked up in `tables` and said."""
    try:
        yield
    except DataError as exc:
        detail = _first_lines(exc.orig or exc)
        with db.read() as conn:
            found = _unreadable_time(conn, tables)
        if found is None:
            raise bad_value(db, ", ".join(t.name for t in tables), "?", "?", detail) from None
        table, row, column, origin = found
        raise bad_value(db, table, row, column, detail, origin) from None


def _unreadable_time(
    conn: Connection, tables: tuple[Table, ...]
) -> tuple[str, str, str, str | None] | None:
    """(table, row, column, origin) of a time Python cannot hold, on PostgreSQL."""
    if conn.dialect.name != "postgresql":
        return None
    for table in tables or tuple(metadata.sorted_tables):
        keys = list(table.primary_key.columns)
        origin = table.c.get("origin")
        for column in table.columns:
            if not isinstance(column.type, UtcDateTime):
                continue
            out_of_range = or_(
                text(f"NOT isfinite({table.name}.{column.name})"),
                column >= text("'10000-01-01'::timestamptz"),
                column < text("'0001-01-02'::timestamptz"),
            )
            picked = [*keys, *([origin] if origin is not None else [])]
            row = conn.execute(select(*picked).where(out_of_range).limit(1)).first()
            if row is not None:
                key = ", ".join(str(v) for v in row[: len(keys)])
                return table.name, key, column.name, str(row[-1]) if origin is not None else None
    return None


def _first_lines(exc: BaseException) -> str:
    return "; ".join(str(exc).strip().splitlines()[:3])
