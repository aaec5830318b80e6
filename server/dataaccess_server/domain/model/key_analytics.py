"""Per-key analytics: whose figures a question is about, and the figures (validations by
reason per hour or day, spend per day, budgets in their current period). Pure values;
the rules that check a question are in domain/key_analytics.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dataaccess_server.domain.model.api_keys import Reason
from dataaccess_server.domain.model.key_policies import LimitRule

# (hour since the epoch, key id, owner id, reason value): a validation count's place in
# the hourly rollup (domain/key_analytics.py ValidationCounts).
CountKey = tuple[int, str, str, str]


@dataclass(frozen=True, slots=True)
class KeySubject:
    """One key (``api_key_id``) or every key of one owner (``owner_id``): exactly one is
    set once checked."""

    api_key_id: str = ""
    owner_id: str = ""


@dataclass(frozen=True, slots=True)
class ValidationBucket:
    """Validations of one hour or day, by reason (reasons with none left out)."""

    time: datetime
    counts: dict[Reason, int]

    @property
    def total(self) -> int:
        """Every validation counted in the bucket."""
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class SpendDay:
    """Usage records, tokens and cost that usage writes charged to a key (or an owner's
    keys) on one UTC day."""

    day: date
    requests: int
    tokens: int
    cost: int


@dataclass(frozen=True, slots=True)
class BudgetSpend:
    """A budget in its current period: what the ledger holds as taken in it."""

    rule: LimitRule
    period_start: datetime
    reset_time: datetime
    taken: int

    @property
    def remaining(self) -> int:
        """The limit less what is taken (negative when charges went past it)."""
        return self.rule.amount - self.taken


@dataclass(frozen=True, slots=True)
class KeySpend:
    """Spend per day of a range (only the days with some) and the budgets that apply."""

    days: list[SpendDay]
    budgets: list[BudgetSpend]
