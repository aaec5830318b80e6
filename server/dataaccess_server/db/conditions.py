"""List queries whose WHERE clause holds only the filters a call gives."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from psycopg import sql


def with_given_conditions(
    template: str,
    conditions: Mapping[str, str],
    params: Mapping[str, object],
    *,
    base: str = "true",
    extra: Iterable[str] = (),
) -> sql.Composed:
    """``template`` with its ``{conditions}`` placeholder filled: ``base``, then the
    condition of every parameter in ``params`` that is not None (by name in
    ``conditions``), then ``extra``, joined by AND.

    Only the filters given become conditions: a generic plan (psycopg prepares
    statements it runs often) could not use an index behind "%(x)s IS NULL OR x = %(x)s".
    """
    chosen = [sql.SQL(base)]
    chosen += [sql.SQL(conditions[name]) for name, value in params.items() if value is not None]
    chosen += [sql.SQL(text) for text in extra]
    return sql.SQL(template).format(conditions=sql.SQL(" AND ").join(chosen))
