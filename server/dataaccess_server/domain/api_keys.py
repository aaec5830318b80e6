"""API keys: issuing, validating (the hot path), rate limits, quotas, rotation.

Validation hashes the key and looks the hash up: in this process's cache while
invalidations reach it, else on a replica, else on the primary (a key created moments
ago). Lookups go by the whole hash only, never by prefix, so timing says nothing about
which prefixes exist; unknown keys are cached briefly too. Validations of keys with a
rate limit or a quota are counted on the primary, in one statement; last-used times are
coalesced in memory and flushed every few seconds.

The service reaches storage through ``APIKeyStore``; the key's form and the checks that
need no storage are in ``key_rules``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.ids import new_id
from dataaccess_server.domain.key_analytics import ValidationCounts
from dataaccess_server.domain.key_answers import (
    LastUsed,
    Unsettled,
    admitted_answer,
    check_owner,
    quota_of,
    refusal_answer,
    rules_of,
)
from dataaccess_server.domain.key_cache import KeyCache
from dataaccess_server.domain.key_policies import Admission, Allowances, Refusal
from dataaccess_server.domain.key_rules import (
    DISPLAY_PREFIX_LENGTH,
    MAX_GRACE,
    OWNER_POLICY_FIELDS,
    UPDATABLE_FIELDS,
    check_presented_key,
    check_rules,
    check_settings,
    check_update_mask,
    generate_key,
    hash_key,
    judge_use,
    judged,
    validate_id,
)
from dataaccess_server.domain.model.api_keys import (
    APIKey,
    KeyChange,
    KeyInput,
    KeyQuery,
    KeyRotation,
    KeyUse,
    Known,
    NewAPIKey,
    Reason,
    Validation,
)
from dataaccess_server.domain.model.key_policies import PLAIN, Ask, OwnerPolicy
from dataaccess_server.domain.pagination import Pager, PageSigner
from dataaccess_server.errors import InvalidArgumentError, NotFoundError

# A change and the hashes it notified, of either shape.
Change = TypeVar("Change", KeyChange, KeyRotation)


class APIKeyStore(Protocol):
    """Where API keys are kept. Every method is bounded by ``deadline`` and raises
    DatabaseUnavailableError or DeadlineExceededError when storage cannot answer in
    time. Reads may be served by a replica unless ``primary`` is set; every change
    notifies the hashes of the key's keys to every server and returns them."""

    async def insert(self, key: NewAPIKey, deadline: Deadline) -> tuple[APIKey, bool]:
        """Store ``key``: its record and True; for a request id seen before, that key's
        record and False (nothing stored)."""
        ...

    def reads_on_replicas(self) -> bool:
        """Whether a read without ``primary`` may be served by a replica now."""
        ...

    async def lookup_hash(
        self, key_hash: bytes, deadline: Deadline, *, primary: bool = False
    ) -> Known | None:
        """The key whose current or retired hash is ``key_hash``; None if none."""
        ...

    async def fetch(
        self, key_id: str, deadline: Deadline, *, primary: bool = False
    ) -> APIKey | None:
        """The record of key ``key_id``; None if none."""
        ...

    async def list_page(
        self, query: KeyQuery, *, after: str | None, limit: int, deadline: Deadline
    ) -> list[APIKey]:
        """Up to ``limit`` records matching the query's filters (its page fields are not
        read; empty strings match any), by id, after id ``after``."""
        ...

    async def update(
        self, key_id: str, changes: Mapping[str, Any], deadline: Deadline
    ) -> KeyChange | None:
        """Set ``changes`` (a subset of UPDATABLE_FIELDS, storage values) on the key;
        None if there is none."""
        ...

    async def revoke(self, key_id: str, deadline: Deadline) -> KeyChange | None:
        """Revoke the key (the first revocation time is kept); None if there is none."""
        ...

    async def rotate(
        self,
        key_id: str,
        deadline: Deadline,
        *,
        new_hash: bytes,
        new_prefix: str,
        grace: timedelta,
    ) -> KeyRotation | None:
        """Give the key a new hash, the old one valid for ``grace`` more; None if no key."""
        ...

    async def count_validation(
        self,
        key_id: str,
        deadline: Deadline,
        *,
        rate_limit: int | None,
        has_quota: bool,
        refills: bool = False,
    ) -> KeyUse:
        """Count one validation in the key's rate window and/or use one of its quota,
        atomically (over the rate limit uses no quota), on the primary; ``refills``:
        apply a scheduled refill that is due first (once per scheduled time)."""
        ...

    async def fetch_owner_policy(self, owner_id: str, deadline: Deadline) -> OwnerPolicy:
        """The owner's limits and budgets (none, without update time, if never set)."""
        ...

    async def update_owner_policy(
        self, owner_id: str, changes: Mapping[str, Any], deadline: Deadline
    ) -> tuple[OwnerPolicy, tuple[bytes, ...]]:
        """Replace the owner's ``limits`` and/or ``budgets``; notifies the hashes of
        every key of the owner and returns them with the policy."""
        ...

    async def record_last_used(self, used: Mapping[str, datetime], deadline: Deadline) -> None:
        """Record last-used times of many keys at once (never moving one back)."""
        ...


class APIKeyService:
    """The rules of API keys, over a store and an invalidated cache."""

    def __init__(
        self,
        store: APIKeyStore,
        cache: KeyCache[Known],
        *,
        pages: PageSigner,
        allowances: Allowances,
        validation_counts: ValidationCounts | None = None,
    ) -> None:
        self._store = store
        self._pages = pages
        self.cache = cache
        self.last_used = LastUsed()
        self.allowances = allowances
        self.validation_counts = validation_counts or ValidationCounts()
        """Validations per key and reason for analytics (counted by the servicers)."""

    # --- the hot path ----------------------------------------------------------------

    async def validate(self, key: str, deadline: Deadline, ask: Ask = PLAIN) -> Validation:
        """Answer whether ``key`` is valid now, counting it against its rate limit and
        quota if so. Only a malformed key is an error (INVALID_ARGUMENT).

        The same as :meth:`validate_now`, then :meth:`settle` when storage is needed:
        streamed validations take the two steps apart, with identical answers."""
        answer = self.validate_now(key, ask)
        if isinstance(answer, Validation):
            return answer
        return await self.settle(answer, deadline)

    def validate_now(self, key: str, ask: Ask = PLAIN) -> Validation | Unsettled:
        """The answer for ``key`` if it needs no storage (a cached key without rate
        limit or quota, or a cached unknown key); else what :meth:`settle` needs to
        answer it. No I/O: the cheap path of a stream of validations. Raises
        InvalidArgumentError for a malformed key."""
        check_presented_key(key)
        key_hash = hash_key(key)
        found, known = self.cache.get(key_hash)
        if not found:
            return Unsettled(key_hash, looked_up=False, known=None, ask=ask)
        if known is not None:
            # The hottest path: a cached key without limits (see Known.unlimited_until).
            now = time.time()
            if now < known.unlimited_until:
                self.last_used.note(known.record.id, now)
                return known.valid_answer
        answer = self._judged(known, ask)
        if answer is not None:
            return answer
        return Unsettled(key_hash, looked_up=True, known=known, ask=ask)

    async def settle(self, unsettled: Unsettled, deadline: Deadline) -> Validation:
        """The answer :meth:`validate_now` left to storage: the key looked up (if it was
        not cached) and its use counted (if it has a rate limit or quota)."""
        known, ask = unsettled.known, unsettled.ask
        if not unsettled.looked_up:
            known = await self._lookup(unsettled.key_hash, deadline)
            answer = self._judged(known, ask)
            if answer is not None:
                return answer
        assert known is not None  # _judged answers for an unknown key
        record = known.record
        rules = rules_of(known)
        admission: Admission | None = None
        if rules:
            admitted = await self.allowances.admit(rules, ask, deadline)
            if isinstance(admitted, Refusal):
                return refusal_answer(record, admitted)
            admission = admitted
        answer = Validation(True, Reason.VALID, record)
        if record.rate_limit_per_minute is not None or record.remaining_uses is not None:
            try:
                use = await self._store.count_validation(
                    record.id,
                    deadline,
                    rate_limit=record.rate_limit_per_minute,
                    has_quota=record.remaining_uses is not None,
                    refills=record.refill is not None,
                )
            except BaseException:
                if admission is not None:
                    self.allowances.refund(admission)
                raise
            answer = judge_use(record, use)
            if not answer.valid:
                if admission is not None:
                    self.allowances.refund(admission)
                return answer
        if ask.reserve:
            if admission is None:
                admission = Admission((), "")
            admission = await self.allowances.reserve(rules, ask, record.id, admission, deadline)
        self.last_used.record(record.id, datetime.now(UTC))
        return admitted_answer(answer, admission)

    def _judged(self, known: Known | None, ask: Ask) -> Validation | None:
        # The answer that needs no storage; None when the use must be counted (or
        # allowance taken, or a reservation stored).
        if known is None:
            return Validation(False, Reason.NOT_FOUND)
        record = known.record
        now = datetime.now(UTC)
        reason, decided_by = judged(known, now, ask.model, ask.provider)
        if reason is not Reason.VALID:
            return Validation(False, reason, record, decided_by=decided_by)
        if record.rate_limit_per_minute is not None or record.remaining_uses is not None:
            return None
        if ask.reserve:
            return None
        rules = rules_of(known)
        if not rules:
            self.last_used.record(record.id, now)
            return Validation(True, Reason.VALID, record)
        admitted = self.allowances.admit_now(rules, ask)
        if admitted is None:
            return None
        if isinstance(admitted, Refusal):
            return refusal_answer(record, admitted)
        self.last_used.record(record.id, now)
        return admitted_answer(Validation(True, Reason.VALID, record), admitted)

    async def _lookup(self, key_hash: bytes, deadline: Deadline) -> Known | None:
        # One read per miss, unknown keys included (a flood of made-up keys costs one
        # replica read each): the primary when the key changed moments ago or no replica
        # serves; else a replica, whose "none" is final while invalidations are heard.
        seen_version = self.cache.version
        if self.cache.needs_primary(key_hash) or not self._store.reads_on_replicas():
            known = await self._store.lookup_hash(key_hash, deadline, primary=True)
        else:
            known = await self._store.lookup_hash(key_hash, deadline)
            if known is None and not self.cache.absence_is_final():
                # A key created while invalidations went unheard may not have reached
                # the replica yet: the primary decides.
                known = await self._store.lookup_hash(key_hash, deadline, primary=True)
        self.cache.put(key_hash, known, seen_version=seen_version)
        return known

    def on_invalidation(self, hashes: Sequence[bytes]) -> None:
        """A change notified by some server: forget the key hashes it names."""
        self.cache.invalidate(hashes)

    async def flush_last_used(self, deadline: Deadline) -> int:
        """Write the coalesced last-used times in one statement; how many keys."""
        pending = self.last_used.take()
        if not pending:
            return 0
        try:
            await self._store.record_last_used(pending, deadline)
        except BaseException:
            self.last_used.put_back(pending)
            raise
        return len(pending)

    # --- management --------------------------------------------------------------------

    async def create(
        self, data: KeyInput, request_id: str, deadline: Deadline
    ) -> tuple[APIKey, str | None]:
        """A new key and its record; the key is None when ``request_id`` was seen before
        (the first call's record is returned and nothing is created)."""
        if len(request_id) > 128:
            raise InvalidArgumentError.single("request_id", "must be at most 128 characters")
        check_settings(data, UPDATABLE_FIELDS, creating=True)
        key = generate_key()
        new = NewAPIKey(
            id=new_id(),
            key_hash=hash_key(key),
            key_prefix=key[:DISPLAY_PREFIX_LENGTH],
            name=data.name,
            description=data.description,
            owner_id=data.owner_id,
            rate_limit_per_minute=data.rate_limit_per_minute or None,
            expire_time=data.expire_time,
            remaining_uses=quota_of(data),
            metadata=data.metadata,
            request_id=request_id or None,
            rules=data.rules,
            refill=data.refill,
            allowed_models=data.allowed_models,
            allowed_providers=data.allowed_providers,
            disabled=data.disabled,
        )
        record, created = await self._store.insert(new, deadline)
        if created:
            # Heard from the notification too, a moment later: this process is exact now.
            self.cache.invalidate([new.key_hash])
        return record, key if created else None

    async def get(self, key_id: str, deadline: Deadline) -> APIKey:
        """The key's record; NotFoundError if none."""
        row_id = validate_id(key_id)
        record = await self._store.fetch(row_id, deadline)
        if record is None:
            # Not on a replica: maybe created a moment ago. The primary decides.
            record = await self._store.fetch(row_id, deadline, primary=True)
        if record is None:
            raise NotFoundError(f"API key {row_id} does not exist")
        return record

    async def list(self, query: KeyQuery, deadline: Deadline) -> tuple[list[APIKey], str]:
        """A page of records and the next page's token ("" at the end)."""
        if len(query.key_prefix) > DISPLAY_PREFIX_LENGTH:
            raise InvalidArgumentError.single(
                "key_prefix", f"must be at most {DISPLAY_PREFIX_LENGTH} characters"
            )
        pager = Pager.of(query, self._pages)
        records = await self._store.list_page(
            query, after=pager.after, limit=pager.limit, deadline=deadline
        )
        return pager.page(records)

    async def update(
        self, key_id: str, data: KeyInput, mask: tuple[str, ...], deadline: Deadline
    ) -> APIKey:
        """Change the masked settings (``remaining_uses`` refills the quota)."""
        row_id = validate_id(key_id)
        check_update_mask(mask)
        check_settings(data, mask, creating=False)
        values = {
            "name": data.name,
            "description": data.description,
            "rate_limit_per_minute": data.rate_limit_per_minute or None,
            "expire_time": data.expire_time,
            "remaining_uses": data.remaining_uses,
            "metadata": data.metadata,
            "limits": tuple(rule for rule in data.rules if not rule.budget),
            "budgets": tuple(rule for rule in data.rules if rule.budget),
            "refill": data.refill,
            "allowed_models": data.allowed_models,
            "allowed_providers": data.allowed_providers,
            "disabled": data.disabled,
        }
        changes = {name: values[name] for name in mask}
        change = await self._store.update(row_id, changes, deadline)
        return self._forget(change, row_id).record

    async def revoke(self, key_id: str, deadline: Deadline) -> APIKey:
        """Revoke the key on every server (idempotent)."""
        row_id = validate_id(key_id)
        return self._forget(await self._store.revoke(row_id, deadline), row_id).record

    async def rotate(
        self, key_id: str, grace: timedelta, deadline: Deadline
    ) -> tuple[APIKey, str, datetime]:
        """A new key for the record; the old one works until the returned time."""
        row_id = validate_id(key_id)
        if grace < timedelta(0) or grace > MAX_GRACE:
            raise InvalidArgumentError.single("grace_period", "must be between 0 and 30 days")
        key = generate_key()
        rotation = await self._store.rotate(
            row_id,
            deadline,
            new_hash=hash_key(key),
            new_prefix=key[:DISPLAY_PREFIX_LENGTH],
            grace=grace,
        )
        rotation = self._forget(rotation, row_id)
        return rotation.record, key, rotation.old_key_valid_until

    async def get_owner_policy(self, owner_id: str, deadline: Deadline) -> OwnerPolicy:
        """The limits and budgets shared by the owner's keys."""
        check_owner(owner_id)
        return await self._store.fetch_owner_policy(owner_id, deadline)

    async def update_owner_policy(
        self, policy: OwnerPolicy, mask: tuple[str, ...], deadline: Deadline
    ) -> OwnerPolicy:
        """Replace the masked lists of the owner's policy, on every server at once."""
        check_owner(policy.owner_id, "policy.owner_id")
        check_update_mask(mask, OWNER_POLICY_FIELDS)
        problems = check_rules(policy.rules, "policy", mask)
        if problems:
            raise InvalidArgumentError(problems)
        values = {
            "limits": tuple(rule for rule in policy.rules if not rule.budget),
            "budgets": tuple(rule for rule in policy.rules if rule.budget),
        }
        stored, notified = await self._store.update_owner_policy(
            policy.owner_id, {name: values[name] for name in mask}, deadline
        )
        self.cache.invalidate(notified)
        return stored

    def _forget(self, change: Change | None, row_id: str) -> Change:
        # This server's cache forgets the notified hashes at once, not when its own
        # notification comes back.
        if change is None:
            raise NotFoundError(f"API key {row_id} does not exist")
        self.cache.invalidate(change.notified)
        return change
