package emulator

// Admin endpoints under /_emulator/ (no auth; loopback callers only). They take ?tenant=<GUID or domain>: the
// journal filters by it, the state shows it (default: the first tenant), the faults are that tenant's only
// (default: every request's), the consent is that tenant's (required to change it).

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
)

func isLoopback(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func adminJSON(status int, body []byte) *response {
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=utf-8")
	return &response{status: status, header: h, body: body}
}

func adminError(status int, msg string) *response {
	return adminJSON(status, marshalNoEscape(map[string]string{"error": msg}))
}

func (e *Emulator) handleAdmin(r *http.Request, body []byte) *response {
	if !isLoopback(r.RemoteAddr) {
		return adminError(http.StatusForbidden, "admin endpoints answer loopback callers only")
	}
	path := strings.TrimSuffix(strings.ToLower(r.URL.Path), "/")
	// ?tenant= (GUID or domain) picks the tenant of data endpoints; default the first tenant.
	t, byTenant := e.st, r.URL.Query().Has("tenant")
	if name := r.URL.Query().Get("tenant"); name != "" {
		if t = e.tenantByName(name); t == nil {
			return adminError(http.StatusNotFound, "no tenant "+name+"; see GET /_emulator/tenants")
		}
	}
	tenant := &Tenant{e: e, st: t}
	switch {
	case path == "/_emulator/journal" && r.Method == http.MethodGet:
		entries := e.Journal()
		kind, app := r.URL.Query().Get("kind"), r.URL.Query().Get("app")
		if kind != "" || app != "" || byTenant {
			filtered := entries[:0]
			for _, en := range entries {
				if (kind == "" || en.Kind == kind) && (app == "" || strings.EqualFold(en.App, app)) && (!byTenant || strings.EqualFold(en.Tenant, t.TenantID)) {
					filtered = append(filtered, en)
				}
			}
			entries = filtered
		}
		return adminJSON(http.StatusOK, marshalNoEscape(entries))
	case path == "/_emulator/traffic" && r.Method == http.MethodGet:
		return adminJSON(http.StatusOK, marshalNoEscape(e.TrafficByTenant()))
	case path == "/_emulator/journal" && r.Method == http.MethodDelete:
		e.ResetJournal()
		return &response{status: http.StatusNoContent, header: http.Header{}}
	case path == "/_emulator/faults" && r.Method == http.MethodGet && byTenant:
		return adminJSON(http.StatusOK, marshalNoEscape(tenant.Faults()))
	case path == "/_emulator/faults" && r.Method == http.MethodGet:
		return adminJSON(http.StatusOK, marshalNoEscape(e.Faults()))
	case path == "/_emulator/faults" && (r.Method == http.MethodPost || r.Method == http.MethodPut):
		var f Faults
		if err := json.Unmarshal(body, &f); err != nil {
			return adminError(http.StatusBadRequest, "faults: "+err.Error())
		}
		if err := f.Validate(); err != nil {
			return adminError(http.StatusBadRequest, "faults: "+err.Error())
		}
		if byTenant {
			tenant.SetFaults(f)
			return adminJSON(http.StatusOK, marshalNoEscape(tenant.Faults()))
		}
		e.SetFaults(f)
		return adminJSON(http.StatusOK, marshalNoEscape(e.Faults()))
	case path == "/_emulator/consent":
		return e.handleConsentAdmin(r, body, tenant, byTenant)
	case path == "/_emulator/state" && r.Method == http.MethodGet:
		return adminJSON(http.StatusOK, e.stateJSON(t))
	case path == "/_emulator/tenants" && r.Method == http.MethodGet:
		return adminJSON(http.StatusOK, marshalNoEscape(e.tenantsView()))
	}
	return adminError(http.StatusNotFound, "unknown admin endpoint "+r.Method+" "+r.URL.Path+"; see GET/DELETE /_emulator/journal, GET /_emulator/traffic, GET/POST /_emulator/faults, GET/POST/DELETE /_emulator/consent, GET /_emulator/state, GET /_emulator/tenants (journal, faults, consent and state take ?tenant=)")
}

// handleConsentAdmin shows (GET: every tenant's, or ?tenant='s), withdraws (POST a Withdrawal, ?tenant= required)
// or restores (DELETE, ?tenant= required) the multi-tenant application's consent.
func (e *Emulator) handleConsentAdmin(r *http.Request, body []byte, t *Tenant, byTenant bool) *response {
	switch {
	case r.Method == http.MethodGet && byTenant:
		return adminJSON(http.StatusOK, marshalNoEscape(t.consentView()))
	case r.Method == http.MethodGet:
		views := []consentView{}
		for _, tn := range e.Tenants() {
			views = append(views, tn.consentView())
		}
		return adminJSON(http.StatusOK, marshalNoEscape(views))
	case !byTenant:
		return adminError(http.StatusBadRequest, "consent: name the tenant with ?tenant=<GUID or domain>")
	case r.Method == http.MethodPost || r.Method == http.MethodPut:
		var w Withdrawal
		if len(body) > 0 {
			if err := json.Unmarshal(body, &w); err != nil {
				return adminError(http.StatusBadRequest, "consent: "+err.Error())
			}
		}
		if err := t.WithdrawConsent(w); err != nil {
			return adminError(http.StatusBadRequest, "consent: "+err.Error())
		}
		return adminJSON(http.StatusOK, marshalNoEscape(t.consentView()))
	case r.Method == http.MethodDelete:
		t.RestoreConsent()
		return adminJSON(http.StatusOK, marshalNoEscape(t.consentView()))
	}
	return adminError(http.StatusMethodNotAllowed, "consent: use GET, POST (withdraw) or DELETE (restore)")
}
