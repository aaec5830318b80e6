"""The session settings the SQL and the driver assume, pinned on every connection.

libpq takes settings from the server's environment (``PGTZ``, ``PGDATESTYLE``,
``PGCLIENTENCODING``, ``PGOPTIONS``) and PostgreSQL from the role's and database's
defaults. Any of them could shift timestamps (and push far-future ones past what
Python's datetime holds), make the driver unable to parse dates or intervals, refuse
text outside a narrow encoding, or round floats. Set after connecting, these win over
all of them.
"""

from __future__ import annotations

from typing import Any

import psycopg

from dataaccess_server.db.pool import Connection

SESSION_SETTINGS: tuple[tuple[str, str], ...] = (
    ("TimeZone", "UTC"),
    ("DateStyle", "ISO, YMD"),
    ("IntervalStyle", "postgres"),
    ("client_encoding", "UTF8"),
    ("extra_float_digits", "1"),  # the default: shortest text that reads back exactly
)
PIN_SESSION = "SELECT " + ", ".join(
    f"set_config('{name}', '{value}', false)" for name, value in SESSION_SETTINGS
)


async def pin(conn: Connection) -> None:
    """Set SESSION_SETTINGS on ``conn`` for the session (committed, so a later rollback
    keeps them)."""
    await conn.execute(PIN_SESSION)
    if not conn.autocommit:
        await conn.commit()


async def connect(dsn: str, **kwargs: Any) -> Connection:
    """``psycopg.AsyncConnection.connect(dsn, **kwargs)`` with the settings pinned. Raises
    what connect raises."""
    conn = await psycopg.AsyncConnection.connect(dsn, **kwargs)
    try:
        await pin(conn)
    except BaseException:
        await conn.close()
        raise
    return conn
