package auth

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// lockedBuffer is a log output that several loggers write to at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// graphLine writes a line as the Graph client does: a "graph" subsystem that carries the root fields.
func graphLine(ctx context.Context, msg string) {
	ctx = tflog.NewSubsystem(ctx, "graph", tflog.WithRootFields())
	tflog.SubsystemInfo(ctx, "graph", msg)
}

// A token refresh runs on a goroutine of its own and logs at root level ("waiting to retry"), while the request
// that started it and the requests beside it (a baseline's parallel PATCHes) go on writing Graph lines with the
// same context. terraform-plugin-log masks a root line by rewriting the root field map of its context in place,
// and a Graph line's NewSubsystem(WithRootFields) reads that map, so the fetch must log with a copy of its own.
// Under -race a shared map is a reported data race; without -race, the fetch's rewrite shows in the callers'
// fields afterwards.
func TestTokenFetchLogsWithItsOwnFields(t *testing.T) {
	shortTokenBackoff(t)
	e := newSecretEntra(t)
	flaky(e.srv, flakyAnswer{status: http.StatusServiceUnavailable}) // one root INFO line from the fetch
	src, err := NewClientSecret(ClientSecretConfig{AuthorityHost: e.srv.URL, TenantID: secretTenant, ClientID: secretClient,
		ClientSecret: secretValue, Scope: secretScope})
	if err != nil {
		t.Fatal(err)
	}
	out := &lockedBuffer{}
	ctx := tflogtest.RootLogger(context.Background(), out)
	ctx = tflog.SetField(ctx, "tf_req_id", "req-7f3c") // a root field, as the SDK sets for each RPC
	// A root mask that matches the field makes an in-place rewrite visible (the provider's masks are secrets,
	// which fields rarely hold; the race is the same either way).
	ctx = tflog.MaskAllFieldValuesStrings(ctx, "req-7f3c")
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()

	var wg sync.WaitGroup
	var refreshed atomic.Bool
	wg.Add(2)
	go func() { // the PATCH whose token is due
		defer wg.Done()
		defer refreshed.Store(true)
		if _, err := src.Token(ctx); err != nil {
			t.Error(err)
		}
	}()
	go func() { // a PATCH beside it, logging while the fetch does
		defer wg.Done()
		for !refreshed.Load() {
			graphLine(ctx, "graph: response")
		}
	}()
	wg.Wait()
	if !strings.Contains(out.String(), "waiting to retry") {
		t.Fatalf("the fetch logged no root line, so the test shows nothing:\n%s", out)
	}

	// Subsystem lines apply the subsystem's masks, not the root's: the field reads as the caller set it unless a
	// root line logged with the caller's own map rewrote it.
	graphLine(ctx, "graph: after the refresh")
	last := out.String()[strings.LastIndex(strings.TrimSpace(out.String()), "\n")+1:]
	if !strings.Contains(last, `"tf_req_id":"req-7f3c"`) {
		t.Errorf("the token fetch rewrote the caller's root log fields: %s", last)
	}
}
