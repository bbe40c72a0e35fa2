package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"time"
)

// ErrNoTenantClaim is TokenTenant's answer for a token that is not a JWT with a tid claim (an opaque token).
var ErrNoTenantClaim = errors.New("the access token is not a JWT with a tid (tenant) claim")

// TokenTenant is the tenant an access token was issued in: its tid claim, in lower case. The signature is not
// checked: the token comes from the token endpoint the provider itself asked, and Graph verifies it. It never
// quotes the token.
func TokenTenant(accessToken string) (string, error) {
	var claims struct {
		TID string `json:"tid"`
	}
	if !jwtClaims(accessToken, &claims) || claims.TID == "" {
		return "", ErrNoTenantClaim
	}
	return strings.ToLower(claims.TID), nil
}

// jwtExpiry is a JWT's exp claim; ok is false for anything else.
func jwtExpiry(token string) (time.Time, bool) {
	var claims struct {
		Exp float64 `json:"exp"`
	}
	if !jwtClaims(token, &claims) || claims.Exp <= 0 || claims.Exp > maxEpochSeconds || math.IsNaN(claims.Exp) {
		return time.Time{}, false
	}
	return time.Unix(int64(claims.Exp), 0), true
}

// jwtClaims decodes the payload of a compact JWT into v without verifying it.
func jwtClaims(token string, v any) bool {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return false
	}
	return json.Unmarshal(raw, v) == nil
}
