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

-- Spend per key and UTC day, added by usage writes that name a key, in their transaction.
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
