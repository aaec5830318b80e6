"""Validation of a batch of request logs a column at a time (domain/log_checks.py)
agrees with the log-by-log check that names the bad fields: the same rows for a valid
batch, the same violations for one with a bad log, at every boundary. Pure."""

from __future__ import annotations

import dataclasses
import ipaddress
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from dataaccess_server.domain import log_checks
from dataaccess_server.domain.model.request_logs import LogColumns, LogInput, RequestLog
from dataaccess_server.errors import InvalidArgumentError

NOW = datetime(2026, 6, 15, 12, 30, tzinfo=UTC)
RETENTION = 30
EARLIEST = datetime(2026, 5, 16, tzinfo=UTC)
LATEST = NOW + timedelta(days=1)
MICROSECOND = timedelta(microseconds=1)
BASE = LogInput(
    request_id="r",
    request_time=NOW,
    provider="openai",
    model="gpt",
    auth_id="a",
    api_key_id="0190f3a2-7b4c-7d8e-9f01-23456789abcd",
    client_ip="10.0.0.1",
    user_agent="ua",
    method="POST",
    path="/v1",
    status_code=200,
    latency_ms=5,
    input_tokens=1,
    output_tokens=1,
    error_message="",
)
# (field, value, valid): each boundary of what a log may hold, on both sides.
CASES: list[tuple[str, Any, bool]] = [
    ("request_id", "", False),
    ("request_id", "x" * 128, True),
    ("request_id", "x" * 129, False),
    ("provider", "", False),
    ("provider", "p" * 64, True),
    ("provider", "p" * 65, False),
    ("model", "", True),
    ("model", "m" * 256, True),
    ("model", "m" * 257, False),
    ("auth_id", "a" * 256, True),
    ("auth_id", "a" * 257, False),
    ("api_key_id", "", True),
    ("api_key_id", "0190F3A2-7B4C-7D8E-9F01-23456789ABCD", True),
    ("api_key_id", "0190f3a27b4c7d8e9f0123456789abcd", False),
    ("api_key_id", "not-a-uuid", False),
    ("client_ip", "", True),
    ("client_ip", "2001:db8::1", True),
    ("client_ip", "fe80::1%eth0", False),
    ("client_ip", "300.1.1.1", False),
    ("client_ip", "010.0.0.1", False),
    ("client_ip", "0.0.0.0", True),
    ("client_ip", "255.255.255.255", True),
    ("client_ip", "::ffff:1.2.3.4", True),
    ("client_ip", "1.2.3", False),
    ("client_ip", "1.2.3.4.5", False),
    ("client_ip", " 1.2.3.4", False),
    ("client_ip", "1.2.3.4\x00", False),
    ("client_ip", "\u0661.2.3.4", False),
    ("client_ip", "10.0.0.1/24", False),
    ("method", "M" * 16, True),
    ("method", "M" * 17, False),
    ("status_code", 0, True),
    ("status_code", 99, False),
    ("status_code", 100, True),
    ("status_code", 599, True),
    ("status_code", 600, False),
    ("status_code", -1, False),
    ("latency_ms", -1, False),
    ("latency_ms", 2**31 - 1, True),
    ("latency_ms", 2**31, False),
    ("input_tokens", 2**53, True),
    ("input_tokens", 2**53 + 1, False),
    ("output_tokens", -1, False),
    ("user_agent", "u" * 5000, True),
    ("path", "", True),
    ("error_message", "e" * 5000, True),
    ("request_time", None, False),
    ("request_time", EARLIEST, True),
    ("request_time", EARLIEST - MICROSECOND, False),
    ("request_time", LATEST, True),
    ("request_time", LATEST + MICROSECOND, False),
]


def outcome(columns: LogColumns) -> list[RequestLog] | tuple[tuple[str, str], ...]:
    """The rows check_logs gives, or the violations it raises."""
    try:
        checked = log_checks.check_logs(
            columns, max_logs=100, max_days=3, retention_days=RETENTION, now=NOW
        )
    except InvalidArgumentError as error:
        return tuple((v.field, v.description) for v in error.violations)
    return checked.rows


def one_by_one(columns: LogColumns) -> list[RequestLog] | tuple[tuple[str, str], ...]:
    """What the log-by-log check gives for the same batch."""
    try:
        return log_checks._checked_one_by_one(columns, EARLIEST, LATEST, RETENTION, "logs")
    except InvalidArgumentError as error:
        return tuple((v.field, v.description) for v in error.violations)


@pytest.mark.parametrize(("field", "value", "valid"), CASES, ids=lambda v: repr(v)[:24])
def test_a_column_check_agrees_with_the_log_by_log_check(
    field: str, value: Any, valid: bool
) -> None:
    logs = [
        dataclasses.replace(BASE, request_id="r0"),
        dataclasses.replace(BASE, **{field: value}),
        dataclasses.replace(BASE, request_id="r2"),
    ]
    columns = LogColumns.of(logs)
    got = outcome(columns)
    assert got == one_by_one(columns)
    if valid:
        assert isinstance(got, list)
        assert len(got) == 3
    else:
        assert isinstance(got, tuple)
        assert got[0][0] == f"logs[1].{field}"


def test_a_valid_batch_is_stored_as_the_log_by_log_check_builds_it() -> None:
    columns = LogColumns.of(
        [dataclasses.replace(BASE, request_id=f"r{n}", user_agent="u" * n * 300) for n in range(6)]
    )
    rows = outcome(columns)
    assert rows == one_by_one(columns)
    assert isinstance(rows, list)
    assert [len(row.user_agent or "") for row in rows] == [0, 300, 600, 900, 1024, 1024]
    assert rows[0].user_agent is None
    assert rows[0].error_message is None


# Dotted quads and near misses: inet_pton's fast path accepts exactly what ipaddress does.
ADDRESSES = [
    *(f"{a}.{b}.0.{c}" for a in (0, 1, 9, 10, 99, 100, 255, 256) for b in (0, 255) for c in (0, 7)),
    *(
        "01.2.3.4",
        "1.2.3.04",
        "00.0.0.0",
        "1.2.3.-1",
        "1.2.3.+1",
        "0x1.2.3.4",
        "1.2.3.4 ",
        "1..2.3",
    ),
    *("1.2.3.", ".1.2.3", "1.2.3.4.", "1e1.2.3.4", "\uff11.2.3.4", "1.2.3.4\x00", "1.2.3", "1"),
    *("4294967295", "1.2.65535", "1.16777215", "::1", "::", "1:2:3:4:5:6:7:8", "::ffff:1.2.3.4"),
    *(":::", "1::2::3", "12345::", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9", "::ffff:1.2.3.256"),
]


@pytest.mark.parametrize("text", ADDRESSES)
def test_the_address_check_accepts_what_ipaddress_accepts(text: str) -> None:
    log_checks._is_ip.cache_clear()
    try:
        ipaddress.ip_address(text)
        valid = "%" not in text
    except ValueError:
        valid = False
    assert log_checks._is_ip(text) is valid


def test_a_batch_in_another_zone_touches_its_utc_days() -> None:
    plus_two = timezone(timedelta(hours=2))
    times = [datetime(2026, 6, 15, 1, 30, tzinfo=plus_two), NOW.astimezone(plus_two)]
    logs = [
        dataclasses.replace(BASE, request_id=f"r{n}", request_time=when)
        for n, when in enumerate(times)
    ]
    checked = log_checks.check_logs(
        LogColumns.of(logs), max_logs=100, max_days=3, retention_days=RETENTION, now=NOW
    )
    assert checked.days == {date(2026, 6, 14), date(2026, 6, 15)}
    utc = [
        dataclasses.replace(log, request_time=when.astimezone(UTC))
        for log, when in zip(logs, times, strict=True)
    ]
    days = log_checks.check_logs(
        LogColumns.of(utc), max_logs=100, max_days=3, retention_days=RETENTION, now=NOW
    ).days
    assert days == checked.days
