"""Migration 0015 against a real PostgreSQL: the policy clock, fixed windows, and the
calendar periods of budgets and refills in IANA time zones, checked against fixed
instants across daylight-saving changes and against a zoneinfo oracle."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest


@pytest.fixture
def conn(pg_database: str):  # type: ignore[no-untyped-def]
    with psycopg.connect(pg_database, autocommit=True) as connection:
        yield connection


def period(
    conn: psycopg.Connection, kind: str, anchor: int, zone: str, at: datetime
) -> tuple[datetime, datetime]:
    row = conn.execute(
        "SELECT period_start, period_end FROM policy_period(%s, %s, %s, %s)",
        (kind, anchor, zone, at),
    ).fetchone()
    assert row is not None
    return row[0], row[1]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(
    ("at", "start", "end"),
    [
        # Feb 15 (EST, -5) to Mar 15 (EDT, -4): the change of Mar 8 lies inside.
        ("2026-03-15T03:59:59Z", "2026-02-15T05:00:00Z", "2026-03-15T04:00:00Z"),
        ("2026-03-15T04:00:00Z", "2026-03-15T04:00:00Z", "2026-04-15T04:00:00Z"),
        # Oct 15 (EDT) to Nov 15 (EST): the change back of Nov 1 inside.
        ("2026-11-01T06:30:00Z", "2026-10-15T04:00:00Z", "2026-11-15T05:00:00Z"),
        ("2026-11-15T05:00:00Z", "2026-11-15T05:00:00Z", "2026-12-15T05:00:00Z"),
    ],
)
def test_a_monthly_period_on_the_15th_in_new_york(
    conn: psycopg.Connection, at: str, start: str, end: str
) -> None:
    assert period(conn, "monthly", 15, "America/New_York", utc(at)) == (utc(start), utc(end))


def test_monthly_anchors_past_a_months_end_take_its_last_day(conn: psycopg.Connection) -> None:
    assert period(conn, "monthly", 31, "UTC", utc("2028-02-29T12:00:00Z")) == (
        utc("2028-02-29T00:00:00Z"),
        utc("2028-03-31T00:00:00Z"),
    )
    assert period(conn, "monthly", 31, "UTC", utc("2027-02-27T12:00:00Z")) == (
        utc("2027-01-31T00:00:00Z"),
        utc("2027-02-28T00:00:00Z"),
    )
    assert period(conn, "monthly", 30, "UTC", utc("2027-03-01T00:00:00Z")) == (
        utc("2027-02-28T00:00:00Z"),
        utc("2027-03-30T00:00:00Z"),
    )


def test_daily_and_weekly_periods(conn: psycopg.Connection) -> None:
    assert period(conn, "daily", 0, "Europe/London", utc("2026-03-29T00:30:00Z")) == (
        utc("2026-03-29T00:00:00Z"),
        utc("2026-03-29T23:00:00Z"),  # a 23-hour day
    )
    # 2026-12-02 is a Wednesday; weekly on Mondays (1) and on Thursdays (4).
    assert period(conn, "weekly", 1, "UTC", utc("2026-12-02T10:00:00Z")) == (
        utc("2026-11-30T00:00:00Z"),
        utc("2026-12-07T00:00:00Z"),
    )
    assert period(conn, "weekly", 4, "UTC", utc("2026-12-02T10:00:00Z")) == (
        utc("2026-11-26T00:00:00Z"),
        utc("2026-12-03T00:00:00Z"),
    )


@pytest.mark.parametrize(("kind", "anchor"), [("hourly", 0), ("weekly", 0), ("monthly", 32)])
def test_bad_periods_are_refused(conn: psycopg.Connection, kind: str, anchor: int) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        period(conn, kind, anchor, "UTC", utc("2026-01-01T00:00:00Z"))


def test_fixed_windows_align_to_the_epoch(conn: psycopg.Connection) -> None:
    at = utc("2026-12-02T10:17:42.5Z")
    for seconds, start in [(1, "10:17:42"), (60, "10:17:00"), (3600, "10:00:00")]:
        row = conn.execute("SELECT * FROM policy_window(%s, %s)", (seconds, at)).fetchone()
        assert row == (
            utc(f"2026-12-02T{start}Z"),
            utc(f"2026-12-02T{start}Z") + timedelta(seconds=seconds),
        )
    month = 31 * 86_400
    row = conn.execute("SELECT * FROM policy_window(%s, %s)", (month, at)).fetchone()
    assert row is not None
    assert row[0].timestamp() % month == 0
    assert row[0] <= at < row[1]


def test_the_clock_moves_with_its_offset(conn: psycopg.Connection) -> None:
    conn.execute("UPDATE policy_clock SET offset_seconds = 86400")
    row = conn.execute("SELECT extract(epoch FROM dataaccess_now() - now())").fetchone()
    assert row is not None
    assert float(row[0]) == pytest.approx(86_400)


# --- against zoneinfo ---------------------------------------------------------------

ZONES = [
    "UTC",
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "America/Havana",
    "America/Santiago",
    "Asia/Beirut",
    "Asia/Kolkata",
    "Pacific/Chatham",
]


def _anchor_day(month_start: date, anchor: int) -> date:
    following = (month_start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return min(month_start + timedelta(days=anchor - 1), following - timedelta(days=1))


def _first_day(kind: str, anchor: int, day: date) -> date:
    if kind == "daily":
        return day
    if kind == "weekly":
        return day - timedelta(days=(day.isoweekday() - anchor) % 7)
    start = _anchor_day(day.replace(day=1), anchor)
    if start > day:
        previous = (day.replace(day=1) - timedelta(days=1)).replace(day=1)
        start = _anchor_day(previous, anchor)
    return start


def _next_day(kind: str, anchor: int, start: date) -> date:
    if kind == "daily":
        return start + timedelta(days=1)
    if kind == "weekly":
        return start + timedelta(days=7)
    return _anchor_day((start.replace(day=28) + timedelta(days=4)).replace(day=1), anchor)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    # PostgreSQL's rules: a skipped midnight takes the offset before the change (the
    # first instant after the gap), a repeated one the offset after it (its second
    # occurrence, in standard time).
    naive = datetime.combine(day, time(0))
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    exists = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive
    if exists and first.utcoffset() != second.utcoffset():
        return second.astimezone(UTC)
    return first.astimezone(UTC)


def oracle(kind: str, anchor: int, zone_name: str, at: datetime) -> tuple[datetime, datetime]:
    zone = ZoneInfo(zone_name)
    first = _first_day(kind, anchor, at.astimezone(zone).date())
    if _midnight(first, zone) > at:
        first = _first_day(kind, anchor, first - timedelta(days=1))
    return _midnight(first, zone), _midnight(_next_day(kind, anchor, first), zone)


def test_periods_agree_with_zoneinfo(conn: psycopg.Connection) -> None:
    rng = random.Random(18)
    cases = []
    for _ in range(3000):
        kind = rng.choice(["daily", "weekly", "monthly"])
        anchor = {"daily": 0, "weekly": rng.randint(1, 7), "monthly": rng.randint(1, 31)}[kind]
        zone = rng.choice(ZONES)
        at = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(10 * 365 * 86_400))
        if rng.random() < 0.3:  # near a local midnight, where the rules matter
            at = _midnight(at.astimezone(ZoneInfo(zone)).date(), ZoneInfo(zone)) + timedelta(
                seconds=rng.choice([-1, 0, 1])
            )
        cases.append((kind, anchor, zone, at))
    rows = conn.execute(
        "SELECT p.period_start, p.period_end FROM unnest(%s::text[], %s::int[], %s::text[],"
        " %s::timestamptz[]) WITH ORDINALITY AS c(kind, anchor, zone, at, n)"
        " CROSS JOIN LATERAL policy_period(c.kind, c.anchor, c.zone, c.at) p ORDER BY c.n",
        (
            [c[0] for c in cases],
            [c[1] for c in cases],
            [c[2] for c in cases],
            [c[3] for c in cases],
        ),
    ).fetchall()
    wrong = [
        (case, got, oracle(*case))
        for case, got in zip(cases, rows, strict=True)
        if tuple(got) != oracle(*case)
    ]
    assert not wrong, "\n".join(map(str, wrong[:6]))
    for (_, _, _, at), (start, end) in zip(cases, rows, strict=True):
        assert start <= at < end
