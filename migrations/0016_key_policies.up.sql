-- 0016 key policies for LLM traffic (issue 18): named limits and budgets on keys and
-- owners, scheduled refills, allowed models and providers, reversible disable,
-- reservations settled by usage writes, and the rollups of per-key analytics.
--
-- Exactness without a write per validation (domain/key_policies.py): the ledger row of
-- a (limit, window or period) is the truth. A server takes a slice of the allowance
-- with one UPDATE that never lets `taken` pass the limit, admits validations from the
-- slice in memory, and gives back what it did not spend. `taken` is everything granted
-- to servers (spent or not) or charged by settlements and usage writes, less what was
-- given back or released; the allowance left is `amount - taken`. A server that dies
-- holding a slice never gives it back: its window admits less, never more.
--
-- Periods come from the database's clock (dataaccess_now(), 0015) through policy_window
-- and policy_period, so every server agrees on them and a test can move them.

ALTER TABLE api_keys
    ADD COLUMN disabled_at       timestamptz,
    ADD COLUMN allowed_models    text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN allowed_providers text[]      NOT NULL DEFAULT '{}',
    -- A refill SETS remaining_uses to refill_amount at every scheduled time after
    -- last_refill_at (the scheduled time of the last refill applied): a compare-and-set
    -- on last_refill_at makes it happen once whatever the number of servers.
    ADD COLUMN refill_amount     bigint,
    ADD COLUMN refill_interval   text,
    ADD COLUMN refill_day        smallint    NOT NULL DEFAULT 0,
    ADD COLUMN last_refill_at    timestamptz,
    ADD CONSTRAINT api_keys_allowed_lists_size
        CHECK (cardinality(allowed_models) <= 64 AND cardinality(allowed_providers) <= 64),
    ADD CONSTRAINT api_keys_refill_amount_positive
        CHECK (refill_amount IS NULL OR refill_amount > 0),
    ADD CONSTRAINT api_keys_refill_interval_known
        CHECK (refill_interval IS NULL OR refill_interval IN ('daily', 'monthly')),
    ADD CONSTRAINT api_keys_refill_complete
        CHECK ((refill_amount IS NULL) = (refill_interval IS NULL)),
    ADD CONSTRAINT api_keys_refill_day_range
        CHECK (refill_day BETWEEN 0 AND 31);

-- Owners with a policy (their limits are key_limits rows with owner_id set).
CREATE TABLE key_owner_policies (
    owner_id   text        PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT key_owner_policies_owner_id_length CHECK (length(owner_id) BETWEEN 1 AND 256)
);

-- Limits (a fixed window of window_seconds) and budgets (a calendar period in a time
-- zone, in cost units) of one key or one owner. A list replaced by an update keeps the
-- rows (and so the spending counted) of the names it keeps.
CREATE TABLE key_limits (
    id             uuid        PRIMARY KEY,
    api_key_id     uuid        REFERENCES api_keys (id) ON DELETE CASCADE,
    owner_id       text        REFERENCES key_owner_policies (owner_id) ON DELETE CASCADE,
    name           text        NOT NULL,
    unit           text        NOT NULL,
    amount         bigint      NOT NULL,
    window_seconds integer,
    period         text,
    anchor         smallint    NOT NULL DEFAULT 0,
    time_zone      text        NOT NULL DEFAULT 'UTC',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT key_limits_one_subject CHECK ((api_key_id IS NULL) <> (owner_id IS NULL)),
    CONSTRAINT key_limits_name_form CHECK (name ~ '^[A-Za-z0-9_.-]{1,64}$'),
    CONSTRAINT key_limits_unit_known CHECK (unit IN ('requests', 'tokens', 'cost')),
    CONSTRAINT key_limits_amount_positive CHECK (amount > 0),
    CONSTRAINT key_limits_window_or_period CHECK ((window_seconds IS NULL) <> (period IS NULL)),
    CONSTRAINT key_limits_window_range CHECK (window_seconds BETWEEN 1 AND 31 * 86400),
    CONSTRAINT key_limits_period_known CHECK (period IN ('daily', 'weekly', 'monthly')),
    CONSTRAINT key_limits_budget_in_cost CHECK (period IS NULL OR unit = 'cost'),
    CONSTRAINT key_limits_anchor_range CHECK (
        (period = 'weekly' AND anchor BETWEEN 1 AND 7)
        OR (period = 'monthly' AND anchor BETWEEN 1 AND 31)
        OR (coalesce(period, 'daily') = 'daily' AND anchor = 0)),
    CONSTRAINT key_limits_time_zone_length CHECK (length(time_zone) BETWEEN 1 AND 64)
);
CREATE UNIQUE INDEX key_limits_key_name_key ON key_limits (api_key_id, name)
    WHERE api_key_id IS NOT NULL;
CREATE UNIQUE INDEX key_limits_owner_name_key ON key_limits (owner_id, name)
    WHERE owner_id IS NOT NULL;

-- The ledger: one row per limit and window (or budget and period), created by the
-- first grant or charge in it. Rows of windows that ended a day ago are deleted by the
-- servers' sweep; budget periods are kept (spend history).
CREATE TABLE key_limit_ledger (
    limit_id     uuid        NOT NULL REFERENCES key_limits (id) ON DELETE CASCADE,
    period_start timestamptz NOT NULL,
    period_end   timestamptz NOT NULL,
    taken        bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (limit_id, period_start),
    CONSTRAINT key_limit_ledger_period_order CHECK (period_start < period_end)
);
CREATE INDEX key_limit_ledger_period_end_idx ON key_limit_ledger (period_end);

-- Reservations: one row each, written when a validation reserves, so that a usage
-- write on any server can settle it (by id or request_id) and any server's sweep can
-- release it at its expiry. holds lists what it holds: (limit, period start, amount).
CREATE TABLE key_reservations (
    id              uuid        PRIMARY KEY,
    api_key_id      uuid        NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    request_id      text,
    state           text        NOT NULL DEFAULT 'held',
    expires_at      timestamptz NOT NULL,
    hold_limit_ids  uuid[]      NOT NULL,
    hold_starts     timestamptz[] NOT NULL,
    hold_amounts    bigint[]    NOT NULL,
    requests        bigint      NOT NULL,
    tokens          bigint      NOT NULL,
    cost            bigint      NOT NULL,
    actual_tokens   bigint,
    actual_cost     bigint,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    CONSTRAINT key_reservations_state_known CHECK (state IN ('held', 'settled', 'expired')),
    CONSTRAINT key_reservations_request_id_length
        CHECK (request_id IS NULL OR length(request_id) BETWEEN 1 AND 128),
    CONSTRAINT key_reservations_holds_aligned CHECK (
        cardinality(hold_limit_ids) = cardinality(hold_starts)
        AND cardinality(hold_starts) = cardinality(hold_amounts))
);
CREATE UNIQUE INDEX key_reservations_request_id_key ON key_reservations (request_id);
CREATE INDEX key_reservations_held_expiry_idx ON key_reservations (expires_at)
    WHERE state = 'held';

-- Per-key analytics. Validations by reason per key and hour, added from each server's
-- in-memory counts every few seconds (unknown keys are not counted: they have no id).
CREATE TABLE key_validation_hourly (
    hour        timestamptz NOT NULL,
    api_key_id  uuid        NOT NULL,
    owner_id    text        NOT NULL,
    reason      text        NOT NULL,
    count       bigint      NOT NULL,
    PRIMARY KEY (hour, api_key_id, reason),
    CONSTRAINT key_validation_hourly_on_the_hour CHECK (date_trunc('hour', hour) = hour)
);
CREATE INDEX key_validation_hourly_key_idx ON key_validation_hourly (api_key_id, hour);
CREATE INDEX key_validation_hourly_owner_idx ON key_validation_hourly (owner_id, hour);

-- Spend per key and UTC day (of the policy clock), added by usage writes that name a
-- key, in their transaction (key_usage_charge): records, tokens and cost charged.
CREATE TABLE key_spend_daily (
    day         date        NOT NULL,
    api_key_id  uuid        NOT NULL,
    owner_id    text        NOT NULL,
    requests    bigint      NOT NULL,
    tokens      bigint      NOT NULL,
    cost        bigint      NOT NULL,
    PRIMARY KEY (day, api_key_id)
);
CREATE INDEX key_spend_daily_key_idx ON key_spend_daily (api_key_id, day);
CREATE INDEX key_spend_daily_owner_idx ON key_spend_daily (owner_id, day);

-- Usage records gain a cost (summed like the other counters).
ALTER TABLE usage_stats
    ADD COLUMN cost bigint NOT NULL DEFAULT 0,
    ADD CONSTRAINT usage_stats_cost_non_negative CHECK (cost >= 0);

-- Takes allowance for this server from the ledger rows of the current window or period
-- of each limit in `ids` (created on first use), `wants[i]` units for ids[i]: as much
-- as is left up to what it wants (never past the limit), or, with `forced`, all of it
-- (a usage write charging its actual cost, which may pass the limit). Returns per
-- limit its period, its limit, the ledger's taken after the grant, what was granted,
-- and the database clock used. Rows are locked in limit id order: two servers taking
-- for the same limits never deadlock.
CREATE FUNCTION key_limit_take(ids uuid[], wants bigint[], forced boolean,
    OUT limit_id uuid, OUT period_start timestamptz, OUT period_end timestamptz,
    OUT amount bigint, OUT taken bigint, OUT granted bigint, OUT clock timestamptz)
RETURNS SETOF record LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    at timestamptz := dataaccess_now();
    r record;
    before bigint;
BEGIN
    IF cardinality(ids) IS DISTINCT FROM cardinality(wants) THEN
        RAISE EXCEPTION 'key_limit_take: % ids but % wants', cardinality(ids), cardinality(wants)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    clock := at;
    FOR r IN
        SELECT l.id, l.amount AS limit_amount, l.window_seconds, l.period, l.anchor,
               l.time_zone, w.want
        FROM unnest(ids, wants) AS w(id, want) JOIN key_limits l ON l.id = w.id
        ORDER BY l.id
    LOOP
        limit_id := r.id;
        amount := r.limit_amount;
        IF r.window_seconds IS NOT NULL THEN
            SELECT p.period_start, p.period_end INTO period_start, period_end
            FROM policy_window(r.window_seconds, at) p;
        ELSE
            SELECT p.period_start, p.period_end INTO period_start, period_end
            FROM policy_period(r.period, r.anchor, r.time_zone, at) p;
        END IF;
        INSERT INTO key_limit_ledger AS g (limit_id, period_start, period_end)
        VALUES (r.id, period_start, period_end)
        ON CONFLICT DO NOTHING;
        SELECT g.taken INTO before FROM key_limit_ledger g
        WHERE g.limit_id = r.id AND g.period_start = key_limit_take.period_start
        FOR UPDATE;
        IF forced THEN
            granted := r.want;
        ELSE
            granted := least(greatest(r.want, 0), greatest(r.limit_amount - before, 0));
        END IF;
        taken := before + granted;
        IF granted <> 0 THEN
            UPDATE key_limit_ledger g SET taken = key_limit_take.taken
            WHERE g.limit_id = r.id AND g.period_start = key_limit_take.period_start;
        END IF;
        RETURN NEXT;
    END LOOP;
END;
$$;

-- What usage writes charge, in the usage write's transaction (db/usage.py). Charge i is
-- for key p_key_ids[i] (NULL: none) with the actual p_tokens[i] and p_costs[i]; p_refs[i] names
-- the reservation it settles, by id or by request id (NULL: none). A reservation still
-- held is settled: each hold's estimate is replaced by the actual of its unit (a
-- requests hold stays as it was). One that had expired (its holds released) is charged
-- the actual as new. One already settled charges nothing: a settlement happens once.
-- A charge that settles nothing charges its cost to the budgets of its key and of the
-- key's owner, in their current periods. Returns the ledger rows changed (with their
-- taken after the change) and, in `settled`, the reservations settled (the same value
-- on every row; one row with a NULL limit when no ledger row changed).
CREATE FUNCTION key_usage_charge(p_refs text[], p_key_ids uuid[], p_tokens bigint[], p_costs bigint[],
    OUT limit_id uuid, OUT period_start timestamptz, OUT taken bigint, OUT settled integer)
RETURNS SETOF record LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    at timestamptz := dataaccess_now();
    i integer;
    res key_reservations%ROWTYPE;
    d_ids uuid[] := '{}';
    d_starts timestamptz[] := '{}';
    d_ends timestamptz[] := '{}';
    d_amounts bigint[] := '{}';
    b record;
    count_settled integer := 0;
BEGIN
    FOR i IN 1 .. coalesce(cardinality(p_key_ids), 0) LOOP
        res := NULL;
        IF p_refs[i] IS NOT NULL THEN
            SELECT r.* INTO res FROM key_reservations r
            WHERE (r.id = CASE WHEN p_refs[i] ~* '^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$'
                               THEN p_refs[i]::uuid END
                   OR r.request_id = p_refs[i])
              AND (p_key_ids[i] IS NULL OR r.api_key_id = p_key_ids[i])
            ORDER BY r.request_id IS NOT DISTINCT FROM p_refs[i]
            LIMIT 1
            FOR UPDATE;
        END IF;
        IF res.id IS NOT NULL THEN
            IF res.state <> 'settled' THEN
                SELECT d_ids || array_agg(h.limit_id ORDER BY h.limit_id),
                       d_starts || array_agg(h.period_start ORDER BY h.limit_id),
                       d_ends || array_agg(h.period_start ORDER BY h.limit_id),
                       d_amounts || array_agg(
                           CASE l.unit WHEN 'requests' THEN h.amount
                                       WHEN 'tokens' THEN p_tokens[i]
                                       ELSE p_costs[i] END
                           - CASE WHEN res.state = 'held' THEN h.amount ELSE 0 END
                           ORDER BY h.limit_id)
                INTO d_ids, d_starts, d_ends, d_amounts
                FROM unnest(res.hold_limit_ids, res.hold_starts, res.hold_amounts)
                    AS h(limit_id, period_start, amount)
                JOIN key_limits l ON l.id = h.limit_id;
                UPDATE key_reservations SET state = 'settled', actual_tokens = p_tokens[i],
                    actual_cost = p_costs[i], finished_at = now()
                WHERE id = res.id;
                count_settled := count_settled + 1;
            END IF;
        ELSIF p_key_ids[i] IS NOT NULL AND p_costs[i] > 0 THEN
            FOR b IN
                SELECT l.id, p.period_start, p.period_end
                FROM api_keys k
                JOIN key_limits l ON l.api_key_id = k.id OR l.owner_id = k.owner_id
                CROSS JOIN LATERAL policy_period(l.period, l.anchor, l.time_zone, at) p
                WHERE k.id = p_key_ids[i] AND l.period IS NOT NULL
            LOOP
                d_ids := d_ids || b.id;
                d_starts := d_starts || b.period_start;
                d_ends := d_ends || b.period_end;
                d_amounts := d_amounts || p_costs[i];
            END LOOP;
        END IF;
    END LOOP;
    settled := count_settled;
    -- Spend per key and day (analytics), in key order.
    INSERT INTO key_spend_daily AS s (day, api_key_id, owner_id, requests, tokens, cost)
    SELECT (at AT TIME ZONE 'UTC')::date, k.id, k.owner_id, count(*), sum(c.tokens), sum(c.cost)
    FROM unnest(p_key_ids, p_tokens, p_costs) AS c(api_key_id, tokens, cost)
    JOIN api_keys k ON k.id = c.api_key_id
    GROUP BY k.id, k.owner_id ORDER BY k.id
    ON CONFLICT (day, api_key_id) DO UPDATE SET
        requests = s.requests + excluded.requests,
        tokens = s.tokens + excluded.tokens,
        cost = s.cost + excluded.cost;
    -- Budget periods charged for the first time get their row; then every row changes
    -- once, in (limit, period) order.
    INSERT INTO key_limit_ledger AS g (limit_id, period_start, period_end)
    SELECT DISTINCT d.limit_id, d.period_start, d.period_end
    FROM unnest(d_ids, d_starts, d_ends) AS d(limit_id, period_start, period_end)
    WHERE d.period_end > d.period_start
    ORDER BY 1, 2
    ON CONFLICT DO NOTHING;
    RETURN QUERY
    UPDATE key_limit_ledger g SET taken = g.taken + d.amount
    FROM (SELECT x.limit_id, x.period_start, sum(x.amount)::bigint AS amount
          FROM unnest(d_ids, d_starts, d_amounts) AS x(limit_id, period_start, amount)
          GROUP BY 1, 2 ORDER BY 1, 2) d
    WHERE g.limit_id = d.limit_id AND g.period_start = d.period_start AND d.amount <> 0
    RETURNING g.limit_id, g.period_start, g.taken, count_settled;
    IF NOT FOUND THEN
        limit_id := NULL;
        period_start := NULL;
        taken := NULL;
        RETURN NEXT;
    END IF;
END;
$$;
