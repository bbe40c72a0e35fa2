package graph

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// endlessPages answers every list request with one item and a fresh link, as a broken or hostile service might.
func endlessPages(w http.ResponseWriter, r *http.Request, n int) {
	next := fmt.Sprintf("http://%s/v1.0/security/secureScores?$skiptoken=%d", r.Host, n)
	writeJSON(w, 200, fmt.Sprintf(`{"@odata.nextLink":%q,"value":[%s]}`, next, scoreJSON))
}

// A service that keeps handing out links ends the list at the page bound with a clear error.
func TestListStopsAtPageBound(t *testing.T) {
	c, rec, _ := newTestClient(t, endlessPages, func(o *Options) { o.MaxListPages = 5 })
	_, err := c.ListSecureScores(ctxTimeout(t, 5*time.Second), ListOptions{})
	if !errors.Is(err, ErrListTooLarge) || !strings.Contains(err.Error(), "5 pages") {
		t.Fatalf("err %v", err)
	}
	if n := len(rec.all()); n != 5 {
		t.Fatalf("%d requests, want 5", n)
	}
}

// The pages read so far are bounded in bytes too, so many pages just under the per-page cap cannot add up
// to gigabytes.
func TestListStopsAtByteBound(t *testing.T) {
	c, rec, _ := newTestClient(t, endlessPages, func(o *Options) { o.MaxListBytes = 1000 })
	_, err := c.ListSecureScores(ctxTimeout(t, 5*time.Second), ListOptions{})
	if !errors.Is(err, ErrListTooLarge) || !strings.Contains(err.Error(), "1000 bytes") {
		t.Fatalf("err %v", err)
	}
	// Each page is about 240 bytes: the bound is crossed on the fifth.
	if n := len(rec.all()); n < 4 || n > 6 {
		t.Fatalf("%d requests", n)
	}
}

func TestListBoundsDefaults(t *testing.T) {
	c, err := New(Options{Endpoint: "https://graph.microsoft.com", Tokens: &fakeTokens{}})
	if err != nil {
		t.Fatal(err)
	}
	if c.maxListPages != defaultMaxListPages || c.maxListBytes != defaultMaxListBytes {
		t.Fatalf("defaults %d pages, %d bytes", c.maxListPages, c.maxListBytes)
	}
}
