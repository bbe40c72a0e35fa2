package emulator

// Admin endpoints under /_emulator/ (no auth; loopback callers only). Those that show data take
// ?tenant=<GUID or domain>: the journal filters by it, the state shows it (default: the first tenant).

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
	t := e.st
	if name := r.URL.Query().Get("tenant"); name != "" {
		if t = e.tenantByName(name); t == nil {
			return adminError(http.StatusNotFound, "no tenant "+name+"; see GET /_emulator/tenants")
		}
	}
	switch {
	case path == "/_emulator/journal" && r.Method == http.MethodGet:
		entries := e.Journal()
		kind, byTenant := r.URL.Query().Get("kind"), r.URL.Query().Has("tenant")
		if kind != "" || byTenant {
			filtered := entries[:0]
			for _, en := range entries {
				if (kind == "" || en.Kind == kind) && (!byTenant || strings.EqualFold(en.Tenant, t.TenantID)) {
					filtered = append(filtered, en)
				}
			}
			entries = filtered
		}
		return adminJSON(http.StatusOK, marshalNoEscape(entries))
	case path == "/_emulator/journal" && r.Method == http.MethodDelete:
		e.ResetJournal()
		return &response{status: http.StatusNoContent, header: http.Header{}}
	case path == "/_emulator/faults" && r.Method == http.MethodGet:
		return adminJSON(http.StatusOK, marshalNoEscape(e.Faults()))
	case path == "/_emulator/faults" && (r.Method == http.MethodPost || r.Method == http.MethodPut):
		var f Faults
		if err := json.Unmarshal(body, &f); err != nil {
			return adminError(http.StatusBadRequest, "faults: "+err.Error())
		}
		if err := f.validate(); err != nil {
			return adminError(http.StatusBadRequest, "faults: "+err.Error())
		}
		e.SetFaults(f)
		return adminJSON(http.StatusOK, marshalNoEscape(e.Faults()))
	case path == "/_emulator/state" && r.Method == http.MethodGet:
		return adminJSON(http.StatusOK, e.stateJSON(t))
	case path == "/_emulator/tenants" && r.Method == http.MethodGet:
		return adminJSON(http.StatusOK, marshalNoEscape(e.tenantsView()))
	}
	return adminError(http.StatusNotFound, "unknown admin endpoint "+r.Method+" "+r.URL.Path+"; see GET/DELETE /_emulator/journal, GET/POST /_emulator/faults, GET /_emulator/state, GET /_emulator/tenants (journal and state take ?tenant=)")
}
