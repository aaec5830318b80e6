"""Limits and budgets of keys and owners, exact across servers without a write per
validation: each server leases slices of a window's allowance from the database and
admits validations from them in memory.

The ledger (db/key_policies.py, table key_limit_ledger) holds per limit and window (or
budget and period) ``taken``: what was granted to servers or charged. A grant never
lets it pass the limit, so the slices of all servers together never admit more than the
limit. This server's ``Slice`` of a limit's current window keeps what it was granted
(``held``) and what it admitted from it (``spent``); unspent allowance goes back to the
ledger when the slice has been idle a few seconds or its window is over.

Slices are sized to about ``horizon`` seconds of this server's own demand (at least what
one validation needs, at most an eighth of the limit): a grant about once a second per
limit, whatever the rate. The price is under-admission near a window's end: a server may
refuse while another holds unspent allowance, at most (servers - 1) slices per window.

Budgets are charged by usage writes (their actual cost); a validation only checks what
is left (``amount - taken`` plus this server's unspent part) unless it reserves, when
the estimate is held from a slice like a limit's charge. A reservation's holds are
stored with it (one row, db/key_policies.py) so that a usage write on any server can
settle it and any server can release it at its expiry.

Windows and periods come from the database's clock (each grant and budget read returns
it; this server keeps the offset): moving the database's clock moves every server's.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.ids import new_id
from dataaccess_server.domain.model.key_policies import (
    Ask,
    Expired,
    Grant,
    Hold,
    LimitRule,
    LimitState,
    NewReservation,
    Reservation,
    Return,
    Taken,
)

DEFAULT_HORIZON = 1.0
"""Seconds of this server's demand a slice is sized for."""
IDLE_RETURN = 5.0
"""Seconds without use after which a slice's unspent allowance goes back."""
BUDGET_REFRESH = 1.0
"""Seconds after which a budget's view of the ledger is read again (usage writes on
other servers charge it)."""
EXHAUSTED_RETRY = 0.25
"""Seconds a slice whose ledger had nothing left refuses without asking again."""


class PolicyStore(Protocol):
    """The ledger and the reservations (db.key_policies.PostgresPolicyStore). Every
    method is bounded by ``deadline`` and raises DatabaseUnavailableError or
    DeadlineExceededError when storage cannot answer in time."""

    async def take(self, wants: Sequence[tuple[str, int]], deadline: Deadline) -> list[Grant]:
        """Grant up to ``want`` of each limit's current period (never past its limit);
        one Grant per limit that still exists."""
        ...

    async def give_back(self, returns: Sequence[Return], deadline: Deadline) -> None:
        """Give unspent allowance back to the ledger."""
        ...

    async def read(self, periods: Sequence[tuple[str, datetime]], deadline: Deadline) -> Taken:
        """``taken`` of these (limit, period start) rows, as they are now."""
        ...

    async def reserve(self, reservation: NewReservation, deadline: Deadline) -> Reservation | None:
        """Store the reservation; None when it was stored because its request id was
        seen before — then the first reservation with that id."""
        ...

    async def expire(self, deadline: Deadline) -> Expired:
        """Release the holds of reservations past their expiry."""
        ...


@dataclass(slots=True)
class Slice:
    """This server's part of one limit's current window or period."""

    rule: LimitRule
    start: datetime
    end: datetime
    end_epoch: float
    amount: int
    taken: int
    """The ledger's taken at the last contact (this server's held included)."""
    held: int = 0
    spent: int = 0
    exhausted_until: float = 0.0
    """Before this (monotonic), the ledger had nothing left: refuse without asking."""
    seen_at: float = field(default_factory=time.monotonic)
    """When ``taken`` was read (budgets are read again after BUDGET_REFRESH)."""
    used_at: float = field(default_factory=time.monotonic)
    granted_at: float = field(default_factory=time.monotonic)
    spent_at_grant: int = 0

    @property
    def unspent(self) -> int:
        return self.held - self.spent

    @property
    def remaining(self) -> int:
        """What no server was granted yet plus what this server holds unspent."""
        return self.amount - self.taken + self.held - self.spent


@dataclass(frozen=True, slots=True)
class Refusal:
    """The limit or budget that refused, and the states of all."""

    rule: LimitRule
    states: tuple[LimitState, ...]


@dataclass(frozen=True, slots=True)
class Admission:
    """An admitted validation: the states after it, the one deciding (least left in
    proportion), and its reservation if it reserved."""

    states: tuple[LimitState, ...]
    decided_by: str
    holds: tuple[Hold, ...] = ()
    """What was charged to each rule's slice (to refund, or to reserve)."""
    reservation: Reservation | None = None


def _charge(rule: LimitRule, ask: Ask) -> int:
    # What admitting ``ask`` takes from the rule's slice: a budget is charged by usage
    # writes, so only a reservation holds against it.
    if rule.budget and not ask.reserve:
        return 0
    return ask.cost.of(rule.unit)


def _fits(rule: LimitRule, ask: Ask, piece: Slice) -> bool:
    if rule.budget and not ask.reserve:
        # Nothing left, or less than the stated cost: refused.
        return piece.remaining > 0 and piece.remaining >= ask.cost.cost
    return _charge(rule, ask) <= piece.unspent


class Allowances:
    """This server's slices of every limit in use, and its outstanding work with the
    ledger. One event loop; coroutines needing grants for the same limits queue on one
    lock and find the slice refilled by the first."""

    def __init__(self, store: PolicyStore, *, horizon: float = DEFAULT_HORIZON) -> None:
        self._store = store
        self._horizon = horizon
        self._slices: dict[str, Slice] = {}
        self._returns: list[Return] = []
        self._lock = asyncio.Lock()
        self._offset = 0.0
        """The database's clock minus this server's (seconds), from the last grant."""
        self.writes = 0
        """Statements that wrote to the ledger or stored a reservation (benchmarks)."""

    def now(self) -> float:
        """The database's clock as of the last grant, in epoch seconds."""
        return time.time() + self._offset

    # --- admission ---------------------------------------------------------------

    def admit_now(self, rules: Sequence[LimitRule], ask: Ask) -> Admission | Refusal | None:
        """Admit or refuse from the slices in memory; None when a grant is needed first.
        Admitting charges every rule's slice (see :meth:`refund`)."""
        return self._decide(rules, ask, final=False)

    async def admit(
        self, rules: Sequence[LimitRule], ask: Ask, deadline: Deadline
    ) -> Admission | Refusal:
        """Admit or refuse, taking grants as needed. A reservation is stored apart
        (:meth:`reserve`), once every other check passed."""
        answer = self._decide(rules, ask, final=False)
        if answer is not None:
            return answer
        async with self._lock:
            # Twice at most: a grant that moved this server's clock into a new window
            # retires the other rules' slices of the old one, which need a grant too.
            for _ in range(2):
                answer = self._decide(rules, ask, final=False)
                if answer is not None:
                    return answer
                await self._take_for(rules, ask, deadline)
            decided = self._decide(rules, ask, final=True)
        assert decided is not None  # a final decision admits or refuses
        return decided

    def refund(self, admission: Admission) -> None:
        """Undo an admission's charges (a later check refused the validation)."""
        self._unspend(admission.holds)

    def _decide(
        self, rules: Sequence[LimitRule], ask: Ask, *, final: bool
    ) -> Admission | Refusal | None:
        # Every rule must fit before any is charged: all or nothing, no await between.
        now = self.now()
        clock = time.monotonic()
        refused: LimitRule | None = None
        for rule in rules:
            piece = self._current(rule, now)
            if piece is None:
                if final:
                    refused = refused or rule  # deleted meanwhile: refuse, never guess
                    continue
                return None
            if _fits(rule, ask, piece):
                continue
            if rule.budget and not ask.reserve:
                if not final and clock - piece.seen_at > BUDGET_REFRESH:
                    return None
                refused = refused or rule
            elif final or clock < piece.exhausted_until or _charge(rule, ask) > rule.amount:
                refused = refused or rule
            else:
                return None
        if refused is not None:
            return Refusal(refused, self._states(rules, now))
        holds = []
        for rule in rules:
            piece = self._slices[rule.id]
            charge = _charge(rule, ask)
            piece.spent += charge
            piece.used_at = clock
            holds.append(Hold(rule.id, piece.start, charge))
        states = self._states(rules, now)
        return Admission(states, _tightest(states), tuple(holds))

    def _current(self, rule: LimitRule, now: float) -> Slice | None:
        piece = self._slices.get(rule.id)
        if piece is None:
            return None
        if now >= piece.end_epoch:
            self._retire(piece)
            del self._slices[rule.id]
            return None
        if piece.rule is not rule:  # the same object while the key stays cached
            if piece.rule.amount != rule.amount:
                # A new limit: the ledger row is kept, its limit changes at once.
                piece.amount = rule.amount
            piece.rule = rule
        return piece

    def _states(self, rules: Sequence[LimitRule], now: float) -> tuple[LimitState, ...]:
        states = []
        for rule in rules:
            piece = self._slices.get(rule.id)
            if piece is not None:
                states.append(LimitState(rule, piece.remaining, piece.end))
        return tuple(states)

    async def _take_for(self, rules: Sequence[LimitRule], ask: Ask, deadline: Deadline) -> None:
        now = self.now()
        clock = time.monotonic()
        wants = []
        for rule in rules:
            piece = self._current(rule, now)
            stale = piece is not None and rule.budget and clock - piece.seen_at > BUDGET_REFRESH
            if piece is not None and _fits(rule, ask, piece) and not stale:
                continue  # enough in hand
            wants.append((rule.id, self._want(rule, ask, piece, clock)))
        if not wants:
            return
        grants = await self._store.take(wants, deadline)
        self.writes += 1
        self._apply(rules, grants, dict(wants))

    def _want(self, rule: LimitRule, ask: Ask, piece: Slice | None, clock: float) -> int:
        need = _charge(rule, ask)
        if rule.budget and not ask.reserve:
            return 0  # a budget checked, not charged: read its ledger row only
        if piece is not None:
            need = max(0, need - piece.unspent)
            # The slice's own demand since its last grant, over the horizon.
            elapsed = max(clock - piece.granted_at, 1e-3)
            rate = (piece.spent - piece.spent_at_grant) / elapsed
            demand = math.ceil(rate * self._horizon)
        else:
            demand = need * 4
        cap = max(need, math.ceil(rule.amount / 8))
        want = max(need, min(demand, cap), 1)
        charge = _charge(rule, ask)
        if charge > 1:
            # Whole validations of this size: no fragment left unspendable in the slice.
            want = -(-want // charge) * charge
        return want

    def _apply(
        self, rules: Sequence[LimitRule], grants: Sequence[Grant], wants: dict[str, int]
    ) -> None:
        by_id = {rule.id: rule for rule in rules}
        clock = time.monotonic()
        for grant in grants:
            self._offset = grant.clock.timestamp() - time.time()
            rule = by_id[grant.limit_id]
            piece = self._slices.get(grant.limit_id)
            if piece is None or piece.start != grant.period_start:
                if piece is not None:
                    self._retire(piece)
                piece = Slice(
                    rule=rule,
                    start=grant.period_start,
                    end=grant.period_end,
                    end_epoch=grant.period_end.timestamp(),
                    amount=grant.amount,
                    taken=grant.taken,
                )
                self._slices[grant.limit_id] = piece
            piece.amount = grant.amount
            piece.taken = grant.taken
            piece.held += grant.granted
            piece.seen_at = clock
            piece.granted_at = clock
            piece.spent_at_grant = piece.spent
            piece.exhausted_until = (
                clock + EXHAUSTED_RETRY if grant.granted < wants[grant.limit_id] else 0.0
            )

    def _retire(self, piece: Slice) -> None:
        # The window is over: its unspent part goes back (the ledger's taken then says
        # what was admitted, for analytics), with the next flush.
        if piece.unspent > 0:
            self._returns.append(Return(piece.rule.id, piece.start, piece.unspent))
            piece.held = piece.spent

    async def reserve(
        self,
        rules: Sequence[LimitRule],
        ask: Ask,
        api_key_id: str,
        admitted: Admission,
        deadline: Deadline,
    ) -> Admission:
        """Store the reservation of an admission of ``ask`` (which reserves): its
        holds are what the admission charged. A request id seen before stores nothing
        and refunds this admission: the first reservation holds. If it cannot be stored,
        the admission is refunded and the error raised."""
        holds = admitted.holds
        expires = datetime.fromtimestamp(self.now(), UTC) + ask.reservation_ttl
        new = NewReservation(
            id=new_id(),
            api_key_id=api_key_id,
            request_id=ask.request_id or None,
            expires_at=expires,
            holds=holds,
            requests=ask.cost.requests,
            tokens=ask.cost.tokens,
            cost=ask.cost.cost,
        )
        try:
            first = await self._store.reserve(new, deadline)
            self.writes += 1
        except BaseException:
            self._unspend(holds)
            raise
        if first is not None:
            # A retried reservation: the first one holds; this one's charge goes back.
            self._unspend(holds)
            states = self._states(rules, self.now())
            return Admission(states, admitted.decided_by, (), first)
        return Admission(admitted.states, admitted.decided_by, holds, Reservation(new.id, expires))

    def _unspend(self, holds: Sequence[Hold]) -> None:
        for hold in holds:
            piece = self._slices.get(hold.limit_id)
            if piece is not None and piece.start == hold.period_start:
                piece.spent -= hold.amount
            else:
                self._returns.append(Return(hold.limit_id, hold.period_start, hold.amount))

    def observe(self, limit_id: str, period_start: datetime, taken: int) -> None:
        """A charge this server wrote (a settlement, a usage write): the ledger's
        ``taken`` it returned, so this server's view is exact at once."""
        piece = self._slices.get(limit_id)
        if piece is not None and piece.start == period_start:
            piece.taken = taken
            piece.seen_at = time.monotonic()

    def observe_all(self, rows: Sequence[tuple[str, datetime, int]]) -> None:
        """:meth:`observe` for each (limit id, period start, taken)."""
        for limit_id, start, taken in rows:
            self.observe(limit_id, start, taken)

    # --- upkeep -------------------------------------------------------------------

    async def tick(self, deadline: Deadline) -> None:
        """Upkeep, every second or so: give back idle and finished slices, read budgets
        again, and release expired reservations (any server's)."""
        now = self.now()
        clock = time.monotonic()
        for limit_id, piece in list(self._slices.items()):
            if now >= piece.end_epoch:
                self._retire(piece)
                del self._slices[limit_id]
            elif piece.unspent > 0 and clock - piece.used_at > IDLE_RETURN:
                self._retire(piece)
        await self.flush(deadline)
        budgets = [(p.rule.id, p.start) for p in self._slices.values() if p.rule.budget]
        if budgets:
            read = await self._store.read(budgets, deadline)
            if read.clock is not None:
                self._offset = read.clock.timestamp() - time.time()
            for (limit_id, start), value in read.taken.items():
                self.observe(limit_id, start, value)
        expired = await self._store.expire(deadline)
        if expired.count:
            self.writes += 1
            self.observe_all(expired.ledger)

    async def flush(self, deadline: Deadline) -> None:
        """Give back what finished and idle slices did not spend."""
        returns, self._returns = self._returns, []
        if not returns:
            return
        try:
            await self._store.give_back(returns, deadline)
            self.writes += 1
        except BaseException:
            self._returns = returns + self._returns
            raise

    async def close(self, deadline: Deadline) -> None:
        """At shutdown: everything unspent goes back."""
        for piece in self._slices.values():
            self._retire(piece)
        self._slices.clear()
        await self.flush(deadline)


def _tightest(states: Sequence[LimitState]) -> str:
    # The rule with the least left in proportion to its size.
    if not states:
        return ""
    state = min(states, key=lambda s: s.remaining / s.rule.amount)
    return state.rule.label
