package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Method names an authentication method.
type Method string

// The authentication methods, in the order NewTokenSource tries them (see MethodOrder).
const (
	MethodClientCertificate Method = "client_certificate"
	MethodClientSecret      Method = "client_secret"
	MethodOIDC              Method = "oidc"
	MethodManagedIdentity   Method = "managed_identity"
	MethodAzureCLI          Method = "azure_cli"
)

// MethodOrder returns the fixed order in which NewTokenSource tries the methods; docs render it from here.
// It follows the azuread and msgraph providers: stored application credentials first (certificate, then
// secret), then workload identity federation, managed identity and finally the Azure CLI. The last three are
// used only when switched on (use_oidc, use_msi, use_cli), so ambient state (a CI variable, an IMDS endpoint,
// an `az login` session) never overrides credentials that were configured explicitly.
func MethodOrder() []Method {
	return []Method{MethodClientCertificate, MethodClientSecret, MethodOIDC, MethodManagedIdentity, MethodAzureCLI}
}

// Title is the method's name in prose, e.g. "client certificate".
func (m Method) Title() string {
	switch m {
	case MethodClientCertificate:
		return "client certificate"
	case MethodClientSecret:
		return "client secret"
	case MethodOIDC:
		return "workload identity federation (OIDC)"
	case MethodManagedIdentity:
		return "managed identity"
	case MethodAzureCLI:
		return "Azure CLI"
	}
	return string(m)
}

// envVars maps each sign-in attribute to the environment variables the provider reads when the attribute is not
// set, in order of preference. Variables only consulted for Azure Pipelines are listed in adoEnvVars.
var envVars = map[string][]string{
	"environment":                 {"ARM_ENVIRONMENT"},
	"tenant_id":                   {"ARM_TENANT_ID"},
	"client_id":                   {"ARM_CLIENT_ID"},
	"client_id_file_path":         {"ARM_CLIENT_ID_FILE_PATH"},
	"client_secret":               {"ARM_CLIENT_SECRET"},
	"client_secret_file_path":     {"ARM_CLIENT_SECRET_FILE_PATH"},
	attrClientCertificate:         {"ARM_CLIENT_CERTIFICATE"},
	attrClientCertificatePath:     {"ARM_CLIENT_CERTIFICATE_PATH"},
	attrClientCertificatePassword: {"ARM_CLIENT_CERTIFICATE_PASSWORD"},
	"use_oidc":                    {"ARM_USE_OIDC"},
	attrOIDCToken:                 {"ARM_OIDC_TOKEN"},
	attrOIDCTokenFilePath:         {"ARM_OIDC_TOKEN_FILE_PATH", "AZURE_FEDERATED_TOKEN_FILE"},
	attrOIDCRequestURL:            {"ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL"},
	attrOIDCRequestToken:          {"ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"},
	attrADOConnectionID:           {"ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "ARM_OIDC_AZURE_SERVICE_CONNECTION_ID"},
	"use_msi":                     {"ARM_USE_MSI"},
	"msi_endpoint":                {"ARM_MSI_ENDPOINT"},
	"use_cli":                     {"ARM_USE_CLI"},
}

// adoEnvVars replace the GitHub variables of oidc_request_url/oidc_request_token when an Azure Pipelines
// service connection is configured.
var adoEnvVars = map[string][]string{
	attrOIDCRequestURL:   {"ARM_OIDC_REQUEST_URL", "SYSTEM_OIDCREQUESTURI"},
	attrOIDCRequestToken: {"ARM_OIDC_REQUEST_TOKEN", "SYSTEM_ACCESSTOKEN"},
}

// EnvVars returns the environment variables that stand for a provider attribute when it is not set, in order of
// preference: the provider reads them (auth reads none), and auth's messages name them. For oidc_request_url and
// oidc_request_token these are the GitHub Actions ones; with ado_pipeline_service_connection_id set,
// AzurePipelinesEnvVars are read instead.
func EnvVars(attribute string) []string {
	return append([]string(nil), envVars[attribute]...)
}

// AzurePipelinesEnvVars are EnvVars for oidc_request_url and oidc_request_token when an Azure Pipelines service
// connection is configured; nil for other attributes.
func AzurePipelinesEnvVars(attribute string) []string {
	return append([]string(nil), adoEnvVars[attribute]...)
}

// AttributeError is a configuration problem with one provider attribute. Error names the attribute and its
// environment variable; it never contains the attribute's value when that is secret.
type AttributeError struct {
	Attribute string // provider attribute, e.g. "client_certificate_path"
	Err       error
}

func (e *AttributeError) Error() string {
	name := e.Attribute
	if vars := envVars[e.Attribute]; len(vars) > 0 {
		name += " (" + strings.Join(vars, ", ") + ")"
	}
	return name + ": " + e.Err.Error()
}

func (e *AttributeError) Unwrap() error { return e.Err }

// MethodError is a method that is configured but cannot be used as configured (an unreadable file, a wrong
// password, a bad URL…). Err is often an *AttributeError.
type MethodError struct {
	Method Method
	Err    error
}

func (e *MethodError) Error() string { return e.Err.Error() }

func (e *MethodError) Unwrap() error { return e.Err }

// MethodRejection says why one method could not be used.
type MethodRejection struct {
	Method Method
	Reason string
}

// NoMethodError is returned when no method is configured: it lists every method, in order, with the reason
// it was not usable.
type NoMethodError struct {
	Rejections []MethodRejection
}

func (e *NoMethodError) Error() string {
	var b strings.Builder
	b.WriteString("no authentication method could be used; tried, in order:")
	for _, r := range e.Rejections {
		fmt.Fprintf(&b, "\n  - %s: %s", r.Method.Title(), r.Reason)
	}
	return b.String()
}

// Settings holds every authentication input of the provider, resolved by the provider from its block, the
// environment and the cloud: auth reads no environment variable. String fields are "" when not set.
type Settings struct {
	AuthorityHost string // the cloud's login host, or authority_host; "" = the public cloud's
	Scope         string // the cloud's Graph scope, e.g. "https://graph.microsoft.com/.default"; required

	TenantID             string // "" = none configured: resources name theirs (TokenSource), or the identity's own
	ClientID             string
	ClientIDFilePath     string
	ClientSecret         string
	ClientSecretFilePath string

	ClientCertificate         string // base64
	ClientCertificatePath     string
	ClientCertificatePassword string
	ClientCertificateUsePS256 bool // PS256 + x5t#S256 instead of RS256 + x5t for RSA keys

	UseOIDC                        bool
	UseAKSWorkloadIdentity         bool // turns on OIDC; the caller puts AZURE_FEDERATED_TOKEN_FILE in OIDCTokenFilePath
	OIDCToken                      string
	OIDCTokenFilePath              string
	OIDCRequestURL                 string
	OIDCRequestToken               string
	ADOPipelineServiceConnectionID string

	UseMSI           bool
	MSIEndpoint      string
	IdentityEndpoint string // App Service's IDENTITY_ENDPOINT
	IdentityHeader   string // App Service's IDENTITY_HEADER

	UseCLI     bool
	CLICommand string // default "az"

	HTTPClient *http.Client     // optional; used for every token request
	Now        func() time.Time // optional clock

	// OnSecret, when set, receives every secret value as the provider comes to use it: literal secrets, secrets
	// read from files, and identity tokens read from files or fetched from CI, again on each refresh. The provider
	// adds them to its log masks. It may be called from any goroutine.
	OnSecret func(string)
}

// NewCredential picks the first usable method in MethodOrder and returns it as a Credential:
//
//  1. client certificate — client_certificate or client_certificate_path is set (needs client_id);
//  2. client secret — client_secret or client_secret_file_path is set (needs client_id);
//  3. OIDC — use_oidc is true and an assertion source is set: oidc_token, oidc_token_file_path
//     (AZURE_FEDERATED_TOKEN_FILE), Azure Pipelines (ado_pipeline_service_connection_id with
//     SYSTEM_OIDCREQUESTURI/SYSTEM_ACCESSTOKEN) or GitHub Actions (oidc_request_url and oidc_request_token);
//     needs client_id;
//  4. managed identity — use_msi is true; client_id selects a user-assigned identity; App Service is used when
//     IdentityEndpoint and IdentityHeader are set, otherwise IMDS (or msi_endpoint);
//  5. Azure CLI — use_cli is true and `az` is on PATH; a tenant is passed as --tenant.
//
// The application methods need a tenant for each token, tenant_id or the one a resource names; the other two have
// their own. A method whose inputs are present but wrong (unreadable file, wrong password, expired certificate, bad
// URL…) fails at once with an error naming the attribute, rather than silently falling through to the next method.
// When no method is usable the error is a *NoMethodError listing each method and why. No token is requested and
// nothing is contacted here (ctx is for future use); the first Token call does that.
func NewCredential(_ context.Context, s Settings) (*Credential, error) {
	r, err := resolve(s)
	if err != nil {
		return nil, err
	}
	var rejections []MethodRejection
	for _, m := range MethodOrder() {
		cred, reason, err := r.try(m)
		if err != nil {
			return nil, &MethodError{Method: m, Err: err}
		}
		if cred != nil {
			cred.method, cred.tenant, cred.authority = m, r.TenantID, r.AuthorityHost
			return cred, nil
		}
		rejections = append(rejections, MethodRejection{Method: m, Reason: reason})
	}
	return nil, &NoMethodError{Rejections: rejections}
}

// resolved is Settings after file reads and whitespace rules.
type resolved struct {
	Settings
}

func resolve(s Settings) (*resolved, error) {
	if s.Now == nil {
		s.Now = time.Now
	}
	// Secrets follow NormalizeSecret; other values (IDs, paths, URLs) lose surrounding whitespace.
	for _, v := range []*string{&s.ClientSecret, &s.ClientCertificatePassword, &s.OIDCToken, &s.OIDCRequestToken} {
		*v = NormalizeSecret(*v)
	}
	for _, v := range []*string{&s.TenantID, &s.ClientID, &s.ClientIDFilePath, &s.ClientSecretFilePath, &s.ClientCertificatePath,
		&s.OIDCTokenFilePath, &s.OIDCRequestURL, &s.ADOPipelineServiceConnectionID, &s.MSIEndpoint, &s.IdentityEndpoint} {
		*v = strings.TrimSpace(*v)
	}
	// As azuread: AKS workload identity is OIDC with the token the webhook mounts.
	s.UseOIDC = s.UseOIDC || s.UseAKSWorkloadIdentity
	r := &resolved{Settings: s}
	var err error
	if r.ClientID, err = fromFile("client_id", r.ClientID, "client_id_file_path", r.ClientIDFilePath, false); err != nil {
		return nil, err
	}
	if r.ClientSecret, err = fromFile("client_secret", r.ClientSecret, "client_secret_file_path", r.ClientSecretFilePath, true); err != nil {
		return nil, err
	}
	if r.OnSecret == nil {
		r.OnSecret = func(string) {}
	}
	for _, v := range []string{r.ClientSecret, r.ClientCertificatePassword, r.OIDCToken, r.OIDCRequestToken, r.IdentityHeader} {
		if v != "" {
			r.OnSecret(v)
		}
	}
	return r, nil
}

// fromFile reads a value mounted as a file: a secret follows NormalizeSecret, anything else loses surrounding
// whitespace. When both the literal and the file are set they must agree. secret keeps values out of the
// messages.
func fromFile(attr, literal, fileAttr, path string, secret bool) (string, error) {
	if path == "" {
		return literal, nil
	}
	b, err := readSettingFile(fileAttr, path, maxSecretFileBytes)
	if err != nil {
		return "", err
	}
	v := strings.TrimSpace(string(b))
	if secret {
		v = NormalizeSecret(string(b))
	}
	if strings.TrimSpace(v) == "" {
		return "", &AttributeError{Attribute: fileAttr, Err: fmt.Errorf("the file %s is empty", path)}
	}
	if literal != "" && literal != v {
		msg := fmt.Sprintf("%s and the file %s hold different values; set only one", attr, path)
		if !secret {
			msg = fmt.Sprintf("%s is %q but the file %s holds %q; set only one", attr, literal, path, v)
		}
		return "", &AttributeError{Attribute: fileAttr, Err: errors.New(msg)}
	}
	return v, nil
}

// missingClientID says why an application method cannot be used without a client id, or "". The tenant is not
// required here: resources may name theirs.
func (r *resolved) missingClientID() string {
	if r.ClientID == "" {
		return "client_id (ARM_CLIENT_ID or client_id_file_path) not set"
	}
	return ""
}

// application is the Credential of an application method: it reaches every tenant that consented to it.
func (r *resolved) application(in signIn) *Credential {
	return &Credential{clientID: r.ClientID, crossTenant: true, signIn: in}
}

// try builds method m: a credential when it is usable, a reason when it is not configured, or an error when it is
// configured but broken.
func (r *resolved) try(m Method) (*Credential, string, error) {
	switch m {
	case MethodClientCertificate:
		if r.ClientCertificate == "" && r.ClientCertificatePath == "" {
			return nil, "neither client_certificate (ARM_CLIENT_CERTIFICATE) nor client_certificate_path (ARM_CLIENT_CERTIFICATE_PATH) is set", nil
		}
		if why := r.missingClientID(); why != "" {
			return nil, why, nil
		}
		in, err := newCertificateSignIn(ClientCertificateConfig{
			AuthorityHost: r.AuthorityHost, ClientID: r.ClientID, Scope: r.Scope,
			CertificateBase64: r.ClientCertificate, CertificatePath: r.ClientCertificatePath,
			Password: r.ClientCertificatePassword, UsePS256: r.ClientCertificateUsePS256,
			HTTPClient: r.HTTPClient, Now: r.Now,
		})
		if err != nil {
			return nil, "", err
		}
		return r.application(in), "", nil

	case MethodClientSecret:
		if r.ClientSecret == "" {
			return nil, "neither client_secret (ARM_CLIENT_SECRET) nor client_secret_file_path (ARM_CLIENT_SECRET_FILE_PATH) is set", nil
		}
		if why := r.missingClientID(); why != "" {
			return nil, why, nil
		}
		in, err := newClientSecretSignIn(ClientSecretConfig{
			AuthorityHost: r.AuthorityHost, ClientID: r.ClientID,
			ClientSecret: r.ClientSecret, Scope: r.Scope, HTTPClient: r.HTTPClient,
		})
		if err != nil {
			return nil, "", err
		}
		return r.application(in), "", nil

	case MethodOIDC:
		if !r.UseOIDC {
			return nil, "use_oidc (ARM_USE_OIDC) is not true, nor is use_aks_workload_identity (ARM_USE_AKS_WORKLOAD_IDENTITY)", nil
		}
		cfg := OIDCConfig{
			AuthorityHost: r.AuthorityHost, ClientID: r.ClientID, Scope: r.Scope,
			Token: r.OIDCToken, TokenFilePath: r.OIDCTokenFilePath,
			RequestURL: r.OIDCRequestURL, RequestToken: r.OIDCRequestToken,
			ADOServiceConnectionID: r.ADOPipelineServiceConnectionID,
			HTTPClient:             r.HTTPClient,
			OnSecret:               r.OnSecret,
		}
		if cfg.AssertionSource() == "" {
			if r.UseAKSWorkloadIdentity {
				return nil, aksTokenMissing, nil
			}
			return nil, oidcSourceMissing(cfg), nil
		}
		if why := r.missingClientID(); why != "" {
			return nil, why, nil
		}
		in, err := newOIDCSignIn(cfg)
		if err != nil {
			return nil, "", err
		}
		return r.application(in), "", nil

	case MethodManagedIdentity:
		if !r.UseMSI {
			return nil, "use_msi (ARM_USE_MSI) is not true", nil
		}
		cfg := ManagedIdentityConfig{
			Endpoint: r.MSIEndpoint, ClientID: r.ClientID, Scope: r.Scope, HTTPClient: r.HTTPClient, Now: r.Now,
		}
		// App Service publishes its local endpoint and header; an explicit, different msi_endpoint wins.
		if r.IdentityEndpoint != "" && r.IdentityHeader != "" && (r.MSIEndpoint == "" || r.MSIEndpoint == r.IdentityEndpoint) {
			cfg.Endpoint, cfg.IdentityHeader = r.IdentityEndpoint, r.IdentityHeader
		}
		src, err := newMSISource(cfg)
		if err != nil {
			return nil, "", err
		}
		// The identity's token is of its own tenant, whichever is asked (Credential refuses others).
		return &Credential{clientID: r.ClientID, ownTenant: true,
			signIn: func(string) (fetchFunc, error) { return src.fetch, nil }}, "", nil

	case MethodAzureCLI:
		if !r.UseCLI {
			return nil, "use_cli (ARM_USE_CLI) is not true", nil
		}
		// A missing CLI is reported with the other methods, so the user sees every option at once.
		if why := cliMissing(r.CLICommand); why != "" {
			return nil, why, nil
		}
		if r.Scope == "" {
			return nil, "", errors.New("azure cli: scope is required")
		}
		return &Credential{ownTenant: true, crossTenant: true, signIn: func(tenant string) (fetchFunc, error) {
			return AzureCLIConfig{TenantID: tenant, Scope: r.Scope, Command: r.CLICommand}.withDefaults().fetch, nil
		}}, "", nil
	}
	return nil, "unknown method", nil
}

// aksTokenMissing is why AKS workload identity cannot sign in: the webhook did not mount a token into this pod.
const aksTokenMissing = "use_aks_workload_identity is true but AZURE_FEDERATED_TOKEN_FILE is not set: the pod needs the label " +
	"azure.workload.identity/use: \"true\" and a service account annotated with azure.workload.identity/client-id " +
	"(or set oidc_token_file_path)"

func oidcSourceMissing(cfg OIDCConfig) string {
	switch {
	case cfg.ADOServiceConnectionID != "" && cfg.RequestURL == "":
		return "ado_pipeline_service_connection_id is set but SYSTEM_OIDCREQUESTURI (or oidc_request_url) is not"
	case cfg.ADOServiceConnectionID != "":
		return "ado_pipeline_service_connection_id is set but SYSTEM_ACCESSTOKEN (or oidc_request_token) is not; map it into the step's env"
	case cfg.RequestURL != "" && cfg.RequestToken == "":
		return "oidc_request_url is set but oidc_request_token (ARM_OIDC_REQUEST_TOKEN, ACTIONS_ID_TOKEN_REQUEST_TOKEN) is not"
	case cfg.RequestToken != "" && cfg.RequestURL == "":
		return "oidc_request_token is set but oidc_request_url (ARM_OIDC_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_URL) is not"
	}
	return "use_oidc is true but no assertion source is set: oidc_token (ARM_OIDC_TOKEN), oidc_token_file_path (ARM_OIDC_TOKEN_FILE_PATH, AZURE_FEDERATED_TOKEN_FILE), GitHub Actions (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN; the workflow needs \"id-token: write\") or Azure Pipelines (ado_pipeline_service_connection_id)"
}
