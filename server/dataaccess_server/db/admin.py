"""Database administration outside the schema: creating the embedded database."""

from __future__ import annotations

from psycopg import sql

from dataaccess_server.db import session

DATABASE_EXISTS = "SELECT EXISTS (SELECT FROM pg_database WHERE datname = %(name)s)"
CREATE_DATABASE = "CREATE DATABASE {}"


async def ensure_database(server_dsn: str, name: str) -> None:
    """Create database ``name`` through ``server_dsn`` (a maintenance database) if missing.

    Raises psycopg.OperationalError if the server cannot be reached.
    """
    async with await session.connect(server_dsn, autocommit=True) as conn:
        cursor = await conn.execute(DATABASE_EXISTS, {"name": name})
        row = await cursor.fetchone()
        if row is None or not row[0]:
            await conn.execute(sql.SQL(CREATE_DATABASE).format(sql.Identifier(name)))
