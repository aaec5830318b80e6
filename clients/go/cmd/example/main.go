// Command example walks through what an LLM proxy does with dataaccess: create an API
// key with a tokens-per-minute limit and a daily budget, validate it reserving the call's
// estimated tokens and cost, store a provider OAuth token and read it back with its
// secrets, record usage (idempotently, by request_id) whose actual tokens and cost settle
// the reservation, record request logs, read a usage summary, and validate again to see
// the estimate released and the actual charged.
//
// Each step prints one JSON object on a line of its own ("step" names it). Secrets are
// never printed: the tokens appear as SHA-256 digests, so what was stored can be compared
// with what was read back.
//
//	go run ./cmd/example -target localhost:50051 -token "$DATAACCESS_TOKEN"
//
// The target and the bearer credential can come from the environment instead
// (DATAACCESS_TARGET, DATAACCESS_TOKEN), which keeps the credential out of the process
// list; DATAACCESS_EXAMPLE_ACCESS_TOKEN sets the OAuth access token stored (default:
// random). The bearer credential (or the client certificate's identity) needs the admin
// role: the example creates an API key and reads analytics as well as doing a proxy's
// calls.
package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/dataaccess/dataaccess/clients/go/dataaccess"
	pb "github.com/dataaccess/dataaccess/clients/go/dataaccess/v1"
)

const callTimeout = 10 * time.Second

// The key's limit and budget, the call's estimate (held by the reservation) and its
// actual (charged by the usage write that settles it).
const (
	tokensPerMinute = 10_000
	dailyBudget     = 1_000_000 // micro-units of a currency: one dollar
	estimatedTokens = 1_000
	estimatedCost   = 5_000
	inputTokens     = 120
	outputTokens    = 80
	actualCost      = 1_200
)

func main() {
	target := flag.String("target", env("DATAACCESS_TARGET", "localhost:50051"), "server address host:port")
	var options dataaccess.Options
	flag.StringVar(&options.BearerToken, "token", env("DATAACCESS_TOKEN", ""), "bearer credential (dac_...)")
	flag.StringVar(&options.CAFile, "ca", "", "PEM file of the server's CA (switches to TLS)")
	flag.StringVar(&options.CertFile, "cert", "", "client certificate (PEM) for mTLS")
	flag.StringVar(&options.KeyFile, "key", "", "client key (PEM) for mTLS")
	flag.StringVar(&options.ServerName, "server-name", "", "name expected in the server's certificate")
	run := flag.String("run", randomHex(4), "suffix that keeps this run's owner, user and auth ids apart from other runs'")
	flag.Parse()

	conn, err := dataaccess.Dial(*target, options)
	if err != nil {
		fail("dial", err)
	}
	defer conn.Close()
	if err := walkThrough(conn, "go-example-"+*run); err != nil {
		fail("example", err)
	}
}

// walkThrough makes the example's calls; id names this run's key owner, token user and
// usage auth.
func walkThrough(conn grpc.ClientConnInterface, id string) error {
	keys := pb.NewAPIKeyServiceClient(conn)
	tokens := pb.NewOAuthTokenServiceClient(conn)
	usage := pb.NewUsageServiceClient(conn)
	logs := pb.NewRequestLogServiceClient(conn)
	analytics := pb.NewAnalyticsServiceClient(conn)

	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	created, err := keys.CreateAPIKey(ctx, &pb.CreateAPIKeyRequest{
		ApiKey: &pb.APIKey{
			Name: "go example", OwnerId: id,
			Limits: []*pb.Limit{{
				Name: "tpm", Unit: pb.LimitUnit_LIMIT_UNIT_TOKENS,
				Window: durationpb.New(time.Minute), Limit: tokensPerMinute,
			}},
			Budgets: []*pb.Budget{{Name: "daily", Limit: dailyBudget, Period: pb.BudgetPeriod_BUDGET_PERIOD_DAILY}},
		},
	})
	if err != nil {
		return fmt.Errorf("CreateAPIKey: %w", err)
	}
	emit("create_api_key", "id", created.ApiKey.Id, "key_prefix", created.ApiKey.KeyPrefix,
		"owner_id", created.ApiKey.OwnerId)

	// Before the upstream call: validate, holding its estimate against the limit and the
	// budget until the usage write below settles it (or the reservation expires).
	validated, err := keys.ValidateAPIKey(ctx, &pb.ValidateAPIKeyRequest{
		Key: created.Key, Provider: "claude", Model: "claude-example",
		Tokens: estimatedTokens, Cost: estimatedCost, Reserve: true, RequestId: id + "-call",
	})
	if err != nil {
		return fmt.Errorf("ValidateAPIKey: %w", err)
	}
	emit("validate_api_key", "valid", validated.Valid, "reason", validated.Reason.String(),
		"api_key_id", validated.ApiKey.GetId(), "decided_by", validated.DecidedBy,
		"reservation_id", validated.ReservationId, "remaining", remaining(validated))

	access := env("DATAACCESS_EXAMPLE_ACCESS_TOKEN", "example-access-"+randomHex(16))
	refresh := "example-refresh-" + randomHex(16)
	upserted, err := tokens.UpsertOAuthToken(ctx, &pb.UpsertOAuthTokenRequest{
		Token: &pb.OAuthToken{Provider: "claude", UserId: id, AccessToken: access, RefreshToken: refresh},
	})
	if err != nil {
		return fmt.Errorf("UpsertOAuthToken: %w", err)
	}
	emit("upsert_oauth_token", "id", upserted.Token.Id, "created", upserted.Created,
		"access_token_sha256", digest(access), "refresh_token_sha256", digest(refresh))

	read, err := tokens.GetOAuthToken(ctx, &pb.GetOAuthTokenRequest{
		Id: upserted.Token.Id, View: pb.OAuthTokenView_O_AUTH_TOKEN_VIEW_FULL,
		ConsistencyToken: upserted.ConsistencyToken,
	})
	if err != nil {
		return fmt.Errorf("GetOAuthToken: %w", err)
	}
	emit("get_oauth_token", "id", read.Token.Id, "user_id", read.Token.UserId, "active", read.Token.Active,
		"access_token_sha256", digest(read.Token.AccessToken),
		"refresh_token_sha256", digest(read.Token.RefreshToken))

	now := time.Now().UTC()
	day := now.Format(time.DateOnly)
	// The call's actual figures, for the key: they settle the reservation (released
	// estimate, charged actual) in the same write as the usage counters.
	record := &pb.UsageRecord{
		Provider: "claude", Model: "claude-example", AuthId: id, Date: day,
		RequestCount: 1, InputTokens: inputTokens, OutputTokens: outputTokens, SuccessCount: 1,
		Cost: actualCost, ApiKeyId: created.ApiKey.Id, ReservationId: validated.ReservationId,
	}
	// The same request_id twice, as a retry after a lost answer would: counted (and the
	// reservation settled) once.
	for _, step := range []string{"upsert_usage", "upsert_usage_again"} {
		recorded, err := usage.UpsertUsage(ctx, &pb.UpsertUsageRequest{Record: record, RequestId: id + "-usage"})
		if err != nil {
			return fmt.Errorf("UpsertUsage: %w", err)
		}
		emit(step, "replayed", recorded.Replayed, "reservations_settled", recorded.ReservationsSettled)
	}

	batch := &pb.BatchInsertRequestLogsRequest{}
	for n, status := range []int32{200, 200, 500} {
		batch.Logs = append(batch.Logs, &pb.RequestLog{
			RequestId: fmt.Sprintf("%s-log-%d", id, n), RequestTime: timestamppb.New(now),
			Provider: "claude", Model: "claude-example", AuthId: id, ApiKeyId: created.ApiKey.Id,
			Method: "POST", Path: "/v1/messages", StatusCode: status, LatencyMs: int64(100 * (n + 1)),
			InputTokens: 40, OutputTokens: 20,
		})
	}
	inserted, err := logs.BatchInsertRequestLogs(ctx, batch)
	if err != nil {
		return fmt.Errorf("BatchInsertRequestLogs: %w", err)
	}
	emit("batch_insert_request_logs", "inserted", inserted.Inserted, "duplicates", inserted.Duplicates)

	summary, err := analytics.GetUsageSummary(ctx, &pb.GetUsageSummaryRequest{
		StartDate: day, EndDate: day, AuthId: id,
	})
	if err != nil {
		return fmt.Errorf("GetUsageSummary: %w", err)
	}
	total := summary.Total
	emit("get_usage_summary", "rows", len(summary.Rows), "requests", total.GetRequests(),
		"input_tokens", total.GetInputTokens(), "output_tokens", total.GetOutputTokens(),
		"total_tokens", total.GetTotalTokens(), "successes", total.GetSuccesses(),
		"errors", total.GetErrors(), "distinct_auths", total.GetDistinctAuths())

	// After settlement the limit and budget have the estimate back and the actual spent.
	again, err := keys.ValidateAPIKey(ctx, &pb.ValidateAPIKeyRequest{
		Key: created.Key, Provider: "claude", Model: "claude-example",
	})
	if err != nil {
		return fmt.Errorf("ValidateAPIKey: %w", err)
	}
	emit("validate_after_settlement", "valid", again.Valid, "decided_by", again.DecidedBy,
		"remaining", remaining(again))
	return nil
}

// remaining maps each limit and budget a validation reports to what it has left.
func remaining(validated *pb.ValidateAPIKeyResponse) map[string]int64 {
	left := make(map[string]int64, len(validated.Limits))
	for _, state := range validated.Limits {
		left[state.Name] = state.Remaining
	}
	return left
}

// emit prints one step's result as a JSON line: "step" first, then the key/value pairs.
func emit(step string, pairs ...any) {
	line := []byte(`{"step":` + quote(step))
	for i := 0; i+1 < len(pairs); i += 2 {
		value, err := json.Marshal(pairs[i+1])
		if err != nil {
			fail("emit", err)
		}
		line = append(line, ","+quote(pairs[i].(string))+":"...)
		line = append(line, value...)
	}
	fmt.Println(string(append(line, '}')))
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func digest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		fail("random", err)
	}
	return hex.EncodeToString(b)
}

func env(name, fallback string) string {
	if value, ok := os.LookupEnv(name); ok && value != "" {
		return value
	}
	return fallback
}

func fail(what string, err error) {
	fmt.Fprintf(os.Stderr, "example: %s: %v\n", what, err)
	os.Exit(1)
}
