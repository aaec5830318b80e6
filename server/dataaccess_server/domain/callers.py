"""Bearer credentials of callers without certificates, and authentication by them.

A credential is ``dac_`` + 43 url-safe characters (256 random bits), printed once by
``dataaccess callers create``; only its SHA-256 and first 8 characters are stored.
Authentication hashes the presented token and looks the hash up in this process's cache
(the hot path: no database), else on the primary, so a credential created on any server
works at once everywhere. A revocation notifies the hash on the API-key invalidation
channel: every process forgets it within milliseconds. While that subscription is lost
the cache is off and every call reads the primary.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Protocol

from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.access import ROLE_NAME, AccessPolicy, PolicyError
from dataaccess_server.domain.key_cache import KeyCache
from dataaccess_server.domain.key_rules import hash_key
from dataaccess_server.domain.model.access import (
    Caller,
    CallerCredential,
    CredentialKind,
    NewCallerCredential,
)
from dataaccess_server.errors import FieldViolation, InvalidArgumentError

TOKEN_PREFIX = "dac_"  # noqa: S105  (a prefix, not a secret)
DISPLAY_PREFIX_LENGTH = 8
MAX_TOKEN_LENGTH = 256
CALLER_NAME = ROLE_NAME


class CallerStore(Protocol):
    """Where credentials are kept. Changes notify the hashes they touch."""

    async def find_by_hash(self, token_hash: bytes, deadline: Deadline) -> CallerCredential | None:
        """The live (unrevoked) credential with this hash, read on the primary."""
        ...

    async def create(self, new: NewCallerCredential, deadline: Deadline) -> CallerCredential:
        """Store ``new``; replaces a revoked credential of the same name. InvalidArgument
        naming ``name`` if a live one has it."""
        ...

    async def list_all(self, deadline: Deadline) -> list[CallerCredential]:
        """Every credential, revoked ones included, by name."""
        ...

    async def revoke(self, name: str, deadline: Deadline) -> CallerCredential | None:
        """Revoke the named credential (kept if revoked already); None if there is none."""
        ...


def hash_token(token: str) -> bytes:
    """The SHA-256 of a token, as stored (computed as a key's: once per call)."""
    return hash_key(token)


def check_caller_name(name: str) -> None:
    """INVALID_ARGUMENT naming ``name`` unless it is a caller name."""
    if not CALLER_NAME.fullmatch(name):
        raise InvalidArgumentError.single(
            "name",
            "must be 1-63 lowercase letters, digits, '_' or '-', starting with a letter",
        )


class CallerDirectory:
    """Authenticates bearer tokens and manages the credentials behind them."""

    def __init__(self, store: CallerStore, policy: AccessPolicy, cache: KeyCache[CallerCredential]):
        self._store = store
        self._policy = policy
        self.cache = cache

    async def authenticate(self, token: str, deadline: Deadline) -> Caller | None:
        """The caller a presented token proves, None if it proves nothing (unknown,
        revoked or malformed: the caller is not told which)."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN_LENGTH:
            return None
        token_hash = hash_token(token)
        found, credential = self.cache.get(token_hash)
        if not found:
            seen_version = self.cache.version
            credential = await self._store.find_by_hash(token_hash, deadline)
            self.cache.put(token_hash, credential, seen_version=seen_version)
        if credential is None:
            return None
        return Caller(credential.identity, CredentialKind.BEARER, credential.role)

    def on_invalidation(self, hashes: Sequence[bytes]) -> None:
        """A change notified by some server (API keys and callers share the channel):
        forget the credential hashes it names."""
        self.cache.invalidate(hashes)

    async def create(
        self, name: str, role: str, deadline: Deadline
    ) -> tuple[CallerCredential, str]:
        """A new credential and its token (shown this once)."""
        problems = []
        if not CALLER_NAME.fullmatch(name):
            problems.append(
                FieldViolation(
                    "name",
                    "must be 1-63 lowercase letters, digits, '_' or '-', starting with a letter",
                )
            )
        try:
            self._policy.check_role(role)
        except PolicyError as exc:
            problems.append(FieldViolation("role", str(exc)))
        if problems:
            raise InvalidArgumentError(problems)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        new = NewCallerCredential(
            name=name,
            role=role,
            token_hash=hash_token(token),
            token_prefix=token[:DISPLAY_PREFIX_LENGTH],
        )
        return await self._store.create(new, deadline), token

    async def list_all(self, deadline: Deadline) -> Sequence[CallerCredential]:
        """Every credential, by name."""
        return await self._store.list_all(deadline)

    async def revoke(self, name: str, deadline: Deadline) -> CallerCredential | None:
        """Revoke ``name``; None if no such credential."""
        check_caller_name(name)
        return await self._store.revoke(name, deadline)
