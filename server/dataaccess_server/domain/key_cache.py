"""In-process cache of API key lookups, kept honest by invalidations. Pure: no I/O.

Entries are keyed by the SHA-256 of a key. The cache is used only while the process is
subscribed to invalidations (``enabled``); losing the subscription drops everything,
since invalidations sent meanwhile are lost. Three guards against serving a stale
"valid":

- an invalidation removes the hashes it names;
- a lookup that started before any invalidation does not store its result (``version``):
  the database may have answered with the state before the change;
- for ``fresh_window`` seconds after an invalidation, lookups of that hash must read the
  primary (``needs_primary``): a replica may not have replayed the change yet.

Every key creation is an invalidation of its new hash too. So once the subscription has
run for ``fresh_window`` (longer than replicas may lag), a hash this process has not
heard of and a replica does not have is unknown (``absence_is_final``): an unknown key
costs one replica read, not a second one on the primary.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class _Entry(Generic[V]):
    value: V
    expires_at: float


class KeyCache(Generic[V]):
    """LRU entries with a lifetime each; ``None`` values are negative entries."""

    def __init__(
        self,
        *,
        max_entries: int = 100_000,
        positive_ttl: float = 300.0,
        negative_ttl: float = 2.0,
        fresh_window: float = 10.0,
    ) -> None:
        self._entries: OrderedDict[bytes, _Entry[V | None]] = OrderedDict()
        self._max_entries = max_entries
        self._positive_ttl = positive_ttl
        self._negative_ttl = negative_ttl
        self._fresh_window = fresh_window
        self._recently_changed: dict[bytes, float] = {}
        self._enabled = False
        self._enabled_at = 0.0
        self.version = 0
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        """Whether lookups may be answered from, and stored in, the cache."""
        return self._enabled

    def set_enabled(self, enabled: bool) -> None:
        """Follow the invalidation subscription: losing it drops every entry."""
        if not enabled:
            self.clear()
        elif not self._enabled:
            self._enabled_at = time.monotonic()
        self._enabled = enabled

    def absence_is_final(self) -> bool:
        """Whether a replica's "no such hash" settles a lookup not ``needs_primary``:
        subscribed for longer than ``fresh_window``, so every key created since has been
        heard of, and every one created before has reached the replicas in rotation."""
        return self._enabled and time.monotonic() - self._enabled_at > self._fresh_window

    def get(self, key_hash: bytes) -> tuple[bool, V | None]:
        """(found, value): value None with found True is a cached "no such key"."""
        entry = self._entries.get(key_hash) if self._enabled else None
        if entry is None or entry.expires_at <= time.monotonic():
            self.misses += 1
            return False, None
        self._entries.move_to_end(key_hash)
        self.hits += 1
        return True, entry.value

    def put(self, key_hash: bytes, value: V | None, *, seen_version: int) -> None:
        """Store a lookup's result, unless the cache is off or anything was invalidated
        since the lookup began (``seen_version`` is ``version`` as it was then)."""
        if not self._enabled or seen_version != self.version:
            return
        ttl = self._positive_ttl if value is not None else self._negative_ttl
        self._entries[key_hash] = _Entry(value, time.monotonic() + ttl)
        self._entries.move_to_end(key_hash)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def invalidate(self, hashes: Iterable[bytes]) -> None:
        """Forget these hashes, and make their next lookups read the primary."""
        self.version += 1
        now = time.monotonic()
        for key_hash in hashes:
            self._entries.pop(key_hash, None)
            self._recently_changed[key_hash] = now + self._fresh_window
        if len(self._recently_changed) > 10_000:
            self._recently_changed = {
                h: until for h, until in self._recently_changed.items() if until > now
            }

    def needs_primary(self, key_hash: bytes) -> bool:
        """Whether a lookup must skip replicas (the key changed moments ago)."""
        until = self._recently_changed.get(key_hash)
        return until is not None and until > time.monotonic()

    def clear(self) -> None:
        """Drop every entry (and stop in-flight lookups from storing theirs)."""
        self.version += 1
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
