"""Pieces of API key validation and settings that need no storage: the rules that apply
to a known key, the answers built from what its limits decided, a new key's quota, an
owner id's bounds, the last-used times kept between flushes. Pure."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from dataaccess_server.domain.key_policies import Admission, Refusal
from dataaccess_server.domain.model.api_keys import APIKey, KeyInput, Known, Reason, Validation
from dataaccess_server.domain.model.key_policies import PLAIN, Ask, LimitRule
from dataaccess_server.errors import InvalidArgumentError


def rules_of(known: Known) -> tuple[LimitRule, ...]:
    # The key's limits and budgets, then its owner's.
    return known.record.rules + known.owner_rules


def refusal_answer(record: APIKey, refusal: Refusal) -> Validation:
    reason = Reason.BUDGET_EXCEEDED if refusal.rule.budget else Reason.LIMIT_EXCEEDED
    return Validation(False, reason, record, decided_by=refusal.rule.label, limits=refusal.states)


def admitted_answer(answer: Validation, admission: Admission | None) -> Validation:
    if admission is None:
        return answer
    reservation = admission.reservation
    return replace(
        answer,
        decided_by=admission.decided_by,
        limits=admission.states,
        reservation_id=reservation.id if reservation is not None else "",
        reservation_expires=reservation.expires_at if reservation is not None else None,
    )


def quota_of(data: KeyInput) -> int | None:
    # A key with a refill schedule starts with its amount unless told otherwise.
    if data.remaining_uses is None and data.refill is not None:
        return data.refill.amount
    return data.remaining_uses


def check_owner(owner_id: str, field: str = "owner_id") -> None:
    if not owner_id:
        raise InvalidArgumentError.single(field, "is required")
    if len(owner_id) > 256:
        raise InvalidArgumentError.single(field, "must be at most 256 characters")


class LastUsed:
    """Last successful validation per key, kept in memory between flushes."""

    def __init__(self) -> None:
        self._pending: dict[str, float] = {}  # epoch seconds: cheaper than datetimes

    def record(self, key_id: str, when: datetime) -> None:
        """Note a use; only the newest per key is kept."""
        self.note(key_id, when.timestamp())

    def note(self, key_id: str, when: float) -> None:
        """:meth:`record` with ``when`` in epoch seconds (``time.time()``)."""
        previous = self._pending.get(key_id)
        if previous is None or when > previous:
            self._pending[key_id] = when

    def take(self) -> dict[str, datetime]:
        """Everything noted since the last take."""
        pending, self._pending = self._pending, {}
        return {key_id: datetime.fromtimestamp(when, UTC) for key_id, when in pending.items()}

    def put_back(self, pending: dict[str, datetime]) -> None:
        """Return uses a flush could not write, to go with the next one."""
        for key_id, when in pending.items():
            self.record(key_id, when)


@dataclass(frozen=True, slots=True)
class Unsettled:
    """A validation that needs storage: the key's hash, and what the cache knew."""

    key_hash: bytes
    looked_up: bool
    """Whether the cache held the key (then ``known`` is it, to be counted)."""
    known: Known | None
    ask: Ask = PLAIN
