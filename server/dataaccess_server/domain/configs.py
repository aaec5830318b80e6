"""Versioned configs: the rules of names, YAML and activation; the store they need.

A config is a name with immutable versions numbered 1..n, and at most one active
version. The store keeps one head row per name that points at the active version, so
"exactly one active" holds by construction; activations move the pointer under the head
row's lock, which also numbers new versions without gaps.

Activation rules:

- ``expected_active_version`` (None: no check; 0: "nothing active") guards against a
  lost update: another active version → ConflictError (ABORTED), nothing changes;
- activating the version already active changes nothing and succeeds, whatever the
  expectation: the state the caller asked for holds, so a retry of a call whose answer
  was lost succeeds too (gRPC may retry ActivateConfigVersion);
- a rollback activates the version that was active before the current one, and the
  current one becomes the previous: a second rollback toggles back (as ``kubectl
  rollout undo`` does). FailedPreconditionError when no version was active before.

YAML is parsed with PyYAML's safe loader (its C implementation when built), in a worker
thread: a large document must not stall the event loop. Only one document per version.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from typing import Protocol

import yaml

from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.configs import (
    ActivatedConfig,
    Activation,
    ConfigListQuery,
    ConfigVersion,
    CreatedConfig,
    NewConfigVersion,
)
from dataaccess_server.domain.pagination import Pager, PageSigner
from dataaccess_server.errors import InvalidArgumentError, excerpt

NAME = re.compile(r"[a-z0-9][a-z0-9._/-]{0,127}")
NAME_RULE = (
    "must be 1-128 characters of a-z, 0-9, '.', '_', '/' and '-', starting with a letter or a digit"
)
DEFAULT_MAX_BYTES = 1024 * 1024
MAX_REQUEST_ID = 128

_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ConfigStore(Protocol):
    """Where config versions and heads are kept. Every method is bounded by
    ``deadline`` and raises DatabaseUnavailableError, DeadlineExceededError, or as it
    says."""

    async def create(self, new: NewConfigVersion, deadline: Deadline) -> CreatedConfig:
        """Store the name's next version (activating it if ``new.activate``, notifying
        watchers); with a request id stored before, return that version, replayed."""
        ...

    async def get(self, name: str, version: int | None, deadline: Deadline) -> ConfigVersion:
        """A version, or the active one for None; NotFoundError naming what is missing."""
        ...

    async def list_versions(
        self, name: str, *, before: int | None, limit: int, deadline: Deadline
    ) -> list[ConfigVersion]:
        """Versions of ``name`` numbered below ``before`` (None: all), newest first."""
        ...

    async def activate(
        self,
        name: str,
        version: int | None,
        *,
        expected: int | None,
        actor: str,
        deadline: Deadline,
    ) -> ActivatedConfig:
        """Make ``version`` active (None: roll back to the previous one) under the rules
        of the module docstring: NotFoundError, ConflictError, FailedPreconditionError."""
        ...

    async def read_activation(self, name: str, deadline: Deadline) -> Activation | None:
        """The active version and its revision from the primary; None if the name has
        versions but none active; NotFoundError if it has none."""
        ...


def check_name(name: str, field: str = "name") -> str:
    """``name`` if it follows the naming rules, else INVALID_ARGUMENT naming ``field``."""
    if not NAME.fullmatch(name):
        raise InvalidArgumentError.single(field, f"{NAME_RULE}, got {excerpt(name)}")
    return name


def parse_yaml(text: str) -> None:
    """Nothing if ``text`` is one YAML document the safe loader accepts; else
    INVALID_ARGUMENT naming ``yaml``, with the parser's problem and 1-based line and
    column."""
    try:
        yaml.load(text, Loader=_LOADER)  # noqa: S506  (the safe loader, C or Python)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(part for part in (exc.context, exc.problem) if part) or "malformed"
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InvalidArgumentError.single("yaml", f"not valid YAML: {problem}{where}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses, by its offset
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise InvalidArgumentError.single(
            "yaml",
            f"not valid YAML: character {_character(exc.character)} is not allowed"
            f" ({exc.reason})"
            f" at line {line}, column {column}",
        ) from None
    except yaml.YAMLError as exc:
        raise InvalidArgumentError.single("yaml", f"not valid YAML: {exc}") from None
    except RecursionError:
        raise InvalidArgumentError.single("yaml", "not valid YAML: nested too deeply") from None


def _character(character: object) -> str:
    return f"#x{character:04x}" if isinstance(character, int) else repr(character)


def _expected(value: int | None) -> int | None:
    if value is not None and value < 0:
        raise InvalidArgumentError.single(
            "expected_active_version", "must be 0 (nothing active) or a version number"
        )
    return value


class ConfigService:
    """The config rules over a :class:`ConfigStore`."""

    def __init__(
        self, store: ConfigStore, *, pages: PageSigner, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> None:
        self._store = store
        self._pages = pages
        self.max_bytes = max_bytes

    async def create(
        self,
        name: str,
        text: str,
        *,
        request_id: str,
        activate: bool,
        created_by: str,
        deadline: Deadline,
    ) -> CreatedConfig:
        """Validate and store a new version (see :meth:`ConfigStore.create`).

        INVALID_ARGUMENT for a bad name, request id, size or YAML, before any write; a
        request id already used for other YAML under this name is INVALID_ARGUMENT too
        (a retry carries the same text)."""
        check_name(name)
        if len(request_id) > MAX_REQUEST_ID:
            raise InvalidArgumentError.single(
                "request_id", f"must be at most {MAX_REQUEST_ID} characters"
            )
        data = text.encode()
        if len(data) > self.max_bytes:
            raise InvalidArgumentError.single(
                "yaml",
                f"is {len(data)} bytes, over the limit of {self.max_bytes}"
                " (DATAACCESS_CONFIG_MAX_BYTES)",
            )
        if not text.strip():
            raise InvalidArgumentError.single("yaml", "must not be empty")
        await asyncio.to_thread(parse_yaml, text)
        digest = hashlib.sha256(data).hexdigest()
        created = await self._store.create(
            NewConfigVersion(
                name=name,
                yaml=text,
                sha256=digest,
                size_bytes=len(data),
                created_by=created_by,
                request_id=request_id or None,
                activate=activate,
            ),
            deadline,
        )
        if created.replayed and created.config.sha256 != digest:
            raise InvalidArgumentError.single(
                "request_id",
                f"was used for version {created.config.version} with other YAML: use a"
                " new request_id for a new version",
            )
        return created

    async def get(self, name: str, version: int, deadline: Deadline) -> ConfigVersion:
        """Version ``version`` of ``name``, or the active one for 0; NOT_FOUND when it
        does not exist or nothing is active."""
        check_name(name)
        if version < 0:
            raise InvalidArgumentError.single("version", "must be 0 (the active one) or more")
        return await self._store.get(name, version or None, deadline)

    async def list(
        self, query: ConfigListQuery, deadline: Deadline
    ) -> tuple[list[ConfigVersion], str]:
        """A page of ``query.name``'s versions, newest first, and the next page's token.
        An unknown name is an empty list."""
        check_name(query.name)
        pager = Pager.of(query, self._pages)
        before = None
        if pager.after is not None:
            try:
                before = int(pager.after)
            except ValueError:
                raise InvalidArgumentError.single(
                    "page_token", "is not a token this service returned"
                ) from None
        rows = await self._store.list_versions(
            query.name, before=before, limit=pager.limit, deadline=deadline
        )
        return pager.page(rows, key=lambda row: str(row.version))

    async def activate(
        self,
        name: str,
        version: int,
        *,
        expected: int | None,
        actor: str,
        deadline: Deadline,
    ) -> ActivatedConfig:
        """Make ``version`` the active one (the module docstring's rules)."""
        check_name(name)
        if version <= 0:
            raise InvalidArgumentError.single("version", "must be 1 or more")
        return await self._store.activate(
            name, version, expected=_expected(expected), actor=actor, deadline=deadline
        )

    async def rollback(
        self, name: str, *, expected: int | None, actor: str, deadline: Deadline
    ) -> ActivatedConfig:
        """Activate the version active before the current one (toggle)."""
        check_name(name)
        return await self._store.activate(
            name, None, expected=_expected(expected), actor=actor, deadline=deadline
        )

    async def read_activation(self, name: str, deadline: Deadline) -> Activation | None:
        """See :meth:`ConfigStore.read_activation`; the name is checked first."""
        check_name(name)
        return await self._store.read_activation(name, deadline)
