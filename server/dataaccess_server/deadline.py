"""One overall deadline per call, computed once and passed down as a remaining budget."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Deadline:
    """A point in time (``time.monotonic()`` clock) by which a call must be done."""

    expires_at: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        """The deadline ``seconds`` from now."""
        return cls(time.monotonic() + seconds)

    @classmethod
    def from_remaining(cls, remaining: float | None, default: float) -> Deadline:
        """The caller's deadline (``remaining`` seconds, as gRPC reports it), or
        ``default`` seconds from now when the caller set none."""
        return cls.after(default if remaining is None else remaining)

    def capped(self, seconds: float) -> Deadline:
        """This deadline, or ``seconds`` from now if that comes first."""
        return Deadline(min(self.expires_at, time.monotonic() + seconds))

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.expires_at - time.monotonic())

    @property
    def expired(self) -> bool:
        """Whether no time is left."""
        return self.remaining() <= 0.0
