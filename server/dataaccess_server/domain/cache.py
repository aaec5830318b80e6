"""The shared TTL cache: validation, batches, and the sweep of expired entries.

Every request is validated whole before anything is written (INVALID_ARGUMENT naming
each bad field, with its index in a batch). Expiry is the database's business: the
store computes ``now() + ttl`` and filters ``expires_at > now()`` on the primary's clock,
so a caller's or a server's clock skew never makes an entry live longer. A batch is
written in key order in one statement, so concurrent batches take row locks in the
same order and cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.batches import check_batch_size
from dataaccess_server.domain.model.cache import (
    MAX_BATCH,
    MAX_KEY_BYTES,
    MAX_TAG_CHARS,
    MAX_TAGS,
    MIN_TTL,
    SWEEP_BATCH,
    CacheEntry,
    CacheLimits,
    CacheLookup,
    CacheWrite,
    CacheWriteInput,
)
from dataaccess_server.errors import FieldViolation, InvalidArgumentError


class CacheStore(Protocol):
    """Where entries are kept (db.cache.PostgresCacheStore), always on the primary: the
    table is UNLOGGED, which a standby cannot read. Every method is bounded by
    ``deadline`` and raises DatabaseUnavailableError, DeadlineExceededError or the
    translated error of its statement."""

    async def get(self, key: str, deadline: Deadline) -> CacheEntry | None:
        """The live entry under ``key``, None if there is none."""
        ...

    async def get_many(self, keys: Sequence[str], deadline: Deadline) -> list[CacheEntry]:
        """The live entries among ``keys`` (distinct), in any order."""
        ...

    async def set_one(self, write: CacheWrite, deadline: Deadline) -> CacheEntry:
        """Store one entry, expiring at the database's now() + ttl."""
        ...

    async def set_many(self, writes: Sequence[CacheWrite], deadline: Deadline) -> list[CacheEntry]:
        """Store ``writes`` (distinct keys) in one statement, in key order."""
        ...

    async def delete(self, key: str, deadline: Deadline) -> bool:
        """Remove the entry under ``key``; whether a live one was there."""
        ...

    async def invalidate_tags(self, tags: Sequence[str], deadline: Deadline) -> int:
        """Remove every entry carrying any of ``tags`` in one statement; the number of
        live ones removed."""
        ...

    async def sweep(self, limit: int, deadline: Deadline) -> int:
        """Delete up to ``limit`` expired entries, skipping rows another sweep (or a
        writer) holds; the number deleted."""
        ...


def check_key(key: str, path: str, problems: list[FieldViolation]) -> None:
    """Adds a violation naming ``path`` unless ``key`` is 1-512 bytes of UTF-8."""
    size = len(key.encode())
    if size == 0:
        problems.append(FieldViolation(path, "is required"))
    elif size > MAX_KEY_BYTES:
        problems.append(
            FieldViolation(path, f"is {size} bytes of UTF-8; at most {MAX_KEY_BYTES} are allowed")
        )


def check_tags(tags: Sequence[str], path: str, problems: list[FieldViolation]) -> tuple[str, ...]:
    """The tags without duplicates (first occurrence kept), adding a violation for more
    than 32 of them or one that is empty or over 128 characters."""
    if len(tags) > MAX_TAGS:
        problems.append(
            FieldViolation(path, f"has {len(tags)} tags; at most {MAX_TAGS} are allowed")
        )
        return ()
    for index, tag in enumerate(tags):
        if not tag:
            problems.append(FieldViolation(f"{path}[{index}]", "must not be empty"))
        elif len(tag) > MAX_TAG_CHARS:
            problems.append(
                FieldViolation(f"{path}[{index}]", f"must be at most {MAX_TAG_CHARS} characters")
            )
    return tuple(dict.fromkeys(tags))


class CacheService:
    """The cache's rules over a :class:`CacheStore`."""

    def __init__(self, store: CacheStore, limits: CacheLimits | None = None) -> None:
        self._store = store
        self.limits = limits or CacheLimits()

    def check_write(
        self, entry: CacheWriteInput, prefix: str, problems: list[FieldViolation]
    ) -> CacheWrite | None:
        """The validated write, or None after adding its violations (fields named
        ``prefix`` + field, e.g. ``entries[3].ttl``)."""
        before = len(problems)
        check_key(entry.key, f"{prefix}key", problems)
        if len(entry.value) > self.limits.max_value_bytes:
            problems.append(
                FieldViolation(
                    f"{prefix}value",
                    f"is {len(entry.value)} bytes; at most {self.limits.max_value_bytes} are"
                    " allowed (DATAACCESS_CACHE_MAX_VALUE_BYTES)",
                )
            )
        cap = self.limits.max_ttl
        if entry.ttl is None or not entry.ttl:
            problems.append(
                FieldViolation(
                    f"{prefix}ttl",
                    f"is required: from 1s to {cap.total_seconds():g}s (DATAACCESS_CACHE_MAX_TTL)",
                )
            )
        elif entry.ttl < MIN_TTL:
            problems.append(FieldViolation(f"{prefix}ttl", "must be at least 1s"))
        elif entry.ttl > cap:
            problems.append(
                FieldViolation(
                    f"{prefix}ttl",
                    f"must be at most {cap.total_seconds():g}s (DATAACCESS_CACHE_MAX_TTL)",
                )
            )
        tags = check_tags(entry.tags, f"{prefix}tags", problems)
        if len(problems) > before or entry.ttl is None:
            return None
        return CacheWrite(entry.key, entry.value, entry.ttl, tags)

    async def get(self, key: str, deadline: Deadline) -> CacheEntry | None:
        """The live entry under ``key`` (None: a miss). INVALID_ARGUMENT on ``key``."""
        _raise_if(lambda problems: check_key(key, "key", problems))
        return await self._store.get(key, deadline)

    async def get_many(self, keys: Sequence[str], deadline: Deadline) -> CacheLookup:
        """The live entries among ``keys`` (1-1000) and the keys without one, each in
        key order. INVALID_ARGUMENT naming ``keys`` or ``keys[i]``."""
        check_batch_size(keys, field="keys", noun="keys", maximum=MAX_BATCH)

        def check(problems: list[FieldViolation]) -> None:
            for index, key in enumerate(keys):
                check_key(key, f"keys[{index}]", problems)

        _raise_if(check)
        distinct = sorted(set(keys))
        found = sorted(await self._store.get_many(distinct, deadline), key=_by_key)
        present = {entry.key for entry in found}
        return CacheLookup(found, [key for key in distinct if key not in present])

    async def set(self, entry: CacheWriteInput, deadline: Deadline) -> CacheEntry:
        """Store one entry; the stored entry with its expiry. INVALID_ARGUMENT naming
        ``key``, ``value``, ``ttl`` or ``tags[i]``, before anything is written."""
        problems: list[FieldViolation] = []
        write = self.check_write(entry, "", problems)
        if write is None:
            raise InvalidArgumentError(problems)
        return await self._store.set_one(write, deadline)

    async def set_many(
        self, entries: Sequence[CacheWriteInput], deadline: Deadline
    ) -> list[CacheEntry]:
        """Store 1-1000 entries with distinct keys, all or none; the stored entries in key
        order. INVALID_ARGUMENT naming ``entries[i].<field>`` (a repeated key names the
        later index), before anything is written."""
        check_batch_size(entries, field="entries", noun="entries", maximum=MAX_BATCH)
        problems: list[FieldViolation] = []
        writes: list[CacheWrite] = []
        first_index: dict[str, int] = {}
        for index, entry in enumerate(entries):
            write = self.check_write(entry, f"entries[{index}].", problems)
            seen = first_index.setdefault(entry.key, index)
            if seen != index:
                problems.append(
                    FieldViolation(f"entries[{index}].key", f"repeats the key of entries[{seen}]")
                )
            elif write is not None:
                writes.append(write)
            if len(problems) >= 20:  # enough to act on; the rest would drown it
                break
        if problems:
            raise InvalidArgumentError(problems)
        writes.sort(key=_by_key)
        return sorted(await self._store.set_many(writes, deadline), key=_by_key)

    async def delete(self, key: str, deadline: Deadline) -> bool:
        """Remove the entry under ``key``; whether a live one was there."""
        _raise_if(lambda problems: check_key(key, "key", problems))
        return await self._store.delete(key, deadline)

    async def invalidate_tags(self, tags: Sequence[str], deadline: Deadline) -> int:
        """Remove every entry carrying any of 1-32 ``tags``; the live ones removed."""
        if not tags:
            raise InvalidArgumentError.single("tags", "must contain at least one tag")
        problems: list[FieldViolation] = []
        distinct = check_tags(tags, "tags", problems)
        if problems:
            raise InvalidArgumentError(problems)
        return await self._store.invalidate_tags(distinct, deadline)

    async def sweep(self, deadline: Deadline, *, batch: int = SWEEP_BATCH) -> int:
        """Delete every expired entry, ``batch`` rows per statement, until a statement
        finds fewer (or the deadline passes); the number deleted."""
        total = 0
        while True:
            removed = await self._store.sweep(batch, deadline)
            total += removed
            if removed < batch:
                return total


def _by_key(item: CacheEntry | CacheWrite) -> str:
    return item.key


def _raise_if(check: Callable[[list[FieldViolation]], None]) -> None:
    problems: list[FieldViolation] = []
    check(problems)
    if problems:
        raise InvalidArgumentError(problems)
