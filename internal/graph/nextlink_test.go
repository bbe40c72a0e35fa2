package graph

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Every link form that leaves the configured scheme, host or port is refused before a request goes out, and
// the other server never sees a request (so never sees the bearer token).
func TestListNextLinkOnlyToConfiguredOrigin(t *testing.T) {
	other := &recorder{h: func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, `{"value":[]}`) }}
	otherSrv := httptest.NewServer(other)
	t.Cleanup(otherSrv.Close)
	oh := strings.TrimPrefix(otherSrv.URL, "http://") // 127.0.0.1:port

	var link string
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 200, fmt.Sprintf(`{"@odata.nextLink":%q,"value":[]}`, link))
	})
	self := c.endpoint.Host // 127.0.0.1:port
	_, selfPort, _ := strings.Cut(self, ":")
	for name, l := range map[string]string{
		"absolute other host":       otherSrv.URL + "/v1.0/security/secureScores?$skiptoken=x",
		"protocol-relative":         "//" + oh + "/v1.0/security/secureScores?$skiptoken=x",
		"protocol-relative no path": "//" + oh,
		"scheme change":             "https://" + self + "/v1.0/security/secureScores?$skiptoken=x",
		"userinfo to other host":    "http://" + self + "@" + oh + "/v1.0/security/secureScores",
		"userinfo on own host":      "http://user:pw@" + self + "/v1.0/security/secureScores?$skiptoken=x",
		"backslash authority":       `/\` + oh + "/v1.0/security/secureScores",
		"double backslash":          `\\` + oh + "/v1.0/security/secureScores",
		"scheme with backslashes":   `http:\\` + oh + "/v1.0/security/secureScores",
		"different port":            "http://127.0.0.1:" + otherPort(t, otherSrv, selfPort) + "/v1.0/security/secureScores",
		"opaque":                    "http:" + oh + "/v1.0/security/secureScores",
		"localhost alias of other":  "http://localhost:" + strings.TrimPrefix(oh, "127.0.0.1:") + "/v1.0/x",
	} {
		t.Run(name, func(t *testing.T) {
			link = l
			before := len(rec.all())
			_, err := c.ListSecureScores(ctxTimeout(t, 5*time.Second), ListOptions{})
			if err == nil || !strings.Contains(err.Error(), "refusing to follow @odata.nextLink") {
				t.Errorf("link %q: err %v", l, err)
			}
			if got := len(rec.all()) - before; got != 1 {
				t.Errorf("link %q: %d requests to the endpoint, want 1", l, got)
			}
		})
	}
	if n := len(other.all()); n != 0 {
		t.Fatalf("the other server received %d requests (with Authorization %q)", n, other.all()[0].Header.Get("Authorization"))
	}
}

func otherPort(t *testing.T, srv *httptest.Server, selfPort string) string {
	t.Helper()
	u, _ := url.Parse(srv.URL)
	if u.Port() == selfPort {
		t.Fatal("both servers on one port")
	}
	return u.Port()
}

// The same origin written with another host case or an explicit default port is the same origin and is
// followed; the decision needs no network, so it is checked on a https endpoint.
func TestCheckNextLinkOriginRules(t *testing.T) {
	c, err := New(Options{Endpoint: "https://Graph.Microsoft.com", Tokens: &fakeTokens{}})
	if err != nil {
		t.Fatal(err)
	}
	const cur = "https://graph.microsoft.com/beta/security/secureScores"
	for _, ok := range []string{
		"https://graph.microsoft.com/beta/security/secureScores?$skiptoken=a",
		"HTTPS://GRAPH.MICROSOFT.COM/beta/security/secureScores?$skiptoken=b",
		"https://graph.microsoft.com:443/beta/security/secureScores?$skiptoken=c",
		"/beta/security/secureScores?$skiptoken=d",
		"secureScores?$skiptoken=e",
		"?$skiptoken=f",
	} {
		if _, err := c.checkNextLink(cur, ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{
		"//evil.example/v1.0/x",
		"///evil.example/v1.0/x",
		"http://graph.microsoft.com/beta/x",
		"https://graph.microsoft.com:8443/beta/x",
		"https://graph.microsoft.com@evil.example/beta/x",
		"https://evil.example\\@graph.microsoft.com/beta/x",
		"https://graph.microsoft.com.evil.example/beta/x",
		"https://graph.microsoft.com./beta/x",
		"/\\evil.example/beta/x",
		"\\\\evil.example/beta/x",
		"https:\\\\evil.example/beta/x",
		"https:evil.example/beta/x",
		"ftp://graph.microsoft.com/beta/x",
		"https://graph.microsoft.com/beta/x\x00",
		" https://evil.example/x",
		"",
	} {
		if got, err := c.checkNextLink(cur, bad); err == nil {
			t.Errorf("%q accepted as %q", bad, got)
		}
	}
}
