package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFaultThrottleAndUnavailable(t *testing.T) {
	f := newFixture(t)
	f.emu.SetFaults(Faults{Throttle: 2, RetryAfter: "0.2", Unavailable: 1})
	for i, want := range []int{429, 429, 503, 200} {
		resp, b := f.do(t, "GET", "/v1.0/security/secureScores?$top=1", f.tok, "")
		if resp.StatusCode != want {
			t.Fatalf("request %d: %d, want %d", i, resp.StatusCode, want)
		}
		if want != 200 {
			code, _ := odataError(t, resp, b, want)
			if (want == 429 && code != "TooManyRequests") || (want == 503 && code != "serviceNotAvailable") || resp.Header.Get("Retry-After") != "0.2" {
				t.Errorf("%d: %s Retry-After %q", want, code, resp.Header.Get("Retry-After"))
			}
		}
	}
	// Token requests are not faulted.
	f.emu.SetFaults(Faults{Throttle: 5})
	f.token(t, DefaultClientID, DefaultClientSecret)
	if got := f.emu.Faults().Throttle; got != 5 {
		t.Errorf("token request consumed a fault: %d", got)
	}
	if f.emu.Faults().RetryAfter != "0.1" {
		t.Errorf("default RetryAfter %q", f.emu.Faults().RetryAfter)
	}
}

func TestFaultThrottleRate(t *testing.T) {
	f := newFixture(t)
	f.emu.SetFaults(Faults{ThrottleRate: 1})
	if resp, _ := f.do(t, "GET", "/v1.0/security/secureScores", f.tok, ""); resp.StatusCode != 429 {
		t.Errorf("rate 1: %d", resp.StatusCode)
	}
	f.emu.SetFaults(Faults{ThrottleRate: 0.5})
	n429 := 0
	for i := 0; i < 200; i++ {
		if resp, _ := f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles/OneAdmin", f.tok, ""); resp.StatusCode == 429 {
			n429++
		}
	}
	if n429 < 60 || n429 > 140 {
		t.Errorf("rate 0.5 gave %d/200", n429)
	}
}

func TestFaultLatency(t *testing.T) {
	f := newFixture(t)
	f.emu.SetFaults(Faults{Latency: 60 * time.Millisecond})
	start := time.Now()
	f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles/OneAdmin", f.tok, "")
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Errorf("latency %v", d)
	}
}

func TestFaultDropAfterWrite(t *testing.T) {
	f := newFixture(t)
	f.emu.SetFaults(Faults{DropAfterWrite: 1})
	req, _ := http.NewRequest("PATCH", f.srv.URL+"/v1.0/security/secureScoreControlProfiles/OneAdmin", strings.NewReader(`{"state":"Ignored","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`))
	req.Header.Set("Authorization", "Bearer "+f.tok)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got a response %d, want a dropped connection", resp.StatusCode)
	}
	p, _ := f.emu.ControlProfile("OneAdmin")
	if currentState(p) != "Ignored" {
		t.Error("the dropped PATCH was not applied")
	}
	j := f.emu.Journal()
	if last := j[len(j)-1]; last.Kind != "write" || last.Status != 0 || last.Body != `{"state":"Ignored","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}` {
		t.Errorf("journal %+v", last)
	}
	// Reads are not dropped; the next PATCH answers.
	if resp, _ := f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/OneAdmin", f.tok, `{"state":"Default","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`); resp.StatusCode != 204 {
		t.Errorf("%d", resp.StatusCode)
	}
}

func TestFaultMalformedHTMLOversized(t *testing.T) {
	f := newFixture(t)
	f.emu.SetFaults(Faults{MalformedJSON: 1})
	resp, b := f.do(t, "GET", "/v1.0/security/secureScores", f.tok, "")
	var v any
	if resp.StatusCode != 200 || json.Unmarshal(b, &v) == nil || len(b) == 0 {
		t.Errorf("malformed: %d valid=%v", resp.StatusCode, json.Unmarshal(b, &v) == nil)
	}
	f.emu.SetFaults(Faults{HTMLError: 1})
	resp, b = f.do(t, "GET", "/v1.0/security/secureScores", f.tok, "")
	if resp.StatusCode != 502 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(b), "<html>") {
		t.Errorf("html: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	f.emu.SetFaults(Faults{OversizedBody: 1})
	req, _ := http.NewRequest("GET", f.srv.URL+"/v1.0/security/secureScores", nil)
	req.Header.Set("Authorization", "Bearer "+f.tok)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, r.Body)
	r.Body.Close()
	if err != nil || r.StatusCode != 200 || n <= 16<<20 {
		t.Errorf("oversized: %d bytes, %v", n, err)
	}
	if resp, _ := f.do(t, "GET", "/v1.0/security/secureScores", f.tok, ""); resp.StatusCode != 200 {
		t.Errorf("after faults: %d", resp.StatusCode)
	}
}

func TestAdminEndpoints(t *testing.T) {
	f := newFixture(t)
	resp, b := f.do(t, "POST", "/_emulator/faults", "", `{"throttle":1,"retryAfter":"0.3","latency":"5ms"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	if got := f.emu.Faults(); got.Throttle != 1 || got.RetryAfter != "0.3" || got.Latency != 5*time.Millisecond {
		t.Errorf("faults %+v", got)
	}
	if resp, _ := f.do(t, "GET", "/v1.0/security/secureScores", f.tok, ""); resp.StatusCode != 429 {
		t.Errorf("%d", resp.StatusCode)
	}
	if resp, _ := f.do(t, "POST", "/_emulator/faults", "", `{"throttleRate":2}`); resp.StatusCode != 400 {
		t.Errorf("bad faults accepted: %d", resp.StatusCode)
	}
	f.do(t, "POST", "/_emulator/faults", "", `{}`)
	_, b = f.do(t, "GET", "/_emulator/journal?kind=read", "", "")
	var entries []JournalEntry
	if err := json.Unmarshal(b, &entries); err != nil || len(entries) != 1 || entries[0].Status != 429 {
		t.Errorf("journal %v %s", err, truncate(b))
	}
	if resp, _ := f.do(t, "DELETE", "/_emulator/journal", "", ""); resp.StatusCode != 204 || len(f.emu.Journal()) != 1 {
		t.Errorf("reset: %d, %d left", resp.StatusCode, len(f.emu.Journal()))
	}
	_, b = f.do(t, "GET", "/_emulator/state", "", "")
	st := decode(t, b)
	if st["currentSecureScoreId"] != f.emu.CurrentSecureScoreID() || len(st["controlProfiles"].([]any)) != len(seedControls) || strings.Contains(string(b), "signingKeys") {
		t.Errorf("state %v", st["currentSecureScoreId"])
	}
	// Non-loopback callers are refused.
	rec := &recorder{h: http.Header{}}
	req, _ := http.NewRequest("GET", "/_emulator/state", nil)
	req.RemoteAddr = "192.0.2.7:5555"
	f.emu.ServeHTTP(rec, req)
	if rec.status != 403 {
		t.Errorf("remote admin: %d", rec.status)
	}
}

type recorder struct {
	h      http.Header
	status int
}

func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *recorder) WriteHeader(s int)           { r.status = s }

func TestFaultForeignNextLink(t *testing.T) {
	f := newFixture(t)
	const link = "//evil.example/v1.0/security/secureScores?$skiptoken=x"
	f.emu.SetFaults(Faults{ForeignNextLink: link})
	for _, path := range []string{"/v1.0/security/secureScores", "/beta/security/secureScoreControlProfiles?$top=1"} {
		resp, b := f.do(t, "GET", path, f.tok, "")
		var page struct {
			NextLink string `json:"@odata.nextLink"`
			Value    []any  `json:"value"`
		}
		if err := json.Unmarshal(b, &page); err != nil || resp.StatusCode != 200 || page.NextLink != link || len(page.Value) == 0 {
			t.Errorf("%s: %d %v nextLink %q, %d items", path, resp.StatusCode, err, page.NextLink, len(page.Value))
		}
	}
	// Single objects carry no link; clearing the fault restores the real links.
	if _, b := f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles/OneAdmin", f.tok, ""); strings.Contains(string(b), "nextLink") {
		t.Errorf("entity with a nextLink: %s", truncate(b))
	}
	f.emu.SetFaults(Faults{})
	if _, b := f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles?$top=1", f.tok, ""); strings.Contains(string(b), "evil.example") || !strings.Contains(string(b), "$skiptoken=") {
		t.Errorf("after clearing: %s", truncate(b))
	}
}

func TestFaultStallResponseAndTrickleBody(t *testing.T) {
	f := newFixture(t)
	f.emu.SetFaults(Faults{StallResponse: 1})
	client := &http.Client{Timeout: 300 * time.Millisecond}
	req, _ := http.NewRequest("PATCH", f.srv.URL+"/v1.0/security/secureScoreControlProfiles/OneAdmin", strings.NewReader(`{"state":"Ignored","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`))
	req.Header.Set("Authorization", "Bearer "+f.tok)
	start := time.Now()
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("got %d, want no answer", resp.StatusCode)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("gave up after %v", d)
	}
	if p, _ := f.emu.ControlProfile("OneAdmin"); currentState(p) != "Ignored" {
		t.Error("the stalled PATCH was not applied")
	}
	if last := f.emu.Journal()[len(f.emu.Journal())-1]; last.Status != 0 {
		t.Errorf("journal status %d", last.Status)
	}

	f.emu.SetFaults(Faults{TrickleBody: 1})
	req, _ = http.NewRequest("GET", f.srv.URL+"/v1.0/security/secureScoreControlProfiles/OneAdmin", nil)
	req.Header.Set("Authorization", "Bearer "+f.tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v", err)
	}
	buf := make([]byte, 64)
	start = time.Now()
	n, _ := io.ReadAtLeast(resp.Body, buf, 3)
	resp.Body.Close()
	if d := time.Since(start); n < 3 || d < 2*trickleInterval {
		t.Errorf("%d bytes in %v: not trickled", n, d)
	}
	// The counts are used up: the next request answers at once.
	if resp, _ := f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles/OneAdmin", f.tok, ""); resp.StatusCode != 200 {
		t.Errorf("%d", resp.StatusCode)
	}
}
