"""Telemetry end to end, against real receivers: an OTLP/gRPC receiver for spans, and a
real Prometheus scraping the server's endpoint, with a streaming replica so that spans
and gauges name the node that served."""

from __future__ import annotations

import asyncio
import secrets
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import grpc
import pytest
from google.protobuf import field_mask_pb2

from dataaccess.v1 import api_keys_pb2 as keys_pb
from dataaccess.v1 import oauth_tokens_pb2 as tokens_pb
from dataaccess.v1 import request_logs_pb2 as logs_pb
from dataaccess.v1 import usage_pb2 as usage_pb
from dataaccess_server.app import Application
from dataaccess_server.db.cluster import Cluster
from dataaccess_server.db.migrations import Migrator
from dataaccess_server.domain.model.operations import NodeStatus
from dataaccess_server.embedded import PostgresInstance
from tests.harness import leaks, stubs
from tests.harness.calls import bearer, credential
from tests.harness.otlp import OtlpReceiver, Span, otlp_receiver
from tests.harness.postgres import InstanceFactory
from tests.harness.prometheus import prometheus_async, value
from tests.harness.server import server_settings
from tests.harness.waiting import wait_until
from tests.test_request_logs import log

VALIDATE = "ValidateAPIKey"


@dataclass
class Replicated:
    """A started server on a primary and a streaming replica in read rotation."""

    app: Application
    channel: grpc.aio.Channel
    primary: PostgresInstance
    replica: PostgresInstance


@pytest.fixture
def receiver() -> Iterator[OtlpReceiver]:
    with otlp_receiver() as started:
        yield started


@pytest.fixture
async def replicated(
    pg_instance_factory: InstanceFactory, receiver: OtlpReceiver
) -> AsyncIterator[Replicated]:
    primary = await asyncio.to_thread(pg_instance_factory)
    await Migrator(primary.dsn()).up()
    replica = await asyncio.to_thread(pg_instance_factory.replica, primary)
    settings = server_settings(primary.dsn(), replica_dsns=(replica.dsn(),))
    telemetry = replace(
        settings.telemetry,
        traces_endpoint=receiver.endpoint,
        metrics_listen="127.0.0.1:0",
    )
    app = Application(replace(settings, telemetry=telemetry))
    await app.start()
    try:
        assert app.cluster is not None
        cluster = app.cluster
        await wait_until(cluster.replicas_serving, what="the replica in read rotation")
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
            yield Replicated(app, channel, primary, replica)
    finally:
        await app.stop()  # flushes the last spans to the receiver


def traceparent() -> tuple[str, str, str]:
    """A sampled W3C traceparent of a made-up caller: (header, trace id, span id)."""
    trace_id, span_id = secrets.token_hex(16), secrets.token_hex(8)
    return f"00-{trace_id}-{span_id}-01", trace_id, span_id


async def test_a_call_with_a_traceparent_continues_its_trace_with_db_spans_naming_the_node(
    replicated: Replicated, receiver: OtlpReceiver
) -> None:
    keys = stubs.api_keys(replicated.channel)
    header, trace_id, caller_span = traceparent()
    made = await keys.CreateAPIKey(
        keys_pb.CreateAPIKeyRequest(api_key=keys_pb.APIKey(name="t", owner_id="o")),
        metadata=(("traceparent", header),),
    )
    leaks.register_secret(made.key)
    listed_header, listed_trace, _ = traceparent()
    await keys.ListAPIKeys(
        keys_pb.ListAPIKeysRequest(owner_id="o"), metadata=(("traceparent", listed_header),)
    )

    def of_trace(wanted: str) -> list[Span]:
        return [span for span in receiver.spans() if span.trace_id == wanted]

    await wait_until(
        lambda: len(of_trace(trace_id)) >= 2 and len(of_trace(listed_trace)) >= 2,
        what="the spans of both calls",
    )
    (server,) = [s for s in of_trace(trace_id) if s.kind == "SERVER"]
    assert server.parent_span_id == caller_span  # the caller's span is the parent
    assert server.name == "dataaccess.v1.APIKeyService/CreateAPIKey"
    assert server.attributes["rpc.system"] == "grpc"
    assert server.attributes["rpc.service"] == "dataaccess.v1.APIKeyService"
    assert server.attributes["rpc.method"] == "CreateAPIKey"
    assert server.attributes["rpc.grpc.status_code"] == 0
    assert server.resource["service.name"] == "dataaccess"
    writes = [s for s in of_trace(trace_id) if s.kind == "CLIENT"]
    assert writes, "no database span under the call"
    for span in writes:
        assert span.parent_span_id == server.span_id
        assert span.attributes["db.system"] == "postgresql"
        assert span.attributes["dataaccess.db.node"] == "primary"
        assert span.attributes["dataaccess.db.replica"] is False
        assert span.attributes["server.port"] == replicated.primary.port
    # The key, and the audit row of a credential change.
    assert {span.attributes["db.operation"] for span in writes} == {
        "insert_key",
        "append_audit_events",
    }
    # The list is a read: served by the replica, and its span says so.
    (listing,) = [s for s in of_trace(listed_trace) if s.kind == "SERVER"]
    (read,) = [s for s in of_trace(listed_trace) if s.kind == "CLIENT"]
    assert read.parent_span_id == listing.span_id
    assert read.attributes["dataaccess.db.node"] == "replica-1"
    assert read.attributes["dataaccess.db.replica"] is True
    assert read.attributes["dataaccess.db.fallback"] is False
    assert read.attributes["server.port"] == replicated.replica.port


async def test_an_unsampled_parent_is_followed_and_a_failed_call_carries_its_code(
    replicated: Replicated, receiver: OtlpReceiver
) -> None:
    keys = stubs.api_keys(replicated.channel)
    header, trace_id, _ = traceparent()
    unsampled = header[:-2] + "00"
    await keys.ListAPIKeys(keys_pb.ListAPIKeysRequest(), metadata=(("traceparent", unsampled),))
    failed_header, failed_trace, _ = traceparent()
    with pytest.raises(grpc.aio.AioRpcError):
        await keys.GetAPIKey(
            keys_pb.GetAPIKeyRequest(id="nope"), metadata=(("traceparent", failed_header),)
        )
    await wait_until(
        lambda: any(s.trace_id == failed_trace for s in receiver.spans()), what="the failed call"
    )
    (failed,) = [s for s in receiver.spans() if s.trace_id == failed_trace and s.kind == "SERVER"]
    assert failed.attributes["rpc.grpc.status_code"] == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert failed.status_code == "ERROR"
    assert not any(s.trace_id == trace_id for s in receiver.spans())  # not sampled: no span


async def test_prometheus_scrapes_rpc_pool_replica_and_validation_metrics(
    replicated: Replicated,
) -> None:
    keys = stubs.api_keys(replicated.channel)
    made = await keys.CreateAPIKey(
        keys_pb.CreateAPIKeyRequest(api_key=keys_pb.APIKey(name="p", owner_id="o"))
    )
    leaks.register_secret(made.key)
    for _ in range(2):
        await keys.ValidateAPIKey(keys_pb.ValidateAPIKeyRequest(key=made.key))
    for _ in range(3):
        unknown = "dak_" + secrets.token_urlsafe(32)
        await keys.ValidateAPIKey(keys_pb.ValidateAPIKeyRequest(key=unknown))
    port = replicated.app.metrics_port
    assert port is not None
    async with prometheus_async([f"127.0.0.1:{port}"]) as server:

        async def exactly(promql: str, expected: float) -> None:
            await server.wait_for_async(promql, lambda result: value(result) == expected)

        await exactly('dataaccess_api_key_validations_total{reason="VALID"}', 2)
        await exactly('dataaccess_api_key_validations_total{reason="NOT_FOUND"}', 3)
        await exactly(
            f'sum(rpc_server_call_duration_seconds_count{{rpc_method="{VALIDATE}",'
            'rpc_grpc_status_code="0"})',
            5,
        )
        pool_max = replicated.app.settings.pool.max_size
        await exactly('db_client_connection_max{dataaccess_db_node="primary"}', pool_max)
        await server.wait_for_async(
            'dataaccess_db_replica_lag_seconds{dataaccess_db_node="replica-1"}',
            lambda result: (lag := value(result)) is not None and 0 <= lag < 5,
        )
        await exactly('dataaccess_db_node_in_rotation{dataaccess_db_node="replica-1"}', 1)


async def test_no_secret_reaches_any_span_metric_or_log_line(
    pg_database: str, receiver: OtlpReceiver
) -> None:
    # Every RPC that carries a secret, with everything exported: spans of every call
    # (sampler always on), metrics by OTLP and on the scrape endpoint, slow statements
    # logged (threshold 1 ms: nearly every operation), and a DSN with a password.
    password = "dsn-PLAINTEXT-" + secrets.token_hex(12)
    leaks.register_secret(password)
    separator = "&" if "?" in pg_database else "?"
    settings = server_settings(f"{pg_database}{separator}password={password}", auth="on")
    telemetry = replace(
        settings.telemetry,
        traces_endpoint=receiver.endpoint,
        metrics_endpoint=receiver.endpoint,
        metric_export_interval=0.2,
        metrics_listen="127.0.0.1:0",
        slow_statement=0.001,
    )
    app = Application(replace(settings, telemetry=telemetry))
    await app.start()
    try:
        token = await credential(app, "admin")
        meta = bearer(token)
        access, refresh = ("ya29.tele-" + secrets.token_hex(16), "1//tele-" + secrets.token_hex(16))
        newer = "ya29.tele-new-" + secrets.token_hex(16)
        leaks.register_secret(access, refresh, newer)
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
            tokens, keys = stubs.oauth_tokens(channel), stubs.api_keys(channel)
            stored = await tokens.UpsertOAuthToken(
                tokens_pb.UpsertOAuthTokenRequest(
                    token=tokens_pb.OAuthToken(
                        provider="claude", user_id="u", access_token=access, refresh_token=refresh
                    )
                ),
                metadata=meta,
            )
            full = await tokens.GetOAuthToken(
                tokens_pb.GetOAuthTokenRequest(
                    id=stored.token.id, view=tokens_pb.O_AUTH_TOKEN_VIEW_FULL
                ),
                metadata=meta,
            )
            assert full.token.access_token == access
            await tokens.UpdateOAuthToken(
                tokens_pb.UpdateOAuthTokenRequest(
                    token=tokens_pb.OAuthToken(id=stored.token.id, access_token=newer),
                    update_mask=field_mask_pb2.FieldMask(paths=["access_token"]),
                    etag=full.token.etag,
                ),
                metadata=meta,
            )
            made = await keys.CreateAPIKey(
                keys_pb.CreateAPIKeyRequest(api_key=keys_pb.APIKey(name="s", owner_id="o")),
                metadata=meta,
            )
            leaks.register_secret(made.key)
            await keys.ValidateAPIKey(keys_pb.ValidateAPIKeyRequest(key=made.key), metadata=meta)
            rotated = await keys.RotateAPIKey(
                keys_pb.RotateAPIKeyRequest(id=made.api_key.id), metadata=meta
            )
            leaks.register_secret(rotated.key)
            await keys.ValidateAPIKey(keys_pb.ValidateAPIKeyRequest(key=rotated.key), metadata=meta)
            with pytest.raises(grpc.aio.AioRpcError):  # a wrong credential, refused
                await keys.ValidateAPIKey(
                    keys_pb.ValidateAPIKeyRequest(key=made.key), metadata=bearer(made.key)
                )
        port = app.metrics_port
        assert port is not None
        scraped = await asyncio.to_thread(
            lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()
        )
        await receiver.wait_for_metrics(lambda p: p.name == "dataaccess.api_key.validations")
    finally:
        await app.stop()  # the last spans and metrics go out
    assert any(s.name.endswith("/GetOAuthToken") for s in receiver.spans())
    assert "dataaccess_api_key_validations_total" in scraped
    evidence = leaks.Evidence(texts=[*receiver.raw_texts(), scraped])
    assert leaks.find_leaks(evidence) == []
    # The scan can fail: the same evidence with a secret in it is reported.
    assert leaks.find_leaks(leaks.Evidence(texts=[*evidence.texts, newer]), [newer]) != []


def scraped_value(text: str, name: str, labels: str = "") -> float:
    """The value of the sample ``name`` (whose labels include ``labels``) in a scrape."""
    for line in text.splitlines():
        if line.startswith(name + "{") and labels in line:
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no sample {name} {labels} in the scrape")


async def test_ingest_counters_in_flight_and_invalidation_lag_are_exported(
    pg_database: str,
    now: datetime,
) -> None:
    settings = server_settings(pg_database)
    app = Application(
        replace(settings, telemetry=replace(settings.telemetry, metrics_listen="127.0.0.1:0"))
    )
    await app.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
            logs = [log(n, now) for n in range(4)]
            batch = logs_pb.BatchInsertRequestLogsRequest(logs=logs)
            await stubs.request_logs(channel).BatchInsertRequestLogs(batch)
            await stubs.request_logs(channel).BatchInsertRequestLogs(batch)  # a resend
            today = datetime.now(UTC).date().isoformat()
            record = usage_pb.UsageRecord(
                provider="p", model="m", auth_id="a", date=today, input_tokens=1
            )
            await stubs.usage(channel).BatchUpsertUsage(
                usage_pb.BatchUpsertUsageRequest(records=[record] * 3, request_id="u-1")
            )
            await stubs.usage(channel).BatchUpsertUsage(  # a replay: not counted again
                usage_pb.BatchUpsertUsageRequest(records=[record] * 3, request_id="u-1")
            )
            keys = stubs.api_keys(channel)
            made = await keys.CreateAPIKey(
                keys_pb.CreateAPIKeyRequest(api_key=keys_pb.APIKey(name="i", owner_id="o"))
            )
            leaks.register_secret(made.key)
            await keys.RevokeAPIKey(keys_pb.RevokeAPIKeyRequest(id=made.api_key.id))
        port = app.metrics_port

        def scrape() -> str:
            return urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()

        # Creation and revocation notify; this server hears both back.
        await wait_until(
            lambda: (
                "dataaccess_api_key_invalidation_lag_seconds_count{" in scrape()
                and scraped_value(scrape(), "dataaccess_api_key_invalidation_lag_seconds_count")
                >= 2
            ),
            what="the invalidations heard back",
        )
        text = await asyncio.to_thread(scrape)
    finally:
        await app.stop()
    assert scraped_value(text, "dataaccess_request_logs_written_total") == 4
    assert scraped_value(text, "dataaccess_request_logs_duplicates_total") == 4
    assert scraped_value(text, "dataaccess_usage_records_total") == 3
    assert scraped_value(text, "rpc_server_active_requests") == 0  # none in flight now


async def test_a_scrape_takes_the_nodes_status_once_for_all_its_instruments(
    pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Eight instruments read the nodes' status; one snapshot serves them all per scrape.
    taken = 0
    status = Cluster.status

    def counted(cluster: Cluster) -> list[NodeStatus]:
        nonlocal taken
        taken += 1
        return status(cluster)

    monkeypatch.setattr(Cluster, "status", counted)
    settings = server_settings(pg_database)
    app = Application(
        replace(settings, telemetry=replace(settings.telemetry, metrics_listen="127.0.0.1:0"))
    )
    await app.start()
    try:
        url = f"http://127.0.0.1:{app.metrics_port}/metrics"
        for scrape in (1, 2, 3):
            before = taken
            text = await asyncio.to_thread(lambda: urllib.request.urlopen(url).read().decode())
            assert taken == before + 1, f"scrape {scrape} took {taken - before} snapshots"
            on_primary = 'dataaccess_db_node="primary"'
            assert scraped_value(text, "dataaccess_db_node_reachable", on_primary) == 1
            pool_max = app.settings.pool.max_size
            assert scraped_value(text, "db_client_connection_max", on_primary) == pool_max
            idle = scraped_value(text, "db_client_connection_count", 'state="idle"')
            used = scraped_value(text, "db_client_connection_count", 'state="used"')
            assert idle + used >= app.settings.pool.min_size
    finally:
        await app.stop()
