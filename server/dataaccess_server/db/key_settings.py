"""SQL of key policy settings (migration 0016): a key's or an owner's limits and budgets
in key_limits, a key's allowed models and providers, disable and refill schedule, and the
scheduled refill itself. db/api_keys.py runs them inside its key changes (which notify
every server's cache); reads aggregate the rules into the key's row (KEY_RULES).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from psycopg import sql

from dataaccess_server.db.cluster import Connection
from dataaccess_server.domain.model.api_keys import NewAPIKey
from dataaccess_server.domain.model.key_policies import (
    LimitRule,
    OwnerPolicy,
    Period,
    Refill,
    RefillInterval,
    Scope,
    Unit,
)

# A key's limits and budgets (and its owner's), as one JSON array each, by name.
RULES_OF = """
(SELECT coalesce(json_agg(json_build_array(l.id, l.name, l.unit, l.amount, l.window_seconds,
    l.period, l.anchor, l.time_zone) ORDER BY l.name), '[]') FROM key_limits l WHERE {where})
"""
KEY_RULES = RULES_OF.format(where="l.api_key_id = k.id")
OWNER_RULES = RULES_OF.format(where="l.owner_id = k.owner_id")
# The scheduled time a refill is due at now (the current period's start, in UTC), of
# the interval and day given (statement parameters, or the key's columns).
_DUE_OF = """(SELECT p.period_start FROM policy_period({interval}, {day}, 'UTC',
    dataaccess_now()) p)"""
DUE = _DUE_OF.format(interval="%(interval)s", day="%(day)s")
_KEY_DUE = _DUE_OF.format(interval="k.refill_interval", day="k.refill_day")
# Whether the key ``k`` has a refill due that was not applied yet.
_REFILL_DUE = f"""k.refill_interval IS NOT NULL
    AND (k.last_refill_at IS NULL OR k.last_refill_at < {_KEY_DUE})"""
# A read shows a due refill as applied (remaining_uses the refill's amount,
# last_refill_at its scheduled time) without writing it: the key's next validation
# applies it (REFILL), to the same values.
SHOWN_REMAINING_USES = f"CASE WHEN {_REFILL_DUE} THEN k.refill_amount ELSE k.remaining_uses END"
SHOWN_LAST_REFILL = f"CASE WHEN {_REFILL_DUE} THEN {_KEY_DUE} ELSE k.last_refill_at END"
SET_POLICY = f"""
UPDATE api_keys SET allowed_models = %(models)s, allowed_providers = %(providers)s,
    disabled_at = CASE WHEN %(disabled)s THEN coalesce(disabled_at, now()) END,
    refill_amount = %(amount)s, refill_interval = %(interval)s, refill_day = %(day)s,
    last_refill_at = CASE WHEN %(interval)s::text IS NULL THEN NULL ELSE {DUE} END
WHERE id = %(id)s
"""
SET_ALLOWED = "UPDATE api_keys SET {column} = %(value)s WHERE id = %(id)s"
SET_DISABLED = """
UPDATE api_keys SET disabled_at = CASE WHEN %(disabled)s THEN coalesce(disabled_at, now()) END
WHERE id = %(id)s
"""
SET_REFILL = f"""
UPDATE api_keys SET refill_amount = %(amount)s, refill_interval = %(interval)s,
    refill_day = %(day)s,
    last_refill_at = CASE WHEN %(interval)s::text IS NULL THEN NULL ELSE {DUE} END
WHERE id = %(id)s
"""
# A due refill, once per scheduled time whatever the number of servers: the
# compare-and-set on last_refill_at lets one statement apply it.
REFILL = f"""
UPDATE api_keys k SET remaining_uses = k.refill_amount, last_refill_at = {_KEY_DUE}
WHERE k.id = %(id)s AND {_REFILL_DUE}
"""
# Replacing a list of limits or budgets keeps the row (and the ledger) of every name kept.
DROP_RULES = """
DELETE FROM key_limits WHERE {subject} = %(subject)s AND (period IS NULL) = %(limits)s
    AND NOT (name = ANY(%(names)s::text[]))
"""
PUT_RULES = """
INSERT INTO key_limits AS l (id, {subject}, name, unit, amount, window_seconds, period,
    anchor, time_zone)
SELECT gen_random_uuid(), * FROM unnest(%(subjects)s::{subject_type}[], %(names)s::text[],
    %(units)s::text[], %(amounts)s::bigint[], %(windows)s::integer[], %(periods)s::text[],
    %(anchors)s::smallint[], %(zones)s::text[])
ORDER BY 3
ON CONFLICT ({subject}, name) WHERE {subject} IS NOT NULL DO UPDATE SET
    unit = excluded.unit, amount = excluded.amount, window_seconds = excluded.window_seconds,
    period = excluded.period, anchor = excluded.anchor, time_zone = excluded.time_zone,
    updated_at = now()
"""
OWNER_POLICY = f"""
SELECT o.owner_id, o.updated_at, {RULES_OF.format(where="l.owner_id = o.owner_id")}
FROM key_owner_policies o WHERE o.owner_id = %(owner_id)s
"""
TOUCH_OWNER = """
INSERT INTO key_owner_policies AS o (owner_id) VALUES (%(owner_id)s)
ON CONFLICT (owner_id) DO UPDATE SET updated_at = now()
"""
HASHES_OF_OWNER = """
SELECT k.key_hash FROM api_keys k WHERE k.owner_id = %(owner_id)s
UNION ALL
SELECT r.key_hash FROM api_key_retired_hashes r JOIN api_keys k ON k.id = r.api_key_id
WHERE k.owner_id = %(owner_id)s
"""


def rules_from_json(items: Sequence[Sequence[Any]], scope: Scope) -> tuple[LimitRule, ...]:
    """Limits and budgets as RULES_OF aggregates them."""
    return tuple(
        LimitRule(
            id=str(item[0]),
            scope=scope,
            name=item[1],
            unit=Unit(item[2]),
            amount=int(item[3]),
            window_seconds=item[4],
            period=Period(item[5]) if item[5] is not None else None,
            anchor=int(item[6]),
            time_zone=item[7],
        )
        for item in items
    )


async def set_policy(conn: Connection, key_id: str, key: NewAPIKey) -> None:
    refill = key.refill
    await conn.execute(
        SET_POLICY,
        {
            "id": key_id,
            "models": list(key.allowed_models),
            "providers": list(key.allowed_providers),
            "disabled": key.disabled,
            **_refill_params(refill),
        },
    )


def _refill_params(refill: Refill | None) -> dict[str, Any]:
    if refill is None:
        return {"amount": None, "interval": None, "day": 0}
    day = 0 if refill.interval is RefillInterval.DAILY else max(refill.day, 1)
    return {"amount": refill.amount, "interval": refill.interval.value, "day": day}


async def update_policy(conn: Connection, key_id: str, changes: Mapping[str, Any]) -> None:
    for column in ("allowed_models", "allowed_providers"):
        if column in changes:
            statement = sql.SQL(SET_ALLOWED).format(column=sql.Identifier(column))
            await conn.execute(statement, {"value": list(changes[column]), "id": key_id})
    if "disabled" in changes:
        await conn.execute(SET_DISABLED, {"disabled": changes["disabled"], "id": key_id})
    if "refill" in changes:
        await conn.execute(SET_REFILL, {"id": key_id, **_refill_params(changes["refill"])})
    for kind in ("limits", "budgets"):
        if kind in changes:
            await put_rules(conn, "api_key_id", key_id, changes[kind], limits=kind == "limits")


async def put_rules(
    conn: Connection, subject: str, subject_id: str, rules: Sequence[LimitRule], *, limits: bool
) -> None:
    # The list of one kind (limits, or budgets) of a key or an owner becomes ``rules``.
    mine = [rule for rule in rules if rule.budget != limits]
    names = sql.SQL(DROP_RULES).format(subject=sql.Identifier(subject))
    await conn.execute(
        names, {"subject": subject_id, "limits": limits, "names": [r.name for r in mine]}
    )
    if not mine:
        return
    put = sql.SQL(PUT_RULES).format(
        subject=sql.Identifier(subject),
        subject_type=sql.SQL("uuid" if subject == "api_key_id" else "text"),
    )
    await conn.execute(
        put,
        {
            "subjects": [subject_id] * len(mine),
            "names": [r.name for r in mine],
            "units": [r.unit.value for r in mine],
            "amounts": [r.amount for r in mine],
            "windows": [r.window_seconds for r in mine],
            "periods": [r.period.value if r.period else None for r in mine],
            "anchors": [r.anchor if r.period is not Period.DAILY else 0 for r in mine],
            "zones": [r.time_zone for r in mine],
        },
    )


async def fetch_owner_policy(conn: Connection, owner_id: str) -> OwnerPolicy:
    """The owner's limits and budgets; an empty policy if none was ever set."""
    cursor = await conn.execute(OWNER_POLICY, {"owner_id": owner_id})
    values = await cursor.fetchone()
    if values is None:
        return OwnerPolicy(owner_id)
    return OwnerPolicy(values[0], rules_from_json(values[2], Scope.OWNER), values[1])
