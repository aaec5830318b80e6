"""The audit trail: exactly one row per secret read and per credential change, never a
secret in it (nor in the logs or a pg_dump), readable by admins with ListAuditEvents."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from datetime import UTC, datetime, timedelta

import grpc
import psycopg
import pytest
from grpc import aio

from dataaccess.v1 import api_keys_pb2 as keys_pb
from dataaccess.v1 import audit_pb2
from dataaccess.v1 import oauth_tokens_pb2 as pb
from dataaccess_server.app import Application
from dataaccess_server.db.audit import PostgresAuditStore
from dataaccess_server.db.oauth_tokens import PostgresOAuthTokenStore
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.audit import AuditTrail
from dataaccess_server.domain.model.access import AuditedRead, AuditEvent
from dataaccess_server.domain.pagination import PageSigner
from dataaccess_server.embedded import find_binaries
from tests.harness import leaks, stubs
from tests.harness.calls import bearer, credential
from tests.harness.postgres import pg_major_under_test
from tests.harness.server import clean_environment, run_cli

FULL = pb.O_AUTH_TOKEN_VIEW_FULL
TOKENS = "/dataaccess.v1.OAuthTokenService/"
KEYS = "/dataaccess.v1.APIKeyService/"
ACCESS = "ya29.audit-access-token-value"
REFRESH = "1//audit-refresh-token-value"


def audit_rows(dsn: str) -> list[tuple[str, str, str, str]]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT caller, method, resource_id, outcome FROM audit_events"
            " ORDER BY event_time, event_id"
        ).fetchall()
    return [(row[0], row[1], row[2], row[3]) for row in rows]


async def test_every_secret_read_and_credential_change_leaves_exactly_one_row(
    auth_app: Application, auth_channel: aio.Channel, pg_database: str, tmp_path: object
) -> None:
    leaks.register_secret(ACCESS, REFRESH)
    proxy = bearer(await credential(auth_app, "proxy", "gw"))
    reader = bearer(await credential(auth_app, "reader", "dash"))
    admin = bearer(await credential(auth_app, "admin", "ops"))
    tokens, keys = stubs.oauth_tokens(auth_channel), stubs.api_keys(auth_channel)
    expected: list[tuple[str, str, str, str]] = []

    token = pb.OAuthToken(
        provider="claude", user_id="u1", access_token=ACCESS, refresh_token=REFRESH
    )
    made = await tokens.UpsertOAuthToken(pb.UpsertOAuthTokenRequest(token=token), metadata=proxy)
    token_id = made.token.id
    expected.append(("bearer:gw", TOKENS + "UpsertOAuthToken", token_id, "OK"))

    full = await tokens.GetOAuthToken(
        pb.GetOAuthTokenRequest(id=token_id, view=FULL), metadata=proxy
    )
    assert full.token.access_token == ACCESS
    expected.append(("bearer:gw", TOKENS + "GetOAuthToken", token_id, "OK"))
    by_user = pb.GetOAuthTokenRequest(provider="claude", user_id="u1", view=FULL)
    await tokens.GetOAuthToken(by_user, metadata=proxy)
    expected.append(("bearer:gw", TOKENS + "GetOAuthToken", token_id, "OK"))
    # BASIC reads and lists return no secret: no row.
    await tokens.GetOAuthToken(pb.GetOAuthTokenRequest(id=token_id), metadata=reader)
    await tokens.ListOAuthTokens(pb.ListOAuthTokensRequest(), metadata=reader)
    # A FULL read refused, and one of nothing: each still a row, with its outcome.
    with pytest.raises(aio.AioRpcError) as denied:
        await tokens.GetOAuthToken(pb.GetOAuthTokenRequest(id=token_id, view=FULL), metadata=reader)
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "oauth_tokens.read_secrets" in (denied.value.details() or "")
    expected.append(("bearer:dash", TOKENS + "GetOAuthToken", token_id, "PERMISSION_DENIED"))
    missing = "01890000-0000-7000-8000-000000000000"
    with pytest.raises(aio.AioRpcError) as not_found:
        await tokens.GetOAuthToken(pb.GetOAuthTokenRequest(id=missing, view=FULL), metadata=proxy)
    assert not_found.value.code() == grpc.StatusCode.NOT_FOUND
    expected.append(("bearer:gw", TOKENS + "GetOAuthToken", missing, "NOT_FOUND"))

    update = pb.UpdateOAuthTokenRequest(
        token=pb.OAuthToken(id=token_id, access_token=ACCESS + "2"), etag=full.token.etag
    )
    leaks.register_secret(ACCESS + "2")
    await tokens.UpdateOAuthToken(update, metadata=proxy)
    expected.append(("bearer:gw", TOKENS + "UpdateOAuthToken", token_id, "OK"))
    await tokens.InvalidateOAuthToken(pb.InvalidateOAuthTokenRequest(id=token_id), metadata=proxy)
    expected.append(("bearer:gw", TOKENS + "InvalidateOAuthToken", token_id, "OK"))
    await tokens.DeleteOAuthToken(pb.DeleteOAuthTokenRequest(id=token_id), metadata=admin)
    expected.append(("bearer:ops", TOKENS + "DeleteOAuthToken", token_id, "OK"))

    created = await keys.CreateAPIKey(
        keys_pb.CreateAPIKeyRequest(api_key=keys_pb.APIKey(name="k", owner_id="o")), metadata=admin
    )
    leaks.register_secret(created.key)
    key_id = created.api_key.id
    expected.append(("bearer:ops", KEYS + "CreateAPIKey", key_id, "OK"))
    await keys.ValidateAPIKey(keys_pb.ValidateAPIKeyRequest(key=created.key), metadata=proxy)
    rotated = await keys.RotateAPIKey(keys_pb.RotateAPIKeyRequest(id=key_id), metadata=admin)
    leaks.register_secret(rotated.key)
    expected.append(("bearer:ops", KEYS + "RotateAPIKey", key_id, "OK"))
    await keys.RevokeAPIKey(keys_pb.RevokeAPIKeyRequest(id=key_id), metadata=admin)
    expected.append(("bearer:ops", KEYS + "RevokeAPIKey", key_id, "OK"))
    with pytest.raises(aio.AioRpcError):
        await keys.RevokeAPIKey(keys_pb.RevokeAPIKeyRequest(id=key_id), metadata=proxy)
    expected.append(("bearer:gw", KEYS + "RevokeAPIKey", key_id, "PERMISSION_DENIED"))

    env = clean_environment(DATABASE_URL=pg_database)
    batch = run_cli("callers", "create", "batch", "--role", "reader", env=env, prints_secret=True)
    leaks.register_secret(batch.stdout.strip())
    assert run_cli("callers", "revoke", "batch", env=env).returncode == 0
    rows = audit_rows(pg_database)
    assert rows[: len(expected)] == expected
    assert [row[1:] for row in rows[len(expected) :]] == [
        ("callers.create", "batch", "OK"),
        ("callers.revoke", "batch", "OK"),
    ]
    assert rows[-1][0].startswith("cli:")

    # No secret in the table's rows, nor anywhere in a dump of the database.
    secrets = [ACCESS, REFRESH, ACCESS + "2", created.key, rotated.key, batch.stdout.strip()]
    secrets += [value for _key, value in (proxy[0], reader[0], admin[0])]
    assert not any(secret in str(rows) for secret in secrets)
    binaries = find_binaries(pg_major_under_test())
    dump = subprocess.run(
        [str(binaries / "pg_dump"), "--no-owner", "--data-only", pg_database],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert "audit_events" in dump
    assert "bearer:gw" in dump
    found = [form[:10] for s in secrets for form in leaks.encodings(s.removeprefix("Bearer "))]
    assert not [form for form in found if form in dump]


async def test_list_audit_events_filters_and_pages_for_admins_only(
    auth_app: Application, auth_channel: aio.Channel
) -> None:
    proxy = bearer(await credential(auth_app, "proxy", "gw"))
    admin = bearer(await credential(auth_app, "admin", "ops"))
    tokens, audit = stubs.oauth_tokens(auth_channel), stubs.audit(auth_channel)
    leaks.register_secret(ACCESS)
    for n in range(5):
        token = pb.OAuthToken(provider="claude", user_id=f"u{n}", access_token=ACCESS)
        await tokens.UpsertOAuthToken(pb.UpsertOAuthTokenRequest(token=token), metadata=proxy)
    await tokens.GetOAuthToken(
        pb.GetOAuthTokenRequest(provider="claude", user_id="u0", view=FULL), metadata=proxy
    )

    with pytest.raises(aio.AioRpcError) as denied:
        await audit.ListAuditEvents(audit_pb2.ListAuditEventsRequest(), metadata=proxy)
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED

    request = audit_pb2.ListAuditEventsRequest(method=TOKENS + "UpsertOAuthToken", page_size=2)
    seen, pages = [], 0
    while True:
        page = await audit.ListAuditEvents(request, metadata=admin)
        seen += list(page.events)
        pages += 1
        if not page.next_page_token:
            break
        request.page_token = page.next_page_token
    assert pages == 3
    assert len(seen) == 5
    assert len({event.id for event in seen}) == 5
    times = [event.event_time.ToDatetime() for event in seen]
    assert times == sorted(times, reverse=True)  # newest first
    assert {event.caller for event in seen} == {"bearer:gw"}
    assert all(event.peer.startswith("ipv4:127.0.0.1:") for event in seen)

    reads = await audit.ListAuditEvents(
        audit_pb2.ListAuditEventsRequest(caller="bearer:gw", method=TOKENS + "GetOAuthToken"),
        metadata=admin,
    )
    assert [event.outcome for event in reads.events] == ["OK"]
    later = datetime.now(UTC) + timedelta(minutes=1)
    empty = audit_pb2.ListAuditEventsRequest()
    empty.start_time.FromDatetime(later)
    assert not (await audit.ListAuditEvents(empty, metadata=admin)).events
    backwards = audit_pb2.ListAuditEventsRequest()
    backwards.start_time.FromDatetime(later)
    backwards.end_time.FromDatetime(later - timedelta(hours=1))
    with pytest.raises(aio.AioRpcError) as bad:
        await audit.ListAuditEvents(backwards, metadata=admin)
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "end_time" in (bad.value.details() or "")


async def test_a_secret_read_that_cannot_be_audited_is_withheld_and_a_change_still_answers(
    auth_app: Application, auth_channel: aio.Channel, pg_database: str
) -> None:
    leaks.register_secret(ACCESS)
    proxy = bearer(await credential(auth_app, "proxy", "gw"))
    tokens = stubs.oauth_tokens(auth_channel)
    token = pb.OAuthToken(provider="claude", user_id="u1", access_token=ACCESS)
    made = await tokens.UpsertOAuthToken(pb.UpsertOAuthTokenRequest(token=token), metadata=proxy)
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute("ALTER TABLE audit_events RENAME TO audit_events_away")
    try:
        full = pb.GetOAuthTokenRequest(id=made.token.id, view=FULL)
        with pytest.raises(aio.AioRpcError) as withheld:
            await tokens.GetOAuthToken(full, metadata=proxy)
        assert withheld.value.code() == grpc.StatusCode.UNAVAILABLE
        assert "secrets are withheld" in (withheld.value.details() or "")
        assert ACCESS not in str(withheld.value)
        # The change happened; its answer is not taken back (the row went to the log).
        invalidate = pb.InvalidateOAuthTokenRequest(id=made.token.id)
        changed = await tokens.InvalidateOAuthToken(invalidate, metadata=proxy)
        assert not changed.token.active
        basic = await tokens.GetOAuthToken(
            pb.GetOAuthTokenRequest(id=made.token.id), metadata=proxy
        )
        assert basic.token.id == made.token.id  # unaudited reads are untouched
    finally:
        with psycopg.connect(pg_database, autocommit=True) as conn:
            conn.execute("ALTER TABLE audit_events_away RENAME TO audit_events")


async def test_cleanup_drops_audit_days_past_their_retention(
    auth_app: Application, auth_channel: aio.Channel, pg_database: str
) -> None:
    leaks.register_secret(ACCESS)
    assert auth_app.cluster is not None
    trail = AuditTrail(PostgresAuditStore(auth_app.cluster), pages=PageSigner.ephemeral())
    now = datetime.now(UTC)
    for days_ago in (0, 2, 9, 10):
        event = AuditEvent(
            time=now - timedelta(days=days_ago),
            caller="bearer:old",
            method=TOKENS + "GetOAuthToken",
            resource_id=f"r{days_ago}",
            outcome="OK",
            peer="ipv4:127.0.0.1:1",
        )
        await trail.record(event, Deadline.after(5))  # each a day without a partition yet
    env = clean_environment(DATABASE_URL=pg_database, DB_AUDIT_RETENTION_DAYS="5")
    result = await asyncio.to_thread(run_cli, "cleanup", env=env)
    assert result.returncode == 0, result.stderr
    for days_ago in (9, 10):
        day = (now - timedelta(days=days_ago)).date()
        assert f"dropped partition audit_events_p{day:%Y%m%d}" in result.stdout
    assert "(DB_AUDIT_RETENTION_DAYS=5), dropped 2 audit partition(s)" in result.stdout
    assert [row[2] for row in audit_rows(pg_database)] == ["r2", "r0"]  # oldest first


def audit_event(resource_id: str, when: datetime) -> AuditEvent:
    return AuditEvent(
        time=when,
        event_id="",
        caller="bearer:gw",
        method=TOKENS + "GetOAuthToken",
        resource_id=resource_id,
        outcome="OK",
        peer="ipv4:127.0.0.1:1",
    )


async def test_concurrent_records_share_statements_and_each_returns_once_stored(
    server: Application, pg_database: str
) -> None:
    assert server.cluster is not None
    trail = AuditTrail(PostgresAuditStore(server.cluster), pages=PageSigner.ephemeral())
    now = datetime.now(UTC)
    # Days without a partition yet, in one batch: the batch creates them.
    events = [audit_event(f"r{n}", now - timedelta(days=20 + n % 3)) for n in range(40)]
    await asyncio.gather(*(trail.record(event, Deadline.after(5)) for event in events))
    rows = audit_rows(pg_database)
    assert sorted(row[2] for row in rows) == sorted(event.resource_id for event in events)
    with psycopg.connect(pg_database, autocommit=True) as conn:
        # Rows of one statement share its transaction id.
        written = conn.execute("SELECT count(DISTINCT xmin::text) FROM audit_events").fetchone()
    assert written is not None
    # One statement for the first row and one for the 39 queued behind it; one
    # statement per call would be 40.
    assert written[0] <= 3, written


async def test_a_row_the_database_refuses_fails_only_its_own_call(
    server: Application, pg_database: str
) -> None:
    assert server.cluster is not None
    trail = AuditTrail(PostgresAuditStore(server.cluster), pages=PageSigner.ephemeral())
    now = datetime.now(UTC)
    names = ["a", "b", "bad\x00", "c", "d"]
    outcomes = await asyncio.gather(
        *(trail.record(audit_event(name, now), Deadline.after(5)) for name in names),
        return_exceptions=True,
    )
    assert [type(outcome).__name__ for outcome in outcomes] == [
        "NoneType",
        "NoneType",
        "InvalidArgumentError",
        "NoneType",
        "NoneType",
    ]
    assert sorted(row[2] for row in audit_rows(pg_database)) == ["a", "b", "c", "d"]


async def test_a_full_read_writes_its_row_in_its_read_and_a_failure_after_it_a_second(
    auth_app: Application, auth_channel: aio.Channel, pg_database: str
) -> None:
    leaks.register_secret(ACCESS, REFRESH)
    proxy = bearer(await credential(auth_app, "proxy", "gw"))
    tokens = stubs.oauth_tokens(auth_channel)
    token = pb.OAuthToken(
        provider="claude", user_id="u1", access_token=ACCESS, refresh_token=REFRESH
    )
    made = await tokens.UpsertOAuthToken(pb.UpsertOAuthTokenRequest(token=token), metadata=proxy)
    token_id = made.token.id
    by_user = pb.GetOAuthTokenRequest(provider="claude", user_id="u1", view=FULL)
    assert (await tokens.GetOAuthToken(by_user, metadata=proxy)).token.access_token == ACCESS
    with psycopg.connect(pg_database, autocommit=True) as conn:
        # The access secret sealed for the refresh column: it no longer opens.
        conn.execute(
            "UPDATE oauth_tokens SET access_token_ciphertext = refresh_token_ciphertext"
            " WHERE id = %s",
            (token_id,),
        )
    with pytest.raises(aio.AioRpcError) as lost:
        await tokens.GetOAuthToken(pb.GetOAuthTokenRequest(id=token_id, view=FULL), metadata=proxy)
    assert lost.value.code() == grpc.StatusCode.DATA_LOSS
    get = TOKENS + "GetOAuthToken"
    # The read by user names the token it found; the failed read left the row its read
    # wrote (the secret left storage) and then its outcome. A row written after the
    # call, as before, would be one DATA_LOSS row. An aborted call's status reaches the
    # client before its row is stored: wait for it.
    for _ in range(100):
        if len(audit_rows(pg_database)) == 4:
            break
        await asyncio.sleep(0.05)
    assert audit_rows(pg_database)[-3:] == [
        ("bearer:gw", get, token_id, "OK"),
        ("bearer:gw", get, token_id, "OK"),
        ("bearer:gw", get, token_id, "DATA_LOSS"),
    ]


async def test_the_audited_read_creates_its_days_partition_and_writes_no_row_for_nothing(
    server: Application, pg_database: str
) -> None:
    assert server.cluster is not None
    store = PostgresOAuthTokenStore(server.cluster)
    with psycopg.connect(pg_database, autocommit=True) as conn:
        row = conn.execute(
            "INSERT INTO oauth_tokens (id, provider, user_id, access_token_ciphertext,"
            " encryption_key_id) VALUES (gen_random_uuid(), 'p', 'u', '\\x00', 'k')"
            " RETURNING id::text"
        ).fetchone()
    assert row is not None
    token_id = str(row[0])
    later = datetime.now(UTC) + timedelta(days=40)  # a day without a partition
    found = AuditedRead(audit_event("ignored", later))
    stored = await store.fetch_audited(found, Deadline.after(5), provider="p", user_id="u")
    assert stored is not None
    assert stored.id == token_id
    assert found.stored
    missing = AuditedRead(audit_event("ignored", later))
    assert await store.fetch_audited(missing, Deadline.after(5), token_id=str(uuid.uuid4())) is None
    assert not missing.stored
    assert [row[2:] for row in audit_rows(pg_database)] == [(token_id, "OK")]
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute("ALTER TABLE audit_events RENAME TO audit_events_away")
    try:
        alone = AuditedRead(audit_event("ignored", later))
        stored = await store.fetch_audited(alone, Deadline.after(5), token_id=token_id)
        assert stored is not None  # read without its row
        assert stored.id == token_id
        assert not alone.stored  # left to the auth layer, which withholds the secret
    finally:
        with psycopg.connect(pg_database, autocommit=True) as conn:
            conn.execute("ALTER TABLE audit_events_away RENAME TO audit_events")
