"""SQL of the usage analytics (summary, top auths): read from the usage rollups of
migration 0012, so a call costs what its days and groups hold, not its usage rows.

- ``usage_daily_chunks`` (day x provider x model x chunk of 256 interned auth numbers):
  counter sums, and the chunk's auths with usage as a bitmap. Exact distinct auths over
  a range: OR the bitmaps of each chunk over the days (bit_or), count the bits
  (bit_count), add the chunks up.
- ``usage_auth_daily`` (day x auth number): requests and total tokens. The top auths
  are ranked from it; only the winners' distinct models are then read from
  ``usage_stats``, through its (auth_id, usage_date) index.

Both have weekly twins (migration 0013: ``usage_weekly_chunks``, ``usage_auth_weekly``):
a range is read as its whole ISO weeks from those plus its edge days from the daily
tables (``DayPieces``), so a 30-day range reads about four weeks and at most twelve
days, not thirty days.

A filter the rollups do not hold (auth_id for the summary; provider or model for the
top auths, which are summed over every model) reads ``usage_stats`` as before: the
filter already narrows it to one auth, or to a part of the range's rows.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from psycopg import sql

from dataaccess_server.db.cluster import Connection
from dataaccess_server.domain.model.analytics import (
    AuthUsage,
    DayPieces,
    Filters,
    SummaryRow,
    TopAuthsOrder,
    UsageSummary,
    UsageTotals,
)

# The chunk rows of a range: its whole weeks, then its edge days (disjoint pieces).
CHUNK_PIECES = """
    SELECT provider, model, chunk, {columns} FROM usage_weekly_chunks
    WHERE week BETWEEN %(week_from)s AND %(week_to)s {filters}
    UNION ALL
    SELECT provider, model, chunk, {columns} FROM usage_daily_chunks
    WHERE (usage_date BETWEEN %(head_from)s AND %(head_to)s
        OR usage_date BETWEEN %(tail_from)s AND %(tail_to)s) {filters}
"""
SUM_COLUMNS = (
    "request_count, input_tokens, output_tokens, reasoning_tokens, cached_tokens, "
    "total_tokens, success_count, error_count"
)
CHUNK_SUMS = f"""
SELECT provider, model, sum(request_count)::bigint, sum(input_tokens)::bigint,
    sum(output_tokens)::bigint, sum(reasoning_tokens)::bigint, sum(cached_tokens)::bigint,
    sum(total_tokens)::bigint, sum(success_count)::bigint, sum(error_count)::bigint
FROM ({CHUNK_PIECES.replace("{columns}", SUM_COLUMNS)}) pieces
GROUP BY provider, model ORDER BY provider, model
"""
STATS_SUMS = """
SELECT provider, model, sum(request_count)::bigint, sum(input_tokens)::bigint,
    sum(output_tokens)::bigint, sum(reasoning_tokens)::bigint, sum(cached_tokens)::bigint,
    sum(total_tokens)::bigint, sum(success_count)::bigint, sum(error_count)::bigint
FROM usage_stats
WHERE usage_date BETWEEN %(start_date)s AND %(end_date)s {filters}
GROUP BY provider, model ORDER BY provider, model
"""
# Per group, each chunk's set over the range, then its size.
CHUNK_AUTHS = f"""
SELECT provider, model, sum(bit_count(auths))::bigint FROM (
    SELECT provider, model, chunk, bit_or(auths) AS auths
    FROM ({CHUNK_PIECES.replace("{columns}", "auths")}) pieces
    GROUP BY provider, model, chunk
) chunks GROUP BY provider, model
"""
CHUNK_ALL_AUTHS = f"""
SELECT coalesce(sum(bit_count(auths)), 0)::bigint FROM (
    SELECT chunk, bit_or(auths) AS auths
    FROM ({CHUNK_PIECES.replace("{columns}", "auths")}) pieces
    GROUP BY chunk
) chunks
"""
# Over usage_stats (a filter on auth_id): three simple aggregations beat one with
# count(DISTINCT) per grouping set: each is a single hash aggregation, no sort.
STATS_AUTHS = """
SELECT provider, model, count(*) FROM (
    SELECT DISTINCT provider, model, auth_id FROM usage_stats
    WHERE usage_date BETWEEN %(start_date)s AND %(end_date)s {filters}
) keys GROUP BY provider, model
"""
STATS_ALL_AUTHS = """
SELECT count(*) FROM (
    SELECT DISTINCT auth_id FROM usage_stats
    WHERE usage_date BETWEEN %(start_date)s AND %(end_date)s {filters}
) auths
"""
# The ranking by one sum over the numbers, read as whole weeks and edge days (WITH
# TIES: the ties at the cut, so that the final order by auth id, a text, picks the same
# auths as ranking by it directly), then the distinct models of the few auths kept.
TOP_AUTHS_ROLLUP = """
SELECT top.auth_id, top.requests, top.total_tokens, (
    SELECT count(*) FROM (
        SELECT DISTINCT provider, model FROM usage_stats u
        WHERE u.auth_id = top.auth_id
            AND u.usage_date BETWEEN %(start_date)s AND %(end_date)s
    ) models
)
FROM (
    SELECT auth_id, requests, total_tokens FROM (
        SELECT auth_number, sum(request_count)::bigint AS requests,
            sum(total_tokens)::bigint AS total_tokens
        FROM (
            SELECT auth_number, request_count, total_tokens FROM usage_auth_weekly
            WHERE week BETWEEN %(week_from)s AND %(week_to)s
            UNION ALL
            SELECT auth_number, request_count, total_tokens FROM usage_auth_daily
            WHERE usage_date BETWEEN %(head_from)s AND %(head_to)s
                OR usage_date BETWEEN %(tail_from)s AND %(tail_to)s
        ) pieces
        GROUP BY auth_number ORDER BY {order} DESC FETCH FIRST %(limit)s ROWS WITH TIES
    ) ranked JOIN usage_auth_numbers USING (auth_number)
    ORDER BY {order} DESC, auth_id LIMIT %(limit)s
) top
ORDER BY {order} DESC, top.auth_id
"""
# Per auth and model first (one hash aggregation), then per auth: cheaper than
# count(DISTINCT (provider, model)), which sorts.
TOP_AUTHS_STATS = """
SELECT auth_id, sum(requests)::bigint AS requests, sum(total_tokens)::bigint AS total_tokens,
    count(*)
FROM (
    SELECT auth_id, provider, model, sum(request_count) AS requests,
        sum(total_tokens) AS total_tokens
    FROM usage_stats
    WHERE usage_date BETWEEN %(start_date)s AND %(end_date)s {filters}
    GROUP BY auth_id, provider, model
) per_model
GROUP BY auth_id
ORDER BY {order} DESC, auth_id
LIMIT %(limit)s
"""
TOP_AUTHS_ORDERS = {TopAuthsOrder.REQUESTS: "requests", TopAuthsOrder.TOTAL_TOKENS: "total_tokens"}
FILTERS = {
    "provider": "provider = %(provider)s",
    "model": "model = %(model)s",
    "auth_id": "auth_id = %(auth_id)s",
}


def _filtered(query: str, filters: Filters) -> sql.SQL:
    """``query`` with a condition for each filter that is set."""
    conditions = "".join(
        f" AND {condition}" for name, condition in FILTERS.items() if getattr(filters, name)
    )
    return sql.SQL(query.replace("{filters}", conditions))


def _params(start_date: date, end_date: date, filters: Filters) -> dict[str, object]:
    pieces = DayPieces.of(start_date, end_date)
    return {
        "start_date": start_date,
        "end_date": end_date,
        "week_from": pieces.week_from,
        "week_to": pieces.week_to,
        "head_from": pieces.head[0],
        "head_to": pieces.head[1],
        "tail_from": pieces.tail[0],
        "tail_to": pieces.tail[1],
        **{name: getattr(filters, name) or None for name in FILTERS},
    }


async def usage_summary(
    conn: Connection, *, start_date: date, end_date: date, filters: Filters
) -> UsageSummary:
    """Totals per provider and model with usage in the range, and the grand total. Run
    it in one snapshot (a REPEATABLE READ transaction): it takes three statements."""
    params = _params(start_date, end_date, filters)
    by_auth = bool(filters.auth_id)  # not in the chunks: usage_stats, narrowed to one auth
    cursor = await conn.execute(_filtered(STATS_SUMS if by_auth else CHUNK_SUMS, filters), params)
    sums = await cursor.fetchall()
    cursor = await conn.execute(_filtered(STATS_AUTHS if by_auth else CHUNK_AUTHS, filters), params)
    auths = {(provider, model): int(count) for provider, model, count in await cursor.fetchall()}
    everyone_query = STATS_ALL_AUTHS if by_auth else CHUNK_ALL_AUTHS
    cursor = await conn.execute(_filtered(everyone_query, filters), params)
    everyone = await cursor.fetchone()
    assert everyone is not None
    rows = [
        SummaryRow(
            str(provider),
            str(model),
            UsageTotals(*[*(int(value) for value in counters), auths[(provider, model)]]),
        )
        for provider, model, *counters in sums
    ]
    counters = [f.name for f in fields(UsageTotals) if f.name != "distinct_auths"]
    sums_of_all = [sum(getattr(row.totals, name) for row in rows) for name in counters]
    total = UsageTotals(*[*sums_of_all, int(everyone[0])])
    return UsageSummary(rows, total)


async def top_auths(
    conn: Connection,
    *,
    start_date: date,
    end_date: date,
    order: TopAuthsOrder,
    limit: int,
    filters: Filters,
) -> list[AuthUsage]:
    """The ``limit`` auths with the most ``order`` (TOP_AUTHS_ORDERS) in the range, ties
    by auth id; each with its requests, total tokens and distinct models."""
    filtered = bool(filters.provider or filters.model or filters.auth_id)
    query = TOP_AUTHS_STATS if filtered else TOP_AUTHS_ROLLUP
    cursor = await conn.execute(
        _filtered(query.replace("{order}", TOP_AUTHS_ORDERS[order]), filters),
        {**_params(start_date, end_date, filters), "limit": limit},
    )
    return [
        AuthUsage(str(auth), int(requests), int(tokens), int(models))
        for auth, requests, tokens, models in await cursor.fetchall()
    ]
