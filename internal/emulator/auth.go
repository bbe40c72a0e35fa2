package emulator

// Bearer-token validation and permission checks on Graph requests.

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// principal is the caller behind a valid token: an application (appID) in a tenant (tenantID).
type principal struct {
	appID    string
	tenantID string // the token's tid, a served tenant; its data is g.t

	upn    string   // delegated tokens only
	roles  []string // app-only permissions
	scopes []string // delegated permissions (scp)
}

// identity is what the service records as controlStateUpdates[].updatedBy.
func (p *principal) identity() string {
	if p.upn != "" {
		return p.upn
	}
	return p.appID
}

func (p *principal) has(perms ...string) bool {
	for _, want := range perms {
		for _, got := range append(append([]string(nil), p.roles...), p.scopes...) {
			if strings.EqualFold(got, want) {
				return true
			}
		}
	}
	return false
}

var errExpired = errors.New("expired")

func (e *Emulator) unauthorized(g *graphCtx, msg string) *response {
	resp := g.errorf(http.StatusUnauthorized, "InvalidAuthenticationToken", "%s", msg)
	resp.header.Set("WWW-Authenticate", `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="`+graphAppID+`"`)
	return resp
}

// authenticate validates the bearer token (read by readBearer): signature (per-emulator HMAC key), expiry against
// the injectable clock and the tenant's early expiries, audience (a Graph host or this emulator) and tenant (a
// served one). It sets g.t to the token's tenant, whose data alone the request then sees; the principal names the
// application and the tenant (per-(app, tenant) accounting keys on both).
func (e *Emulator) authenticate(g *graphCtx, b *bearer) (*principal, *response) {
	switch {
	case b.token == "":
		return nil, e.unauthorized(g, "Access token is empty.")
	case !b.compact() || errors.Is(b.err, jwt.ErrTokenMalformed):
		return nil, e.unauthorized(g, "CompactToken parsing failed with error code: 80049217")
	case b.err != nil:
		return nil, e.unauthorized(g, "Access token validation failure. Invalid signature.")
	}
	claims := b.claims
	if b.retired || e.checkLifetime(claims) != nil || e.expiredEarly(claims) {
		return nil, e.unauthorized(g, "Access token has expired or is not yet valid.")
	}
	aud, _ := claims["aud"].(string)
	if !e.validAudience(g, aud) {
		return nil, e.unauthorized(g, "Access token validation failure. Invalid audience.")
	}
	t := e.tenantByID(b.tenantID())
	if t == nil {
		return nil, e.unauthorized(g, "Access token validation failure. Invalid tenant.")
	}
	g.t = t
	p := &principal{tenantID: t.TenantID, appID: b.appID()}
	p.upn, _ = claims["upn"].(string)
	if rs, ok := claims["roles"].([]any); ok {
		for _, r := range rs {
			if s, ok := r.(string); ok {
				p.roles = append(p.roles, s)
			}
		}
	}
	if scp, ok := claims["scp"].(string); ok {
		p.scopes = strings.Fields(scp)
	}
	return p, nil
}

// verifyBearer checks a bearer token's signature against the signing keys, not its claims;
// retired is true when a retired key signed it (ExpireTokensNow).
func (e *Emulator) verifyBearer(tok string) (claims jwt.MapClaims, retired bool, err error) {
	parsed, err := jwt.Parse(tok, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		e.mu.RLock()
		defer e.mu.RUnlock()
		for _, k := range e.keys {
			if k.KID == kid {
				retired = k.Retired
				return k.Secret, nil
			}
		}
		return nil, errors.New("unknown signing key")
	}, jwt.WithValidMethods([]string{"HS256"}), jwt.WithoutClaimsValidation())
	if err != nil {
		return nil, false, err
	}
	claims, _ = parsed.Claims.(jwt.MapClaims)
	return claims, retired, nil
}

func (e *Emulator) checkLifetime(c jwt.MapClaims) error {
	now := e.now()
	exp, err := c.GetExpirationTime()
	if err != nil || exp == nil || !now.Before(exp.Time) {
		return errExpired
	}
	// Entra allows five minutes of clock skew on nbf.
	if nbf, err := c.GetNotBefore(); err != nil || (nbf != nil && now.Add(5*time.Minute).Before(nbf.Time)) {
		return errExpired
	}
	return nil
}

func (e *Emulator) validAudience(g *graphCtx, aud string) bool {
	if strings.EqualFold(aud, graphAppID) || strings.EqualFold(strings.TrimSuffix(aud, "/"), g.base) {
		return true
	}
	for _, r := range graphResources {
		if strings.EqualFold(strings.TrimSuffix(aud, "/"), r) {
			return true
		}
	}
	return false
}

// authorize returns a 403 unless the caller holds one of perms.
func (e *Emulator) authorize(g *graphCtx, p *principal, perms ...string) *response {
	if p.has(perms...) {
		return nil
	}
	have := append(append([]string(nil), p.roles...), p.scopes...)
	return g.errorf(http.StatusForbidden, "Forbidden", "Missing role permissions on the request. API requires one of '%s'. Roles on the request '%s'.", strings.Join(perms, ", "), strings.Join(have, ", "))
}
