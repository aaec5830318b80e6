"""The connection type every db module speaks, and the settings of each node's pool.

The settings are validated where they are built, as asyncpg validates its pool
arguments: a PoolSettings that exists can be handed to psycopg_pool as it is, whoever
built it (the configuration, a test, a benchmark).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import psycopg
from psycopg.rows import TupleRow

Connection = psycopg.AsyncConnection[TupleRow]
"""What the pools lend and the SQL functions take: autocommit unless a transaction is open."""


class PoolSettingError(ValueError):
    """A pool setting is out of range. ``field`` names the PoolSettings field."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field} {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class PoolSettings:
    """Sizing and lifetimes of the connection pool of each database node.

    Sizes are connections, the rest seconds. Raises PoolSettingError (a ValueError) for
    a negative ``min_size``, a ``max_size`` below 1 or below ``min_size``, or a duration
    that is not a positive finite number.
    """

    min_size: int = 5
    max_size: int = 20
    max_lifetime: float = 3600.0
    """A connection is replaced after this long."""
    max_idle: float = 1800.0
    """An idle connection above ``min_size`` is closed after this long."""
    health_check_interval: float = 60.0
    """Idle connections are checked this often."""
    timeout: float = 5.0
    """The longest wait for a pooled connection."""
    statement_timeout: float = 30.0
    """PostgreSQL's ``statement_timeout`` on every pooled connection: a backstop that
    ends a statement (lock waits included) even if its call's cancellation is lost."""

    def __post_init__(self) -> None:
        if self.min_size < 0:
            raise PoolSettingError("min_size", f"must be at least 0, got {self.min_size}")
        if self.max_size < 1:
            raise PoolSettingError("max_size", f"must be at least 1, got {self.max_size}")
        if self.min_size > self.max_size:
            raise PoolSettingError(
                "min_size", f"must not exceed the maximum ({self.max_size}), got {self.min_size}"
            )
        for name in (
            "max_lifetime",
            "max_idle",
            "health_check_interval",
            "timeout",
            "statement_timeout",
        ):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise PoolSettingError(name, f"must be a positive number of seconds, got {value}")
