package emulator

// Entra ID v2 token endpoint, client-credentials grant with a client secret (form or HTTP Basic).

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

const (
	roleRead      = "SecurityEvents.Read.All"
	roleReadWrite = "SecurityEvents.ReadWrite.All"
	graphAppID    = "00000003-0000-0000-c000-000000000000"
)

// graphResources are the Graph hosts of every national cloud; "<host>/.default" is a valid scope.
var graphResources = []string{
	"https://graph.microsoft.com",
	"https://graph.microsoft.us",
	"https://dod-graph.microsoft.us",
	"https://microsoftgraph.chinacloudapi.cn",
}

type app struct {
	id, secret, name string
	roles            []string
	acr              string // appidacr of issued tokens: "1" secret (default), "2" certificate or assertion
	multiTenant      bool   // consented in every tenant (see consented), else in the first tenant only
	tenant           string // tid of the token being issued; "" = the first tenant
}

// apps are the registered applications; which tenants each may get tokens in is consented's business.
func (e *Emulator) apps() []app {
	out := []app{{id: e.cfg.ClientID, secret: e.cfg.ClientSecret, name: "Secure Score Terraform (emulator)", roles: []string{roleReadWrite}}}
	if e.cfg.ReadOnlyClientID != "" {
		out = append(out, app{id: e.cfg.ReadOnlyClientID, secret: e.cfg.ReadOnlyClientSecret, name: "Secure Score Reader (emulator)", roles: []string{roleRead}})
	}
	out = append(out, app{id: e.cfg.MultiTenantClientID, secret: e.cfg.MultiTenantClientSecret, name: "Secure Score Terraform multi-tenant (emulator)", roles: []string{roleReadWrite}, multiTenant: true})
	return out
}

// entraError is an Entra ID error response.
type entraError struct {
	status int
	code   string // OAuth error, e.g. "invalid_client"
	aadsts int
	text   string // description without the AADSTS prefix and the trace tail
}

func (e *Emulator) tokenError(r *http.Request, ee entraError) *response {
	now := e.now()
	traceID := newGUID()
	corr := r.Header.Get("client-request-id")
	if _, err := uuid.Parse(corr); err != nil {
		corr = newGUID()
	}
	ts := now.Format("2006-01-02 15:04:05Z")
	desc := fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s", ee.aadsts, ee.text, traceID, corr, ts)
	body := marshalNoEscape(map[string]any{
		"error":             ee.code,
		"error_description": desc,
		"error_codes":       []int{ee.aadsts},
		"timestamp":         ts,
		"trace_id":          traceID,
		"correlation_id":    corr,
		"error_uri":         fmt.Sprintf("%s/error?code=%d", requestBase(r), ee.aadsts),
	})
	h := tokenHeaders(traceID, corr)
	return &response{status: ee.status, header: h, body: body}
}

func tokenHeaders(traceID, corr string) http.Header {
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store, no-cache")
	h.Set("Pragma", "no-cache")
	h.Set("x-ms-request-id", traceID)
	h.Set("client-request-id", corr)
	return h
}

func (e *Emulator) handleToken(r *http.Request, body []byte, tenant string) *response {
	if r.Method != http.MethodPost {
		return e.tokenError(r, entraError{http.StatusBadRequest, "invalid_request", 900561, fmt.Sprintf("The endpoint only accepts POST, OPTIONS requests. Received a %s request.", r.Method)})
	}
	t := e.tenantByName(tenant)
	if t == nil {
		return e.tokenError(r, entraError{http.StatusBadRequest, "invalid_tenant", 90002, fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.", tenant)})
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return e.tokenError(r, entraError{http.StatusBadRequest, "invalid_request", 900144, "The request body must be application/x-www-form-urlencoded."})
	}
	missing := func(p string) *response {
		return e.tokenError(r, entraError{http.StatusBadRequest, "invalid_request", 900144, fmt.Sprintf("The request body must contain the following parameter: '%s'.", p)})
	}
	grant := form.Get("grant_type")
	if grant == "" {
		return missing("grant_type")
	}
	if grant != "client_credentials" {
		return e.tokenError(r, entraError{http.StatusBadRequest, "unsupported_grant_type", 70003, fmt.Sprintf("The app requested an unsupported grant type '%s'.", grant)})
	}
	clientID, secret, conflict := tokenClient(r, form)
	if conflict {
		return e.tokenError(r, entraError{http.StatusBadRequest, "invalid_request", 50148, "The client_id in the Authorization header does not match the client_id in the request body."})
	}
	if clientID == "" {
		return missing("client_id")
	}
	a, ok := e.appByID(clientID)
	if !ok {
		return e.tokenError(r, appNotFound(clientID, t))
	}
	if resp := e.accessRefusal(r, a, t); resp != nil {
		return resp
	}
	a.tenant, a.roles = t.TenantID, grantedRoles(a, t)
	switch {
	case form.Get("client_assertion") != "":
		if resp := e.checkClientAssertion(r, form, a); resp != nil {
			return resp
		}
		a.acr = "2"
	case secret == "":
		return e.tokenError(r, entraError{http.StatusUnauthorized, "invalid_client", 7000216, "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type."})
	case secret != a.secret:
		return e.tokenError(r, entraError{http.StatusUnauthorized, "invalid_client", 7000215, fmt.Sprintf("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", a.id)})
	}
	scope := form.Get("scope")
	if scope == "" {
		return missing("scope")
	}
	aud, ok := e.scopeResource(r, scope)
	if !ok {
		return e.tokenError(r, entraError{http.StatusBadRequest, "invalid_scope", 70011, fmt.Sprintf("The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope %s is not valid.", scope)})
	}
	tok, exp, err := e.mint(a, aud)
	if err != nil {
		return e.tokenError(r, entraError{http.StatusInternalServerError, "temporarily_unavailable", 50000, "There was an error issuing a token."})
	}
	secs := int(exp.Round(time.Second) / time.Second)
	if secs > 60 {
		secs-- // Entra reports 3599 for an hour
	}
	h := tokenHeaders(newGUID(), r.Header.Get("client-request-id"))
	if r.Header.Get("client-request-id") == "" {
		h.Del("client-request-id")
	}
	type tokenResponse struct {
		TokenType    string `json:"token_type"`
		ExpiresIn    int    `json:"expires_in"`
		ExtExpiresIn int    `json:"ext_expires_in"`
		AccessToken  string `json:"access_token"`
	}
	return &response{status: http.StatusOK, header: h, body: marshalNoEscape(tokenResponse{"Bearer", secs, secs, tok})}
}

// tokenClient is the client a token request names, from the form or HTTP Basic auth; conflict when the two name
// different clients.
func tokenClient(r *http.Request, form url.Values) (clientID, secret string, conflict bool) {
	clientID, secret = form.Get("client_id"), form.Get("client_secret")
	u, p, ok := r.BasicAuth()
	if !ok {
		return clientID, secret, false
	}
	// RFC 6749 2.3.1: Basic credentials are form-urlencoded before base64.
	bu, err1 := url.QueryUnescape(u)
	bp, err2 := url.QueryUnescape(p)
	if err1 == nil && err2 == nil {
		u, p = bu, bp
	}
	if clientID != "" && !strings.EqualFold(clientID, u) {
		return clientID, secret, true
	}
	if secret == "" {
		secret = p
	}
	return u, secret, false
}

// scopeResource accepts exactly one "<resource>/.default" where resource is a Graph host of any
// cloud, Graph's app id, or the emulator's own base URL.
func (e *Emulator) scopeResource(r *http.Request, scope string) (string, bool) {
	fields := strings.Fields(scope)
	if len(fields) != 1 {
		return "", false
	}
	s := fields[0]
	if !strings.HasSuffix(strings.ToLower(s), "/.default") {
		return "", false
	}
	res := strings.TrimSuffix(s[:len(s)-len("/.default")], "/")
	if strings.EqualFold(res, graphAppID) {
		return graphResources[0], true
	}
	for _, g := range append([]string{requestBase(r)}, graphResources...) {
		if strings.EqualFold(res, g) {
			return strings.ToLower(g), true
		}
	}
	return "", false
}

// mint issues an app-only access token shaped like Entra's v1 Graph tokens, in tenant a.tenant.
func (e *Emulator) mint(a *app, aud string) (string, time.Duration, error) {
	e.mu.RLock()
	key := e.keys[len(e.keys)-1]
	e.mu.RUnlock()
	now := e.now()
	life := e.cfg.TokenLifetime
	tid := cmp.Or(a.tenant, e.cfg.TenantID)
	oid := uuid.NewSHA1(uuid.NameSpaceURL, []byte("securescore-emulator/sp/"+strings.ToLower(a.id))).String()
	acr := a.acr
	if acr == "" {
		acr = "1"
	}
	roles := make([]any, len(a.roles))
	for i, r := range a.roles {
		roles[i] = r
	}
	uti := strings.ReplaceAll(newGUID(), "-", "")[:22]
	e.ledger.record(uti, tid, a.id, now.Add(life), now)
	claims := jwt.MapClaims{
		"aud":             aud,
		"iss":             "https://sts.windows.net/" + tid + "/",
		"iat":             now.Unix(),
		"nbf":             now.Unix(),
		"exp":             now.Add(life).Unix(),
		"app_displayname": a.name,
		"appid":           a.id,
		"azp":             a.id,
		"appidacr":        acr,
		"idp":             "https://sts.windows.net/" + tid + "/",
		"idtyp":           "app",
		"oid":             oid,
		"sub":             oid,
		"roles":           roles,
		"tid":             tid,
		"uti":             uti,
		"ver":             "1.0",
	}
	if len(roles) == 0 {
		delete(claims, "roles") // Entra leaves the claim out when the app holds no role
	}
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	t.Header["kid"] = key.KID
	s, err := t.SignedString(key.Secret)
	return s, life, err
}
