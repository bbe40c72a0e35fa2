package emulator

// Journal queries for fleet tests: what each tenant was asked, and whether every Graph request carried a token of
// the tenant it was meant for.

import (
	"slices"
	"strings"
)

// TenantTraffic is one tenant's share of the journal.
type TenantTraffic struct {
	Tenant        string `json:"tenant"`        // GUID
	TokenRequests int    `json:"tokenRequests"` // to its token endpoint, whatever the answer
	TokenFailures int    `json:"tokenFailures"` // of those, answered other than 200 (0 for no answer, a stall)
	Reads         int    `json:"reads"`         // Graph GETs
	Writes        int    `json:"writes"`        // Graph PATCHes
	Throttled     int    `json:"throttled"`     // Graph requests answered 429, by a limit or a fault
	Failed        int    `json:"failed"`        // Graph requests answered another status >= 400, or not at all
	// Apps are the applications whose tokens the tenant's token requests and Graph requests named, sorted.
	Apps []string `json:"apps"`
}

// TrafficByTenant sums the journal per tenant (JournalEntry.Tenant; a token request for a tenant not served is
// under the name it used), so that a fleet test can assert, say, that a 429 storm in one tenant left the others
// without a 429, or that each tenant cost one token request.
func (e *Emulator) TrafficByTenant() map[string]TenantTraffic {
	out := map[string]TenantTraffic{}
	for _, en := range e.Journal() {
		if en.Tenant == "" || (en.Kind != "token" && en.Kind != "read" && en.Kind != "write") {
			continue
		}
		tt := out[en.Tenant]
		tt.Tenant = en.Tenant
		switch en.Kind {
		case "token":
			tt.TokenRequests++
			if en.Status != 200 {
				tt.TokenFailures++
			}
		case "read":
			tt.Reads++
		default:
			tt.Writes++
		}
		switch {
		case en.Kind == "token":
		case en.Status == 429:
			tt.Throttled++
		case en.Status >= 400 || en.Status == 0:
			tt.Failed++
		}
		if en.App != "" && !slices.ContainsFunc(tt.Apps, func(a string) bool { return strings.EqualFold(a, en.App) }) {
			tt.Apps = append(tt.Apps, en.App)
			slices.Sort(tt.Apps)
		}
		out[en.Tenant] = tt
	}
	return out
}

// MisdirectedRequests returns the Graph requests (reads and writes) whose bearer token was not issued for the
// tenant the caller meant them for. intended names that tenant for an entry (a GUID), for instance from the
// control id in its path, or "" when the caller has no expectation of it. Graph itself cannot tell: it has no
// tenant in its URL or host, and serves the data of the token's tenant (JournalEntry.TokenTenant), so a client
// that sends tenant B's token on a request meant for tenant A reads or changes tenant B. This is the check that
// catches it, from the client's intent.
func (e *Emulator) MisdirectedRequests(intended func(JournalEntry) string) []JournalEntry {
	var out []JournalEntry
	for _, en := range e.Journal() {
		if en.Kind != "read" && en.Kind != "write" {
			continue
		}
		if want := intended(en); want != "" && !strings.EqualFold(want, en.TokenTenant) {
			out = append(out, en)
		}
	}
	return out
}
