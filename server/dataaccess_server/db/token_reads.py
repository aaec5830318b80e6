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
    params: dict[str, Any] = {
        "event_time": event.time,
        "event_id": uuid.UUID(event.event_id) if event.event_id else uuid.uuid4(),
        "caller": event.caller,
        "method": event.method,
        "outcome": event.outcome,
        "peer": event.peer,
    }
    if token_id is not None:
        query, params["id"] = FETCH_AUDITED_BY_ID, token_id
    else:
        query, params["provider"], params["user_id"] = FETCH_AUDITED_BY_USER, provider, user_id
    try:
        try:
            stored = await fetch_one(conn, query, params)
        except pg_errors.CheckViolation:
            # "no partition of relation audit_events found for row" (SQLSTATE 23514).
            await ensure_partitions(conn, [event.time.date()])
            stored = await fetch_one(conn, query, params)
    except (pg_errors.ProgrammingError, pg_errors.IntegrityError, pg_errors.DataError) as exc:
        log.warning("audit row not written with the read (%s): the caller writes it", exc)
        return await fetch_token(conn, token_id=token_id, provider=provider, user_id=user_id)
    audit.stored = stored is not None
    return stored
