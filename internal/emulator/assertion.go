package emulator

// Client assertions at the token endpoint: certificate-signed JWTs (matched by thumbprint to a
// registered certificate) and federated identity tokens (matched by issuer, subject and audience
// to a federated identity credential).
//
// Error codes follow Entra ID: AADSTS700027 (signature: unknown key, wrong signature, expired
// key), AADSTS700024 (assertion outside its time range), AADSTS70021 (no matching federated
// credential), AADSTS700021 (assertion iss/sub is not the client_id), AADSTS50012 (aud is not this
// token endpoint), AADSTS50027 (not a JWT). Where the documentation gives no code the emulator uses
// AADSTS9002313 "Invalid request".

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const jwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// assertionSkew is the clock skew allowed on nbf, as for access tokens.
const assertionSkew = 5 * time.Minute

const keysHelp = "Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '%s'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/%s']"

// checkClientAssertion returns nil when the form's client_assertion authenticates app a.
func (e *Emulator) checkClientAssertion(r *http.Request, form url.Values, a *app) *response {
	bad := func(status int, code string, aadsts int, format string, args ...any) *response {
		return e.tokenError(r, entraError{status, code, aadsts, fmt.Sprintf(format, args...)})
	}
	if form.Get("client_secret") != "" {
		return bad(http.StatusBadRequest, "invalid_request", 9002313, "Invalid request. Request is malformed or invalid. Only one of 'client_secret' and 'client_assertion' may be sent.")
	}
	switch typ := form.Get("client_assertion_type"); typ {
	case "":
		return bad(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'client_assertion_type'.")
	case jwtBearerAssertionType:
	default:
		return bad(http.StatusBadRequest, "invalid_request", 9002313, "Invalid request. Request is malformed or invalid. client_assertion_type must be '%s'.", jwtBearerAssertionType)
	}
	raw := form.Get("client_assertion")
	claims := jwt.MapClaims{}
	tok, _, err := jwt.NewParser().ParseUnverified(raw, claims)
	if err != nil {
		return bad(http.StatusUnauthorized, "invalid_client", 50027, "JWT token is invalid or malformed.")
	}
	iss, _ := claims["iss"].(string)
	_, hasX5T := tok.Header["x5t"]
	_, hasX5TS256 := tok.Header["x5t#S256"]
	// A certificate assertion is issued by the application itself; anything else is federated.
	if hasX5T || hasX5TS256 || strings.EqualFold(iss, a.id) {
		return e.checkCertificateAssertion(r, raw, tok, claims, a, bad)
	}
	return e.checkFederatedAssertion(r, raw, claims, a, bad)
}

type badFunc func(status int, code string, aadsts int, format string, args ...any) *response

func (e *Emulator) checkCertificateAssertion(r *http.Request, raw string, tok *jwt.Token, claims jwt.MapClaims, a *app, bad badFunc) *response {
	x5t, _ := tok.Header["x5t"].(string)
	x5tS256, _ := tok.Header["x5t#S256"].(string)
	used := thumbprintHex(x5t, x5tS256)
	cert, ok := e.certByThumbprint(a.id, x5t, x5tS256)
	if !ok {
		return bad(http.StatusUnauthorized, "invalid_client", 700027, "Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '%s', "+keysHelp, used, a.id, a.id)
	}
	now := e.now()
	if now.After(cert.cert.NotAfter) || now.Before(cert.cert.NotBefore) {
		return bad(http.StatusUnauthorized, "invalid_client", 700027, "Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '%s', Found key 'Start=%s, End=%s', "+keysHelp,
			used, cert.cert.NotBefore.UTC().Format("01/02/2006 15:04:05"), cert.cert.NotAfter.UTC().Format("01/02/2006 15:04:05"), a.id, a.id)
	}
	// Entra ID signs and verifies certificate assertions with RSA only (RS256, or PS256).
	if _, err := jwt.Parse(raw, func(*jwt.Token) (any, error) { return cert.cert.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256", "PS256"}), jwt.WithoutClaimsValidation()); err != nil {
		return bad(http.StatusUnauthorized, "invalid_client", 700027, "Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '%s', Found key 'Start=%s, End=%s', "+keysHelp,
			used, cert.cert.NotBefore.UTC().Format("01/02/2006 15:04:05"), cert.cert.NotAfter.UTC().Format("01/02/2006 15:04:05"), a.id, a.id)
	}
	iss, _ := claims["iss"].(string)
	sub, _ := claims["sub"].(string)
	if !strings.EqualFold(iss, a.id) || !strings.EqualFold(sub, a.id) {
		return bad(http.StatusUnauthorized, "invalid_client", 700021, "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://docs.microsoft.com/en-us/azure/active-directory/develop/active-directory-certificate-credentials .")
	}
	if !e.tokenURLAudience(r, claims) {
		return bad(http.StatusUnauthorized, "invalid_client", 50012, "Client assertion audience claim does not match Realm issuer. Review the documentation at https://docs.microsoft.com/en-us/azure/active-directory/develop/active-directory-certificate-credentials .")
	}
	return e.checkAssertionTime(claims, bad)
}

// tokenURLAudience accepts an aud that is this request's v2 token URL, with the requested tenant's
// GUID or domain. MSAL and the azidentity SDK send exactly that.
func (e *Emulator) tokenURLAudience(r *http.Request, claims jwt.MapClaims) bool {
	auds, err := claims.GetAudience()
	if err != nil {
		return false
	}
	base := requestBase(r)
	tenant := e.tenantByName(classify(r).tenant)
	if tenant == nil {
		return false
	}
	for _, aud := range auds {
		for _, t := range []string{tenant.TenantID, tenant.cfg.Domain} {
			if strings.EqualFold(aud, base+"/"+t+"/oauth2/v2.0/token") {
				return true
			}
		}
	}
	return false
}

func (e *Emulator) checkAssertionTime(claims jwt.MapClaims, bad badFunc) *response {
	now := e.now()
	exp, errExp := claims.GetExpirationTime()
	nbf, errNbf := claims.GetNotBefore()
	if errExp != nil || errNbf != nil || exp == nil {
		return bad(http.StatusUnauthorized, "invalid_client", 50027, "JWT token is invalid or malformed. The 'exp' claim is missing or not a number.")
	}
	from := "(none)"
	if nbf != nil {
		from = nbf.UTC().Format(time.RFC3339)
	}
	if !now.Before(exp.Time) || (nbf != nil && now.Add(assertionSkew).Before(nbf.Time)) {
		return bad(http.StatusUnauthorized, "invalid_client", 700024, "Client assertion is not within its valid time range. Current time: %s, assertion valid from %s, expiry time of assertion %s. Review the documentation at https://docs.microsoft.com/en-us/azure/active-directory/develop/active-directory-certificate-credentials .",
			now.Format(time.RFC3339), from, exp.UTC().Format(time.RFC3339))
	}
	return nil
}

func (e *Emulator) checkFederatedAssertion(r *http.Request, raw string, claims jwt.MapClaims, a *app, bad badFunc) *response {
	iss, _ := claims["iss"].(string)
	sub, _ := claims["sub"].(string)
	auds, _ := claims.GetAudience()
	local := LocalIssuer(requestBase(r))
	matched := false
	for _, fc := range e.federatedFor(a.id) {
		want := fc.Issuer
		if want == "" {
			want = local
		}
		if iss != want || sub != fc.Subject {
			continue
		}
		for _, aud := range auds {
			if aud == fc.Audiences[0] {
				matched = true
			}
		}
	}
	if !matched {
		return bad(http.StatusBadRequest, "invalid_request", 70021, "No matching federated identity record found for presented assertion. Assertion Issuer: '%s'. Assertion Subject: '%s'. Assertion Audience: '%s'. https://learn.microsoft.com/entra/workload-id/workload-identity-federation",
			iss, sub, strings.Join(auds, ","))
	}
	if _, err := e.verifyIDToken(raw); err != nil {
		reason := "The provided signature value did not match the expected signature value."
		if errors.Is(err, jwt.ErrTokenUnverifiable) {
			reason = "The key was not found."
		}
		return bad(http.StatusUnauthorized, "invalid_client", 700027, "Client assertion failed signature validation. [Reason - %s Issuer: '%s']", reason, iss)
	}
	return e.checkAssertionTime(claims, bad)
}

// thumbprintHex renders the thumbprint a client sent as upper-case hex, as Entra's messages do.
func thumbprintHex(x5t, x5tS256 string) string {
	v := x5tS256
	if v == "" {
		v = x5t
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(v, "="))
	if err != nil {
		return ""
	}
	return strings.ToUpper(fmt.Sprintf("%x", b))
}
