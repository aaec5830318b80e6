"""OAuthTokenService through gRPC against a real PostgreSQL: round trips and views,
encryption at rest, etag races, validation, pagination, read-your-writes."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Awaitable
from typing import TYPE_CHECKING, Any

import grpc
import psycopg
import pytest
from google.protobuf import field_mask_pb2, timestamp_pb2

from dataaccess.v1 import oauth_tokens_pb2 as pb
from dataaccess_server.app import Application
from dataaccess_server.db.migrations import Migrator
from dataaccess_server.domain.crypto import Keyring
from dataaccess_server.domain.model.oauth_tokens import TokenInput
from dataaccess_server.domain.model.secret import Secret
from tests.harness import leaks, stubs
from tests.harness.postgres import InstanceFactory
from tests.harness.server import server_settings

if TYPE_CHECKING:  # the asyncio flavour of the stub exists for type checkers only
    from dataaccess.v1.oauth_tokens_pb2_grpc import OAuthTokenServiceAsyncStub as Stub

FULL = pb.O_AUTH_TOKEN_VIEW_FULL
ACCESS = "ya29.access-PLAINTEXT-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
REFRESH = "1//refresh-PLAINTEXT-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
leaks.register_secret(ACCESS, REFRESH)


def token(provider: str = "claude", user_id: str = "user-1", **fields: Any) -> pb.OAuthToken:
    values: dict[str, Any] = {"access_token": ACCESS, "refresh_token": REFRESH}
    values.update(fields)
    return pb.OAuthToken(provider=provider, user_id=user_id, **values)


async def upsert(stub: Stub, message: pb.OAuthToken) -> pb.UpsertOAuthTokenResponse:
    return await stub.UpsertOAuthToken(pb.UpsertOAuthTokenRequest(token=message), timeout=5)


async def get_full(stub: Stub, token_id: str) -> pb.OAuthToken:
    reply = await stub.GetOAuthToken(pb.GetOAuthTokenRequest(id=token_id, view=FULL), timeout=5)
    return reply.token


async def rpc_error(call: Awaitable[object]) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


def count_rows(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT count(*) FROM oauth_tokens").fetchone()
    assert row is not None
    return int(row[0])


# --- round trips and views -------------------------------------------------------------


async def test_upsert_then_full_get_returns_the_tokens_and_other_views_hide_them(
    oauth_tokens_stub: Stub,
) -> None:
    expiry = timestamp_pb2.Timestamp(seconds=1_900_000_000)
    created = await upsert(
        oauth_tokens_stub,
        token(email="a@example.com", scopes=["openid", "email"], expiry_time=expiry),
    )
    assert created.created
    assert created.consistency_token
    assert created.token.access_token == ""  # the write's answer is the BASIC view
    assert created.token.etag

    full = await get_full(oauth_tokens_stub, created.token.id)
    assert (full.access_token, full.refresh_token) == (ACCESS, REFRESH)
    assert full.email == "a@example.com"
    assert list(full.scopes) == ["openid", "email"]
    assert full.expiry_time == expiry
    assert full.token_type == "Bearer"
    assert full.active

    basic = (
        await oauth_tokens_stub.GetOAuthToken(pb.GetOAuthTokenRequest(id=created.token.id))
    ).token
    assert (basic.access_token, basic.refresh_token) == ("", "")
    assert basic.etag == full.etag
    by_user = await oauth_tokens_stub.GetOAuthToken(
        pb.GetOAuthTokenRequest(provider="claude", user_id="user-1", view=FULL)
    )
    assert by_user.token.access_token == ACCESS
    listed = (await oauth_tokens_stub.ListOAuthTokens(pb.ListOAuthTokensRequest())).tokens
    assert [t.id for t in listed] == [created.token.id]
    assert (listed[0].access_token, listed[0].refresh_token) == ("", "")


async def test_upsert_replaces_the_live_token_and_keeps_a_refresh_token_it_omits(
    oauth_tokens_stub: Stub,
) -> None:
    first = await upsert(oauth_tokens_stub, token())
    second = await upsert(oauth_tokens_stub, token(access_token="new-access", refresh_token=""))
    assert not second.created
    assert second.token.id == first.token.id
    assert second.token.etag != first.token.etag
    full = await get_full(oauth_tokens_stub, first.token.id)
    assert (full.access_token, full.refresh_token) == ("new-access", REFRESH)


async def test_invalidate_and_soft_delete(oauth_tokens_stub: Stub, pg_database: str) -> None:
    made = (await upsert(oauth_tokens_stub, token())).token
    invalidated = await oauth_tokens_stub.InvalidateOAuthToken(
        pb.InvalidateOAuthTokenRequest(id=made.id)
    )
    assert not invalidated.token.active
    assert invalidated.token.etag != made.etag
    again = await oauth_tokens_stub.InvalidateOAuthToken(pb.InvalidateOAuthTokenRequest(id=made.id))
    assert again.token.etag == invalidated.token.etag  # idempotent: nothing changed
    active = await oauth_tokens_stub.ListOAuthTokens(pb.ListOAuthTokensRequest(active_only=True))
    assert list(active.tokens) == []

    await oauth_tokens_stub.DeleteOAuthToken(pb.DeleteOAuthTokenRequest(id=made.id))
    await oauth_tokens_stub.DeleteOAuthToken(pb.DeleteOAuthTokenRequest(id=made.id))  # idempotent
    error = await rpc_error(oauth_tokens_stub.GetOAuthToken(pb.GetOAuthTokenRequest(id=made.id)))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert list((await oauth_tokens_stub.ListOAuthTokens(pb.ListOAuthTokensRequest())).tokens) == []
    assert count_rows(pg_database) == 1  # soft: the row is still there
    recreated = await upsert(oauth_tokens_stub, token())
    assert recreated.created
    assert recreated.token.id != made.id
    unknown = "01890000-0000-7000-8000-000000000000"
    error = await rpc_error(
        oauth_tokens_stub.DeleteOAuthToken(pb.DeleteOAuthTokenRequest(id=unknown))
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND


# --- encryption at rest ----------------------------------------------------------------


def _encodings(secret: str) -> list[str]:
    raw = secret.encode()
    return [
        secret,
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode(),
        raw.hex(),
        raw.hex().upper(),
    ]


async def test_the_table_holds_no_plaintext_in_any_encoding(
    oauth_tokens_stub: Stub, pg_database: str
) -> None:
    await upsert(oauth_tokens_stub, token())
    with psycopg.connect(pg_database) as conn:
        rows = conn.execute("SELECT t::text, row_to_json(t)::text FROM oauth_tokens t").fetchall()
        dump = " ".join(" ".join(row) for row in rows)
    assert "\\x01" in dump  # the sealed values are there, as bytea
    for secret in (ACCESS, REFRESH):
        for encoded in _encodings(secret):
            assert encoded not in dump
            # base64 of a substring could start mid-group: check a long middle run too.
            assert encoded[8:40] not in dump


async def test_ciphertexts_swapped_between_rows_or_columns_do_not_decrypt(
    oauth_tokens_stub: Stub, pg_database: str
) -> None:
    one = (await upsert(oauth_tokens_stub, token(user_id="one"))).token.id
    two = (await upsert(oauth_tokens_stub, token(user_id="two"))).token.id
    with psycopg.connect(pg_database) as conn:
        conn.execute(
            """
            UPDATE oauth_tokens t SET access_token_ciphertext = o.access_token_ciphertext
            FROM oauth_tokens o
            WHERE (t.id, o.id) IN ((%(one)s::uuid, %(two)s::uuid), (%(two)s::uuid, %(one)s::uuid))
            """,
            {"one": one, "two": two},
        )
    for token_id in (one, two):
        error = await rpc_error(get_full(oauth_tokens_stub, token_id))
        assert error.code() == grpc.StatusCode.DATA_LOSS
        assert "does not decrypt" in (error.details() or "")
        assert ACCESS not in (error.details() or "")
    # BASIC reads do not open secrets and still work.
    basic = await oauth_tokens_stub.GetOAuthToken(pb.GetOAuthTokenRequest(id=one))
    assert basic.token.id == one

    three = (await upsert(oauth_tokens_stub, token(user_id="three"))).token.id
    with psycopg.connect(pg_database) as conn:  # refresh moved into the access column
        conn.execute(
            "UPDATE oauth_tokens SET access_token_ciphertext = refresh_token_ciphertext"
            " WHERE id = %s",
            (three,),
        )
    assert (await rpc_error(get_full(oauth_tokens_stub, three))).code() == grpc.StatusCode.DATA_LOSS


# --- etags -----------------------------------------------------------------------------


async def test_two_updates_with_the_same_etag_exactly_one_wins(oauth_tokens_stub: Stub) -> None:
    made = (await upsert(oauth_tokens_stub, token())).token

    async def update(access: str) -> pb.UpdateOAuthTokenResponse:
        return await oauth_tokens_stub.UpdateOAuthToken(
            pb.UpdateOAuthTokenRequest(
                token=pb.OAuthToken(id=made.id, access_token=access),
                update_mask=field_mask_pb2.FieldMask(paths=["access_token"]),
                etag=made.etag,
            ),
            timeout=5,
        )

    results = await asyncio.gather(
        *(update(f"refreshed-{n}") for n in range(2)), return_exceptions=True
    )
    winners = [r for r in results if isinstance(r, pb.UpdateOAuthTokenResponse)]
    losers = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(winners) == 1
    assert len(losers) == 1
    assert losers[0].code() == grpc.StatusCode.ABORTED
    full = await get_full(oauth_tokens_stub, made.id)
    assert full.access_token == f"refreshed-{results.index(winners[0])}"
    assert full.refresh_token == REFRESH  # not in the mask: kept
    assert full.etag == winners[0].token.etag


async def test_update_masking_only_an_empty_refresh_token_keeps_the_token_as_it_is(
    oauth_tokens_stub: Stub,
) -> None:
    made = (await upsert(oauth_tokens_stub, token())).token
    updated = await oauth_tokens_stub.UpdateOAuthToken(
        pb.UpdateOAuthTokenRequest(
            token=pb.OAuthToken(id=made.id),
            update_mask=field_mask_pb2.FieldMask(paths=["refresh_token"]),
            etag=made.etag,
        ),
        timeout=5,
    )
    assert updated.token.etag == made.etag  # nothing changed
    assert updated.consistency_token
    full = await get_full(oauth_tokens_stub, made.id)
    assert (full.access_token, full.refresh_token) == (ACCESS, REFRESH)


async def test_update_without_refresh_token_keeps_it_and_stale_etag_changes_nothing(
    oauth_tokens_stub: Stub,
) -> None:
    made = (await upsert(oauth_tokens_stub, token())).token
    mask = field_mask_pb2.FieldMask(paths=["access_token", "refresh_token", "expiry_time"])
    updated = await oauth_tokens_stub.UpdateOAuthToken(
        pb.UpdateOAuthTokenRequest(
            token=pb.OAuthToken(
                id=made.id,
                access_token="rotated-access",
                expiry_time=timestamp_pb2.Timestamp(seconds=2_000_000_000),
            ),
            update_mask=mask,
            etag=made.etag,
        )
    )
    full = await get_full(oauth_tokens_stub, made.id)
    assert (full.access_token, full.refresh_token) == ("rotated-access", REFRESH)
    assert full.expiry_time.seconds == 2_000_000_000

    stale = await rpc_error(
        oauth_tokens_stub.UpdateOAuthToken(
            pb.UpdateOAuthTokenRequest(
                token=pb.OAuthToken(id=made.id, access_token="lost-update"),
                update_mask=field_mask_pb2.FieldMask(paths=["access_token"]),
                etag=made.etag,
            )
        )
    )
    assert stale.code() == grpc.StatusCode.ABORTED
    assert (await get_full(oauth_tokens_stub, made.id)).access_token == "rotated-access"
    assert (await get_full(oauth_tokens_stub, made.id)).etag == updated.token.etag

    # No mask: every field the request sets.
    await oauth_tokens_stub.UpdateOAuthToken(
        pb.UpdateOAuthTokenRequest(
            token=pb.OAuthToken(id=made.id, email="b@example.com"), etag=updated.token.etag
        )
    )
    after = await get_full(oauth_tokens_stub, made.id)
    assert after.email == "b@example.com"
    assert after.access_token == "rotated-access"


# --- validation ------------------------------------------------------------------------

VALID_ID = "01890000-0000-7000-8000-000000000000"
BAD_REQUESTS: list[tuple[str, str, object]] = [
    ("UpsertOAuthToken", "token.provider", pb.UpsertOAuthTokenRequest(token=token(provider=""))),
    (
        "UpsertOAuthToken",
        "token.provider",
        pb.UpsertOAuthTokenRequest(token=token(provider="Bad Provider")),
    ),
    (
        "UpsertOAuthToken",
        "token.user_id",
        pb.UpsertOAuthTokenRequest(token=token(user_id="u" * 257)),
    ),
    (
        "UpsertOAuthToken",
        "token.access_token",
        pb.UpsertOAuthTokenRequest(token=token(access_token="")),
    ),
    (
        "UpsertOAuthToken",
        "token.expiry_time",
        pb.UpsertOAuthTokenRequest(
            token=token(expiry_time=timestamp_pb2.Timestamp(seconds=1, nanos=-5))
        ),
    ),
    (
        "UpsertOAuthToken",
        "token.expiry_time",
        pb.UpsertOAuthTokenRequest(
            token=token(expiry_time=timestamp_pb2.Timestamp(seconds=10**12))
        ),
    ),
    ("UpsertOAuthToken", "token.email", pb.UpsertOAuthTokenRequest(token=token(email="nope"))),
    (
        "UpsertOAuthToken",
        "token.scopes",
        pb.UpsertOAuthTokenRequest(token=token(scopes=["s"] * 101)),
    ),
    (
        "UpdateOAuthToken",
        "update_mask",
        pb.UpdateOAuthTokenRequest(
            token=pb.OAuthToken(id=VALID_ID),
            update_mask=field_mask_pb2.FieldMask(paths=["provider"]),
            etag='"1"',
        ),
    ),
    (
        "UpdateOAuthToken",
        "update_mask",
        pb.UpdateOAuthTokenRequest(
            token=pb.OAuthToken(id=VALID_ID),
            update_mask=field_mask_pb2.FieldMask(paths=["no_such_field"]),
            etag='"1"',
        ),
    ),
    (
        "UpdateOAuthToken",
        "etag",
        pb.UpdateOAuthTokenRequest(token=pb.OAuthToken(id=VALID_ID, email="a@b.c")),
    ),
    (
        "UpdateOAuthToken",
        "token.id",
        pb.UpdateOAuthTokenRequest(token=pb.OAuthToken(id="42", email="a@b.c"), etag='"1"'),
    ),
    ("ListOAuthTokens", "page_size", pb.ListOAuthTokensRequest(page_size=-1)),
    ("ListOAuthTokens", "page_token", pb.ListOAuthTokensRequest(page_token="garbage!")),
    (
        "ListOAuthTokens",
        "page_token",
        pb.ListOAuthTokensRequest(page_token=base64.urlsafe_b64encode(b"{}").decode()),
    ),
    ("ListOAuthTokens", "consistency_token", pb.ListOAuthTokensRequest(consistency_token="x")),
    ("GetOAuthToken", "id", pb.GetOAuthTokenRequest(id="not-a-uuid")),
    ("GetOAuthToken", "provider", pb.GetOAuthTokenRequest(user_id="u")),
    ("InvalidateOAuthToken", "id", pb.InvalidateOAuthTokenRequest()),
    ("DeleteOAuthToken", "id", pb.DeleteOAuthTokenRequest(id="zzz")),
]


@pytest.mark.parametrize(
    ("method", "field", "request_message"),
    BAD_REQUESTS,
    ids=[f"{m}-{f}-{i}" for i, (m, f, _) in enumerate(BAD_REQUESTS)],
)
async def test_malformed_request_is_invalid_argument_naming_the_field_and_writes_nothing(
    oauth_tokens_stub: Stub, pg_database: str, method: str, field: str, request_message: object
) -> None:
    from google.rpc import error_details_pb2, status_pb2

    before = count_rows(pg_database)
    error = await rpc_error(getattr(oauth_tokens_stub, method)(request_message, timeout=5))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.details()
    assert field in (error.details() or "")
    status = status_pb2.Status()
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status.ParseFromString(value)
    bad_request = error_details_pb2.BadRequest()
    assert status.details[0].Unpack(bad_request)
    assert field in [violation.field for violation in bad_request.field_violations]
    assert count_rows(pg_database) == before


async def test_pagination_walks_every_token_once_and_filters_apply(oauth_tokens_stub: Stub) -> None:
    made = [
        (
            await upsert(
                oauth_tokens_stub, token(provider="gemini" if n % 2 else "claude", user_id=f"u{n}")
            )
        ).token.id
        for n in range(7)
    ]
    seen: list[str] = []
    page_token = ""
    pages = 0
    while True:
        reply = await oauth_tokens_stub.ListOAuthTokens(
            pb.ListOAuthTokensRequest(page_size=3, page_token=page_token)
        )
        seen.extend(t.id for t in reply.tokens)
        pages += 1
        page_token = reply.next_page_token
        if not page_token:
            break
    assert seen == made  # creation order, each once
    assert pages == 3
    gemini = await oauth_tokens_stub.ListOAuthTokens(pb.ListOAuthTokensRequest(provider="gemini"))
    assert [t.user_id for t in gemini.tokens] == ["u1", "u3", "u5"]
    first = await oauth_tokens_stub.ListOAuthTokens(pb.ListOAuthTokensRequest(page_size=2))
    mixed = await rpc_error(
        oauth_tokens_stub.ListOAuthTokens(
            pb.ListOAuthTokensRequest(
                page_size=2, provider="gemini", page_token=first.next_page_token
            )
        )
    )
    assert mixed.code() == grpc.StatusCode.INVALID_ARGUMENT
    soon = timestamp_pb2.Timestamp(seconds=1_800_000_000)
    await upsert(oauth_tokens_stub, token(user_id="expiring", expiry_time=soon))
    expiring = await oauth_tokens_stub.ListOAuthTokens(
        pb.ListOAuthTokensRequest(expiring_before=timestamp_pb2.Timestamp(seconds=1_800_000_001))
    )
    assert [t.user_id for t in expiring.tokens] == ["expiring"]


# --- read-your-writes --------------------------------------------------------------------


@pytest.fixture
async def replicated_servers(
    pg_instance_factory: InstanceFactory,
) -> AsyncIterator[tuple[Application, Application, str]]:
    """Two servers on one primary and one replica whose replay is paused."""
    primary = await asyncio.to_thread(pg_instance_factory)
    await Migrator(primary.dsn()).up()
    replica = await asyncio.to_thread(pg_instance_factory.replica, primary)
    with psycopg.connect(replica.dsn(), autocommit=True) as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
    apps = [
        Application(server_settings(primary.dsn(), replica_dsns=(replica.dsn(),))) for _ in range(2)
    ]
    for app in apps:
        await app.start()
    try:
        yield apps[0], apps[1], replica.dsn()
    finally:
        for app in apps:
            await app.stop()


async def test_a_get_right_after_an_upsert_sees_it_even_with_replay_paused(
    replicated_servers: tuple[Application, Application, str],
) -> None:
    writer_app, other_app, _ = replicated_servers
    async with (
        grpc.aio.insecure_channel(f"127.0.0.1:{writer_app.port}") as one,
        grpc.aio.insecure_channel(f"127.0.0.1:{other_app.port}") as two,
    ):
        writer, other = stubs.oauth_tokens(one), stubs.oauth_tokens(two)
        written = await upsert(writer, token())
        # The same server: read-your-writes without the caller doing anything.
        assert (await get_full(writer, written.token.id)).access_token == ACCESS
        # Another server has seen no write: its replica read is stale...
        stale = await rpc_error(other.GetOAuthToken(pb.GetOAuthTokenRequest(id=written.token.id)))
        assert stale.code() == grpc.StatusCode.NOT_FOUND
        # ...unless the caller passes the write's consistency token.
        fresh = await other.GetOAuthToken(
            pb.GetOAuthTokenRequest(
                id=written.token.id, consistency_token=written.consistency_token
            )
        )
        assert fresh.token.id == written.token.id


# --- secrets stay secret -------------------------------------------------------------------


def test_reprs_of_secrets_and_inputs_show_no_plaintext() -> None:
    data = TokenInput(provider="p", user_id="u", access_token=Secret(ACCESS))
    assert ACCESS not in repr(data)
    assert ACCESS not in str(Secret(ACCESS))
    keyring = Keyring.generate("k1")
    assert keyring.serialize().split(":", 1)[1] not in repr(keyring)
