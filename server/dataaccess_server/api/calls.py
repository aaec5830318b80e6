"""What every servicer needs from a call's context."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from grpc import aio

from dataaccess_server.api.limits import DEFAULT_MAX_DEADLINE
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.access import AuditedRead


class CallDeadline:
    """Turns a call's gRPC deadline (or, when it has none, the default) into a Deadline,
    capped to ``maximum`` seconds (DATAACCESS_MAX_DEADLINE): a caller asking for longer
    gets the cap, and its call ends with DEADLINE_EXCEEDED once the cap has passed."""

    def __init__(self, default: float, maximum: float = DEFAULT_MAX_DEADLINE) -> None:
        self._default = min(default, maximum)
        self._maximum = maximum

    def __call__(self, context: aio.ServicerContext[Any, Any]) -> Deadline:
        remaining = context.time_remaining()
        if remaining is not None:
            remaining = min(remaining, self._maximum)
        return Deadline.from_remaining(remaining, self._default)


# The authenticated caller's identity, set by the auth interceptor before the servicer
# runs (in the call's own task, so the servicer sees it and no other call does).
_CALLER_IDENTITY: ContextVar[str] = ContextVar("dataaccess_caller_identity", default="anonymous")


def set_caller_identity(identity: str) -> None:
    """Record who makes the current call (the auth interceptor does, once per call)."""
    _CALLER_IDENTITY.set(identity)


def caller_identity() -> str:
    """Who makes the current call: a certificate identity, ``bearer:<name>``, or
    ``anonymous`` with authentication off."""
    return _CALLER_IDENTITY.get()


# A secret read's audit row, offered by the auth interceptor to the servicer (same
# task), which may have it written by the read itself: see domain AuditedRead.
_AUDITED_READ: ContextVar[AuditedRead | None] = ContextVar("dataaccess_audited_read", default=None)


def offer_audited_read(audit: AuditedRead) -> None:
    """Offer the current call's audit row to its read (the auth interceptor does)."""
    _AUDITED_READ.set(audit)


def audited_read() -> AuditedRead | None:
    """The current call's audit row if the auth interceptor offered it: a servicer
    whose read can write it passes it on; None when the call is not audited."""
    return _AUDITED_READ.get()
