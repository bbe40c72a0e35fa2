package auth

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/oauth2"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// EntraError is an Entra ID token-endpoint failure. Error() includes the AADSTS code(s), the first line of the
// description and a plain-language hint.
type EntraError struct {
	StatusCode    int
	ErrorCode     string // "invalid_client", ...
	Description   string
	Codes         []int // e.g. [7000215]
	TraceID       string
	CorrelationID string
	Hint          string // plain language: wrong secret, unknown application, unknown tenant, bad scope, expired secret
}

func (e *EntraError) Error() string {
	var b strings.Builder
	b.WriteString("Entra ID token request failed")
	var parts []string
	if e.StatusCode != 0 {
		parts = append(parts, "HTTP "+strconv.Itoa(e.StatusCode))
	}
	if e.ErrorCode != "" {
		parts = append(parts, e.ErrorCode)
	}
	for _, c := range e.Codes {
		parts = append(parts, "AADSTS"+strconv.Itoa(c))
	}
	if len(parts) > 0 {
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	if d := descriptionFirstLine(e.Description); d != "" {
		b.WriteString(": " + d)
	}
	msg := graph.WithHint(b.String(), e.Hint)
	if ids := graph.LabelledIDs([2]string{"trace ID", e.TraceID}, [2]string{"correlation ID", e.CorrelationID}); ids != "" {
		msg += " [" + ids + "]"
	}
	return msg
}

// aadstsHints explains the codes a misconfigured provider meets; the descriptions Entra sends are accurate
// but rarely say which setting to fix.
var aadstsHints = map[int]string{
	7000215: "the client secret is wrong: use the secret's Value (not its Secret ID) from the app registration's Certificates & secrets page",
	7000222: "the client secret has expired: create a new secret for the app registration and update client_secret",
	700016:  "unknown application: client_id is not an app registered in this tenant (check client_id and tenant_id, and that the app has a service principal in the tenant)",
	90002:   "unknown tenant: tenant_id is not an existing Entra ID tenant (check tenant_id and that the environment/authority host matches the tenant's cloud)",
	900023:  "tenant_id is malformed: use the tenant's GUID or a verified domain name",
	70011:   "bad scope: the scope must be the Graph host of the selected environment followed by /.default, e.g. https://graph.microsoft.com/.default",
	500011:  "the Graph resource was not found in the tenant: the scope's Graph host does not belong to the tenant's cloud (check the environment setting)",
	7000218: "no credential was sent: set a client secret, certificate or federated token",
	700027:  "the client assertion signature is not valid: the certificate is not one registered for this application",
	700024:  "the client assertion is not within its valid time range: check the system clock",
	70021:   "no federated identity credential on the app matches the presented token's issuer, subject and audience",
	50126:   "invalid credentials",
}

// errorCodeHints are a fallback when no AADSTS code is known.
var errorCodeHints = map[string]string{
	"invalid_client":      "the client credentials were rejected: check client_id and the secret or certificate",
	"unauthorized_client": "the application is not known to this tenant: check client_id and tenant_id",
	"invalid_tenant":      "the tenant was not found: check tenant_id",
	"invalid_scope":       "the scope is not valid for this tenant's cloud",
	"invalid_request":     "the token request was malformed",
}

// entraBody is the Entra ID error response.
type entraBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCodes       []int  `json:"error_codes"`
	TraceID          string `json:"trace_id"`
	CorrelationID    string `json:"correlation_id"`
}

// NewEntraError builds an EntraError from an HTTP status and response body. A body that is not Entra JSON
// (an HTML proxy page) is summarised in Description.
func NewEntraError(status int, body []byte) *EntraError {
	e := &EntraError{StatusCode: status}
	var eb entraBody
	if err := json.Unmarshal(body, &eb); err == nil && (eb.Error != "" || eb.ErrorDescription != "" || len(eb.ErrorCodes) > 0) {
		e.ErrorCode = eb.Error
		e.Description = eb.ErrorDescription
		e.Codes = eb.ErrorCodes
		e.TraceID = eb.TraceID
		e.CorrelationID = eb.CorrelationID
	} else {
		e.Description = graph.Snippet(body)
		if t := http.StatusText(status); t != "" && status != 0 {
			e.Description = t + ": " + e.Description
		}
	}
	if len(e.Codes) == 0 {
		e.Codes = codesFromDescription(e.Description)
	}
	e.Hint = hintFor(e.Codes, e.ErrorCode)
	return e
}

// tokenEndpointError maps an oauth2 token error to *EntraError; anything else (a transport error, a
// cancelled context) is returned unchanged so callers can still tell a network failure from a refusal.
func tokenEndpointError(err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return err
	}
	status := 0
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	e := NewEntraError(status, re.Body)
	if e.ErrorCode == "" {
		e.ErrorCode = re.ErrorCode
	}
	if e.Description == "" || (len(re.Body) == 0 && re.ErrorDescription != "") {
		e.Description = re.ErrorDescription
		if len(e.Codes) == 0 {
			e.Codes = codesFromDescription(e.Description)
		}
		e.Hint = hintFor(e.Codes, e.ErrorCode)
	}
	return e
}

// codesFromDescription finds "AADSTS7000215" style codes when error_codes is absent.
func codesFromDescription(desc string) []int {
	var codes []int
	for rest := desc; ; {
		i := strings.Index(rest, "AADSTS")
		if i < 0 {
			return codes
		}
		rest = rest[i+len("AADSTS"):]
		j := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if n, err := strconv.Atoi(rest[:j]); err == nil {
			codes = append(codes, n)
		}
	}
}

func hintFor(codes []int, errorCode string) string {
	for _, c := range codes {
		if h, ok := aadstsHints[c]; ok {
			return h
		}
	}
	return errorCodeHints[errorCode]
}

// descriptionFirstLine keeps the message and drops the Trace ID / Correlation ID / Timestamp lines Entra appends.
func descriptionFirstLine(d string) string {
	if i := strings.IndexAny(d, "\r\n"); i >= 0 {
		d = d[:i]
	}
	return strings.TrimSpace(d)
}
