package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/clouds"
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

// envVars maps each provider attribute to the environment variables read when the attribute is not set, in
// order of preference. Variables only consulted for Azure Pipelines are listed in adoEnvVars.
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

// EnvVars returns the environment variables consulted for a provider attribute when it is not set, in order
// of preference (for schema descriptions and docs). For oidc_request_url and oidc_request_token these are the
// GitHub Actions ones; with ado_pipeline_service_connection_id set, SYSTEM_OIDCREQUESTURI and
// SYSTEM_ACCESSTOKEN are read instead of the ACTIONS_* ones.
func EnvVars(attribute string) []string {
	return append([]string(nil), envVars[attribute]...)
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

// Settings holds every authentication input of the provider. String fields are the provider attributes as
// configured ("" = not set) and *bool fields are nil when not set; NewTokenSource then falls back to the
// environment variables listed by EnvVars, as the azuread and msgraph providers do.
type Settings struct {
	Environment   string // environment: global (default), usgovernment, usgovernmentl5, china
	AuthorityHost string // authority_host: overrides the environment's login host (e.g. the emulator)
	Scope         string // overrides the environment's Graph scope; normally empty

	TenantID             string
	ClientID             string
	ClientIDFilePath     string
	ClientSecret         string
	ClientSecretFilePath string

	ClientCertificate         string // base64
	ClientCertificatePath     string
	ClientCertificatePassword string
	ClientCertificateUsePS256 bool // PS256 + x5t#S256 instead of RS256 + x5t for RSA keys

	UseOIDC                        *bool
	UseAKSWorkloadIdentity         bool // resolved by the caller: turns on OIDC; AZURE_FEDERATED_TOKEN_FILE supplies the token
	OIDCToken                      string
	OIDCTokenFilePath              string
	OIDCRequestURL                 string
	OIDCRequestToken               string
	ADOPipelineServiceConnectionID string

	UseMSI      *bool
	MSIEndpoint string

	UseCLI     *bool
	CLICommand string // default "az"

	HTTPClient *http.Client                // optional; used for every token request
	Now        func() time.Time            // optional clock
	LookupEnv  func(string) (string, bool) // optional; default os.LookupEnv

	// OnSecret, when set, receives every secret value as the provider comes to use it: literal and
	// environment secrets, secrets read from files, and identity tokens read from files or fetched from CI,
	// again on each refresh. The provider adds them to its log masks. It may be called from any goroutine.
	OnSecret func(string)
}

// NewTokenSource picks the first usable method in MethodOrder and returns its caching token source and name.
//
//  1. client certificate — client_certificate or client_certificate_path is set (needs tenant_id, client_id);
//  2. client secret — client_secret or client_secret_file_path is set (needs tenant_id, client_id);
//  3. OIDC — use_oidc is true and an assertion source is set: oidc_token, oidc_token_file_path
//     (AZURE_FEDERATED_TOKEN_FILE), Azure Pipelines (ado_pipeline_service_connection_id with
//     SYSTEM_OIDCREQUESTURI/SYSTEM_ACCESSTOKEN) or GitHub Actions (oidc_request_url and oidc_request_token);
//     needs tenant_id, client_id;
//  4. managed identity — use_msi is true; client_id selects a user-assigned identity; App Service is detected
//     from IDENTITY_ENDPOINT/IDENTITY_HEADER, otherwise IMDS (or msi_endpoint) is used;
//  5. Azure CLI — use_cli is true and `az` is on PATH; tenant_id, when set, is passed as --tenant.
//
// A method whose inputs are present but wrong (unreadable file, wrong password, expired certificate, bad URL…)
// fails at once with an error naming the attribute, rather than silently falling through to the next method.
// When no method is usable the error is a *NoMethodError listing each method and why. No token is requested
// and nothing is contacted here (ctx is for future use); the first Token call does that.
func NewTokenSource(ctx context.Context, s Settings) (*CachingSource, Method, error) {
	r, err := resolve(s)
	if err != nil {
		return nil, "", err
	}
	var rejections []MethodRejection
	for _, m := range MethodOrder() {
		src, reason, err := r.try(m)
		if err != nil {
			return nil, m, err
		}
		if src != nil {
			return src, m, nil
		}
		rejections = append(rejections, MethodRejection{Method: m, Reason: reason})
	}
	return nil, "", &NoMethodError{Rejections: rejections}
}

// resolved is Settings after environment fallbacks, file reads and cloud defaults.
type resolved struct {
	Settings
	useOIDC, useMSI, useCLI bool
	identityEndpoint        string
	identityHeader          string
}

func resolve(s Settings) (*resolved, error) {
	if s.LookupEnv == nil {
		s.LookupEnv = os.LookupEnv
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	// Secrets follow NormalizeSecret from every source; other values (IDs, paths, URLs) lose surrounding
	// whitespace. A variable holding only whitespace counts as unset.
	normalize := func(attr, v string) string {
		if secretAttrs[attr] {
			return NormalizeSecret(v)
		}
		return strings.TrimSpace(v)
	}
	env := func(attr string, v *string, vars []string) {
		if *v != "" {
			if secretAttrs[attr] {
				*v = NormalizeSecret(*v)
			}
			return
		}
		for _, name := range vars {
			if val, ok := s.LookupEnv(name); ok && strings.TrimSpace(val) != "" {
				*v = normalize(attr, val)
				return
			}
		}
	}
	for attr, field := range map[string]*string{
		"environment":                 &s.Environment,
		"tenant_id":                   &s.TenantID,
		"client_id":                   &s.ClientID,
		"client_id_file_path":         &s.ClientIDFilePath,
		"client_secret":               &s.ClientSecret,
		"client_secret_file_path":     &s.ClientSecretFilePath,
		attrClientCertificate:         &s.ClientCertificate,
		attrClientCertificatePath:     &s.ClientCertificatePath,
		attrClientCertificatePassword: &s.ClientCertificatePassword,
		attrOIDCToken:                 &s.OIDCToken,
		attrOIDCTokenFilePath:         &s.OIDCTokenFilePath,
		attrADOConnectionID:           &s.ADOPipelineServiceConnectionID,
		"msi_endpoint":                &s.MSIEndpoint,
	} {
		env(attr, field, envVars[attr])
	}
	// Azure Pipelines publishes its request URL and token under its own names.
	requestVars := envVars
	if s.ADOPipelineServiceConnectionID != "" {
		requestVars = adoEnvVars
	}
	env(attrOIDCRequestURL, &s.OIDCRequestURL, requestVars[attrOIDCRequestURL])
	env(attrOIDCRequestToken, &s.OIDCRequestToken, requestVars[attrOIDCRequestToken])

	r := &resolved{Settings: s}
	var err error
	if r.useOIDC, err = boolSetting(s, "use_oidc", s.UseOIDC); err != nil {
		return nil, err
	}
	// As azuread: AKS workload identity is OIDC with the token the webhook mounts.
	r.useOIDC = r.useOIDC || s.UseAKSWorkloadIdentity
	if r.useMSI, err = boolSetting(s, "use_msi", s.UseMSI); err != nil {
		return nil, err
	}
	if r.useCLI, err = boolSetting(s, "use_cli", s.UseCLI); err != nil {
		return nil, err
	}
	r.identityEndpoint, _ = s.LookupEnv("IDENTITY_ENDPOINT")
	r.identityHeader, _ = s.LookupEnv("IDENTITY_HEADER")

	cloud, err := clouds.Lookup(s.Environment)
	if err != nil {
		return nil, &AttributeError{Attribute: "environment", Err: err}
	}
	if r.AuthorityHost == "" {
		r.AuthorityHost = cloud.AuthorityHost
	}
	if r.Scope == "" {
		r.Scope = cloud.Scope()
	}
	if r.ClientID, err = fromFile("client_id", r.ClientID, "client_id_file_path", r.ClientIDFilePath, false); err != nil {
		return nil, err
	}
	if r.ClientSecret, err = fromFile("client_secret", r.ClientSecret, "client_secret_file_path", r.ClientSecretFilePath, true); err != nil {
		return nil, err
	}
	if r.OnSecret == nil {
		r.OnSecret = func(string) {}
	}
	for _, v := range []string{r.ClientSecret, r.ClientCertificatePassword, r.OIDCToken, r.OIDCRequestToken, r.identityHeader} {
		if v != "" {
			r.OnSecret(v)
		}
	}
	return r, nil
}

// boolSetting returns the configured value, else the environment variable parsed as a boolean, else false.
func boolSetting(s Settings, attr string, v *bool) (bool, error) {
	if v != nil {
		return *v, nil
	}
	for _, name := range envVars[attr] {
		raw, ok := s.LookupEnv(name)
		if !ok || strings.TrimSpace(raw) == "" {
			continue
		}
		b, err := strconv.ParseBool(strings.TrimSpace(raw))
		if err != nil {
			return false, &AttributeError{Attribute: attr, Err: fmt.Errorf("%q is not a boolean (true or false)", raw)}
		}
		return b, nil
	}
	return false, nil
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

// missingAppIDs returns why the tenant and client id needed by app-credential methods are not there, or "".
func (r *resolved) missingAppIDs() string {
	var missing []string
	if r.TenantID == "" {
		missing = append(missing, "tenant_id (ARM_TENANT_ID)")
	}
	if r.ClientID == "" {
		missing = append(missing, "client_id (ARM_CLIENT_ID or client_id_file_path)")
	}
	if len(missing) == 0 {
		return ""
	}
	return strings.Join(missing, " and ") + " not set"
}

// try builds method m: a source when it is usable, a reason when it is not configured, or an error when it is
// configured but broken.
func (r *resolved) try(m Method) (*CachingSource, string, error) {
	switch m {
	case MethodClientCertificate:
		if r.ClientCertificate == "" && r.ClientCertificatePath == "" {
			return nil, "neither client_certificate (ARM_CLIENT_CERTIFICATE) nor client_certificate_path (ARM_CLIENT_CERTIFICATE_PATH) is set", nil
		}
		if why := r.missingAppIDs(); why != "" {
			return nil, why, nil
		}
		src, err := NewClientCertificate(ClientCertificateConfig{
			AuthorityHost: r.AuthorityHost, TenantID: r.TenantID, ClientID: r.ClientID, Scope: r.Scope,
			CertificateBase64: r.ClientCertificate, CertificatePath: r.ClientCertificatePath,
			Password: r.ClientCertificatePassword, UsePS256: r.ClientCertificateUsePS256,
			HTTPClient: r.HTTPClient, Now: r.Now,
		})
		return src, "", err

	case MethodClientSecret:
		if r.ClientSecret == "" {
			return nil, "neither client_secret (ARM_CLIENT_SECRET) nor client_secret_file_path (ARM_CLIENT_SECRET_FILE_PATH) is set", nil
		}
		if why := r.missingAppIDs(); why != "" {
			return nil, why, nil
		}
		src, err := NewClientSecret(ClientSecretConfig{
			AuthorityHost: r.AuthorityHost, TenantID: r.TenantID, ClientID: r.ClientID,
			ClientSecret: r.ClientSecret, Scope: r.Scope, HTTPClient: r.HTTPClient,
		})
		return src, "", err

	case MethodOIDC:
		if !r.useOIDC {
			return nil, "use_oidc (ARM_USE_OIDC) is not true, nor is use_aks_workload_identity (ARM_USE_AKS_WORKLOAD_IDENTITY)", nil
		}
		cfg := OIDCConfig{
			AuthorityHost: r.AuthorityHost, TenantID: r.TenantID, ClientID: r.ClientID, Scope: r.Scope,
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
		if why := r.missingAppIDs(); why != "" {
			return nil, why, nil
		}
		src, err := NewOIDC(cfg)
		return src, "", err

	case MethodManagedIdentity:
		if !r.useMSI {
			return nil, "use_msi (ARM_USE_MSI) is not true", nil
		}
		cfg := ManagedIdentityConfig{
			Endpoint: r.MSIEndpoint, ClientID: r.ClientID, Scope: r.Scope, HTTPClient: r.HTTPClient, Now: r.Now,
		}
		// App Service publishes its local endpoint and header; an explicit, different msi_endpoint wins.
		if r.identityEndpoint != "" && r.identityHeader != "" && (r.MSIEndpoint == "" || r.MSIEndpoint == r.identityEndpoint) {
			cfg.Endpoint, cfg.IdentityHeader = r.identityEndpoint, r.identityHeader
		}
		src, err := NewManagedIdentity(cfg)
		return src, "", err

	case MethodAzureCLI:
		if !r.useCLI {
			return nil, "use_cli (ARM_USE_CLI) is not true", nil
		}
		// A missing CLI is reported with the other methods, so the user sees every option at once.
		if why := cliMissing(r.CLICommand); why != "" {
			return nil, why, nil
		}
		src, err := NewAzureCLI(AzureCLIConfig{TenantID: r.TenantID, Scope: r.Scope, Command: r.CLICommand})
		return src, "", err
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
