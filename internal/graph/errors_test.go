package graph

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestODataErrorFields(t *testing.T) {
	for name, body := range map[string]string{
		"innerError": `{"error":{"code":"itemNotFound","message":"Not found","innerError":{"date":"2020-08-18T12:51:51","request-id":"body-req","client-request-id":"body-creq"}}}`,
		"innererror": `{"error":{"code":"itemNotFound","message":"Not found","innererror":{"date":"2020-08-18T12:51:51","request-id":"body-req","client-request-id":"body-creq"}}}`,
	} {
		c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 404, body) })
		_, err := c.GetSecureScore(ctxTimeout(t, 5*time.Second), "t_2023-01-10")
		var ge *Error
		if !errors.As(err, &ge) {
			t.Fatalf("%s: %T %v", name, err, err)
		}
		want := Error{StatusCode: 404, Code: "itemNotFound", Message: "Not found", RequestID: "body-req", ClientRequestID: "body-creq",
			Date: "2020-08-18T12:51:51", Method: "GET", URL: c.BaseURL() + "/security/secureScores/t_2023-01-10"}
		if *ge != want {
			t.Fatalf("%s:\n got  %+v\n want %+v", name, *ge, want)
		}
		if !IsNotFound(err) {
			t.Fatal("IsNotFound")
		}
		msg := err.Error()
		for _, s := range []string{"HTTP 404 itemNotFound: Not found", "request-id body-req", "client-request-id body-creq", "date 2020-08-18T12:51:51", "GET http://"} {
			if !strings.Contains(msg, s) {
				t.Errorf("%s: %q lacks %q", name, msg, s)
			}
		}
	}
}

// Without ids in the body, the headers (and the id the client sent) fill them in.
func TestODataErrorIDsFromHeaders(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Date", "Tue, 18 Aug 2020 12:51:51 GMT")
		writeJSON(w, 403, `{"error":{"code":"Forbidden","message":"Insufficient privileges"}}`)
	})
	_, err := c.UpdateSecureScores(ctxTimeout(t, 5*time.Second), map[string]any{"maxScore": 1})
	var ge *Error
	if !errors.As(err, &ge) || ge.RequestID != "srv-req-id" || ge.ClientRequestID != rec.all()[0].Header.Get("client-request-id") ||
		ge.Date != "Tue, 18 Aug 2020 12:51:51 GMT" || ge.Code != "Forbidden" || IsNotFound(err) {
		t.Fatalf("%+v", ge)
	}
}

func TestHTMLErrorBodySnippet(t *testing.T) {
	page := "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head>\n<body>\n<h1>502\tBad Gateway</h1>\n" +
		strings.Repeat("<p>The upstream server is not answering. </p>\n", 30) + "</body></html>"
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(502)
		_, _ = w.Write([]byte(page))
	})
	_, err := c.GetSecureScore(ctxTimeout(t, 5*time.Second), "x")
	var ge *Error
	if !errors.As(err, &ge) || ge.StatusCode != 502 || ge.Code != "" {
		t.Fatalf("%T %v", err, err)
	}
	if !strings.HasPrefix(ge.Message, "HTTP 502 Bad Gateway: 502 Bad Gateway 502 Bad Gateway The upstream server") {
		t.Fatalf("message %q", ge.Message)
	}
	snippet := strings.TrimPrefix(ge.Message, "HTTP 502 Bad Gateway: ")
	if n := len([]rune(snippet)); n > 200 || strings.ContainsAny(ge.Message, "\n\r\t<>") || strings.Contains(ge.Message, "color:red") {
		t.Fatalf("snippet not short/single-line/clean (%d runes): %q", n, ge.Message)
	}
}

func TestSnippet(t *testing.T) {
	cases := map[string]string{
		"":                         "(empty body)",
		"  \n ":                    "(empty body)",
		"plain\r\ntext\x00here":    "plain text here",
		"\xff\xfebinary":           "\uFFFDbinary",
		`{"not":"an odata error"}`: `{"not":"an odata error"}`,
	}
	for in, want := range cases {
		if got := Snippet([]byte(in)); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
	long := Snippet([]byte(strings.Repeat("é", 500)))
	if n := len([]rune(long)); n != 200 || !strings.HasSuffix(long, "…") {
		t.Fatalf("%d runes", n)
	}
	// Garbage on a JSON error status still yields a status and snippet.
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 500, `{"error":`) })
	_, err := c.GetSecureScore(ctxTimeout(t, 5*time.Second), "x")
	var ge *Error
	if !errors.As(err, &ge) || ge.Message != `HTTP 500 Internal Server Error: {"error":` {
		t.Fatalf("%v", err)
	}
}

func TestResponseBodyCap(t *testing.T) {
	big := `{"value":[` + strings.Repeat(scoreJSON+",", 100) + scoreJSON + `]}`
	for _, chunked := range []bool{false, true} {
		c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if chunked {
				w.WriteHeader(200)
				for i := 0; i < len(big); i += 1000 {
					_, _ = w.Write([]byte(big[i:min(i+1000, len(big))]))
					_ = http.NewResponseController(w).Flush()
				}
				return
			}
			writeJSON(w, 200, big)
		}, func(o *Options) { o.MaxBodyBytes = 4096 })
		_, err := c.ListSecureScores(ctxTimeout(t, 5*time.Second), ListOptions{})
		if !errors.Is(err, ErrBodyTooLarge) || !strings.Contains(err.Error(), "4096") || len(rec.all()) != 1 {
			t.Fatalf("chunked=%v: %v after %d requests", chunked, err, len(rec.all()))
		}
	}
	// Default cap is 16 MiB.
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {})
	if c.maxBody != 16<<20 {
		t.Fatalf("default cap %d", c.maxBody)
	}
	// An oversized error body is capped too, and still reported as a clear error.
	c, _, _ = newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 500, strings.Repeat("x", 10000))
	}, func(o *Options) { o.MaxBodyBytes = 1000 })
	_, err := c.GetSecureScore(ctxTimeout(t, 5*time.Second), "x")
	if !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("%v", err)
	}
}

// A 403 names the permission: ReadWrite.All for writes, Read.All for reads, plus the sign-in method's advice.
func TestForbiddenHintNamesPermission(t *testing.T) {
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, http.StatusForbidden, `{"error":{"code":"Forbidden","message":"Insufficient privileges."}}`)
	}, func(o *Options) { o.ForbiddenHint = "signed in with the Azure CLI" })
	_, err := c.GetControlProfile(context.Background(), "AdminMFAV2")
	if err == nil || !strings.Contains(err.Error(), "SecurityEvents.Read.All") || !strings.Contains(err.Error(), "Azure CLI") {
		t.Errorf("GET: %v", err)
	}
	_, err = c.UpdateControlProfile(context.Background(), "AdminMFAV2", ControlProfileUpdate{State: "Ignored"})
	if err == nil || !strings.Contains(err.Error(), "needs the Microsoft Graph permission SecurityEvents.ReadWrite.All") {
		t.Errorf("PATCH: %v", err)
	}
}

// A hint follows the message as its own sentence, with one period between them: Graph's messages usually end with
// one already.
func TestErrorHintAfterOnePeriod(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{Method: "GET", URL: "u", StatusCode: 403, Code: "Forbidden", Message: "Insufficient privileges to complete the operation.", Hint: "grant it"},
			"graph: GET u: HTTP 403 Forbidden: Insufficient privileges to complete the operation. Hint: grant it"},
		{Error{Method: "GET", URL: "u", StatusCode: 403, Message: "no period", Hint: "grant it"},
			"graph: GET u: HTTP 403: no period. Hint: grant it"},
		{Error{Method: "GET", URL: "u", StatusCode: 403, Message: "Denied.", RequestID: "r", Hint: "grant it"},
			"graph: GET u: HTTP 403: Denied. (request-id r). Hint: grant it"},
		{Error{Method: "GET", URL: "u", StatusCode: 403, Message: "Denied."}, "graph: GET u: HTTP 403: Denied."},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

func TestWithHint(t *testing.T) {
	for _, tc := range [][3]string{
		{"done.", "h", "done. Hint: h"},
		{"done", "h", "done. Hint: h"},
		{"done. ", "h", "done. Hint: h"},
		{"really?", "h", "really? Hint: h"},
		{"done.", "", "done."},
		{"", "h", "Hint: h"},
	} {
		if got := WithHint(tc[0], tc[1]); got != tc[2] {
			t.Errorf("WithHint(%q, %q) = %q, want %q", tc[0], tc[1], got, tc[2])
		}
	}
}
