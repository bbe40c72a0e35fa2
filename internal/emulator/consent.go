package emulator

// The multi-tenant application's consent in each tenant, which a tenant's administrator can take away in the
// middle of a run. What Entra ID and Graph then answer:
//
//   - The enterprise application (the app's service principal in the tenant) is deleted, the usual way a customer
//     removes a provider's app: the token endpoint answers 400 unauthorized_client AADSTS700016 "Application with
//     identifier … was not found in the directory …", as for an app never consented (TenantConfig.NoConsent).
//   - The service principal is disabled ("Enabled for users to sign in?" No): 400 unauthorized_client
//     AADSTS7000112 "Application '…'(…) is disabled.".
//   - The admin consent is revoked (the service principal's app role assignments are deleted; Graph's pages call
//     that "equivalent to revoking the app-only permission grant") and the service principal stays: the
//     client-credentials grant still issues tokens, without a roles claim, and Graph answers each request 403
//     Forbidden for the missing role.
//
// AADSTS65001 (invalid_grant, "The user or administrator has not consented to use the application…") is Entra's
// answer to flows with a signed-in user (delegated permissions, interactive consent); a client-credentials request
// meets AADSTS700016 instead, so the emulator's token endpoint never sends 65001.
//
// Tokens issued before the withdrawal: Microsoft documents that access tokens "can't be revoked" and stay valid
// until they expire (continuous access evaluation does not cover a multi-tenant app's app-only tokens), so Graph
// keeps accepting them for up to their lifetime (Withdrawal.KeepIssuedTokens). By default the emulator instead
// lets them expire at the withdrawal: a test then sees at once what a run sees at its next token refresh, Graph's
// 401 InvalidAuthenticationToken for the expired token followed by the token endpoint's refusal.

import (
	"fmt"
	"net/http"
	"sync"
)

// WithdrawalKind is how a tenant's administrator took the multi-tenant application's access away.
type WithdrawalKind string

// The withdrawals Entra ID knows (see the top of consent.go for what each answers).
const (
	DeleteApp         WithdrawalKind = "deleteApp"         // service principal deleted: AADSTS700016
	DisableApp        WithdrawalKind = "disableApp"        // service principal disabled: AADSTS7000112
	RevokePermissions WithdrawalKind = "revokePermissions" // app role assignments deleted: tokens without roles, Graph 403
)

// Withdrawal is one withdrawal of the multi-tenant application's consent in a tenant.
type Withdrawal struct {
	How WithdrawalKind `json:"how"` // default DeleteApp
	// KeepIssuedTokens leaves the tokens issued before the withdrawal valid until they expire, as Microsoft
	// documents access tokens; false (the default) lets them expire at the withdrawal.
	KeepIssuedTokens bool `json:"keepIssuedTokens,omitempty"`
}

// tenantAccess is the multi-tenant application's standing in one tenant.
type tenantAccess struct {
	mu        sync.Mutex
	withdrawn *Withdrawal // nil while consented
}

func newTenantAccess(tc TenantConfig) *tenantAccess {
	a := &tenantAccess{}
	if tc.NoConsent {
		a.withdrawn = &Withdrawal{How: DeleteApp} // never consented: no service principal, as after a deletion
	}
	return a
}

func (a *tenantAccess) get() *Withdrawal {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.withdrawn
}

// WithdrawConsent takes the multi-tenant application's consent away in this tenant from now on; the other tenants
// and the tenant's own applications are unaffected. Unless w.KeepIssuedTokens, the application's tokens issued in
// this tenant so far read as expired.
func (t *Tenant) WithdrawConsent(w Withdrawal) error {
	if w.How == "" {
		w.How = DeleteApp
	}
	switch w.How {
	case DeleteApp, DisableApp, RevokePermissions:
	default:
		return fmt.Errorf("emulator: withdrawal %q: use %q, %q or %q", w.How, DeleteApp, DisableApp, RevokePermissions)
	}
	t.st.access.mu.Lock()
	t.st.access.withdrawn = &w
	t.st.access.mu.Unlock()
	if !w.KeepIssuedTokens {
		t.e.ledger.expire(t.st.TenantID, t.e.cfg.MultiTenantClientID)
	}
	return nil
}

// RestoreConsent grants the multi-tenant application admin consent in this tenant again (also where
// TenantConfig.NoConsent had none): its next token request succeeds.
func (t *Tenant) RestoreConsent() {
	t.st.access.mu.Lock()
	t.st.access.withdrawn = nil
	t.st.access.mu.Unlock()
}

// Consent reports the multi-tenant application's standing in this tenant: the withdrawal in force, or
// consented == true.
func (t *Tenant) Consent() (w Withdrawal, consented bool) {
	if cur := t.st.access.get(); cur != nil {
		return *cur, false
	}
	return Withdrawal{}, true
}

// accessRefusal is the token endpoint's answer to app a in tenant t when a has no standing there, else nil. Every
// application but the multi-tenant one lives in the first (home) tenant only.
func (e *Emulator) accessRefusal(r *http.Request, a *app, t *state) *response {
	if !a.multiTenant {
		if t != e.st {
			return e.tokenError(r, appNotFound(a.id, t))
		}
		return nil
	}
	w := t.access.get()
	switch {
	case w == nil || w.How == RevokePermissions:
		return nil
	case w.How == DisableApp:
		return e.tokenError(r, entraError{http.StatusBadRequest, "unauthorized_client", 7000112, fmt.Sprintf("Application '%s'(%s) is disabled.", a.id, a.name)})
	}
	return e.tokenError(r, appNotFound(a.id, t))
}

// appNotFound is AADSTS700016: the application has no service principal in tenant t (never consented, deleted, or
// no such application at all).
func appNotFound(clientID string, t *state) entraError {
	return entraError{http.StatusBadRequest, "unauthorized_client", 700016, fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", clientID, t.cfg.Domain)}
}

// grantedRoles are the app roles a token for app a in tenant t carries: none once the admin consent is revoked.
func grantedRoles(a *app, t *state) []string {
	if w := t.access.get(); a.multiTenant && w != nil && w.How == RevokePermissions {
		return nil
	}
	return a.roles
}

// consentView is a tenant's consent as /_emulator/consent shows it.
type consentView struct {
	Tenant     string      `json:"tenant"`
	AppID      string      `json:"appId"`
	Consented  bool        `json:"consented"`
	Withdrawal *Withdrawal `json:"withdrawal,omitempty"`
}

func (t *Tenant) consentView() consentView {
	w, ok := t.Consent()
	v := consentView{Tenant: t.ID(), AppID: t.e.cfg.MultiTenantClientID, Consented: ok}
	if !ok {
		v.Withdrawal = &w
	}
	return v
}
