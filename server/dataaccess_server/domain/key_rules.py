"""The rules of API keys that need no storage: the key's form, the checks of what a
request states, and the judgement of a found key. Pure.

A key is ``dak_`` + 43 url-safe characters (256 random bits); only its SHA-256 and its
first 8 characters are ever stored.
"""

from __future__ import annotations

import functools
import re
import secrets
import sys
import zoneinfo
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from dataaccess_server.domain.ids import is_uuid
from dataaccess_server.domain.model.api_keys import (
    APIKey,
    KeyInput,
    KeyUse,
    Known,
    RateState,
    Reason,
    Validation,
)
from dataaccess_server.domain.model.key_policies import LimitRule, Period, RefillInterval
from dataaccess_server.errors import FieldViolation, InvalidArgumentError, excerpt

# CPython's own SHA-256 (what hashlib falls back to without OpenSSL): the same digest
# without OpenSSL's per-call EVP fetch, which costs a cached validation about 3 µs of its
# ~15 µs of Python in the server (measured with thread CPU time under ghz load).
if sys.version_info >= (3, 12):
    from _sha2 import sha256 as _sha256
else:
    from _sha256 import sha256 as _sha256  # type: ignore[import-not-found,unused-ignore]
KEY_PREFIX = "dak_"
DISPLAY_PREFIX_LENGTH = 8
MAX_KEY_LENGTH = 256
MAX_GRACE = timedelta(days=30)
MAX_METADATA_BYTES = 16 * 1024
UPDATABLE_FIELDS = (
    "name",
    "description",
    "rate_limit_per_minute",
    "expire_time",
    "remaining_uses",
    "metadata",
    "limits",
    "budgets",
    "refill",
    "allowed_models",
    "allowed_providers",
    "disabled",
)
OWNER_POLICY_FIELDS = ("limits", "budgets")
MAX_RULES = 16
MAX_ALLOWED = 64
MAX_AMOUNT = 2**53
MAX_WINDOW_SECONDS = 31 * 86_400
NAME_FORM = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def generate_key() -> str:
    """A new key: the prefix and 256 bits from ``secrets``."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> bytes:
    """The SHA-256 of a key, as stored."""
    digest: bytes = _sha256(key.encode()).digest()
    return digest


def check_presented_key(key: str) -> None:
    """INVALID_ARGUMENT naming ``key`` unless it could be a key (1-256 printable
    characters). A well-formed key that was never issued is NOT_FOUND, not an error."""
    if not key:
        raise InvalidArgumentError.single("key", "is required")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidArgumentError.single("key", f"must be at most {MAX_KEY_LENGTH} characters")
    # Printable ASCII but the space (string.printable without whitespace, 0x21-0x7e),
    # checked without building a set of the key's characters.
    if not (key.isascii() and key.isprintable()) or " " in key:
        raise InvalidArgumentError.single("key", "must be printable characters without spaces")


def check_settings(data: KeyInput, fields: Collection[str], *, creating: bool) -> None:
    """INVALID_ARGUMENT naming every field among ``fields`` (and ``owner_id``) whose
    value ``data`` states out of bounds; ``creating`` requires an owner and a future
    expiry."""
    problems: list[FieldViolation] = []

    def bad(name: str, description: str) -> None:
        problems.append(FieldViolation(f"api_key.{name}", description))

    if creating and not data.owner_id:
        bad("owner_id", "is required")
    elif len(data.owner_id) > 256:
        bad("owner_id", "must be at most 256 characters")
    if "name" in fields and len(data.name) > 200:
        bad("name", "must be at most 200 characters")
    if "description" in fields and len(data.description) > 2000:
        bad("description", "must be at most 2000 characters")
    if "rate_limit_per_minute" in fields and data.rate_limit_per_minute < 0:
        bad("rate_limit_per_minute", "must not be negative (0 means unlimited)")
    if "remaining_uses" in fields and data.remaining_uses is not None and data.remaining_uses < 0:
        bad("remaining_uses", "must not be negative")
    expire = data.expire_time
    if "expire_time" in fields and creating and expire is not None and expire <= datetime.now(UTC):
        bad("expire_time", "must be in the future")
    if "metadata" in fields and data.metadata_size > MAX_METADATA_BYTES:
        bad("metadata", f"must be at most {MAX_METADATA_BYTES} bytes serialized")
    problems.extend(check_rules(data.rules, "api_key", fields))
    refill = data.refill
    if "refill" in fields and refill is not None:
        if not 1 <= refill.amount <= MAX_AMOUNT:
            bad("refill.amount", f"must be between 1 and {MAX_AMOUNT}")
        if refill.interval is RefillInterval.MONTHLY and not 1 <= refill.day <= 31:
            bad("refill.day_of_month", "must be between 1 and 31 (0 means 1)")
        if refill.interval is RefillInterval.DAILY and refill.day != 0:
            bad("refill.day_of_month", "must be 0 for a daily refill")
    for name, longest in (("allowed_models", 256), ("allowed_providers", 64)):
        if name in fields:
            problems.extend(_check_allowed(getattr(data, name), f"api_key.{name}", longest))
    if problems:
        raise InvalidArgumentError(problems)


def check_update_mask(mask: Collection[str], allowed: Sequence[str] = UPDATABLE_FIELDS) -> None:
    """INVALID_ARGUMENT naming ``update_mask`` if it is empty or names a field that
    cannot be updated."""
    if not mask:
        raise InvalidArgumentError.single("update_mask", "names no field to update")
    unknown = [path for path in mask if path not in allowed]
    if unknown:
        raise InvalidArgumentError.single(
            "update_mask",
            f"cannot update {excerpt(', '.join(unknown))}; updatable: {', '.join(allowed)}",
        )


# Names the tz database's files carry that are not zones of the IANA list: the machine's
# own zone (CPython lists ``localtime`` where /etc/localtime is on its path; PostgreSQL
# knows neither), so a budget stated with them would mean another place on another host.
_NOT_ZONES = frozenset({"localtime", "posixrules"})


@functools.cache
def _zones() -> frozenset[str]:
    return (frozenset(zoneinfo.available_timezones()) - _NOT_ZONES) | {"UTC"}


def check_rules(
    rules: Sequence[LimitRule], prefix: str, fields: Collection[str]
) -> list[FieldViolation]:
    """What is wrong with limits and budgets as stated (the paths under ``prefix``):
    names, units, windows, periods, anchors, time zones, amounts, counts."""
    problems: list[FieldViolation] = []
    limits = [rule for rule in rules if not rule.budget]
    budgets = [rule for rule in rules if rule.budget]
    seen: set[str] = set()
    for kind, group in (("limits", limits), ("budgets", budgets)):
        if kind not in fields:
            continue
        if len(group) > MAX_RULES:
            problems.append(FieldViolation(f"{prefix}.{kind}", f"must be at most {MAX_RULES}"))
        for index, rule in enumerate(group):
            path = f"{prefix}.{kind}[{index}]"
            if not NAME_FORM.fullmatch(rule.name):
                problems.append(
                    FieldViolation(f"{path}.name", "must be 1-64 letters, digits, '_', '-', '.'")
                )
            elif rule.name in seen:
                problems.append(
                    FieldViolation(f"{path}.name", "is used by another limit or budget")
                )
            seen.add(rule.name)
            if not 1 <= rule.amount <= MAX_AMOUNT:
                problems.append(
                    FieldViolation(f"{path}.limit", f"must be between 1 and {MAX_AMOUNT}")
                )
            if rule.period is None:
                window = rule.window_seconds or 0
                if not 1 <= window <= MAX_WINDOW_SECONDS:
                    problems.append(
                        FieldViolation(f"{path}.window", "must be whole seconds, 1 s to 31 days")
                    )
                continue
            if rule.period is Period.WEEKLY and not 1 <= rule.anchor <= 7:
                problems.append(FieldViolation(f"{path}.anchor", "must be 1 (Monday) to 7"))
            elif rule.period is Period.MONTHLY and not 1 <= rule.anchor <= 31:
                problems.append(FieldViolation(f"{path}.anchor", "must be a day of month, 1-31"))
            elif rule.period is Period.DAILY and rule.anchor != 0:
                problems.append(FieldViolation(f"{path}.anchor", "must be 0 for a daily budget"))
            if rule.time_zone not in _zones():
                problems.append(
                    FieldViolation(f"{path}.time_zone", "must be an IANA time zone name")
                )
    return problems


def _check_allowed(values: Sequence[str], path: str, longest: int) -> list[FieldViolation]:
    if len(values) > MAX_ALLOWED:
        return [FieldViolation(path, f"must have at most {MAX_ALLOWED} entries")]
    return [
        FieldViolation(f"{path}[{index}]", f"must be 1-{longest} printable characters")
        for index, value in enumerate(values)
        if not 1 <= len(value) <= longest or not value.isprintable()
    ]


def allowed(value: str, patterns: Sequence[str]) -> bool:
    """Whether ``value`` matches one of ``patterns`` (exact, or ``*`` for any run of
    characters; nothing else is special). An empty list allows everything."""
    if not patterns:
        return True
    for pattern in patterns:
        if pattern == value:
            return True
        if "*" in pattern and _pattern(pattern).fullmatch(value):
            return True
    return False


@functools.lru_cache(maxsize=1024)
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


def validate_id(value: str) -> str:
    """``value`` if it is a key id; INVALID_ARGUMENT naming ``id`` otherwise."""
    if not value:
        raise InvalidArgumentError.single("id", "is required")
    if not is_uuid(value):
        raise InvalidArgumentError.single("id", "must be a key id (a UUID)")
    return value.lower()


def judge(known: Known, now: datetime) -> Reason:
    """The reason a found key is valid or not, before its model, rate limit and quota."""
    return judged(known, now)[0]


def judged(known: Known, now: datetime, model: str = "", provider: str = "") -> tuple[Reason, str]:
    """The reason a found key is valid or not for ``model`` and ``provider``, before
    limits, rate limit and quota, and the setting that decided a refusal."""
    record = known.record
    if record.revoked_at is not None:
        return Reason.REVOKED, "revoke_time"
    if known.retired_until is not None and known.retired_until <= now:
        return Reason.EXPIRED, "expire_time"
    if record.expire_time is not None and record.expire_time <= now:
        return Reason.EXPIRED, "expire_time"
    if record.disabled_at is not None:
        return Reason.DISABLED, "disabled"
    if not allowed(model, record.allowed_models):
        return Reason.MODEL_NOT_ALLOWED, "allowed_models"
    if not allowed(provider, record.allowed_providers):
        return Reason.MODEL_NOT_ALLOWED, "allowed_providers"
    return Reason.VALID, ""


def judge_use(record: APIKey, use: KeyUse) -> Validation:
    """The answer for a key valid but for its rate limit and quota, once this validation
    was counted against them (``use``). Over the rate limit is RATE_LIMITED; a quota that
    was already empty is USAGE_EXCEEDED; the record carries the quota left."""
    rate: RateState | None = None
    limit = record.rate_limit_per_minute
    if limit is not None and use.window_count is not None:
        assert use.window_start is not None
        rate = RateState(
            limit=limit,
            remaining=max(0, limit - use.window_count),
            reset_time=use.window_start + timedelta(minutes=1),
        )
        if use.window_count > limit:
            return Validation(
                False, Reason.RATE_LIMITED, record, rate, decided_by="rate_limit_per_minute"
            )
    if record.remaining_uses is not None:
        record = replace(record, remaining_uses=use.remaining_uses)
        if not use.used_quota:
            return Validation(
                False, Reason.USAGE_EXCEEDED, record, rate, decided_by="remaining_uses"
            )
    return Validation(True, Reason.VALID, record, rate)
