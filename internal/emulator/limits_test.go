package emulator

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// throttled returns the journal's 429s by limit.
func throttled(emu *Emulator) map[string]int {
	out := map[string]int{}
	for _, j := range emu.Journal() {
		if j.Remote == "" {
			out["entry without the client's address"]++
		}
		if j.Status == http.StatusTooManyRequests {
			out[j.Limit]++
		}
	}
	return out
}

func TestLimitConcurrency(t *testing.T) {
	f := newFixture(t)
	f.emu.SetFaults(Faults{Latency: 400 * time.Millisecond})
	const n = DefaultMaxConcurrent + 2
	statuses := make([]int, n)
	retryAfter := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, b := f.do(t, http.MethodGet, "/v1.0/security/secureScoreControlProfiles?$top=1", f.tok, "")
			statuses[i], retryAfter[i] = resp.StatusCode, resp.Header.Get("Retry-After")
			if resp.StatusCode == http.StatusTooManyRequests {
				if code, _ := odataError(t, resp, b, http.StatusTooManyRequests); code != "TooManyRequests" {
					t.Errorf("429 code %q, want TooManyRequests", code)
				}
			}
		}()
	}
	wg.Wait()
	ok, refused := 0, 0
	for i, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusTooManyRequests:
			refused++
			if retryAfter[i] != "1" {
				t.Errorf("concurrency 429 Retry-After %q, want 1", retryAfter[i])
			}
		default:
			t.Errorf("status %d", s)
		}
	}
	if ok != DefaultMaxConcurrent || refused != n-DefaultMaxConcurrent {
		t.Errorf("%d answered, %d refused; want %d and %d", ok, refused, DefaultMaxConcurrent, n-DefaultMaxConcurrent)
	}
	if got := throttled(f.emu); got[LimitConcurrency] != refused || len(got) != 1 {
		t.Errorf("journal 429s by limit %v, want %d for %q", got, refused, LimitConcurrency)
	}
	f.emu.ResetJournal()
	if got := f.emu.LimitRefusals(); got[LimitConcurrency] != refused || len(got) != 1 {
		t.Errorf("LimitRefusals %v after ResetJournal, want %d for %q", got, refused, LimitConcurrency)
	}

	// Slots free when responses are written: the next requests pass.
	f.emu.SetFaults(Faults{})
	for range DefaultMaxConcurrent + 1 {
		if resp, _ := f.do(t, http.MethodGet, "/v1.0/security/secureScoreControlProfiles?$top=1", f.tok, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("after the burst: status %d", resp.StatusCode)
		}
	}
}

func TestLimitWindowSlides(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Limits.Window = Rate{N: 5, Per: 20 * time.Second} })
	get := func(path string) *http.Response {
		resp, _ := f.do(t, http.MethodGet, path, f.tok, "")
		return resp
	}
	for i := range 3 {
		if resp := get("/v1.0/security/secureScoreControlProfiles?$top=1"); resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %d", i, resp.StatusCode)
		}
	}
	f.clock.Advance(8 * time.Second)
	for i := range 2 { // secureScores count against the same window
		if resp := get("/v1.0/security/secureScores?$top=1"); resp.StatusCode != http.StatusOK {
			t.Fatalf("score request %d: %d", i, resp.StatusCode)
		}
	}
	f.clock.Advance(3 * time.Second)
	resp := get("/beta/security/secureScoreControlProfiles?$top=1")
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("6th request in 20 s: %d, want 429", resp.StatusCode)
	}
	// The first three leave the window 20 s after they came: 9 s from now.
	if ra := resp.Header.Get("Retry-After"); ra != "9" {
		t.Errorf("Retry-After %q, want 9", ra)
	}
	f.clock.Advance(9 * time.Second)
	for i := range 3 {
		if resp := get("/v1.0/security/secureScoreControlProfiles?$top=1"); resp.StatusCode != http.StatusOK {
			t.Fatalf("after the slide, request %d: %d", i, resp.StatusCode)
		}
	}
	if resp := get("/v1.0/security/secureScoreControlProfiles?$top=1"); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("window full again: %d, want 429", resp.StatusCode)
	}
	if got := throttled(f.emu); got[LimitWindow] != 2 || len(got) != 1 {
		t.Errorf("journal 429s by limit %v, want 2 for %q", got, LimitWindow)
	}
}

func TestLimitScoreRate(t *testing.T) {
	f := newFixture(t)
	for i := range DefaultScoreLimit {
		if resp, _ := f.do(t, http.MethodGet, "/v1.0/security/secureScores?$top=1", f.tok, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("score request %d: %d", i, resp.StatusCode)
		}
		f.clock.Advance(100 * time.Millisecond)
	}
	resp, _ := f.do(t, http.MethodGet, "/v1.0/security/secureScores?$top=1", f.tok, "")
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("151st secureScores request in a minute: %d, want 429", resp.StatusCode)
	}
	// The first left at 60 s; 15 s have passed.
	if ra := resp.Header.Get("Retry-After"); ra != "45" {
		t.Errorf("Retry-After %q, want 45", ra)
	}
	// Control profiles have their own, larger budget.
	if resp, _ := f.do(t, http.MethodGet, "/v1.0/security/secureScoreControlProfiles?$top=1", f.tok, ""); resp.StatusCode != http.StatusOK {
		t.Errorf("control profiles refused by the secureScores rate: %d", resp.StatusCode)
	}
	if got := throttled(f.emu); got[LimitScoreRate] != 1 || len(got) != 1 {
		t.Errorf("journal 429s by limit %v, want 1 for %q", got, LimitScoreRate)
	}
}

// Each application has its own budget in the tenant.
func TestLimitPerApplication(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Limits.Window = Rate{N: 2, Per: time.Minute} })
	ro := f.token(t, testRO, testROSecret)
	for _, tok := range []string{f.tok, f.tok, ro, ro} {
		if resp, _ := f.do(t, http.MethodGet, "/v1.0/security/secureScoreControlProfiles?$top=1", tok, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	for _, tok := range []string{f.tok, ro} {
		if resp, _ := f.do(t, http.MethodGet, "/v1.0/security/secureScoreControlProfiles?$top=1", tok, ""); resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("third request of an app: %d, want 429", resp.StatusCode)
		}
	}
}

func TestLimitsOff(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Limits = Limits{Off: true, Window: Rate{N: 1, Per: time.Minute}} })
	for i := range 5 {
		if resp, _ := f.do(t, http.MethodGet, "/v1.0/security/secureScores?$top=1", f.tok, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d with limits off: %d", i, resp.StatusCode)
		}
	}
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]Rate{"10000/10m": {10000, 10 * time.Minute}, "150/1m": {150, time.Minute}, " 30/20s ": {30, 20 * time.Second}} {
		got, err := ParseRate(in)
		if err != nil || got != want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "10000", "0/1m", "-1/1m", "x/1m", "5/0s", "5/abc"} {
		if _, err := ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) accepted", bad)
		}
	}
	if s := (Rate{10000, 10 * time.Minute}).String(); s != "10000/10m" {
		t.Errorf("String %q", s)
	}
}

// A client that frees its slot only when it has read an answer never meets a concurrency 429: the emulator
// frees the request's slot before the answer goes out, not after (a dropped connection included). Four workers
// against four slots, each sending its next request the moment it has read the last.
func TestLimitSlotFreeBeforeTheAnswer(t *testing.T) {
	f := newFixture(t)
	f.emu.SetFaults(Faults{DropAfterWrite: 20})
	body := `{"state":"Reviewed","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`
	var wg sync.WaitGroup
	for w := range DefaultMaxConcurrent {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 60 {
				if w == 0 && i%3 == 0 {
					req, _ := http.NewRequest(http.MethodPatch, f.srv.URL+"/v1.0/security/secureScoreControlProfiles/OneAdmin", strings.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+f.tok)
					req.Header.Set("Content-Type", "application/json")
					if resp, err := f.srv.Client().Do(req); err == nil {
						_, _ = io.Copy(io.Discard, resp.Body)
						_ = resp.Body.Close()
					}
					continue
				}
				f.do(t, http.MethodGet, "/v1.0/security/secureScoreControlProfiles?$top=1", f.tok, "")
			}
		}()
	}
	wg.Wait()
	if got := throttled(f.emu); len(got) != 0 {
		t.Fatalf("429s by limit %v, want none", got)
	}
}

// A request refused by a limit never uses up a fault meant for a request the service handles: the PATCH refused
// with 429 is answered 429, and the dropped connection waits for the next PATCH that passes the limits.
func TestLimitRefusalLeavesFaultsForHandledRequests(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Limits.MaxConcurrent = 1 })
	f.emu.SetFaults(Faults{Latency: 300 * time.Millisecond, DropAfterWrite: 1})
	body := `{"state":"Reviewed","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`
	patch := func() (int, error) {
		req, _ := http.NewRequest(http.MethodPatch, f.srv.URL+"/v1.0/security/secureScoreControlProfiles/OneAdmin", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+f.tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := f.srv.Client().Do(req)
		if err != nil {
			return 0, err
		}
		defer func() { _ = resp.Body.Close() }()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil
	}
	held := make(chan struct{})
	go func() {
		defer close(held)
		f.do(t, http.MethodGet, "/v1.0/security/secureScoreControlProfiles?$top=1", f.tok, "")
	}()
	time.Sleep(100 * time.Millisecond) // the GET holds the only slot
	if status, err := patch(); err != nil || status != http.StatusTooManyRequests {
		t.Fatalf("PATCH while the slot is held: status %d, err %v; want 429", status, err)
	}
	<-held
	if _, err := patch(); err == nil {
		t.Fatal("the next PATCH was answered; want its connection dropped by the fault the refused PATCH left")
	}
}
