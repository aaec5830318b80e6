/**
 * What an LLM proxy does with dataaccess, end to end: create an API key with a
 * tokens-per-minute limit and a daily budget, validate it reserving the call's estimated
 * tokens and cost, store a provider OAuth token and read it back with its secrets, record
 * the call's actual usage (retried with its request_id, so counted once) which settles the
 * reservation made with the same request_id, record request logs, read the usage summary,
 * and validate again to see the estimate released and the actual charged.
 * Each result is one `key=value` line on stdout (tests/test_client_node.py parses them);
 * secrets are never printed, only the SHA-256 of what was read back.
 *
 *   node dist/example.js --target 127.0.0.1:50051 --token dac_… [--ca ca.crt]
 *       [--cert client.crt --key client.key] [--server-name dataaccess]
 *
 * Flags fall back to DATAACCESS_TARGET, DATAACCESS_TOKEN, DATAACCESS_CA_FILE,
 * DATAACCESS_CERT_FILE, DATAACCESS_KEY_FILE and DATAACCESS_SERVER_NAME. The calls need
 * the `admin` role (creating keys and reading analytics are not a proxy's).
 */
import { createHash, randomBytes } from "node:crypto";
import { parseArgs } from "node:util";

import { call, connect, grpc, type ConnectOptions } from "./index";

const FLAGS = {
  target: { type: "string", env: "DATAACCESS_TARGET" },
  token: { type: "string", env: "DATAACCESS_TOKEN" },
  ca: { type: "string", env: "DATAACCESS_CA_FILE" },
  cert: { type: "string", env: "DATAACCESS_CERT_FILE" },
  key: { type: "string", env: "DATAACCESS_KEY_FILE" },
  "server-name": { type: "string", env: "DATAACCESS_SERVER_NAME" },
  // What to record: a fresh auth_id per run keeps the summary to this run's usage.
  "auth-id": { type: "string", env: "" },
  "access-token": { type: "string", env: "" },
  "refresh-token": { type: "string", env: "" },
} as const;

// The key's limit and budget (cost in micro-units of a currency), and the call's estimate
// that the validation reserves against them.
const POLICY = { tokens_per_minute: 10000, daily_budget: 1000000 };
const ESTIMATE = { tokens: 2000, cost: 30000 };
// The call's actual usage, which settles the reservation, and so the summary's totals.
const USAGE = { request_count: 1, input_tokens: 1200, output_tokens: 345, success_count: 1 };
const COST = 9000;
const LOGS = 3;

function option(values: Record<string, string | boolean | undefined>, name: keyof typeof FLAGS) {
  const value = values[name];
  if (typeof value === "string") return value;
  const env = FLAGS[name].env;
  return env === "" ? undefined : process.env[env] || undefined;
}

function print(key: string, value: unknown): void {
  process.stdout.write(`${key}=${String(value)}\n`);
}

/** One `<prefix>_remaining_<name>=<units left>` line per limit and budget reported. */
function printRemaining(prefix: string, limits: { name: string; remaining: string }[]): void {
  for (const state of limits) print(`${prefix}_remaining_${state.name}`, state.remaining);
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
const fresh = (prefix: string): string => `${prefix}-${randomBytes(6).toString("hex")}`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: Object.fromEntries(Object.entries(FLAGS).map(([k, v]) => [k, { type: v.type }])),
    strict: true,
  });
  const target = option(values, "target") ?? "127.0.0.1:50051";
  const connectOptions: ConnectOptions = {};
  const [token, ca, cert, key, serverName] = [
    option(values, "token"),
    option(values, "ca"),
    option(values, "cert"),
    option(values, "key"),
    option(values, "server-name"),
  ];
  if (token !== undefined) connectOptions.bearerToken = token;
  if (ca !== undefined) connectOptions.caFile = ca;
  if (cert !== undefined) connectOptions.certFile = cert;
  if (key !== undefined) connectOptions.keyFile = key;
  if (serverName !== undefined) connectOptions.serverName = serverName;
  const authId = option(values, "auth-id") ?? fresh("node-example");
  const accessToken = option(values, "access-token") ?? randomBytes(24).toString("base64url");
  const refreshToken = option(values, "refresh-token") ?? randomBytes(24).toString("base64url");

  const client = connect(target, connectOptions);
  try {
    const created = await call(client.apiKeys, "CreateAPIKey", {
      api_key: {
        name: "node-example",
        owner_id: authId,
        limits: [
          {
            name: "tpm",
            unit: "LIMIT_UNIT_TOKENS",
            window: { seconds: 60 },
            limit: POLICY.tokens_per_minute,
          },
        ],
        budgets: [{ name: "daily", limit: POLICY.daily_budget, period: "BUDGET_PERIOD_DAILY" }],
      },
      request_id: fresh("create-key"),
    });
    print("api_key_id", created.api_key?.id);
    print("api_key_prefix", created.api_key?.key_prefix);

    // Before the upstream call: validate, holding its estimate against the limit and the
    // budget until the usage write with the same request_id settles it (or it expires).
    const callId = fresh("call");
    const validated = await call(client.apiKeys, "ValidateAPIKey", {
      key: created.key,
      provider: "anthropic",
      model: "claude",
      ...ESTIMATE,
      reserve: true,
      request_id: callId,
    });
    print("validate_valid", validated.valid);
    print("validate_reason", validated.reason);
    print("validate_decided_by", validated.decided_by);
    print("validate_reservation_id", validated.reservation_id);
    printRemaining("validate", validated.limits);

    const upserted = await call(client.oauthTokens, "UpsertOAuthToken", {
      token: {
        provider: "claude",
        user_id: authId,
        email: `${authId}@example.com`,
        access_token: accessToken,
        refresh_token: refreshToken,
        token_type: "Bearer",
        scopes: ["inference"],
      },
    });
    print("oauth_created", upserted.created);
    const read = await call(client.oauthTokens, "GetOAuthToken", {
      provider: "claude",
      user_id: authId,
      view: "O_AUTH_TOKEN_VIEW_FULL",
      consistency_token: upserted.consistency_token,
    });
    print("oauth_id", read.token?.id);
    print("oauth_access_token_sha256", sha256(read.token?.access_token ?? ""));
    print("oauth_refresh_token_sha256", sha256(read.token?.refresh_token ?? ""));
    print(
      "oauth_secrets_match",
      read.token?.access_token === accessToken && read.token?.refresh_token === refreshToken,
    );

    const today = new Date().toISOString().slice(0, 10);
    // The call's actual figures, for the key, under the validation's request_id: they
    // settle its reservation (estimate released, actual charged) with the counters.
    const usage = {
      record: {
        provider: "anthropic",
        model: "claude",
        auth_id: authId,
        date: today,
        ...USAGE,
        error_count: USAGE.request_count - USAGE.success_count,
        total_tokens: USAGE.input_tokens + USAGE.output_tokens,
        cost: COST,
        api_key_id: created.api_key?.id ?? "",
      },
      request_id: callId,
    };
    const recorded = await call(client.usage, "UpsertUsage", usage);
    print("usage_replayed", recorded.replayed);
    print("usage_reservations_settled", recorded.reservations_settled);
    // The same request_id again, as a retry after a lost answer would send it.
    const retried = await call(client.usage, "UpsertUsage", usage);
    print("usage_retry_replayed", retried.replayed);
    print("usage_retry_reservations_settled", retried.reservations_settled);

    const now = Date.now();
    const logs = Array.from({ length: LOGS }, (_, n) => ({
      request_id: fresh(`log${n}`),
      request_time: { seconds: Math.floor(now / 1000) - n, nanos: 0 },
      provider: "anthropic",
      model: "claude",
      auth_id: authId,
      api_key_id: created.api_key?.id ?? "",
      method: "POST",
      path: "/v1/messages",
      status_code: n < USAGE.success_count ? 200 : 529,
      latency_ms: 100 * (n + 1),
      input_tokens: 400,
      output_tokens: 115,
    }));
    const inserted = await call(client.requestLogs, "BatchInsertRequestLogs", { logs });
    print("logs_inserted", inserted.inserted);
    print("logs_duplicates", inserted.duplicates);

    const summary = await call(client.analytics, "GetUsageSummary", {
      start_date: today,
      end_date: today,
      auth_id: authId,
    });
    const total = summary.total;
    print("summary_rows", summary.rows.length);
    print("summary_requests", total?.requests);
    print("summary_input_tokens", total?.input_tokens);
    print("summary_output_tokens", total?.output_tokens);
    print("summary_total_tokens", total?.total_tokens);
    print("summary_successes", total?.successes);
    print("summary_errors", total?.errors);
    print("summary_distinct_auths", total?.distinct_auths);

    // After settlement the limit and budget have the estimate back and the actual spent.
    const after = await call(client.apiKeys, "ValidateAPIKey", {
      key: created.key,
      provider: "anthropic",
      model: "claude",
    });
    print("after_valid", after.valid);
    print("after_decided_by", after.decided_by);
    printRemaining("after", after.limits);
  } finally {
    client.close();
  }
}

main().catch((error: unknown) => {
  const failure = error as Partial<grpc.ServiceError>;
  const code = failure.code === undefined ? "" : `${grpc.status[failure.code]}: `;
  process.stderr.write(`example failed: ${code}${failure.details ?? String(error)}\n`);
  process.exit(1);
});
