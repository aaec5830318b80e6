"""Validation of a batch of request logs: every log's fields, its time in the window
retention keeps, the days a batch touches; the rows to store. Pure.

A batch is checked a column at a time (what a batch costs to check is most of what the
server spends on it), and only a batch with a bad log is gone through log by log, to
name each bad field with its index. Free-text fields are cut to their caps rather than
refused (a proxy should not lose a log over a long user agent).
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import operator
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import cast

from dataaccess_server.domain.batches import check_batch_size
from dataaccess_server.domain.ids import is_uuid
from dataaccess_server.domain.model.request_logs import LogColumns, LogInput, RequestLog
from dataaccess_server.errors import FieldViolation, InvalidArgumentError

# Cut to these lengths; longer values are kept in part, not refused.
CAPS = {"user_agent": 1024, "path": 2048, "error_message": 4096}
# What each number's column holds: latency_ms is an integer, the token counts bigint
# (kept far below its limit, so that sums over a day cannot reach it).
_NUMBER_LIMITS = (("latency_ms", 2**31 - 1), ("input_tokens", 2**53), ("output_tokens", 2**53))


REQUIRED_TIME = (
    "is required: a log is identified by (request_time, request_id), and a time the"
    " server filled in would differ on every resend, storing a retried log twice"
)


@dataclass(frozen=True, slots=True)
class CheckedLogs:
    """A validated batch: its logs to store and the (UTC) days they fall on."""

    rows: list[RequestLog]
    days: frozenset[date]


def check_logs(
    logs: LogColumns,
    *,
    max_logs: int,
    max_days: int,
    retention_days: int,
    now: datetime,
    prefix: str = "logs",
) -> CheckedLogs:
    """Every log as a row, with the days they touch; or INVALID_ARGUMENT naming each bad
    field with its index: a missing request_time, one outside the window from midnight
    UTC ``retention_days`` before ``now`` (UTC) to a day after it, or the first log on a
    day past the ``max_days`` distinct days a batch may touch."""
    check_batch_size(logs, field=prefix, noun="logs", maximum=max_logs)
    earliest = datetime.combine(now.date() - timedelta(days=retention_days), time(), UTC)
    latest = now + timedelta(days=1)
    # A whole column at a time (what a batch costs to check is most of what the server
    # spends on it); only a batch with a bad log is gone through log by log, to name it.
    if _all_valid(logs, earliest, latest):
        rows = _rows(logs)
        days = _days(cast("list[datetime]", logs.request_time))
    else:
        rows = _checked_one_by_one(logs, earliest, latest, retention_days, prefix)
        days = _days([row.request_time for row in rows])
    if len(days) > max_days:
        raise _too_many_days(rows, max_days, prefix)
    return CheckedLogs(rows, days)


def _days(times: list[datetime]) -> frozenset[date]:
    # The UTC days of ``times``: of times in UTC (as the transport gives them), their
    # dates in one C pass each, else converted one by one.
    if set(map(_ZONE, times)) <= {UTC}:
        return frozenset(map(datetime.date, times))
    return frozenset(when.astimezone(UTC).date() for when in times)


_ZONE = operator.attrgetter("tzinfo")


def _all_valid(logs: LogColumns, earliest: datetime, latest: datetime) -> bool:
    # What _problems and the window check accept, column by column.
    if None in logs.request_time:
        return False
    times = cast("list[datetime]", logs.request_time)
    if not (earliest <= min(times) and max(times) <= latest):
        return False
    lengths = (
        (logs.request_id, 1, 128),
        (logs.provider, 1, 64),
        (logs.model, 0, 256),
        (logs.auth_id, 0, 256),
        (logs.method, 0, 16),
    )
    for values, shortest, longest in lengths:
        if min(map(len, values)) < shortest or max(map(len, values)) > longest:
            return False
    for name, top in _NUMBER_LIMITS:
        numbers: list[int] = getattr(logs, name)
        if min(numbers) < 0 or max(numbers) > top:
            return False
    return (
        all(code == 0 or 100 <= code <= 599 for code in set(logs.status_code))
        and all(_is_uuid(key) for key in set(logs.api_key_id) if key)
        and all(_is_ip(ip) for ip in set(logs.client_ip) if ip)
    )


_new_log = cast("Callable[[Iterable[object]], RequestLog]", partial(tuple.__new__, RequestLog))


def _rows(logs: LogColumns) -> list[RequestLog]:
    # The rows of a valid batch, as _row builds them, a column at a time.
    def optional(values: list[str]) -> list[str | None]:
        return [value or None for value in values]

    def capped(values: list[str], cap: int) -> list[str | None]:
        return [value[:cap] or None for value in values]

    columns = zip(
        logs.request_time,
        logs.request_id,
        logs.provider,
        logs.model,
        logs.auth_id,
        [key.lower() or None for key in logs.api_key_id],
        optional(logs.client_ip),
        capped(logs.user_agent, CAPS["user_agent"]),
        optional(logs.method),
        capped(logs.path, CAPS["path"]),
        logs.status_code,
        logs.latency_ms,
        logs.input_tokens,
        logs.output_tokens,
        capped(logs.error_message, CAPS["error_message"]),
        strict=True,
    )
    # tuple.__new__ builds each in C (RequestLog._make is a Python call per log).
    return list(map(_new_log, columns))


def _checked_one_by_one(
    logs: LogColumns, earliest: datetime, latest: datetime, retention_days: int, prefix: str
) -> list[RequestLog]:
    # The rows, or INVALID_ARGUMENT naming every bad field (the first 20).
    window = (
        f"must lie from {earliest:%Y-%m-%dT%H:%M:%SZ} (the first day kept,"
        f" DB_LOG_RETENTION_DAYS={retention_days} days back) to {latest:%Y-%m-%dT%H:%M:%SZ}"
        " (a day ahead)"
    )
    problems: list[FieldViolation] = []
    rows = []
    said: dict[str, str] = {}
    for index in range(len(logs)):
        log = logs.at(index)
        found = _problems(log)
        when = log.request_time
        if when is None or not earliest <= when <= latest:
            # Each explanation once, in full; after that a short reference, so that 20
            # of them still make an error that fits in a status's headers.
            reason = REQUIRED_TIME if when is None else window
            found.append(("request_time", f"{said[reason]} too" if reason in said else reason))
            said[reason] = "is missing" if when is None else "is outside that window"
        problems.extend(FieldViolation(f"{prefix}[{index}].{name}", text) for name, text in found)
        if len(problems) >= 20:
            break
        if not found and when is not None:
            rows.append(_row(log, when))
    if problems:
        raise InvalidArgumentError(problems)
    return rows


def _too_many_days(rows: Sequence[RequestLog], max_days: int, prefix: str) -> InvalidArgumentError:
    # Only called with more than max_days days among rows: the loop finds the first log
    # on one day too many.
    seen: set[date] = set()
    index = 0
    while len(seen) <= max_days:
        seen.add(rows[index].request_time.astimezone(UTC).date())
        index += 1
    index -= 1
    unit = "batch" if prefix == "logs" else "message"
    return InvalidArgumentError.single(
        f"{prefix}[{index}].request_time",
        f"is on another day than the {max_days} before it in this {unit}: one {unit} may"
        f" touch at most {max_days} distinct days (DATAACCESS_MAX_BATCH_DAYS)",
    )


def _problems(log: LogInput) -> list[tuple[str, str]]:
    found = []
    if not 1 <= len(log.request_id) <= 128:
        found.append(("request_id", "must be 1-128 characters"))
    if not 1 <= len(log.provider) <= 64:
        found.append(("provider", "must be 1-64 characters"))
    if len(log.model) > 256:
        found.append(("model", "must be at most 256 characters"))
    if len(log.auth_id) > 256:
        found.append(("auth_id", "must be at most 256 characters"))
    if log.api_key_id and not _is_uuid(log.api_key_id):
        found.append(("api_key_id", "must be a UUID"))
    if log.client_ip and not _is_ip(log.client_ip):
        found.append(("client_ip", "must be an IPv4 or IPv6 address, without a zone id"))
    if len(log.method) > 16:
        found.append(("method", "must be at most 16 characters"))
    if log.status_code != 0 and not 100 <= log.status_code <= 599:
        found.append(("status_code", "must be 100-599, or 0 for no status"))
    for name, top in _NUMBER_LIMITS:
        if not 0 <= getattr(log, name) <= top:
            found.append((name, f"must be between 0 and {top}"))
    return found


# Clients and keys repeat from log to log: each distinct value is parsed once.
@functools.lru_cache(maxsize=4096)
def _is_ip(text: str) -> bool:
    # ipaddress takes an IPv6 zone id (fe80::1%eth0); the inet column does not.
    if "%" in text:
        return False
    # A dotted quad inet_pton takes (four decimal octets up to 255, no leading zeros) is
    # one ipaddress takes too, and inet_pton parses it in C: ipaddress costs microseconds
    # an address, a millisecond a batch when its clients outnumber the cache.
    if ":" not in text:
        with contextlib.suppress(OSError, ValueError):  # ValueError: a NUL in it
            socket.inet_pton(socket.AF_INET, text)
            return True
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=4096)
def _is_uuid(text: str) -> bool:
    return is_uuid(text)


def _row(log: LogInput, when: datetime) -> RequestLog:
    def capped(name: str) -> str | None:
        value: str = getattr(log, name)
        return value[: CAPS[name]] if value else None

    return RequestLog(
        request_time=when,
        request_id=log.request_id,
        provider=log.provider,
        model=log.model,
        auth_id=log.auth_id,
        api_key_id=log.api_key_id.lower() or None,
        client_ip=log.client_ip or None,
        user_agent=capped("user_agent"),
        method=log.method or None,
        path=capped("path"),
        status_code=log.status_code,
        latency_ms=log.latency_ms,
        input_tokens=log.input_tokens,
        output_tokens=log.output_tokens,
        error_message=capped("error_message"),
    )
