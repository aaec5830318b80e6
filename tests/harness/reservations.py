"""What the client examples' tests need to witness a reserve-then-settle: a database clock
where no window or day ends during a run, and the reservation's row as the server left it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg

from tests.test_key_reservations import set_clock

READ_RESERVATION = (
    "SELECT api_key_id::text, state, tokens, cost, actual_tokens, actual_cost"
    " FROM key_reservations WHERE id = %s"
)


def start_a_minute(dsn: str) -> datetime:
    """Set the database's policy clock to 12:00:00 UTC today, so that a minute's window
    (and a day's budget) a run begins in lasts the whole run; returns that time."""
    at = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    set_clock(dsn, at)
    return at


@dataclass(frozen=True)
class Reservation:
    """A key_reservations row: the estimate held and, once settled, the actual charged."""

    api_key_id: str
    state: str
    tokens: int
    cost: int
    actual_tokens: int | None
    actual_cost: int | None


def read_reservation(dsn: str, reservation_id: str) -> Reservation:
    """The reservation's row; fails the test when there is none."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(READ_RESERVATION, (reservation_id,)).fetchone()
    assert row is not None, f"no reservation {reservation_id}"
    return Reservation(*row)
