package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestNewEndpointRules(t *testing.T) {
	tokens := &fakeTokens{}
	for _, ok := range []string{"https://graph.microsoft.com", "https://graph.microsoft.us/", "http://localhost:8080", "http://127.0.0.1:1", "http://127.9.8.7", "http://[::1]:8080", "HTTP://LOCALHOST"} {
		if _, err := New(Options{Endpoint: ok, Tokens: tokens}); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for endpoint, want := range map[string]string{
		"http://graph.microsoft.com":      "refusing plain http:// to non-loopback host",
		"http://10.0.0.1:8080":            "refusing plain http://",
		"http://localhost.example.com":    "refusing plain http://",
		"http://[::2]":                    "refusing plain http://",
		"ftp://127.0.0.1":                 "must use https://",
		"graph.microsoft.com":             "must use https://",
		"https://graph.microsoft.com?x=1": "must not contain a query",
		"":                                "Endpoint is required",
	} {
		_, err := New(Options{Endpoint: endpoint, Tokens: tokens})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", endpoint, err, want)
		}
	}
	if _, err := New(Options{Endpoint: "https://graph.microsoft.com"}); err == nil {
		t.Error("Tokens is required")
	}
	if _, err := New(Options{Endpoint: "https://graph.microsoft.com", Tokens: tokens, APIVersion: "v2.0"}); err == nil || !strings.Contains(err.Error(), `"beta" or "v1.0"`) {
		t.Errorf("APIVersion: %v", err)
	}
	c, _ := New(Options{Endpoint: "https://graph.microsoft.com/", Tokens: tokens})
	if c.BaseURL() != "https://graph.microsoft.com/v1.0" || c.APIVersion() != "" {
		t.Errorf("default version: %s", c.BaseURL())
	}
}

// Without APIVersion each operation uses the version that documents it (v1.0, beta for the secureScores PATCH);
// with it, every operation uses it.
func TestAPIVersionPerOperation(t *testing.T) {
	for _, tc := range []struct{ version, reads, profilePatch, scorePatch string }{
		{"", "/v1.0/", "/v1.0/", "/beta/"},
		{"beta", "/beta/", "/beta/", "/beta/"},
		{"v1.0", "/v1.0/", "/v1.0/", "/v1.0/"},
	} {
		c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
			switch {
			case r.Method == http.MethodPatch && strings.Contains(r.URL.Path, "ControlProfiles"):
				w.WriteHeader(http.StatusNoContent)
			case r.Method == http.MethodPatch:
				writeJSON(w, http.StatusOK, scoreJSON)
			case strings.HasSuffix(r.URL.Path, "ControlProfiles/AdminMFAV2"):
				writeJSON(w, http.StatusOK, profileJSON)
			default:
				writeJSON(w, http.StatusOK, `{"value":[]}`)
			}
		}, func(o *Options) { o.APIVersion = tc.version })
		ctx := context.Background()
		_, _ = c.ListSecureScores(ctx, ListOptions{Top: 1})
		_, _ = c.GetControlProfile(ctx, "AdminMFAV2")
		_, _ = c.UpdateControlProfile(ctx, "AdminMFAV2", ControlProfileUpdate{State: "Ignored"})
		_, _ = c.UpdateSecureScores(ctx, map[string]any{"activeUserCount": 1})
		want := []string{tc.reads, tc.reads, tc.profilePatch, tc.scorePatch}
		var got []string
		for _, r := range rec.all() {
			got = append(got, r.URI)
		}
		if len(got) != len(want) {
			t.Fatalf("version %q: requests %v", tc.version, got)
		}
		for i := range want {
			if !strings.HasPrefix(got[i], want[i]) {
				t.Errorf("version %q: request %d went to %s, want %s...", tc.version, i, got[i], want[i])
			}
		}
	}
}

// A redirect is never followed: the bearer token must not leave the configured endpoint.
func TestRedirectNotFollowed(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, "http://127.0.0.1:1/elsewhere", http.StatusFound)
	})
	_, err := c.GetSecureScore(ctxTimeout(t, 5*time.Second), "x")
	var ge *Error
	if !asError(err, &ge) || ge.StatusCode != http.StatusFound || len(rec.all()) != 1 {
		t.Fatalf("got %v after %d requests", err, len(rec.all()))
	}
}

func TestHeadersAndFreshClientRequestIDs(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == http.MethodPatch {
			writeJSON(w, 200, scoreJSON)
			return
		}
		writeJSON(w, 200, `{"value":[`+scoreJSON+`]}`)
	})
	ctx := ctxTimeout(t, 5*time.Second)
	for i := 0; i < 3; i++ {
		if _, err := c.ListSecureScores(ctx, ListOptions{Top: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.UpdateSecureScores(ctx, map[string]any{"maxScore": 1}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rec.all() {
		id := r.Header.Get("client-request-id")
		if _, err := uuid.Parse(id); err != nil || seen[id] {
			t.Errorf("client-request-id %q not a fresh GUID", id)
		}
		seen[id] = true
		if r.Header.Get("Authorization") != "Bearer tok-0" || r.Header.Get("User-Agent") != "terraform-provider-securescore/test" || r.Header.Get("Accept") != "application/json" {
			t.Errorf("headers %v", r.Header)
		}
		if r.Method == http.MethodPatch && r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("PATCH Content-Type %q", r.Header.Get("Content-Type"))
		}
	}
}

func TestPathsBothVersionsAndIDEscaping(t *testing.T) {
	for _, version := range []string{"v1.0", "beta"} {
		c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
			switch {
			case r.Method == http.MethodPatch && strings.Contains(r.URL.Path, "ControlProfiles"):
				w.WriteHeader(http.StatusNoContent)
			case strings.HasSuffix(r.URL.Path, "/secureScores") || strings.HasSuffix(r.URL.Path, "/secureScoreControlProfiles"):
				if r.Method == http.MethodPatch {
					writeJSON(w, 200, scoreJSON)
				} else {
					writeJSON(w, 200, `{"value":[]}`)
				}
			case strings.Contains(r.URL.Path, "ControlProfiles"):
				writeJSON(w, 200, profileJSON)
			default:
				writeJSON(w, 200, scoreJSON)
			}
		}, func(o *Options) { o.APIVersion = version })
		ctx := ctxTimeout(t, 5*time.Second)
		steps := []func() error{
			func() error { _, err := c.ListSecureScores(ctx, ListOptions{}); return err },
			func() error { _, err := c.GetSecureScore(ctx, "t_2023-01-10"); return err },
			func() error { _, err := c.UpdateSecureScores(ctx, map[string]any{}); return err },
			func() error { _, err := c.UpdateSecureScore(ctx, "t_2023-01-10", map[string]any{}); return err },
			func() error { _, err := c.ListControlProfiles(ctx, ListOptions{}); return err },
			func() error { _, err := c.GetControlProfile(ctx, "11770.MDA_Google_EnableTwoFactorAuth"); return err },
			func() error {
				_, err := c.UpdateControlProfile(ctx, "11770.MDA_Google_EnableTwoFactorAuth", ControlProfileUpdate{State: "Reviewed"})
				return err
			},
			func() error { _, err := c.GetControlProfile(ctx, "a/b?c#d e%"); return err },
			func() error { _, err := c.GetControlProfile(ctx, ".."); return err },
		}
		for i, step := range steps {
			if err := step(); err != nil {
				t.Fatalf("%s step %d: %v", version, i, err)
			}
		}
		want := []string{
			"GET /" + version + "/security/secureScores",
			"GET /" + version + "/security/secureScores/t_2023-01-10",
			"PATCH /" + version + "/security/secureScores",
			"PATCH /" + version + "/security/secureScores/t_2023-01-10",
			"GET /" + version + "/security/secureScoreControlProfiles",
			"GET /" + version + "/security/secureScoreControlProfiles/11770.MDA_Google_EnableTwoFactorAuth",
			"PATCH /" + version + "/security/secureScoreControlProfiles/11770.MDA_Google_EnableTwoFactorAuth",
			"GET /" + version + "/security/secureScoreControlProfiles/a%2Fb%3Fc%23d%20e%25",
			"GET /" + version + "/security/secureScoreControlProfiles/%2E%2E",
		}
		got := rec.all()
		for i, w := range want {
			if g := got[i].Method + " " + got[i].URI; g != w {
				t.Errorf("%s: got %q, want %q", version, g, w)
			}
		}
	}
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {})
	if _, err := c.GetSecureScore(ctxTimeout(t, time.Second), ""); err == nil {
		t.Error("an empty id must be refused")
	}
}

func TestListQueryOptions(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 200, `{"@odata.count":7,"value":[`+scoreJSON+`]}`)
	})
	list, err := c.ListSecureScores(ctxTimeout(t, 5*time.Second), ListOptions{
		Top: 5, Skip: 2, Filter: "azureTenantId eq 'a+b&c'", Select: []string{"id", "currentScore"}, Count: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if list.Count == nil || *list.Count != 7 || len(list.Value) != 1 {
		t.Fatalf("%+v", list)
	}
	uri := rec.all()[0].URI
	want := "/v1.0/security/secureScores?$filter=azureTenantId%20eq%20%27a%2Bb%26c%27&$select=id%2CcurrentScore&$top=5&$skip=2&$count=true"
	if uri != want {
		t.Fatalf("got  %s\nwant %s", uri, want)
	}
	q, _ := url.ParseQuery(strings.SplitN(uri, "?", 2)[1])
	if q.Get("$filter") != "azureTenantId eq 'a+b&c'" || q.Get("$select") != "id,currentScore" {
		t.Fatalf("server-side decoding: %v", q)
	}
	if _, err := c.ListSecureScores(ctxTimeout(t, time.Second), ListOptions{Top: -1}); err == nil {
		t.Fatal("negative $top must be refused")
	}
}

// The server hands out opaque links; the client must request exactly them, tolerate an empty page, and stop
// when a page has no link.
func TestListFollowsNextLinkVerbatim(t *testing.T) {
	var base string
	links := []string{
		"/v1.0/security/secureScores?$top=1&$skiptoken=AbC%2Fx%3D%3D!%27odd%27&$count=true",
		"/v1.0/security/secureScores?%24skiptoken=empty-page&zz=1",
		"/v1.0/Security/SecureScores?$skiptoken=last",
	}
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1:
			writeJSON(w, 200, fmt.Sprintf(`{"@odata.count":3,"@odata.nextLink":%q,"value":[%s]}`, base+links[0], scoreJSON))
		case 2:
			writeJSON(w, 200, fmt.Sprintf(`{"@odata.nextLink":%q,"value":[]}`, base+links[1]))
		case 3:
			writeJSON(w, 200, fmt.Sprintf(`{"@odata.nextLink":%q,"value":[%s]}`, base+links[2], strings.Replace(scoreJSON, "t_2023-01-10", "t_2023-01-09", 1)))
		default:
			writeJSON(w, 200, `{"value":[`+strings.Replace(scoreJSON, "t_2023-01-10", "t_2023-01-08", 1)+`]}`)
		}
	})
	base = strings.TrimSuffix(c.endpoint.String(), "/")
	list, err := c.ListSecureScores(ctxTimeout(t, 5*time.Second), ListOptions{Top: 1, Count: true})
	if err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	if len(reqs) != 4 {
		t.Fatalf("%d requests", len(reqs))
	}
	for i, l := range links {
		if reqs[i+1].URI != l {
			t.Errorf("page %d: requested %q, the link was %q", i+2, reqs[i+1].URI, l)
		}
	}
	if len(list.Value) != 3 || list.Value[0].ID != "t_2023-01-10" || list.Value[2].ID != "t_2023-01-08" || list.Count == nil || *list.Count != 3 {
		t.Fatalf("%+v", list)
	}
}

func TestListLimitStopsFollowing(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		next := fmt.Sprintf("%s://%s/v1.0/security/secureScores?$skiptoken=%d", "http", r.Host, n)
		writeJSON(w, 200, fmt.Sprintf(`{"@odata.nextLink":%q,"value":[%s,%s]}`, next, scoreJSON, scoreJSON))
	})
	list, err := c.ListSecureScores(ctxTimeout(t, 5*time.Second), ListOptions{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Value) != 3 || len(rec.all()) != 2 {
		t.Fatalf("%d items after %d requests", len(list.Value), len(rec.all()))
	}
}

func TestListRefusesForeignOrLoopingNextLink(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 200, `{"@odata.nextLink":"https://evil.example/v1.0/security/secureScores?$skiptoken=x","value":[]}`)
	})
	_, err := c.ListSecureScores(ctxTimeout(t, 5*time.Second), ListOptions{})
	if err == nil || !strings.Contains(err.Error(), "refusing to follow @odata.nextLink") || len(rec.all()) != 1 {
		t.Fatalf("%v after %d requests", err, len(rec.all()))
	}
	c, rec, _ = newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 200, `{"@odata.nextLink":"/v1.0/security/secureScores?$skiptoken=same","value":[]}`)
	})
	_, err = c.ListSecureScores(ctxTimeout(t, 5*time.Second), ListOptions{})
	if err == nil || !strings.Contains(err.Error(), "repeats a page") || len(rec.all()) != 2 {
		t.Fatalf("%v after %d requests", err, len(rec.all()))
	}
}

func TestUpdateSecureScoresBody(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 200, scoreJSON)
	})
	patch := map[string]any{"azureTenantId": "t", "activeUserCount": 15, "maxScore": Double(863)}
	got, err := c.UpdateSecureScores(ctxTimeout(t, 5*time.Second), patch)
	if err != nil || got == nil || got.ID != "t_2023-01-10" {
		t.Fatalf("%+v %v", got, err)
	}
	if _, ok := patch["@odata.type"]; ok || len(patch) != 3 {
		t.Fatal("the caller's map was modified")
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(rec.all()[0].Body), &body); err != nil {
		t.Fatal(err)
	}
	if body["@odata.type"] != "#microsoft.graph.secureScore" || body["activeUserCount"] != float64(15) || body["maxScore"] != float64(863) || body["azureTenantId"] != "t" || len(body) != 4 {
		t.Fatalf("body %v", body)
	}
}

func TestUpdateControlProfile204And200(t *testing.T) {
	want := `{"assignedTo":"me@contoso.com","comment":"c","state":"Ignored","vendorInformation":{"provider":"SecureScore","providerVersion":null,"subProvider":null,"vendor":"Microsoft"}}`
	update := ControlProfileUpdate{AssignedTo: "me@contoso.com", Comment: "c", State: "Ignored",
		VendorInformation: SecurityVendorInformation{Provider: strPtr("SecureScore"), Vendor: strPtr("Microsoft")}}

	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(http.StatusNoContent) })
	p, err := c.UpdateControlProfile(ctxTimeout(t, 5*time.Second), "AdminMFA", update)
	if p != nil || err != nil {
		t.Fatalf("204: got %v, %v; want nil, nil", p, err)
	}
	r := rec.all()[0]
	if r.Body != want || r.Header.Get("Prefer") != "return=representation" {
		t.Fatalf("body %s, Prefer %q", r.Body, r.Header.Get("Prefer"))
	}

	c, _, _ = newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, profileJSON) })
	p, err = c.UpdateControlProfile(ctxTimeout(t, 5*time.Second), "11770.MDA_Google_EnableTwoFactorAuth", update)
	if err != nil || p == nil || p.ID != "11770.MDA_Google_EnableTwoFactorAuth" || ptrString(t, p.ControlStateUpdates[0].State) != "Default" {
		t.Fatalf("200: %+v %v", p, err)
	}
}

// A 200 whose body is truncated or malformed is a clear error with the status and request-id, not a zero value.
func TestMalformedSuccessBody(t *testing.T) {
	for name, body := range map[string]string{
		"truncated": scoreJSON[:40],
		"html":      "<html>oops</html>",
		"empty":     "",
		"types":     `{"id":"x","currentScore":"high"}`,
	} {
		c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, body) })
		_, err := c.GetSecureScore(ctxTimeout(t, 5*time.Second), "x")
		if err == nil || !strings.Contains(err.Error(), "HTTP 200") || !strings.Contains(err.Error(), "request-id srv-req-id") ||
			!strings.Contains(err.Error(), "could not decode") {
			t.Errorf("%s: %v", name, err)
		}
		if name == "types" && !strings.Contains(err.Error(), "currentScore: invalid Edm.Double") {
			t.Errorf("types: %v", err)
		}
		_, err = c.ListSecureScores(ctxTimeout(t, 5*time.Second), ListOptions{})
		if err == nil || !strings.Contains(err.Error(), "HTTP 200") {
			t.Errorf("list %s: %v", name, err)
		}
	}
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 200, `{"value":[{"id":"a"},{"id":"b","maxScore":"max"}]}`)
	})
	_, err := c.ListSecureScores(ctxTimeout(t, 5*time.Second), ListOptions{})
	if err == nil || !strings.Contains(err.Error(), "value[1].maxScore: invalid Edm.Double") {
		t.Fatalf("list item path: %v", err)
	}
}

// One Client serves concurrent calls (the provider reads many resources in parallel).
func TestClientConcurrentUse(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n%3 == 0 {
			throttled(429, "0.01")(w)
			return
		}
		writeJSON(w, 200, scoreJSON)
	})
	ctx := ctxTimeout(t, 10*time.Second)
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		go func() {
			_, err := c.GetSecureScore(ctx, fmt.Sprintf("t_%d", i))
			errs <- err
		}()
	}
	for i := 0; i < 20; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if len(rec.all()) < 20 {
		t.Fatalf("%d requests", len(rec.all()))
	}
}
