package emulator

// Faults of one tenant: a token endpoint that fails for one tenant only, a 429 storm in one tenant while the
// others are served as usual. A request belongs to a tenant by its token URL (token requests) or by its bearer
// token's tid (Graph requests: Graph has no tenant in its URL or host).

// SetFaults replaces this tenant's faults. They act on this tenant's token endpoint and on the Graph requests
// whose bearer token is this tenant's, after the faults of Emulator.SetFaults, and on no other tenant's requests.
// ExpireTokensNow expires the tokens issued in this tenant only (Tenant.ExpireTokens).
func (t *Tenant) SetFaults(f Faults) {
	if f.ExpireTokensNow {
		t.ExpireTokens()
	}
	t.st.faults.set(f)
}

// Faults returns this tenant's fault settings (counts as they stand now).
func (t *Tenant) Faults() Faults { return t.st.faults.get() }

// requestTenant is the served tenant a request belongs to, nil when none: a token request's URL tenant, a Graph
// request's bearer tid (signature verified; expiry not checked, so that an expired token's request is still its
// tenant's). Identity endpoints and admin requests belong to none.
func (e *Emulator) requestTenant(rt route, b *bearer) *state {
	switch {
	case rt.kind == "token" && rt.endpoint == "":
		return e.tenantByName(rt.tenant)
	case b != nil:
		return e.tenantByID(b.tenantID())
	}
	return nil
}

// faultSets are the fault settings that act on a request of tenant t (nil: no tenant), emulator-wide first.
func (e *Emulator) faultSets(t *state) []*faultState {
	if t == nil {
		return []*faultState{&e.faults}
	}
	return []*faultState{&e.faults, t.faults}
}
