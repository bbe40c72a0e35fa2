package emulator

// The local OIDC issuer that stands in for GitHub Actions, Azure Pipelines or Kubernetes in
// workload identity federation: discovery document, JWKS, in-process minting, and CI-style
// identity token endpoints.
//
// The emulator cannot fetch real issuers' keys (tests talk only to loopback), so it trusts its own
// signing key for every issuer: MintIDToken may name any issuer (a realistic
// "https://token.actions.githubusercontent.com" included), and the federated credential decides
// which issuer is accepted.

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// localIssuerPath is where the issuer lives on the emulator's base URL.
const localIssuerPath = "/_oidc"

// defaultIDTokenLifetime is how long minted ID tokens live unless asked otherwise (GitHub's are
// valid for minutes, not hours).
const defaultIDTokenLifetime = 10 * time.Minute

// defaultGitHubAudience is the aud of a GitHub-style token requested without an audience: GitHub
// then uses the repository owner's URL, which no Entra federated credential expects.
const defaultGitHubAudience = "https://github.com/securescore-emulator"

// LocalIssuer is the issuer URL of the emulator served at baseURL, e.g.
// LocalIssuer("http://127.0.0.1:8080") = "http://127.0.0.1:8080/_oidc".
func LocalIssuer(baseURL string) string {
	return strings.TrimRight(baseURL, "/") + localIssuerPath
}

// oidcIssuer holds the issuer's RSA key, made on first use: generating it costs tens of
// milliseconds that emulators which never federate should not pay.
type oidcIssuer struct {
	once sync.Once
	key  *rsa.PrivateKey
	kid  string
	err  error
}

func (o *oidcIssuer) signingKey() (*rsa.PrivateKey, string, error) {
	o.once.Do(func() {
		o.key, o.err = rsa.GenerateKey(rand.Reader, 2048)
		o.kid = strings.ReplaceAll(uuid.NewString(), "-", "")
	})
	return o.key, o.kid, o.err
}

// IDTokenRequest describes an ID token for MintIDToken.
type IDTokenRequest struct {
	Issuer   string // required; LocalIssuer(server URL) for the emulator's own issuer
	Subject  string // required
	Audience string // default FederatedTokenAudience
	// IssuedAt is iat and nbf; zero = the emulator's clock.
	IssuedAt time.Time
	Lifetime time.Duration  // default 10 minutes
	Claims   map[string]any // extra claims, e.g. GitHub's "repository"
}

// MintIDToken signs an ID token with the local issuer's key (RS256, kid in the JWKS), as a CI
// system would hand one to a job. Tests use it for oidc_token and token-file sign-in.
func (e *Emulator) MintIDToken(req IDTokenRequest) (string, error) {
	if req.Issuer == "" || req.Subject == "" {
		return "", errors.New("emulator: MintIDToken needs an Issuer and a Subject")
	}
	if req.Audience == "" {
		req.Audience = FederatedTokenAudience
	}
	if req.IssuedAt.IsZero() {
		req.IssuedAt = e.now()
	}
	if req.Lifetime <= 0 {
		req.Lifetime = defaultIDTokenLifetime
	}
	key, kid, err := e.oidc.signingKey()
	if err != nil {
		return "", err
	}
	claims := jwt.MapClaims{}
	for k, v := range req.Claims {
		claims[k] = v
	}
	claims["iss"] = req.Issuer
	claims["sub"] = req.Subject
	claims["aud"] = req.Audience
	claims["iat"] = req.IssuedAt.Unix()
	claims["nbf"] = req.IssuedAt.Unix()
	claims["exp"] = req.IssuedAt.Add(req.Lifetime).Unix()
	claims["jti"] = uuid.NewString()
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = kid
	return t.SignedString(key)
}

// verifyIDToken checks an ID token's signature against the local issuer's key.
func (e *Emulator) verifyIDToken(tok string) (jwt.MapClaims, error) {
	key, kid, err := e.oidc.signingKey()
	if err != nil {
		return nil, err
	}
	claims := jwt.MapClaims{}
	_, err = jwt.ParseWithClaims(tok, claims, func(t *jwt.Token) (any, error) {
		if k, _ := t.Header["kid"].(string); k != kid {
			return nil, errors.New("the key was not found")
		}
		return &key.PublicKey, nil
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
	return claims, err
}

func oidcJSON(status int, v any) *response {
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	return &response{status: status, header: h, body: marshalNoEscape(v)}
}

// handleOIDC serves the issuer's discovery document and keys, and the CI identity token endpoints.
func (e *Emulator) handleOIDC(r *http.Request, endpoint string) *response {
	issuer := LocalIssuer(requestBase(r))
	switch endpoint {
	case "oidc-config":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return oidcJSON(http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed"})
		}
		return oidcJSON(http.StatusOK, map[string]any{
			"issuer":                                issuer,
			"jwks_uri":                              issuer + "/keys",
			"response_types_supported":              []string{"id_token"},
			"subject_types_supported":               []string{"public", "pairwise"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"scopes_supported":                      []string{"openid"},
			"claims_supported":                      []string{"sub", "aud", "exp", "iat", "iss", "jti", "nbf"},
		})
	case "oidc-keys":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return oidcJSON(http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed"})
		}
		key, kid, err := e.oidc.signingKey()
		if err != nil {
			return oidcJSON(http.StatusInternalServerError, map[string]string{"error": err.Error()})
		}
		return oidcJSON(http.StatusOK, map[string]any{"keys": []map[string]string{{
			"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
			"n": base64.RawURLEncoding.EncodeToString(key.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
		}}})
	case "github":
		return e.handleCIToken(r, issuer, false)
	case "ado":
		return e.handleCIToken(r, issuer, true)
	}
	return oidcJSON(http.StatusNotFound, map[string]string{"error": "not found"})
}

// handleCIToken answers a job's identity token request: GitHub Actions style (GET with
// "audience", answer {"count","value"}) or Azure Pipelines style (POST with api-version and
// serviceConnectionId, answer {"oidcToken"}). Both authenticate the job with a bearer token.
func (e *Emulator) handleCIToken(r *http.Request, issuer string, ado bool) *response {
	want := http.MethodGet
	if ado {
		want = http.MethodPost
	}
	if r.Method != want {
		return oidcJSON(http.StatusMethodNotAllowed, map[string]string{"message": "use " + want})
	}
	scheme, bearer, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(bearer) == "" {
		return oidcJSON(http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
	}
	q := r.URL.Query()
	connection, audience := "", q.Get("audience")
	if ado {
		if q.Get("api-version") == "" {
			return oidcJSON(http.StatusBadRequest, map[string]string{"message": "No api-version was supplied for the POST request."})
		}
		if connection = q.Get("serviceConnectionId"); connection == "" {
			return oidcJSON(http.StatusBadRequest, map[string]string{"message": "serviceConnectionId is required."})
		}
		audience = FederatedTokenAudience
	} else if audience == "" {
		audience = defaultGitHubAudience
	}
	job, ok := e.ciJob(strings.TrimSpace(bearer), connection)
	if !ok {
		if ado {
			return oidcJSON(http.StatusUnauthorized, map[string]string{"message": "The access token is not valid for service connection " + connection + "."})
		}
		return oidcJSON(http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
	}
	if job.Issuer != "" {
		issuer = job.Issuer
	}
	tok, err := e.MintIDToken(IDTokenRequest{Issuer: issuer, Subject: job.Subject, Audience: audience})
	if err != nil {
		return oidcJSON(http.StatusInternalServerError, map[string]string{"message": err.Error()})
	}
	if ado {
		return oidcJSON(http.StatusOK, map[string]string{"oidcToken": tok})
	}
	return oidcJSON(http.StatusOK, map[string]any{"count": 1, "value": tok})
}
