package graph

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// At TRACE the graph subsystem logs method, URL, status, duration, request-id and bodies, but never the
// token, the Authorization header, or secrets echoed back in a body.
func TestLoggingNeverShowsSecrets(t *testing.T) {
	t.Setenv("TF_LOG_PROVIDER_SECURESCORE_GRAPH", "TRACE") // bodies are logged only at TRACE
	secrets := []string{"SUPERSECRETTOKEN", "SECRET-AT-1", "SECRET-CS-2", "SECRET-CA-3", "SECRET-CS-4", "SECRET-RT-5"}
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case n == 1:
			throttled(429, "0.01")(w)
		case r.Method == http.MethodPatch:
			writeJSON(w, 200, `{"id":"x","leak0":"`+r.Header.Get("Authorization")+`","leak1":{"access_token":"SECRET-AT-1","refresh_token":"SECRET-RT-5"},`+
				`"leak2":"client_secret=SECRET-CS-2&client_assertion=SECRET-CA-3"}`)
		default:
			w.Header().Set("Warning", `199 - "federated provider partially unavailable"`)
			writeJSON(w, 206, `{"value":[{"id":"y","raw":"`+strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")+`"}]}`)
		}
	}, func(o *Options) {
		o.Tokens = &fakeTokens{prefix: "SUPERSECRETTOKEN-"}
	})
	var buf syncBuffer
	ctx, cancel := context.WithTimeout(tflogtest.RootLogger(context.Background(), &buf), 5*time.Second)
	defer cancel()
	if _, err := c.UpdateSecureScore(ctx, "x", map[string]any{"note": "client_secret=SECRET-CS-4"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListSecureScores(ctx, ListOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("log contains %q:\n%s", s, out)
		}
	}
	entries, err := tflogtest.MultilineJSONDecode(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var sawResponse, sawRetry, sawReqBody, sawRespBody, sawWarn bool
	for _, e := range entries {
		if e["@module"] != "provider.graph" {
			t.Errorf("entry outside the graph subsystem: %v", e)
		}
		switch e["@message"] {
		case "graph: response":
			sawResponse = sawResponse || (e["method"] == "PATCH" && e["status"] == float64(200) && e["request_id"] == "srv-req-id" &&
				e["url"] == c.BaseURL()+"/security/secureScores/x" && e["attempt"] == float64(2) && e["duration_ms"] != nil && e["@level"] == "debug")
		case "graph: retrying":
			sawRetry = e["status"] == float64(429) && e["wait_ms"] != nil
		case "graph: request body":
			sawReqBody = e["@level"] == "trace" && strings.Contains(fmt.Sprint(e["body"]), `"note"`)
		case "graph: response body":
			sawRespBody = sawRespBody || (e["@level"] == "trace" && strings.Contains(fmt.Sprint(e["body"]), `"leak1"`))
		case "graph: partial result (HTTP 206)":
			sawWarn = e["@level"] == "warn" && e["warning"] == `199 - "federated provider partially unavailable"`
		}
	}
	if !sawResponse || !sawRetry || !sawReqBody || !sawRespBody || !sawWarn {
		t.Fatalf("missing entries (response %v, retry %v, request body %v, response body %v, 206 warning %v):\n%s",
			sawResponse, sawRetry, sawReqBody, sawRespBody, sawWarn, out)
	}
}

// Below TRACE the bodies never reach tflog: its masking would scan each one even though nothing is written.
func TestBodiesAreLoggedOnlyAtTrace(t *testing.T) {
	for _, k := range traceEnvVars {
		t.Setenv(k, "")
	}
	t.Setenv("TF_LOG", "DEBUG")
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 200, `{"id":"x","marker":"RESPONSE-BODY-MARKER"}`)
	})
	var buf syncBuffer
	ctx, cancel := context.WithTimeout(tflogtest.RootLogger(context.Background(), &buf), 5*time.Second)
	defer cancel()
	if _, err := c.UpdateSecureScore(ctx, "x", map[string]any{"note": "REQUEST-BODY-MARKER"}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "graph: response") {
		t.Fatalf("the debug line for the response is missing:\n%s", out)
	}
	for _, s := range []string{"RESPONSE-BODY-MARKER", "REQUEST-BODY-MARKER", "graph: request body", "graph: response body"} {
		if strings.Contains(out, s) {
			t.Errorf("log below TRACE contains %q:\n%s", s, out)
		}
	}
}

func TestLogLevelsFromEnv(t *testing.T) {
	for _, tc := range []struct {
		graph, provider, all string
		bodies, requests     bool
	}{
		{"", "", "", false, false},
		{"", "", "TRACE", true, true},
		{"", "", "json", true, true},
		{"", "", "DEBUG", false, true},
		{"", "", "INFO", false, false},
		{"", "TRACE", "DEBUG", true, true},
		{"DEBUG", "TRACE", "TRACE", false, true}, // the most specific variable wins
		{"WARN", "", "TRACE", false, false},
		{"trace", "", "", true, true},
	} {
		t.Setenv("TF_LOG_PROVIDER_SECURESCORE_GRAPH", tc.graph)
		t.Setenv("TF_LOG_PROVIDER", tc.provider)
		t.Setenv("TF_LOG", tc.all)
		if got := bodyTracingFromEnv(); got != tc.bodies {
			t.Errorf("graph=%q provider=%q TF_LOG=%q: bodies %v, want %v", tc.graph, tc.provider, tc.all, got, tc.bodies)
		}
		if got := debugLoggingFromEnv(); got != tc.requests {
			t.Errorf("graph=%q provider=%q TF_LOG=%q: request lines %v, want %v", tc.graph, tc.provider, tc.all, got, tc.requests)
		}
	}
}

// Below DEBUG no per-request line reaches tflog (its masking would scan each one though nothing is written).
func TestRequestLinesOnlyAtDebug(t *testing.T) {
	for _, k := range traceEnvVars {
		t.Setenv(k, "")
	}
	t.Setenv("TF_LOG", "INFO")
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 200, `{"id":"x"}`)
	})
	var buf syncBuffer
	ctx, cancel := context.WithTimeout(tflogtest.RootLogger(context.Background(), &buf), 5*time.Second)
	defer cancel()
	if _, err := c.UpdateSecureScore(ctx, "x", map[string]any{"note": "n"}); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); strings.Contains(out, "graph: response") {
		t.Fatalf("a per-request line was handed to tflog below DEBUG:\n%s", out)
	}
}
