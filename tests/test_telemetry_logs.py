"""Telemetry in the logs: slow statements by name, node, duration and trace id (never a
parameter), and JSON log lines carrying the trace and span of the call they belong to."""

from __future__ import annotations

import json
import logging

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from dataaccess_server.db.cluster import Cluster, Connection, Intent
from dataaccess_server.deadline import Deadline
from dataaccess_server.logs import JsonFormatter
from dataaccess_server.telemetry import Telemetry
from tests.harness import leaks

SECRET = "slow-PLAINTEXT-ffffffffffffffffffffffffffffffff"
leaks.register_secret(SECRET)


def traced(slow: float | None = None) -> tuple[Telemetry, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return Telemetry(tracer=provider.get_tracer("test"), slow_statement=slow), exporter


async def sleepy_statement(conn: Connection) -> None:
    await conn.execute("SELECT pg_sleep(%s), %s::text", (0.4, SECRET))


async def quick_statement(conn: Connection) -> None:
    await conn.execute("SELECT %s::text", (SECRET,))


async def test_a_slow_statement_is_logged_by_name_node_and_trace_id_without_its_values(
    pg_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    telemetry, exporter = traced(slow=0.25)
    assert telemetry.tracer is not None
    cluster = Cluster(pg_database, telemetry=telemetry)
    await cluster.open()
    caplog.set_level(logging.WARNING, logger="dataaccess_server.db.observed")
    try:
        with telemetry.tracer.start_as_current_span("a call") as call:
            await cluster.run(Intent.WRITE, sleepy_statement, deadline=Deadline.after(10))
            await cluster.run(Intent.WRITE, quick_statement, deadline=Deadline.after(10))
    finally:
        await cluster.close()
    trace_id = format(call.get_span_context().trace_id, "032x")
    slow = [r.getMessage() for r in caplog.records if "slow statement" in r.getMessage()]
    assert len(slow) == 1, slow  # the quick one is under the threshold
    (line,) = slow
    assert line.startswith("slow statement sleepy_statement on primary: ")
    assert f"(trace_id {trace_id})" in line
    milliseconds = float(line.split(": ")[1].split(" ms")[0])
    assert 400 <= milliseconds < 5000
    assert SECRET not in line
    assert "pg_sleep" not in line
    # Each operation is a child span of the call, named by its function, values absent.
    spans = {span.name: span for span in exporter.get_finished_spans()}
    assert spans["sleepy_statement"].parent is not None
    assert spans["sleepy_statement"].parent.span_id == call.get_span_context().span_id
    assert spans["sleepy_statement"].attributes is not None
    assert spans["sleepy_statement"].attributes["db.operation"] == "sleepy_statement"
    assert spans["sleepy_statement"].attributes["dataaccess.db.node"] == "primary"
    assert SECRET not in str([span.to_json() for span in exporter.get_finished_spans()])


def test_json_log_lines_carry_the_trace_and_span_of_their_call() -> None:
    telemetry, _ = traced()
    assert telemetry.tracer is not None
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "inside", None, None)
    outside = json.loads(JsonFormatter().format(record))
    assert "trace_id" not in outside
    assert "span_id" not in outside
    with telemetry.tracer.start_as_current_span("a call") as call:
        inside = json.loads(JsonFormatter().format(record))
    context = call.get_span_context()
    assert inside["trace_id"] == format(context.trace_id, "032x")
    assert inside["span_id"] == format(context.span_id, "016x")
