// Package emulator is a local emulator of Microsoft Graph's Secure Score API
// (security/secureScores and security/secureScoreControlProfiles, v1.0 and beta)
// and of the Entra ID v2 token endpoint for the client-credentials grant (client secret,
// certificate and federated client assertions), with a local OIDC issuer, CI identity token
// endpoints, and the IMDS and App Service managed identity endpoints.
//
// It is written from Microsoft's documentation (see /work/shared/graph-notes.md in
// the project history) independently of the project's Graph client, so that a
// misreading on one side is caught by the other. It is one http.Handler: tests use
// it through httptest, people run it with cmd/securescore-emulator.
//
// Choices where the documentation is silent:
//   - Default page size is 100 items (DefaultPageSize); $top sets the page size
//     (as the service does: "$top=1&$skiptoken=…" next links), capped at MaxPageSize.
//     "Prefer: odata.maxpagesize=N" is honoured too.
//   - $select returns only the selected properties (no implicit id).
//   - App-only tokens record their client id as controlStateUpdates[].updatedBy.
//
// Several tenants: Config.Tenants (DefaultTenants(n) for n deterministic ones; the command's
// -tenants N or -tenants-file) serves each tenant with its own control profiles (the subset its
// licences give it, TenantConfig.Unlicensed and MissingControls), scores, history and part of the
// state file. A token request to /{tenant}/oauth2/v2.0/token (GUID or domain) issues a token whose
// tid is that tenant, and Graph answers from the token's tenant only: there is no way for a token of
// one tenant to reach another's data. The multi-tenant application (MultiTenantClientID, consented
// in every tenant unless TenantConfig.NoConsent) gets tokens in every tenant; ClientID,
// ReadOnlyClientID and the managed identities belong to the first tenant. The journal names the
// tenant of every token and Graph request, and the tenant and application of its token. The
// single-tenant accessors (SecureScore, ControlProfile, …) act on the first tenant; Tenant(id)
// reaches the others, and faults one of them alone: Tenant.WithdrawConsent (consent.go),
// Tenant.SetFaults (its token endpoint, its Graph requests) and Tenant.ExpireTokens.
package emulator

import (
	"crypto/rand"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Defaults for Config.
const (
	DefaultTenantID      = "00000000-0000-4000-8000-000000000001"
	DefaultTenantDomain  = "contoso.onmicrosoft.com"
	DefaultClientID      = "11111111-1111-4111-8111-111111111111"
	DefaultClientSecret  = "emulator-secret"
	DefaultTokenLifetime = time.Hour
	DefaultHistoryDays   = 28

	// DefaultPageSize is the page size of list responses without $top.
	DefaultPageSize = 100
	// MaxPageSize caps $top and odata.maxpagesize per page; the rest follows by nextLink.
	MaxPageSize = 1000
)

// Config configures an Emulator. Zero values take the defaults above.
type Config struct {
	TenantID string // default DefaultTenantID
	// TenantDomain is accepted in the token URL in place of the tenant GUID.
	// Not in the original contract; added because Entra accepts a domain there.
	TenantDomain         string
	ClientID             string // read-write app (SecurityEvents.ReadWrite.All)
	ClientSecret         string
	ReadOnlyClientID     string // optional second app with only SecurityEvents.Read.All
	ReadOnlyClientSecret string
	TokenLifetime        time.Duration    // default 1h
	HistoryDays          int              // days of seeded secureScore history; default 28
	ControlProfiles      int              // 0 = the realistic seed set; N > 0 = N synthetic profiles
	StateFile            string           // optional JSON persistence; loaded on New if present, saved after each write
	Now                  func() time.Time // injectable clock; default time.Now

	// Credentials beyond the client secret (see credentials.go); more can be added after New
	// with AddCertificate, AddFederatedCredential and AddCIJob.
	Certificates         []CertificateCredential
	FederatedCredentials []FederatedCredential
	CIJobs               []CIJob
	// ManagedIdentities answer the IMDS and App Service endpoints; default one system-assigned
	// identity, DefaultManagedIdentityClientID, with SecurityEvents.ReadWrite.All.
	ManagedIdentities []ManagedIdentity
	IdentityHeader    string // X-IDENTITY-HEADER the App Service endpoint expects; default DefaultIdentityHeader

	// Tenants are the tenants served, the first being the default one (TenantID/TenantDomain, if set,
	// must agree with it). Empty: one tenant, TenantID.
	Tenants []TenantConfig
	// MultiTenantClientID is the multi-tenant application consented in every tenant
	// (SecurityEvents.ReadWrite.All); default DefaultMultiTenantClientID with DefaultMultiTenantClientSecret.
	MultiTenantClientID     string
	MultiTenantClientSecret string

	// StateCase is how a control's state is stored and returned: "" (the default) as the client sent it, or
	// StateCaseLowerCamel (thirdParty, ignored), as Graph's pages write it. Either way any case is accepted.
	StateCase string
	// RescoreDelay is how long after a control's state change the current secure score moves. 0 (the default)
	// moves it at once, which tests and the demo rely on; Microsoft's service takes about 24 hours (up to 48).
	RescoreDelay time.Duration

	// Limits are Graph's documented Secure Score limits per application and tenant (limits.go), on by default.
	Limits Limits
}

// StateCaseLowerCamel is Config.StateCase for lower camel case states.
const StateCaseLowerCamel = "lowerCamel"

// Emulator is the http.Handler. All methods are safe for concurrent use.
type Emulator struct {
	cfg Config

	mu      sync.RWMutex // guards every tenant's data and keys
	keys    []signingKey // the token service's, shared by all tenants; the last one signs
	tenants []*state     // in Config.Tenants order; the slice is fixed after New
	// tenantIndex finds tenants by lower-case GUID or domain; fixed after New.
	tenantIndex map[string]*state
	st          *state // tenants[0], the default tenant

	saveMu sync.Mutex // serialises writes of the state file

	journal journal
	faults  faultState
	limits  *limiter
	ledger  tokenLedger // tokens issued, for early expiry per tenant

	creds credentials
	oidc  oidcIssuer
}

// New builds an emulator, loading cfg.StateFile when it exists, else seeding.
func New(cfg Config) (*Emulator, error) {
	if err := cfg.resolveTenants(); err != nil {
		return nil, err
	}
	if cfg.ClientID == "" {
		cfg.ClientID = DefaultClientID
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = DefaultClientSecret
	}
	if cfg.ReadOnlyClientID != "" && cfg.ReadOnlyClientSecret == "" {
		return nil, fmt.Errorf("emulator: ReadOnlyClientID %q needs ReadOnlyClientSecret", cfg.ReadOnlyClientID)
	}
	if cfg.ReadOnlyClientID != "" && strings.EqualFold(cfg.ReadOnlyClientID, cfg.ClientID) {
		return nil, fmt.Errorf("emulator: ReadOnlyClientID must differ from ClientID")
	}
	if cfg.MultiTenantClientID == "" {
		cfg.MultiTenantClientID = DefaultMultiTenantClientID
	}
	if cfg.MultiTenantClientSecret == "" {
		cfg.MultiTenantClientSecret = DefaultMultiTenantClientSecret
	}
	if strings.EqualFold(cfg.MultiTenantClientID, cfg.ClientID) || strings.EqualFold(cfg.MultiTenantClientID, cfg.ReadOnlyClientID) {
		return nil, fmt.Errorf("emulator: MultiTenantClientID must differ from ClientID and ReadOnlyClientID")
	}
	if cfg.TokenLifetime <= 0 {
		cfg.TokenLifetime = DefaultTokenLifetime
	}
	if cfg.HistoryDays <= 0 {
		cfg.HistoryDays = DefaultHistoryDays
	}
	if cfg.ControlProfiles < 0 {
		return nil, fmt.Errorf("emulator: ControlProfiles must be >= 0, got %d", cfg.ControlProfiles)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.StateCase != "" && cfg.StateCase != StateCaseLowerCamel {
		return nil, fmt.Errorf("emulator: StateCase %q: use \"\" (as sent) or %q", cfg.StateCase, StateCaseLowerCamel)
	}
	if cfg.RescoreDelay < 0 {
		return nil, fmt.Errorf("emulator: RescoreDelay must not be negative, got %s", cfg.RescoreDelay)
	}
	cfg.Limits = cfg.Limits.withDefaults()
	e := &Emulator{cfg: cfg, limits: newLimiter(cfg.Limits, cfg.Now)}
	e.faults.init()
	if err := e.initCredentials(); err != nil {
		return nil, err
	}

	if err := e.loadOrSeed(); err != nil {
		return nil, err
	}
	return e, nil
}

// loadOrSeed loads the state file, seeds the tenants it lacks (all of them without one), and
// saves when that changed anything (a new file, a new tenant, a v1 file migrated).
func (e *Emulator) loadOrSeed() error {
	file, loaded, migrated, err := loadState(e.cfg.StateFile)
	if err != nil {
		return err
	}
	if file == nil {
		file = &stateFile{}
	}
	saved := map[string]*state{}
	for _, st := range file.Tenants {
		saved[strings.ToLower(st.TenantID)] = st
	}
	dirty := !loaded || migrated
	e.tenantIndex = map[string]*state{}
	for _, tc := range e.cfg.Tenants {
		st := saved[strings.ToLower(tc.ID)]
		delete(saved, strings.ToLower(tc.ID))
		if st == nil {
			st, dirty = seedState(e.cfg, tc, e.now()), true
		}
		st.cfg, st.access, st.faults = tc, newTenantAccess(tc), newFaultState()
		st.index()
		e.tenants = append(e.tenants, st)
		e.tenantIndex[strings.ToLower(tc.ID)], e.tenantIndex[strings.ToLower(tc.Domain)] = st, st
	}
	if len(saved) > 0 {
		return fmt.Errorf("emulator: state file %s holds tenants %s, which are not configured (Config.TenantID or Config.Tenants)", e.cfg.StateFile, strings.Join(slices.Sorted(maps.Keys(saved)), ", "))
	}
	e.st = e.tenants[0]
	e.keys = file.Keys
	if len(e.keys) == 0 {
		e.keys = []signingKey{newSigningKey()}
	}
	if e.cfg.StateFile != "" && dirty {
		return e.save()
	}
	return nil
}

// Config returns the effective configuration with defaults filled in.
func (e *Emulator) Config() Config { return e.cfg }

func (e *Emulator) now() time.Time { return e.cfg.Now().UTC() }

func newSigningKey() signingKey {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		// crypto/rand never fails on supported platforms (Go 1.24+ guarantees it).
		panic(err)
	}
	return signingKey{KID: newGUID(), Secret: k}
}

// ServeHTTP routes token, Graph and admin requests, applying faults and recording the journal.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.serve(w, r)
}
