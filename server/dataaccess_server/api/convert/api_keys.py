"""Conversion of APIKeyService messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

from google.protobuf import duration_pb2

from dataaccess.v1 import api_keys_pb2 as keys_pb2
from dataaccess_server.api.convert.structs import struct_from_proto
from dataaccess_server.api.convert.times import set_times, timestamp_from_proto
from dataaccess_server.domain.model.api_keys import (
    APIKey,
    KeyInput,
    KeyQuery,
    Reason,
    Validation,
)
from dataaccess_server.domain.model.key_policies import (
    DEFAULT_RESERVATION_TTL,
    PLAIN,
    Ask,
    Cost,
    LimitRule,
    LimitState,
    OwnerPolicy,
    Period,
    Refill,
    RefillInterval,
    Scope,
    Unit,
)
from dataaccess_server.errors import FieldViolation, InvalidArgumentError

_CENTURY_SECONDS = 100 * 366 * 86_400
_REASONS = {
    Reason.VALID: keys_pb2.API_KEY_VALIDATION_REASON_VALID,
    Reason.NOT_FOUND: keys_pb2.API_KEY_VALIDATION_REASON_NOT_FOUND,
    Reason.REVOKED: keys_pb2.API_KEY_VALIDATION_REASON_REVOKED,
    Reason.EXPIRED: keys_pb2.API_KEY_VALIDATION_REASON_EXPIRED,
    Reason.RATE_LIMITED: keys_pb2.API_KEY_VALIDATION_REASON_RATE_LIMITED,
    Reason.USAGE_EXCEEDED: keys_pb2.API_KEY_VALIDATION_REASON_USAGE_EXCEEDED,
    Reason.DISABLED: keys_pb2.API_KEY_VALIDATION_REASON_DISABLED,
    Reason.MODEL_NOT_ALLOWED: keys_pb2.API_KEY_VALIDATION_REASON_MODEL_NOT_ALLOWED,
    Reason.LIMIT_EXCEEDED: keys_pb2.API_KEY_VALIDATION_REASON_LIMIT_EXCEEDED,
    Reason.BUDGET_EXCEEDED: keys_pb2.API_KEY_VALIDATION_REASON_BUDGET_EXCEEDED,
}
_UNITS = {
    keys_pb2.LIMIT_UNIT_REQUESTS: Unit.REQUESTS,
    keys_pb2.LIMIT_UNIT_TOKENS: Unit.TOKENS,
    keys_pb2.LIMIT_UNIT_COST: Unit.COST,
}
_UNITS_OUT = {unit: value for value, unit in _UNITS.items()}
_PERIODS = {
    keys_pb2.BUDGET_PERIOD_DAILY: Period.DAILY,
    keys_pb2.BUDGET_PERIOD_WEEKLY: Period.WEEKLY,
    keys_pb2.BUDGET_PERIOD_MONTHLY: Period.MONTHLY,
}
_PERIODS_OUT = {period: value for value, period in _PERIODS.items()}
_INTERVALS = {
    keys_pb2.REFILL_INTERVAL_DAILY: RefillInterval.DAILY,
    keys_pb2.REFILL_INTERVAL_MONTHLY: RefillInterval.MONTHLY,
}
_INTERVALS_OUT = {interval: value for value, interval in _INTERVALS.items()}
_SCOPES_OUT = {Scope.KEY: keys_pb2.LIMIT_SCOPE_KEY, Scope.OWNER: keys_pb2.LIMIT_SCOPE_OWNER}
MAX_STATED = 2**53
MAX_TTL = timedelta(hours=24)
_DAY_SECONDS = 86_400


def rules_from_proto(
    limits: Sequence[keys_pb2.Limit], budgets: Sequence[keys_pb2.Budget], prefix: str
) -> tuple[LimitRule, ...]:
    """Limits then budgets as stated (scope KEY; an owner's are relabelled by the
    caller). INVALID_ARGUMENT naming what cannot even be read: a missing unit or
    period, a window that is not whole seconds; the domain checks the rest."""
    problems: list[FieldViolation] = []
    rules = []
    for index, limit in enumerate(limits):
        path = f"{prefix}.limits[{index}]"
        unit = _UNITS.get(limit.unit)
        if unit is None:
            problems.append(FieldViolation(f"{path}.unit", "is required"))
        if limit.window.nanos or not 0 < limit.window.seconds <= 31 * _DAY_SECONDS:
            problems.append(
                FieldViolation(f"{path}.window", "must be whole seconds, 1 s to 31 days")
            )
        rules.append(
            LimitRule(
                "",
                Scope.KEY,
                limit.name,
                unit or Unit.REQUESTS,
                limit.limit,
                window_seconds=int(limit.window.seconds),
            )
        )
    for index, budget in enumerate(budgets):
        path = f"{prefix}.budgets[{index}]"
        period = _PERIODS.get(budget.period)
        if period is None:
            problems.append(FieldViolation(f"{path}.period", "is required"))
            period = Period.DAILY
        anchor = budget.anchor if period is Period.DAILY else (budget.anchor or 1)
        rules.append(
            LimitRule(
                "",
                Scope.KEY,
                budget.name,
                Unit.COST,
                budget.limit,
                period=period,
                anchor=anchor,
                time_zone=budget.time_zone or "UTC",
            )
        )
    if problems:
        raise InvalidArgumentError(problems)
    return tuple(rules)


def _refill_from_proto(key: keys_pb2.APIKey) -> Refill | None:
    if not key.HasField("refill"):
        return None
    interval = _INTERVALS.get(key.refill.interval)
    if interval is None:
        raise InvalidArgumentError.single("api_key.refill.interval", "is required")
    day = key.refill.day_of_month
    if interval is RefillInterval.MONTHLY:
        day = day or 1
    return Refill(key.refill.amount, interval, day)


def key_input_from_proto(key: keys_pb2.APIKey) -> KeyInput:
    """The domain input of a request's key settings."""
    return KeyInput(
        name=key.name,
        description=key.description,
        owner_id=key.owner_id,
        rate_limit_per_minute=key.rate_limit_per_minute,
        expire_time=timestamp_from_proto(key, "expire_time", "api_key.expire_time"),
        remaining_uses=key.remaining_uses if key.HasField("remaining_uses") else None,
        metadata=struct_from_proto(key.metadata, "api_key.metadata"),
        metadata_size=key.metadata.ByteSize(),
        rules=rules_from_proto(key.limits, key.budgets, "api_key"),
        refill=_refill_from_proto(key),
        allowed_models=tuple(key.allowed_models),
        allowed_providers=tuple(key.allowed_providers),
        disabled=key.disabled,
    )


def ask_from_proto(request: keys_pb2.ValidateAPIKeyRequest, prefix: str = "") -> Ask:
    """What a validation states besides its key; PLAIN when it states nothing.
    INVALID_ARGUMENT naming each field out of bounds."""
    if not (
        request.model
        or request.provider
        or request.requests
        or request.tokens
        or request.cost
        or request.reserve
        or request.request_id
        or request.HasField("reservation_ttl")
    ):
        return PLAIN
    problems: list[FieldViolation] = []
    for name in ("requests", "tokens", "cost"):
        if not 0 <= getattr(request, name) <= MAX_STATED:
            problems.append(FieldViolation(prefix + name, f"must be between 0 and {MAX_STATED}"))
    for name, longest in (("model", 256), ("provider", 64)):
        value = getattr(request, name)
        if len(value) > longest or not value.isprintable():
            problems.append(
                FieldViolation(prefix + name, f"must be at most {longest} printable characters")
            )
    ttl = DEFAULT_RESERVATION_TTL
    if request.HasField("reservation_ttl"):
        seconds = request.reservation_ttl.seconds + request.reservation_ttl.nanos / 1e9
        if not 1 <= seconds <= MAX_TTL.total_seconds():
            problems.append(FieldViolation(prefix + "reservation_ttl", "must be 1 s to 24 hours"))
        else:
            ttl = timedelta(seconds=seconds)
    if len(request.request_id) > 128:
        problems.append(FieldViolation(prefix + "request_id", "must be at most 128 characters"))
    elif request.request_id and not request.reserve:
        problems.append(
            FieldViolation(prefix + "request_id", "is only for a reservation (reserve)")
        )
    if problems:
        raise InvalidArgumentError(problems)
    return Ask(
        model=request.model,
        provider=request.provider,
        cost=Cost(request.requests or 1, request.tokens, request.cost),
        reserve=request.reserve,
        reservation_ttl=ttl,
        request_id=request.request_id,
    )


def _rules_to_proto(
    rules: Sequence[LimitRule],
    limits: Any,
    budgets: Any,
) -> None:
    for rule in rules:
        if rule.period is None:
            limit = limits.add(name=rule.name, unit=_UNITS_OUT[rule.unit], limit=rule.amount)
            limit.window.seconds = rule.window_seconds or 0
        else:
            budgets.append(budget_to_proto(rule))


def budget_to_proto(rule: LimitRule) -> keys_pb2.Budget:
    """A budget as the proto states it (``rule.period`` is set)."""
    assert rule.period is not None  # a budget
    return keys_pb2.Budget(
        name=rule.name,
        limit=rule.amount,
        period=_PERIODS_OUT[rule.period],
        anchor=rule.anchor,
        time_zone=rule.time_zone,
    )


def scope_to_proto(scope: Scope) -> keys_pb2.LimitScope.ValueType:
    """The proto value of a limit's or budget's scope: the key's or its owner's."""
    return _SCOPES_OUT[scope]


def owner_policy_from_proto(policy: keys_pb2.OwnerPolicy) -> OwnerPolicy:
    """The domain's owner policy as an update states it (rules of scope OWNER)."""
    rules = rules_from_proto(policy.limits, policy.budgets, "policy")
    return OwnerPolicy(policy.owner_id, tuple(replace(rule, scope=Scope.OWNER) for rule in rules))


def owner_policy_to_proto(policy: OwnerPolicy) -> keys_pb2.OwnerPolicy:
    """An owner's policy."""
    message = keys_pb2.OwnerPolicy(owner_id=policy.owner_id)
    _rules_to_proto(policy.rules, message.limits, message.budgets)
    set_times(message, update_time=policy.updated_at)
    return message


def limit_state_to_proto(state: LimitState, message: keys_pb2.LimitState) -> None:
    """Fill ``message`` with a limit's state after a validation."""
    rule = state.rule
    message.name = rule.name
    message.scope = _SCOPES_OUT[rule.scope]
    message.unit = _UNITS_OUT[rule.unit]
    message.budget = rule.period is not None
    message.limit = rule.amount
    message.remaining = state.remaining
    message.reset_time.FromDatetime(state.reset_time)


def key_query_from_proto(request: keys_pb2.ListAPIKeysRequest) -> KeyQuery:
    """The domain query of a list request."""
    return KeyQuery(
        key_prefix=request.key_prefix,
        owner_id=request.owner_id,
        include_revoked=request.include_revoked,
        include_expired=request.include_expired,
        page_size=request.page_size,
        page_token=request.page_token,
    )


def grace_from_proto(grace: duration_pb2.Duration) -> timedelta:
    """A rotation's grace period (unset: none); its bounds are the domain's to check.

    A Duration may state up to 10,000 years (and a raw int64 more), past what a
    timedelta holds: seconds beyond a century are clamped to it first, so the domain
    refuses them by its own bounds instead of the arithmetic overflowing here.
    """
    seconds = max(-_CENTURY_SECONDS, min(grace.seconds, _CENTURY_SECONDS))
    return timedelta(seconds=seconds, microseconds=grace.nanos // 1000)


def key_to_proto(record: APIKey) -> keys_pb2.APIKey:
    """The public record of a key."""
    message = keys_pb2.APIKey(
        id=record.id,
        key_prefix=record.key_prefix,
        name=record.name,
        description=record.description,
        owner_id=record.owner_id,
        rate_limit_per_minute=record.rate_limit_per_minute or 0,
    )
    if record.remaining_uses is not None:
        message.remaining_uses = record.remaining_uses
    if record.rules:
        _rules_to_proto(record.rules, message.limits, message.budgets)
    if record.refill is not None:
        refill = record.refill
        message.refill.amount = refill.amount
        message.refill.interval = _INTERVALS_OUT[refill.interval]
        message.refill.day_of_month = refill.day
        if refill.last_refill_at is not None:
            message.refill.last_refill_time.FromDatetime(refill.last_refill_at)
    if record.allowed_models:
        message.allowed_models.extend(record.allowed_models)
    if record.allowed_providers:
        message.allowed_providers.extend(record.allowed_providers)
    if record.disabled_at is not None:
        message.disabled = True
        message.disable_time.FromDatetime(record.disabled_at)
    # json_format.ParseDict's result (present even when empty), without its walk.
    message.metadata.SetInParent()
    message.metadata.update(record.metadata)
    set_times(
        message,
        expire_time=record.expire_time,
        revoke_time=record.revoked_at,
        last_used_time=record.last_used_at,
        create_time=record.created_at,
        update_time=record.updated_at,
    )
    return message


def validation_to_proto(result: Validation) -> keys_pb2.ValidateAPIKeyResponse:
    """The ValidateAPIKey answer."""
    response = keys_pb2.ValidateAPIKeyResponse(valid=result.valid, reason=_REASONS[result.reason])
    if result.record is not None:
        response.api_key.CopyFrom(key_to_proto(result.record))
    if result.rate is not None:
        response.rate_limit.limit = result.rate.limit
        response.rate_limit.remaining = result.rate.remaining
        response.rate_limit.reset_time.FromDatetime(result.rate.reset_time)
    policy_to_proto(result, response)
    return response


def policy_to_proto(result: Validation, response: keys_pb2.ValidateAPIKeyResponse) -> None:
    """The key-policy part of an answer: what decided, the limits, the reservation."""
    response.decided_by = result.decided_by
    for state in result.limits:
        limit_state_to_proto(state, response.limits.add())
    if result.reservation_id:
        response.reservation_id = result.reservation_id
        if result.reservation_expires is not None:
            response.reservation_expire_time.FromDatetime(result.reservation_expires)


def reason_to_proto(reason: Reason) -> keys_pb2.APIKeyValidationReason.ValueType:
    """The proto value of a validation's reason."""
    return _REASONS[reason]
