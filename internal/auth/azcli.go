package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// AzureCLIConfig configures a token source that asks the Azure CLI (`az`) for tokens, reusing the
// account the user signed in with `az login`.
type AzureCLIConfig struct {
	// TenantID, when set, is passed as --tenant. Empty means the CLI's current account.
	TenantID string
	// Scope is the Graph scope, e.g. "https://graph.microsoft.com/.default". Required.
	Scope string
	// Command is the CLI program; default "az". Tests point it at a fake script.
	Command string
	// Timeout bounds one `az` run when the context has no earlier deadline; default 60s (az is slow to start).
	Timeout time.Duration

	// location is the zone of the legacy "expiresOn" field, which az writes in local time; nil = time.Local.
	location *time.Location
}

const (
	defaultCLICommand = "az"
	defaultCLITimeout = 60 * time.Second
	cliTimeLayout     = "2006-01-02 15:04:05.999999"
)

// cliWaitDelay bounds the wait for az's output pipes once az has exited or been killed: a child process that
// inherited stdout (a credential helper, a telemetry uploader) must not hold the token fetch past its timeout.
var cliWaitDelay = 2 * time.Second

// NewAzureCLI returns a caching token source backed by `az account get-access-token`. It checks up front that
// the program exists so that a missing CLI is reported when the provider is configured, not on first use.
func NewAzureCLI(cfg AzureCLIConfig) (*CachingSource, error) {
	if cfg.Scope == "" {
		return nil, errors.New("azure cli: scope is required")
	}
	cfg = cfg.withDefaults()
	if _, err := exec.LookPath(cfg.Command); err != nil {
		return nil, cliNotFound(cfg.Command, err)
	}
	return NewCachingSource(func(ctx context.Context) (*oauth2.Token, error) {
		return cfg.fetch(ctx)
	}), nil
}

func (cfg AzureCLIConfig) withDefaults() AzureCLIConfig {
	if cfg.Command == "" {
		cfg.Command = defaultCLICommand
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultCLITimeout
	}
	return cfg
}

// cliMissing says why the CLI cannot be run, or "" when it is on PATH.
func cliMissing(command string) string {
	cfg := AzureCLIConfig{Command: command}.withDefaults()
	if _, err := exec.LookPath(cfg.Command); err != nil {
		return cliNotFound(cfg.Command, err).Error()
	}
	return ""
}

func cliNotFound(command string, err error) error {
	return fmt.Errorf("azure cli (use_cli): the %q command was not found on PATH; install the Azure CLI or choose another authentication method: %w", command, err)
}

// cliTokenResponse is the JSON printed by `az account get-access-token --output json`.
type cliTokenResponse struct {
	AccessToken string          `json:"accessToken"`
	TokenType   string          `json:"tokenType"`
	ExpiresOn   string          `json:"expiresOn"`  // local time, e.g. "2024-05-01 13:14:15.000000"
	ExpiresOnTS json.RawMessage `json:"expires_on"` // unix seconds (az >= 2.54); preferred when present
	Tenant      string          `json:"tenant"`
}

func (cfg AzureCLIConfig) args() []string {
	args := []string{"account", "get-access-token", "--scope", cfg.Scope}
	if cfg.TenantID != "" {
		args = append(args, "--tenant", cfg.TenantID)
	}
	return append(args, "--output", "json")
}

func (cfg AzureCLIConfig) fetch(ctx context.Context) (*oauth2.Token, error) {
	cfg = cfg.withDefaults()
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Timeout)
		defer cancel()
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, cfg.Command, cfg.args()...)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	cmd.WaitDelay = cliWaitDelay
	// ErrWaitDelay alone means az exited successfully and only a child kept the pipes open: its output is whole.
	if err := cmd.Run(); err != nil && !errors.Is(err, exec.ErrWaitDelay) {
		return nil, cfg.runError(ctx, err, stderr.String())
	}

	var resp cliTokenResponse
	if err := json.Unmarshal(stdout.Bytes(), &resp); err != nil {
		// The output is not quoted back: it may hold a token.
		return nil, fmt.Errorf("azure cli (use_cli): `%s account get-access-token` did not print JSON (%d bytes of output); check that the Azure CLI is up to date", cfg.Command, stdout.Len())
	}
	if resp.AccessToken == "" {
		return nil, fmt.Errorf("azure cli (use_cli): `%s account get-access-token` printed JSON without an accessToken", cfg.Command)
	}
	expiry, err := cfg.expiry(resp)
	if err != nil {
		return nil, err
	}
	tokenType := resp.TokenType
	if tokenType == "" {
		tokenType = "Bearer"
	}
	return &oauth2.Token{AccessToken: resp.AccessToken, TokenType: tokenType, Expiry: expiry}, nil
}

// expiry prefers the epoch "expires_on" (unambiguous) over the local-time "expiresOn".
func (cfg AzureCLIConfig) expiry(resp cliTokenResponse) (time.Time, error) {
	if raw := bytes.TrimSpace(resp.ExpiresOnTS); len(raw) > 0 && string(raw) != "null" {
		if secs, ok := parseEpoch(raw); ok {
			return time.Unix(secs, 0), nil
		}
		return time.Time{}, fmt.Errorf("azure cli (use_cli): expires_on %s is not a unix time", raw)
	}
	if resp.ExpiresOn == "" {
		return time.Time{}, errors.New("azure cli (use_cli): the token has neither expires_on nor expiresOn")
	}
	loc := cfg.location
	if loc == nil {
		loc = time.Local
	}
	t, err := time.ParseInLocation(cliTimeLayout, resp.ExpiresOn, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("azure cli (use_cli): expiresOn %q is not in the form %q", resp.ExpiresOn, "2006-01-02 15:04:05.000000")
	}
	return t, nil
}

// maxEpochSeconds (year 9999) bounds parsed times, so that a huge or infinite value cannot overflow a
// conversion; CachingSource clamps what remains to a sane token life.
const maxEpochSeconds = 253402300799

// parseEpoch accepts a JSON number or a JSON string holding seconds, clamped to [-maxEpochSeconds,
// maxEpochSeconds]. NaN is refused.
func parseEpoch(raw json.RawMessage) (int64, bool) {
	s := string(raw)
	if unq, err := strconv.Unquote(s); err == nil {
		s = unq
	}
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return min(max(n, -maxEpochSeconds), maxEpochSeconds), true
	}
	// ParseFloat also reads "inf" and values beyond int64, and reports range errors with ±Inf.
	f, err := strconv.ParseFloat(s, 64)
	if (err != nil && !errors.Is(err, strconv.ErrRange)) || math.IsNaN(f) {
		return 0, false
	}
	return int64(min(max(f, -maxEpochSeconds), maxEpochSeconds)), true
}

// afterSeconds is now plus secs (an expires_in), without overflowing time.Duration.
func afterSeconds(now time.Time, secs int64) time.Time {
	return now.Add(time.Duration(min(max(secs, 0), int64(maxTokenLife/time.Second))) * time.Second)
}

// runError turns a failed az run into an actionable message. az writes only diagnostics to stderr, never the
// token, so its first line may be quoted.
func (cfg AzureCLIConfig) runError(ctx context.Context, err error, stderr string) error {
	if errors.Is(err, exec.ErrNotFound) {
		return cliNotFound(cfg.Command, err)
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("azure cli (use_cli): `%s account get-access-token` did not finish: %w", cfg.Command, ctxErr)
	}
	detail := firstLine(stderr)
	lower := strings.ToLower(stderr)
	// A wrong tenant also tells the user to run "az login", so it is recognised first.
	wrongTenant := strings.Contains(stderr, "AADSTS90002") ||
		(strings.Contains(lower, "tenant") && (cfg.TenantID != "" || !strings.Contains(lower, "az login")))
	switch {
	case wrongTenant:
		tenant := cfg.TenantID
		if tenant == "" {
			tenant = "(the CLI's default)"
		}
		return fmt.Errorf("azure cli (use_cli): the Azure CLI could not get a token for tenant %s; check tenant_id (ARM_TENANT_ID) and run 'az login --tenant <tenant>': %s", tenant, detail)
	case strings.Contains(lower, "az login"):
		return fmt.Errorf("azure cli (use_cli): the Azure CLI is not logged in; run 'az login' (with --tenant when tenant_id is set): %s", detail)
	case detail != "":
		return fmt.Errorf("azure cli (use_cli): `%s account get-access-token` failed: %s", cfg.Command, detail)
	default:
		return fmt.Errorf("azure cli (use_cli): `%s account get-access-token` failed: %w", cfg.Command, err)
	}
}

// firstLine returns the first non-empty line of s, without az's "ERROR: " prefix, capped in length.
func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		line = strings.TrimPrefix(line, "ERROR: ")
		const limit = 300
		if len(line) > limit {
			line = line[:limit] + "…"
		}
		return line
	}
	return ""
}
