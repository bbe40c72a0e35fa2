package emulator

// The request journal: every request, with secrets removed, for tests and the benchmark.

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// maxJournal bounds memory in long runs; the oldest entries are dropped first.
const maxJournal = 200000

// JournalEntry is one recorded request.
type JournalEntry struct {
	Time   time.Time   `json:"time"`
	Method string      `json:"method"`
	Path   string      `json:"path"`
	Query  string      `json:"query"`
	Header http.Header `json:"header"` // Authorization, cookies and secrets removed
	Body   string      `json:"body"`   // client_secret / client_assertion values redacted for token requests
	Status int         `json:"status"` // 0 when the connection was dropped before a response
	Kind   string      `json:"kind"`   // "token", "read" (GET), "write" (PATCH), "admin", "other"
	// Tenant is the tenant GUID the request acted in: a token request's tenant (as sent when it is
	// not served), a Graph request's token tid; "" when there is none (admin, OIDC discovery,
	// Graph without a valid token).
	Tenant string `json:"tenant"`
	Remote string `json:"remote,omitempty"` // the client's address: distinct values count connections
	Limit  string `json:"limit,omitempty"`  // on a 429: the limit refused (LimitConcurrency, LimitWindow, LimitScoreRate) or LimitFault
}

type journal struct {
	mu      sync.Mutex
	entries []JournalEntry
}

func (j *journal) add(en JournalEntry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.entries) >= maxJournal {
		j.entries = append(j.entries[:0:0], j.entries[len(j.entries)/10:]...)
	}
	j.entries = append(j.entries, en)
}

// Journal returns a copy of the recorded requests, oldest first.
func (e *Emulator) Journal() []JournalEntry {
	e.journal.mu.Lock()
	defer e.journal.mu.Unlock()
	out := make([]JournalEntry, len(e.journal.entries))
	for i, en := range e.journal.entries {
		en.Header = en.Header.Clone()
		out[i] = en
	}
	return out
}

// ResetJournal forgets every recorded request.
func (e *Emulator) ResetJournal() {
	e.journal.mu.Lock()
	defer e.journal.mu.Unlock()
	e.journal.entries = nil
}

// journalTenant names the tenant of a request for the journal, from the response when
// authentication found it, else from the token URL or the bearer token.
func (e *Emulator) journalTenant(r *http.Request, rt route, resp *response) string {
	switch {
	case resp.tenant != "":
		return resp.tenant
	case rt.kind == "token" && rt.tenant != "":
		if t := e.tenantByName(rt.tenant); t != nil {
			return t.TenantID
		}
		return rt.tenant
	case rt.endpoint == "imds" || rt.endpoint == "appservice":
		return e.cfg.TenantID // managed identities live in the first tenant
	case rt.kind == "read" || rt.kind == "write" || (rt.kind == "other" && !rt.notGraph):
		// Answered before authentication (a fault): the bearer's tenant, if it is one of ours.
		scheme, tok, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return ""
		}
		if claims, _, err := e.verifyBearer(strings.TrimSpace(tok)); err == nil {
			if t := e.tenantByID(str(claims["tid"])); t != nil {
				return t.TenantID
			}
		}
	}
	return ""
}

// secretHeaders never reach the journal.
var secretHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Ms-Token-Aad-Access-Token", "X-Identity-Header", "Secret"}

func redactHeader(h http.Header) http.Header {
	out := h.Clone()
	if out == nil {
		out = http.Header{}
	}
	for _, k := range secretHeaders {
		out.Del(k)
	}
	return out
}

// secretFormFields have their values replaced in token-request bodies.
var secretFormFields = map[string]bool{"client_secret": true, "client_assertion": true, "assertion": true, "password": true, "refresh_token": true, "access_token": true, "code": true}

// redactForm keeps the body's shape (names and order) and hides secret values.
func redactForm(body string) string {
	parts := strings.Split(body, "&")
	for i, p := range parts {
		name, _, hasValue := strings.Cut(p, "=")
		key, err := url.QueryUnescape(name)
		if err != nil {
			key = name
		}
		if hasValue && secretFormFields[strings.ToLower(key)] {
			parts[i] = name + "=REDACTED"
		}
	}
	return strings.Join(parts, "&")
}

func redactQuery(q string) string {
	if q == "" {
		return q
	}
	return redactForm(q)
}
