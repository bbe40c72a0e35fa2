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
	// Tenant is the tenant GUID the request addressed: a token request's URL tenant (as sent when it is not
	// served); a Graph request's bearer token tid, since Graph has no tenant in its URL or host (the token alone
	// decides whose data a request reaches); "" when there is none (admin, OIDC discovery, Graph without a token
	// signed by the emulator, or with the tid of a tenant not served).
	Tenant string `json:"tenant"`
	// TokenTenant is the tid of the token involved: the bearer token a Graph request carried (signature verified,
	// even when it was refused as expired or for the wrong tenant), or the token a token request was issued (200
	// only). A Graph request for a served tenant has TokenTenant == Tenant by construction.
	TokenTenant string `json:"tokenTenant,omitempty"`
	// App is the application: a Graph request's bearer token appid, a token request's client id (as sent).
	App    string `json:"app,omitempty"`
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

// journalIdentity fills the entry's Tenant, TokenTenant and App: from the response when authentication found the
// tenant, else from the token URL or the bearer token.
func (e *Emulator) journalIdentity(en *JournalEntry, r *http.Request, rt route, b *bearer, body []byte, resp *response) {
	switch {
	case rt.kind == "token" && rt.endpoint == "":
		en.Tenant = rt.tenant
		if t := e.tenantByName(rt.tenant); t != nil {
			en.Tenant = t.TenantID
		}
		if form, err := url.ParseQuery(string(body)); err == nil {
			en.App, _, _ = tokenClient(r, form)
		}
		if resp.status == http.StatusOK {
			en.TokenTenant = en.Tenant
		}
	case rt.endpoint == "imds" || rt.endpoint == "appservice":
		en.Tenant = e.cfg.TenantID // managed identities live in the first tenant
	case b != nil:
		en.TokenTenant, en.App = b.tenantID(), b.appID()
		en.Tenant = resp.tenant
		if t := e.tenantByID(en.TokenTenant); en.Tenant == "" && t != nil {
			en.Tenant = t.TenantID // answered before authentication (a fault), or refused by it
		}
	}
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
