package provider

import (
	"context"
	"regexp"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// jwtMaskPattern matches any JWT: identity tokens fetched from CI during a request are masked even in the lines
// logged before they reach logMasks.
var jwtMaskPattern = regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`)

// logMasks collects the secret values auth reports (file contents, federated and CI tokens) as they become
// known, for the provider's log masks. Safe for concurrent use: token refreshes report from any goroutine.
type logMasks struct {
	mu     sync.Mutex
	values []string
}

func (m *logMasks) add(v string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v != "" && !slices.Contains(m.values, v) {
		m.values = append(m.values, v)
	}
}

// apply masks every value known so far, and any JWT, in the lines logged with the returned context.
func (m *logMasks) apply(ctx context.Context) context.Context {
	if m == nil {
		return ctx
	}
	m.mu.Lock()
	values := slices.Clone(m.values)
	m.mu.Unlock()
	ctx = tflog.MaskAllFieldValuesRegexes(ctx, jwtMaskPattern)
	ctx = tflog.MaskMessageRegexes(ctx, jwtMaskPattern)
	if len(values) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, values...)
		ctx = tflog.MaskMessageStrings(ctx, values...)
	}
	return ctx
}
