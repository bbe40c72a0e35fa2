package emulator

// The bearer token of a Graph request, read once: the fault pipeline, authentication and the journal all need
// to know whose token it is.

import (
	"net/http"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// bearer is what a Graph request's Authorization header holds.
type bearer struct {
	token   string        // "" when the header is absent, not Bearer, or empty; not necessarily a JWT
	claims  jwt.MapClaims // nil unless the signature verified against one of the emulator's keys
	retired bool          // signed by a retired key (Faults.ExpireTokensNow)
	err     error         // why the signature did not verify
}

// readBearer reads and verifies (signature only) the bearer token of r.
func (e *Emulator) readBearer(r *http.Request) *bearer {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, tok, _ := strings.Cut(h, " ")
	b := &bearer{}
	if !strings.EqualFold(scheme, "Bearer") {
		return b
	}
	if b.token = strings.TrimSpace(tok); !b.compact() {
		return b
	}
	b.claims, b.retired, b.err = e.verifyBearer(b.token)
	return b
}

// compact reports whether the token has a JWT's three parts.
func (b *bearer) compact() bool { return strings.Count(b.token, ".") == 2 }

// tenantID is the token's tid, "" unless the signature verified. Graph has no tenant in its URL or host: the
// tenant a Graph request addresses is this one.
func (b *bearer) tenantID() string { return str(b.claims["tid"]) }

// appID is the token's application (appid, else azp), "" unless the signature verified.
func (b *bearer) appID() string {
	if id := str(b.claims["appid"]); id != "" {
		return id
	}
	return str(b.claims["azp"])
}
