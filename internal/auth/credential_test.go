package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Two tenants beside credTenant, one of which names a domain.
const (
	otherTenant  = "00000000-0000-4000-8000-000000000002"
	domainTenant = "fabrikam.onmicrosoft.com"
	domainGUID   = "00000000-0000-4000-8000-000000000003"
)

// fleetEntra is a token endpoint of several tenants: it answers /{tenant}/oauth2/v2.0/token with a JWT whose tid is
// the tenant's GUID (a domain maps to domainGUID), refuses the tenants in refuse with their AADSTS code, and counts
// requests per tenant as named. /github serves a CI identity token and counts those requests too.
type fleetEntra struct {
	srv    *httptest.Server
	refuse map[string]int    // tenant as named → AADSTS code
	tid    map[string]string // tenant as named → tid to issue, when not the tenant's own

	mu       sync.Mutex
	requests map[string]int // tenant as named (or "github") → requests
}

func newFleetEntra(t *testing.T) *fleetEntra {
	t.Helper()
	f := &fleetEntra{refuse: map[string]int{}, tid: map[string]string{}, requests: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fleetEntra) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path == "/github" {
		f.count("github")
		_ = json.NewEncoder(w).Encode(map[string]string{"value": fleetJWT(jwt.MapClaims{"sub": "repo:x", "exp": time.Now().Add(10 * time.Minute).Unix()})})
		return
	}
	tenant, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/"), "/oauth2/v2.0/token")
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	f.count(tenant)
	if code, refused := f.refuse[tenant]; refused {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = fmt.Fprintf(w, `{"error":"unauthorized_client","error_description":"AADSTS%d: refused by %s","error_codes":[%d]}`, code, tenant, code)
		return
	}
	tid := tenant
	if tenant == domainTenant {
		tid = domainGUID
	}
	if v, ok := f.tid[tenant]; ok {
		tid = v
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"token_type": "Bearer", "expires_in": 3599,
		"access_token": fleetJWT(jwt.MapClaims{"tid": tid, "exp": time.Now().Add(time.Hour).Unix()})})
}

func (f *fleetEntra) count(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests[key]++
}

func (f *fleetEntra) requestsFor(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[key]
}

func fleetJWT(claims jwt.MapClaims) string {
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("fleet-test-key"))
	if err != nil {
		panic(err)
	}
	return s
}

func (f *fleetEntra) credential(t *testing.T, mod func(s *Settings)) *Credential {
	t.Helper()
	s := Settings{AuthorityHost: f.srv.URL, Scope: credScope, ClientID: credClientID, ClientSecret: "s3cret", HTTPClient: f.srv.Client()}
	if mod != nil {
		mod(&s)
	}
	c, err := NewCredential(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func tokenTenant(t *testing.T, src *CachingSource) string {
	t.Helper()
	tok, err := src.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tid, err := TokenTenant(tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	return tid
}

// One application credential signs in to each tenant at that tenant's token endpoint; each tenant's token is
// requested once and cached apart, and no tenant_id is needed when every caller names its tenant.
func TestCredentialSignsInToEachTenant(t *testing.T) {
	f := newFleetEntra(t)
	c := f.credential(t, nil)
	if !c.CrossTenant() || c.HasOwnTenant() || c.Tenant() != "" || c.ClientID() != credClientID {
		t.Fatalf("credential %+v", c)
	}
	if _, err := c.TokenSource(""); !errors.As(err, new(*NoTenantError)) {
		t.Fatalf("no tenant anywhere: want *NoTenantError, got %v", err)
	}
	for _, tenant := range []string{credTenant, otherTenant, domainTenant} {
		src, err := c.TokenSource(tenant)
		if err != nil {
			t.Fatal(err)
		}
		want := tenant
		if tenant == domainTenant {
			want = domainGUID
		}
		for range 3 {
			if got := tokenTenant(t, src); got != want {
				t.Errorf("%s: token of tenant %s", tenant, got)
			}
		}
		if n := f.requestsFor(tenant); n != 1 {
			t.Errorf("%s: %d token requests, want 1", tenant, n)
		}
	}
}

// A token of another tenant than the GUID asked for is refused: no request for one tenant carries another's token.
func TestCredentialRefusesAnotherTenantsToken(t *testing.T) {
	f := newFleetEntra(t)
	f.tid[otherTenant] = credTenant
	src, err := f.credential(t, nil).TokenSource(otherTenant)
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token(context.Background())
	var se *SignInError
	if !errors.As(err, &se) || se.Tenant != otherTenant || !strings.Contains(err.Error(), `returned a token for tenant "`+credTenant+`" instead`) {
		t.Fatalf("want a SignInError naming both tenants, got %v", err)
	}
}

// A tenant's refusal of the app names the tenant and where its administrator grants consent; the credential's own
// fault (a wrong secret) names the tenant but is no tenant's refusal and gets no consent URL.
func TestSignInErrorNamesTheTenantAndTheConsentURL(t *testing.T) {
	f := newFleetEntra(t)
	f.refuse[otherTenant] = 700016
	f.refuse[domainTenant] = 7000215
	c := f.credential(t, nil)
	tokenErr := func(tenant string) error {
		src, err := c.TokenSource(tenant)
		if err != nil {
			t.Fatal(err)
		}
		_, err = src.Token(context.Background())
		return err
	}

	err := tokenErr(otherTenant)
	// The refusal answers for the tenant a while: its other resources cost no more token requests.
	if again := tokenErr(otherTenant); again == nil || again.Error() != err.Error() {
		t.Errorf("a second source of the refused tenant: %v", again)
	}
	if n := f.requestsFor(otherTenant); n != 1 {
		t.Errorf("%d token requests for the refused tenant, want 1", n)
	}
	var se *SignInError
	if !errors.As(err, &se) || !se.TenantRefused() {
		t.Fatalf("want a tenant refusal, got %v", err)
	}
	wantURL := f.srv.URL + "/" + otherTenant + "/adminconsent?client_id=" + credClientID
	if se.ConsentURL != wantURL || !strings.Contains(err.Error(), `tenant "`+otherTenant+`"`) || !strings.Contains(err.Error(), wantURL) ||
		!strings.Contains(err.Error(), "AADSTS700016") {
		t.Errorf("error %q, consent URL %q (want %q)", err, se.ConsentURL, wantURL)
	}
	var ee *EntraError
	if !errors.As(err, &ee) {
		t.Errorf("the Entra error is lost: %v", err)
	}

	err = tokenErr(domainTenant)
	if !errors.As(err, &se) || se.TenantRefused() || se.ConsentURL != "" || !strings.Contains(err.Error(), `tenant "`+domainTenant+`"`) {
		t.Errorf("a wrong secret: want a SignInError naming the tenant without consent URL, got %v", err)
	}
	// The other tenants are untouched.
	if got := tokenTenantOf(t, c, credTenant); got != credTenant {
		t.Errorf("tenant %s", got)
	}
}

func tokenTenantOf(t *testing.T, c *Credential, tenant string) string {
	t.Helper()
	src, err := c.TokenSource(tenant)
	if err != nil {
		t.Fatal(err)
	}
	return tokenTenant(t, src)
}

func TestEntraErrorTenantRefused(t *testing.T) {
	for code, want := range map[int]bool{700016: true, 65001: true, 7000112: true, 53003: true,
		7000215: false, 7000222: false, 90002: false, 700027: false, 70021: false} {
		e := NewEntraError(400, []byte(fmt.Sprintf(`{"error":"x","error_codes":[%d]}`, code)))
		if e.TenantRefused() != want {
			t.Errorf("AADSTS%d: TenantRefused %v, want %v", code, !want, want)
		}
	}
}

// Tenants share one identity token fetched from CI while it is fresh: one CI request for the fleet.
func TestCredentialOIDCSharesTheCITokenAcrossTenants(t *testing.T) {
	f := newFleetEntra(t)
	c := f.credential(t, func(s *Settings) {
		s.ClientSecret, s.UseOIDC = "", true
		s.OIDCRequestURL, s.OIDCRequestToken = f.srv.URL+"/github?api-version=2.0", ciRequestToken
	})
	if c.Method() != MethodOIDC {
		t.Fatalf("method %s", c.Method())
	}
	for _, tenant := range []string{credTenant, otherTenant, domainTenant} {
		tokenTenantOf(t, c, tenant)
		if n := f.requestsFor(tenant); n != 1 {
			t.Errorf("%s: %d token requests, want 1", tenant, n)
		}
	}
	if n := f.requestsFor("github"); n != 1 {
		t.Errorf("%d CI token requests for three tenants, want 1", n)
	}
}

// A managed identity has its own tenant only: asked for another, it says so.
func TestCredentialManagedIdentityStaysInItsTenant(t *testing.T) {
	c, err := NewCredential(context.Background(), Settings{UseMSI: true, MSIEndpoint: "http://127.0.0.1:1", Scope: credScope, TenantID: credTenant})
	if err != nil {
		t.Fatal(err)
	}
	if c.CrossTenant() || !c.HasOwnTenant() {
		t.Fatalf("credential %+v", c)
	}
	for _, ok := range []string{"", credTenant, strings.ToUpper(credTenant)} {
		if _, err := c.TokenSource(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	_, err = c.TokenSource(otherTenant)
	var cross *CrossTenantError
	if !errors.As(err, &cross) || !strings.Contains(err.Error(), otherTenant) || !strings.Contains(err.Error(), "managed identity") ||
		!strings.Contains(err.Error(), "cannot reach other tenants") {
		t.Fatalf("want a CrossTenantError, got %v", err)
	}
}

// The Azure CLI asks for each tenant with --tenant, and for its own account's tenant without.
func TestCredentialAzureCLIAsksPerTenant(t *testing.T) {
	argsFile := fakeAz(t, `{"accessToken":"`+cliAccessToken+`","expires_on":1767225600,"tokenType":"Bearer"}`, "", 0)
	c, err := NewCredential(context.Background(), Settings{UseCLI: true, Scope: credScope})
	if err != nil {
		t.Fatal(err)
	}
	if !c.CrossTenant() || !c.HasOwnTenant() {
		t.Fatalf("credential %+v", c)
	}
	for tenant, want := range map[string]string{"": "", otherTenant: "--tenant\n" + otherTenant + "\n"} {
		src, err := c.TokenSource(tenant)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := src.Token(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := readArgs(t, argsFile); got != "account\nget-access-token\n--scope\n"+credScope+"\n"+want+"--output\njson\n" {
			t.Errorf("tenant %q: az ran with %q", tenant, got)
		}
	}
}

func TestTokenTenant(t *testing.T) {
	if got, err := TokenTenant(fleetJWT(jwt.MapClaims{"tid": strings.ToUpper(credTenant)})); err != nil || got != credTenant {
		t.Errorf("tid: %q %v", got, err)
	}
	for _, opaque := range []string{"", "opaque", "a.b.c", fleetJWT(jwt.MapClaims{"sub": "x"})} {
		if _, err := TokenTenant(opaque); !errors.Is(err, ErrNoTenantClaim) {
			t.Errorf("%q: %v", opaque, err)
		}
	}
}

// readArgs returns what the fake az recorded and empties the record.
func readArgs(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return string(b)
}
