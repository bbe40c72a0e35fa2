package auth

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

func TestNewEntraErrorHints(t *testing.T) {
	for code, phrase := range map[int]string{
		7000215: "client secret is wrong",
		7000222: "client secret has expired",
		700016:  "unknown application",
		90002:   "unknown tenant",
		70011:   "bad scope",
	} {
		body := `{"error":"x","error_description":"AADSTS` + strconv.Itoa(code) + `: Something.\r\nTrace ID: a\r\nCorrelation ID: b","error_codes":[` + strconv.Itoa(code) + `]}`
		e := NewEntraError(400, []byte(body))
		if !strings.Contains(e.Hint, phrase) || !strings.Contains(e.Error(), "Hint: "+e.Hint) || !strings.Contains(e.Error(), "AADSTS"+strconv.Itoa(code)) {
			t.Errorf("%d: %v", code, e)
		}
		if strings.Contains(e.Error(), "Trace ID: a") {
			t.Errorf("%d: only the description's first line belongs in the message: %v", code, e)
		}
	}
}

func TestNewEntraErrorFallbacks(t *testing.T) {
	// Codes only in the description.
	e := NewEntraError(401, []byte(`{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}`))
	if len(e.Codes) != 1 || e.Codes[0] != 7000215 || !strings.Contains(e.Hint, "secret is wrong") {
		t.Fatalf("%+v", e)
	}
	// Unknown code: the OAuth error code's hint.
	e = NewEntraError(400, []byte(`{"error":"invalid_tenant","error_description":"AADSTS12345: new thing","error_codes":[12345]}`))
	if !strings.Contains(e.Hint, "tenant was not found") {
		t.Fatalf("%+v", e)
	}
	// A proxy's HTML page.
	e = NewEntraError(502, []byte("<html><body><h1>Bad Gateway</h1></body></html>"))
	if e.Description != "Bad Gateway: Bad Gateway" || e.ErrorCode != "" || !strings.Contains(e.Error(), "HTTP 502") {
		t.Fatalf("%+v %v", e, e)
	}
}

func TestTokenEndpointErrorMapping(t *testing.T) {
	re := &oauth2.RetrieveError{
		Response:  &http.Response{StatusCode: 400},
		Body:      []byte(`{"error":"invalid_scope","error_description":"AADSTS70011: The provided value for the input parameter 'scope' is not valid.","error_codes":[70011],"trace_id":"tr","correlation_id":"co"}`),
		ErrorCode: "invalid_scope",
	}
	var ee *EntraError
	if err := tokenEndpointError(re); !errors.As(err, &ee) || ee.StatusCode != 400 || ee.Codes[0] != 70011 || ee.TraceID != "tr" || !strings.Contains(ee.Hint, "bad scope") {
		t.Fatalf("%+v", ee)
	}
	// No body, only the parsed fields (a form-encoded answer).
	re = &oauth2.RetrieveError{Response: &http.Response{StatusCode: 401}, ErrorCode: "invalid_client", ErrorDescription: "AADSTS7000222: expired"}
	if err := tokenEndpointError(re); !errors.As(err, &ee) || len(ee.Codes) != 1 || ee.Codes[0] != 7000222 || ee.ErrorCode != "invalid_client" {
		t.Fatalf("%+v", ee)
	}
	other := errors.New("dial tcp: connection refused")
	if err := tokenEndpointError(other); err != other {
		t.Fatalf("non-Entra error changed: %v", err)
	}
}

// Entra ID's descriptions end with a period: the hint follows after that one, not after a second.
func TestEntraErrorHintAfterOnePeriod(t *testing.T) {
	e := NewEntraError(401, []byte(`{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: t","error_codes":[7000215],"trace_id":"t"}`))
	got := e.Error()
	if strings.Contains(got, "..") || !strings.Contains(got, "Invalid client secret provided. Hint: the client secret is wrong") {
		t.Errorf("%s", got)
	}
}
