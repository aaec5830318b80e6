"""Reads of one live token, and the audited FULL read: the token and its audit row in
one statement on the primary.

The columns of a token row and their conversion live here too, shared with
db/oauth_tokens.py's writes (which return the same columns).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.rows import TupleRow

from dataaccess_server.db.audit import ensure_partitions
from dataaccess_server.db.cluster import Connection
from dataaccess_server.db.prepared import PreparedStatement, text
from dataaccess_server.domain.model.access import AuditedRead
from dataaccess_server.domain.model.oauth_tokens import SealedSecrets, StoredToken

log = logging.getLogger(__name__)

COLUMNS = """
id::text, provider, user_id, email, access_token_ciphertext, refresh_token_ciphertext,
encryption_key_id, token_type, expiry_time, scopes, metadata, active, version,
last_used_at, created_at, updated_at
"""
FETCH_LIVE_BY_ID = f"SELECT {COLUMNS} FROM oauth_tokens WHERE id = %(id)s AND deleted_at IS NULL"
FETCH_LIVE_BY_USER = f"""
SELECT {COLUMNS} FROM oauth_tokens
WHERE provider = %(provider)s AND user_id = %(user_id)s AND deleted_at IS NULL
"""
# A FULL read with its audit row (domain AuditedRead): the row is inserted only if the
# token is found, in the statement that reads it, so the secret and its row are one
# round trip and one commit on the primary. The row's columns are db/audit.py's.
AUDITED = """
WITH t AS ({read}), audited AS (
    INSERT INTO audit_events (event_time, event_id, caller, method, resource_id, outcome, peer)
    SELECT %(event_time)s, %(event_id)s, %(caller)s, %(method)s, t.id, %(outcome)s, %(peer)s
    FROM t
)
SELECT * FROM t
"""
FETCH_AUDITED_BY_ID = AUDITED.format(read=FETCH_LIVE_BY_ID)
FETCH_AUDITED_BY_USER = AUDITED.format(read=FETCH_LIVE_BY_USER.strip())
# The same two statements prepared (db/prepared.py: the hot path of a FULL read), with
# positional parameters: the token's key first, then the audit row's values as text,
# cast where an INSERT ... SELECT does not type them.
_AUDIT_VALUES = {
    "event_time": "::timestamptz",
    "event_id": "::uuid",
    "caller": "::text",
    "method": "::text",
    "outcome": "::text",
    "peer": "::text",
}


def _positional(query: str, keys: tuple[str, ...]) -> str:
    names = keys + tuple(_AUDIT_VALUES)
    for number, name in enumerate(names, start=1):
        query = query.replace(f"%({name})s", f"${number}{_AUDIT_VALUES.get(name, '')}")
    return query


PREPARED_BY_ID = PreparedStatement(
    "dataaccess_token_audited_by_id", _positional(FETCH_AUDITED_BY_ID, ("id",))
)
PREPARED_BY_USER = PreparedStatement(
    "dataaccess_token_audited_by_user",
    _positional(FETCH_AUDITED_BY_USER, ("provider", "user_id")),
)


def token_of_row(values: TupleRow) -> StoredToken:
    """A row of COLUMNS as the domain's StoredToken (its secrets still sealed)."""
    return StoredToken(
        id=values[0],
        provider=values[1],
        user_id=values[2],
        email=values[3],
        secrets=SealedSecrets(
            access=bytes(values[4]),
            refresh=bytes(values[5]) if values[5] is not None else None,
            key_id=values[6],
        ),
        token_type=values[7],
        expiry_time=values[8],
        scopes=tuple(values[9]),
        metadata=dict(values[10]),
        active=values[11],
        version=values[12],
        last_used_time=values[13],
        create_time=values[14],
        update_time=values[15],
    )


async def fetch_one(
    conn: Connection, query: str | sql.Composed, params: Mapping[str, Any]
) -> StoredToken | None:
    """The token row ``query`` returns, if any."""
    cursor = await conn.execute(query, params)
    values = await cursor.fetchone()
    return token_of_row(values) if values is not None else None


async def fetch_token(
    conn: Connection, *, token_id: str | None = None, provider: str = "", user_id: str = ""
) -> StoredToken | None:
    """The live token by id, or by (provider, user_id)."""
    if token_id is not None:
        return await fetch_one(conn, FETCH_LIVE_BY_ID, {"id": token_id})
    return await fetch_one(conn, FETCH_LIVE_BY_USER, {"provider": provider, "user_id": user_id})


async def fetch_token_audited(
    conn: Connection,
    audit: AuditedRead,
    *,
    token_id: str | None = None,
    provider: str = "",
    user_id: str = "",
) -> StoredToken | None:
    """:func:`fetch_token` with ``audit.event`` inserted by the same statement if the
    token is found (``audit.stored`` is then set), on a connection to the primary. The
    row's day gets its partition if it has none. A row the statement cannot write for
    another reason (no such table, no privilege, a value it cannot hold) is logged and
    left to the caller: the token is read alone."""
    event = audit.event
    values = (
        text(event.time.isoformat()),
        text(event.event_id or str(uuid.uuid4())),
        text(event.caller),
        text(event.method),
        text(event.outcome),
        text(event.peer),
    )
    params: tuple[bytes, ...]
    if token_id is not None:
        statement, params = PREPARED_BY_ID, (text(token_id), *values)
    else:
        statement, params = PREPARED_BY_USER, (text(provider), text(user_id), *values)
    try:
        try:
            row = await statement.run(conn, params)
        except pg_errors.CheckViolation:
            # "no partition of relation audit_events found for row" (SQLSTATE 23514).
            await ensure_partitions(conn, [event.time.date()])
            row = await statement.run(conn, params)
    except (pg_errors.ProgrammingError, pg_errors.IntegrityError, pg_errors.DataError) as exc:
        log.warning("audit row not written with the read (%s): the caller writes it", exc)
        return await fetch_token(conn, token_id=token_id, provider=provider, user_id=user_id)
    audit.stored = row is not None
    return token_of_row(row) if row is not None else None
