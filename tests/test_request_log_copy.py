"""The two ways a batch of request logs is stored (db/request_logs.py): COPYed whole
when every log is new, through the staging merge when one is not. Both must store the
same values as PostgreSQL would parse from their text, and the same deltas."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import psycopg

from dataaccess.v1 import request_logs_pb2 as pb
from dataaccess_server.app import Application
from dataaccess_server.db.request_logs import LATENCY_BUCKET
from tests.harness import stubs
from tests.test_request_logs import log
from tests.test_rollup_fold import channel_to

# Values whose binary encoding the server makes itself (uuid, inet), or shapes: upper
# case keys, IPv4, IPv6 in long and short forms, an IPv4-mapped IPv6 address, values
# cut to their caps, empty optional fields, latencies on bucket edges, no status.
VARIED: list[dict[str, Any]] = [
    {"api_key_id": "0190F3A2-7B4C-7D8E-9F01-23456789ABCD", "client_ip": "10.1.2.3"},
    {"api_key_id": "0190f3a2-7b4c-7d8e-9f01-23456789abce", "client_ip": "2001:db8::1"},
    {"client_ip": "2001:0db8:0000:0000:0000:0000:0000:0002", "latency_ms": 0},
    {"client_ip": "::ffff:192.0.2.7", "latency_ms": 1, "status_code": 0},
    {"client_ip": "255.255.255.255", "latency_ms": 2, "error_message": "x" * 5000},
    {"user_agent": "ü" * 2000, "path": "/v1/" + "p" * 3000, "method": "POST"},
    {"latency_ms": 2**31 - 1, "input_tokens": 2**53, "output_tokens": 2**53},
    {"latency_ms": 1100, "status_code": 503, "error_message": "upstream\ttab\nnewline\\"},
    # Encoded by inet_pton (db/request_logs.py): the ends of both families.
    {"client_ip": "0.0.0.0", "provider": "prövider", "model": "模型"},
    {"client_ip": "::", "model": "", "auth_id": ""},
    {"client_ip": "::1", "input_tokens": 0, "output_tokens": 0},
    {"client_ip": "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "status_code": 599},
    {"client_ip": "fe80::1:2", "status_code": 100, "latency_ms": 2**31 - 2},
]
# Times on an hour's edges (the delta's hour is the whole seconds' quotient by 3600):
# the logs at these indexes fall on the last hour's start, the microsecond before it and
# the one after.
EDGES = {3: timedelta(0), 9: -timedelta(microseconds=1), 10: timedelta(microseconds=1)}
STORED = """
SELECT request_time, provider, model, auth_id, api_key_id::text, host(client_ip),
    family(client_ip), masklen(client_ip), user_agent, method, path, status_code, latency_ms,
    input_tokens, output_tokens, error_message
FROM request_logs WHERE request_id LIKE %(prefix)s ORDER BY request_id
"""
DELTAS = """
SELECT hour, provider, model, bucket, requests, errors, input_tokens, output_tokens,
    latency_ms_sum
FROM request_log_delta WHERE batch_id = %(batch)s ORDER BY 1, 2, 3, 4
"""
# The same sums by plain SQL over the stored logs.
DELTAS_FROM_LOGS = f"""
SELECT date_trunc('hour', request_time, 'UTC'), provider, model, {LATENCY_BUCKET}, count(*),
    count(*) FILTER (WHERE status_code >= 400 OR status_code = 0), sum(input_tokens),
    sum(output_tokens), sum(latency_ms)
FROM request_logs WHERE request_id LIKE %(prefix)s GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
"""
BATCHES = "SELECT DISTINCT batch_id FROM request_log_delta ORDER BY 1"
SAME_AS_TEXT = """
SELECT count(*) FROM request_logs
WHERE request_id = %(id)s AND api_key_id IS NOT DISTINCT FROM %(key)s::uuid
    AND client_ip IS NOT DISTINCT FROM %(ip)s::inet
"""


def logs(prefix: str, now: datetime) -> list[pb.RequestLog]:
    hour = now.replace(minute=0, second=0, microsecond=0)
    varied = [
        log(
            n,
            when=hour - timedelta(hours=1) + EDGES[n]
            if n in EDGES
            else hour - timedelta(minutes=7 * n),
            request_id=f"{prefix}{n:02d}",
            **fields,
        )
        for n, fields in enumerate(VARIED)
    ]
    plain = [
        log(n, when=hour - timedelta(minutes=n), request_id=f"{prefix}{n:02d}")
        for n in range(len(VARIED), 40)
    ]
    return varied + plain


async def test_a_batch_copied_whole_and_one_merged_store_the_same_values_and_deltas(
    unfolding: Application, pg_database: str, now: datetime
) -> None:
    async with channel_to(unfolding) as channel:
        service = stubs.request_logs(channel)
        whole = await service.BatchInsertRequestLogs(
            pb.BatchInsertRequestLogsRequest(logs=logs("whole-", now))
        )
        # The same logs under other ids, and one stored already: the merge path.
        merged = await service.BatchInsertRequestLogs(
            pb.BatchInsertRequestLogsRequest(logs=[*logs("merged-", now), logs("whole-", now)[3]])
        )
    assert (whole.inserted, whole.duplicates) == (40, 0)
    assert (merged.inserted, merged.duplicates) == (40, 1)
    with psycopg.connect(pg_database) as conn:
        stored = [
            conn.execute(STORED, {"prefix": f"{prefix}%"}).fetchall()
            for prefix in ("whole-", "merged-")
        ]
        batches = [row[0] for row in conn.execute(BATCHES).fetchall()]
        deltas = [conn.execute(DELTAS, {"batch": batch}).fetchall() for batch in batches]
        from_logs = conn.execute(DELTAS_FROM_LOGS, {"prefix": "whole-%"}).fetchall()
        for message in logs("whole-", now):
            same = conn.execute(
                SAME_AS_TEXT,
                {
                    "id": message.request_id,
                    "key": message.api_key_id or None,
                    "ip": message.client_ip or None,
                },
            ).fetchone()
            assert same == (1,), message.request_id
    assert stored[0] == stored[1]
    assert len(stored[0]) == 40
    first = stored[0][0]
    assert first[4] == VARIED[0]["api_key_id"].lower()
    assert [row[5:8] for row in stored[0][:4]] == [
        ("10.1.2.3", 4, 32),
        ("2001:db8::1", 6, 128),
        ("2001:db8::2", 6, 128),
        ("::ffff:192.0.2.7", 6, 128),
    ]
    capped = stored[0][5]
    assert (len(capped[8]), len(capped[10])) == (1024, 2048)
    assert len(stored[0][4][15]) == 4096
    assert stored[0][7][15] == VARIED[7]["error_message"]
    # key, address (3 columns), agent, method, path
    assert stored[0][len(VARIED)][4:11] == (None,) * 7
    assert len(batches) == 2
    assert deltas[0] == deltas[1] == from_logs
    assert sum(row[4] for row in deltas[0]) == 40
