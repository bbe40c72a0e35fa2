package graph

import (
	"context"
	"os"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// logSubsystem is the terraform-plugin-log subsystem; its level follows TF_LOG_PROVIDER_SECURESCORE_GRAPH,
// else the provider's level.
const logSubsystem = "graph"

// Secrets that must never reach a log line, even at TRACE. The Graph client never sends client_secret or
// client_assertion, but a body echoed back by a proxy or an error page could contain them.
var (
	secretFieldKeys = []string{
		"authorization", "Authorization", "access_token", "refresh_token", "id_token",
		"client_secret", "client_assertion", "token",
	}
	secretPatterns = []*regexp.Regexp{
		regexp.MustCompile(`(?i)"(access_token|refresh_token|id_token|client_secret|client_assertion)"\s*:\s*"(?:[^"\\]|\\.)*"`),
		regexp.MustCompile(`(?i)\b(access_token|refresh_token|id_token|client_secret|client_assertion)=[^&\s"']*`),
		regexp.MustCompile(`(?i)\bbearer\s+[A-Za-z0-9\-._~+/]+=*`),
		regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`), // any JWT
	}
)

// logContext prepares the "graph" subsystem with masking. Without a root logger in ctx (plain unit tests)
// tflog is a no-op.
func logContext(ctx context.Context) context.Context {
	ctx = tflog.NewSubsystem(ctx, logSubsystem,
		tflog.WithLevelFromEnv("TF_LOG_PROVIDER_SECURESCORE", logSubsystem),
		tflog.WithRootFields())
	ctx = tflog.SubsystemMaskFieldValuesWithFieldKeys(ctx, logSubsystem, secretFieldKeys...)
	ctx = tflog.SubsystemMaskAllFieldValuesRegexes(ctx, logSubsystem, secretPatterns...)
	ctx = tflog.SubsystemMaskMessageRegexes(ctx, logSubsystem, secretPatterns...)
	return ctx
}

// ForkLogContext returns ctx with its own copy of the provider's root log options (fields and masks), for a
// goroutine that logs while others still use ctx. terraform-plugin-log masks a root-level line by rewriting the
// root field map of its context in place, and NewSubsystem(WithRootFields), which every Graph line calls, reads
// that map: goroutines that share one map race as soon as one of them logs at root level. Call it before the
// goroutine starts, on the goroutine that owns ctx.
func ForkLogContext(ctx context.Context) context.Context {
	return tflog.MaskMessageStrings(ctx) // every tflog option copies the options before it changes them; this one adds nothing
}

// maskToken adds the literal token to the masks, in case it appears somewhere no pattern anticipates.
func maskToken(ctx context.Context, token string) context.Context {
	if token == "" {
		return ctx
	}
	ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, logSubsystem, token)
	return tflog.SubsystemMaskMessageStrings(ctx, logSubsystem, token)
}

// logLine writes one line of the graph subsystem, masking token (the access token in use, or ""). The subsystem
// and its masks are set up per line, not per request: the setup costs more than a request to a local emulator,
// and most requests log nothing.
func logLine(ctx context.Context, write func(context.Context, string, string, ...map[string]any), token, msg string, fields map[string]any) {
	write(maskToken(logContext(ctx), token), logSubsystem, msg, fields)
}

func logDebug(ctx context.Context, token, msg string, fields map[string]any) {
	logLine(ctx, tflog.SubsystemDebug, token, msg, fields)
}

func logTrace(ctx context.Context, token, msg string, fields map[string]any) {
	logLine(ctx, tflog.SubsystemTrace, token, msg, fields)
}

func logInfo(ctx context.Context, token, msg string, fields map[string]any) {
	logLine(ctx, tflog.SubsystemInfo, token, msg, fields)
}

func logWarn(ctx context.Context, token, msg string, fields map[string]any) {
	logLine(ctx, tflog.SubsystemWarn, token, msg, fields)
}

// traceEnvVars are the variables that set the graph subsystem's level, most specific first, as tflog reads them.
var traceEnvVars = []string{"TF_LOG_PROVIDER_SECURESCORE_GRAPH", "TF_LOG_PROVIDER", "TF_LOG"}

// tflog masks a line before it checks the level, so every line handed to it costs a scan with the secret
// patterns even when nothing is written: about a tenth of a refresh's CPU for the per-request debug lines, and
// as much again for bodies. So the client hands over per-request lines only when their level is on.

// bodyTracingFromEnv reports whether the graph subsystem logs at TRACE (request and response bodies).
func bodyTracingFromEnv() bool {
	l := logLevelFromEnv()
	return l == "TRACE" || l == "JSON"
}

// debugLoggingFromEnv reports whether the graph subsystem logs at DEBUG or finer (one line per request).
func debugLoggingFromEnv() bool {
	return bodyTracingFromEnv() || logLevelFromEnv() == "DEBUG"
}

// logLevelFromEnv is the level the most specific variable sets, upper-cased; "" when none is set.
func logLevelFromEnv() string {
	for _, k := range traceEnvVars {
		if v := os.Getenv(k); v != "" {
			return strings.ToUpper(v)
		}
	}
	return ""
}
