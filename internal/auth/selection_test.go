package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// credEnv is a fake environment for Settings.LookupEnv.
func credEnv(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

func credPtr[T any](v T) *T { return &v }

func TestMethodOrder(t *testing.T) {
	want := []Method{MethodClientCertificate, MethodClientSecret, MethodOIDC, MethodManagedIdentity, MethodAzureCLI}
	if got := MethodOrder(); !reflect.DeepEqual(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	for _, m := range want {
		if m.Title() == string(m) {
			t.Errorf("%s has no title", m)
		}
	}
}

func TestNoMethodListsEveryReason(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no az
	_, _, err := NewTokenSource(context.Background(), Settings{
		LookupEnv: credEnv(map[string]string{"ARM_USE_CLI": "true", "ARM_TENANT_ID": credTenant}),
	})
	var nm *NoMethodError
	if !errors.As(err, &nm) {
		t.Fatalf("want *NoMethodError, got %v", err)
	}
	var got []Method
	for _, r := range nm.Rejections {
		got = append(got, r.Method)
	}
	if !reflect.DeepEqual(got, MethodOrder()) {
		t.Fatalf("rejections for %v, want every method in order", got)
	}
	msg := err.Error()
	for _, want := range []string{
		"client certificate: neither client_certificate (ARM_CLIENT_CERTIFICATE)",
		"client secret: neither client_secret (ARM_CLIENT_SECRET)",
		"use_oidc (ARM_USE_OIDC) is not true",
		"use_msi (ARM_USE_MSI) is not true",
		`Azure CLI: azure cli (use_cli): the "az" command was not found`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
}

func TestSelectionReasonsForIncompleteMethods(t *testing.T) {
	_, _, err := NewTokenSource(context.Background(), Settings{
		ClientSecret: "s3cret-value",
		UseOIDC:      credPtr(true),
		LookupEnv:    credEnv(map[string]string{"ARM_OIDC_REQUEST_URL": "https://example.invalid/x"}),
	})
	msg := err.Error()
	for _, want := range []string{
		"client secret: tenant_id (ARM_TENANT_ID) and client_id (ARM_CLIENT_ID or client_id_file_path) not set",
		"oidc_request_url is set but oidc_request_token",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "s3cret-value") {
		t.Fatalf("error leaks the secret: %s", msg)
	}
}

func TestSelectionOrder(t *testing.T) {
	credTestCerts(t)
	pem := base64.StdEncoding.EncodeToString(append(credCertPEM(rsaCert.cert), credKeyPEM(t, rsaCert.key, "RSA PRIVATE KEY")...))
	tok := credIDToken(t, "sub")
	fakeAz(t, `{"accessToken":"a","expires_on":1767225600}`, "", 0)
	base := func() Settings {
		return Settings{TenantID: credTenant, ClientID: credClientID, AuthorityHost: "http://127.0.0.1:1", MSIEndpoint: "http://127.0.0.1:1", Now: credClock, LookupEnv: credEnv(nil)}
	}
	cases := []struct {
		name string
		mod  func(s *Settings)
		want Method
	}{
		{"certificate beats everything", func(s *Settings) {
			s.ClientCertificate, s.ClientSecret, s.UseOIDC, s.OIDCToken, s.UseMSI, s.UseCLI = pem, "x", credPtr(true), tok, credPtr(true), credPtr(true)
		}, MethodClientCertificate},
		{"secret beats OIDC, MSI, CLI", func(s *Settings) {
			s.ClientSecret, s.UseOIDC, s.OIDCToken, s.UseMSI, s.UseCLI = "x", credPtr(true), tok, credPtr(true), credPtr(true)
		}, MethodClientSecret},
		{"OIDC beats MSI, CLI", func(s *Settings) {
			s.UseOIDC, s.OIDCToken, s.UseMSI, s.UseCLI = credPtr(true), tok, credPtr(true), credPtr(true)
		}, MethodOIDC},
		{"MSI beats CLI", func(s *Settings) { s.UseMSI, s.UseCLI = credPtr(true), credPtr(true) }, MethodManagedIdentity},
		{"CLI when asked", func(s *Settings) { s.UseCLI = credPtr(true) }, MethodAzureCLI},
		{"OIDC token without use_oidc is ignored", func(s *Settings) { s.OIDCToken, s.UseCLI = tok, credPtr(true) }, MethodAzureCLI},
		{"env switches on", func(s *Settings) { s.LookupEnv = credEnv(map[string]string{"ARM_USE_MSI": "1"}) }, MethodManagedIdentity},
		{"explicit false beats env true", func(s *Settings) {
			s.UseMSI, s.UseCLI = credPtr(false), credPtr(true)
			s.LookupEnv = credEnv(map[string]string{"ARM_USE_MSI": "true"})
		}, MethodAzureCLI},
		{"secret from env", func(s *Settings) { s.LookupEnv = credEnv(map[string]string{"ARM_CLIENT_SECRET": "x"}) }, MethodClientSecret},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.mod(&s)
			src, m, err := NewTokenSource(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			if m != tc.want || src == nil {
				t.Fatalf("method %s, want %s", m, tc.want)
			}
		})
	}
}

func TestSelectionConfiguredButBrokenFailsHard(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "absent")
	cases := []struct {
		name string
		s    Settings
		attr string
	}{
		{"unreadable certificate even with a secret", Settings{ClientCertificatePath: missing, ClientSecret: "x"}, attrClientCertificatePath},
		{"bad boolean", Settings{LookupEnv: credEnv(map[string]string{"ARM_USE_OIDC": "yes please"})}, "use_oidc"},
		{"unknown environment", Settings{Environment: "mars"}, "environment"},
		{"unreadable client id file", Settings{ClientIDFilePath: missing}, "client_id_file_path"},
		{"empty secret file", Settings{ClientSecretFilePath: credWriteFile(t, "empty", []byte(" \n"))}, "client_secret_file_path"},
		{"malformed oidc token", Settings{UseOIDC: credPtr(true), OIDCToken: "abc"}, attrOIDCToken},
		{"plain http msi endpoint", Settings{UseMSI: credPtr(true), MSIEndpoint: "http://192.0.2.1/token"}, "msi_endpoint"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.s
			s.TenantID, s.ClientID = credTenant, credClientID
			if s.LookupEnv == nil {
				s.LookupEnv = credEnv(nil)
			}
			_, _, err := NewTokenSource(context.Background(), s)
			var ae *AttributeError
			if !errors.As(err, &ae) || ae.Attribute != tc.attr {
				t.Fatalf("want an AttributeError for %s, got %v", tc.attr, err)
			}
		})
	}
}

func TestSelectionFileValues(t *testing.T) {
	idFile := credWriteFile(t, "id", []byte("  "+credClientID+"\n"))
	secretFile := credWriteFile(t, "secret", []byte("file-s3cret\n"))
	r, err := resolve(Settings{ClientIDFilePath: idFile, ClientSecretFilePath: secretFile, ClientID: credClientID, LookupEnv: credEnv(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if r.ClientID != credClientID || r.ClientSecret != "file-s3cret" {
		t.Fatalf("client id %q secret %q: files must be read and trimmed", r.ClientID, r.ClientSecret)
	}

	_, err = resolve(Settings{ClientSecret: "literal-s3cret", ClientSecretFilePath: secretFile, LookupEnv: credEnv(nil)})
	if err == nil || !strings.Contains(err.Error(), "hold different values") {
		t.Fatalf("want a conflict error, got %v", err)
	}
	if strings.Contains(err.Error(), "literal-s3cret") || strings.Contains(err.Error(), "file-s3cret") {
		t.Fatalf("conflict error leaks a secret: %v", err)
	}
	_, err = resolve(Settings{ClientID: "other-id", ClientIDFilePath: idFile, LookupEnv: credEnv(nil)})
	if err == nil || !strings.Contains(err.Error(), "client_id_file_path") || !strings.Contains(err.Error(), "other-id") {
		t.Fatalf("want a client id conflict naming both values, got %v", err)
	}
	// The file path may come from the environment too.
	r, err = resolve(Settings{LookupEnv: credEnv(map[string]string{"ARM_CLIENT_SECRET_FILE_PATH": secretFile})})
	if err != nil || r.ClientSecret != "file-s3cret" {
		t.Fatalf("secret %q err %v", r.ClientSecret, err)
	}
}

func TestSelectionEnvironments(t *testing.T) {
	cases := map[string][2]string{
		"":               {"https://login.microsoftonline.com", "https://graph.microsoft.com/.default"},
		"global":         {"https://login.microsoftonline.com", "https://graph.microsoft.com/.default"},
		"usgovernment":   {"https://login.microsoftonline.us", "https://graph.microsoft.us/.default"},
		"usgovernmentl5": {"https://login.microsoftonline.us", "https://dod-graph.microsoft.us/.default"},
		"china":          {"https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn/.default"},
	}
	for env, want := range cases {
		r, err := resolve(Settings{Environment: env, LookupEnv: credEnv(nil)})
		if err != nil {
			t.Fatal(err)
		}
		if r.AuthorityHost != want[0] || r.Scope != want[1] {
			t.Errorf("%q: authority %s scope %s, want %v", env, r.AuthorityHost, r.Scope, want)
		}
	}
	// authority_host overrides the login host; the scope stays the environment's.
	r, err := resolve(Settings{LookupEnv: credEnv(map[string]string{"ARM_ENVIRONMENT": "usgovernment"}), AuthorityHost: "http://127.0.0.1:9999"})
	if err != nil || r.AuthorityHost != "http://127.0.0.1:9999" || r.Scope != "https://graph.microsoft.us/.default" {
		t.Fatalf("got %+v %v", r, err)
	}
}

// End to end through the environment variables each CI system and host sets.
func TestSelectionFromEnvironmentEndToEnd(t *testing.T) {
	tok := credIDToken(t, "sub")
	ci := newFakeCI(t, tok)
	f := federatedEntra(t, func() string { return tok })
	common := map[string]string{"ARM_TENANT_ID": credTenant, "ARM_CLIENT_ID": credClientID, "ARM_USE_OIDC": "true"}
	with := func(extra map[string]string) map[string]string {
		m := maps.Clone(common)
		maps.Copy(m, extra)
		return m
	}
	envs := map[string]map[string]string{
		"github actions": with(map[string]string{
			"ACTIONS_ID_TOKEN_REQUEST_URL": ci.srv.URL + "/github?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": ciRequestToken,
		}),
		"azure pipelines": with(map[string]string{
			"ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID": "conn-1", "SYSTEM_OIDCREQUESTURI": ci.srv.URL + "/ado", "SYSTEM_ACCESSTOKEN": ciRequestToken,
			// GitHub's variables must not be picked up for Azure Pipelines.
			"ACTIONS_ID_TOKEN_REQUEST_URL": "https://wrong.example", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "wrong",
		}),
		"aks token file": with(map[string]string{"AZURE_FEDERATED_TOKEN_FILE": credWriteFile(t, "fed", []byte(tok))}),
	}
	for name, env := range envs {
		t.Run(name, func(t *testing.T) {
			src, m, err := NewTokenSource(context.Background(), Settings{AuthorityHost: f.srv.URL, Scope: credScope, LookupEnv: credEnv(env)})
			if err != nil || m != MethodOIDC {
				t.Fatalf("method %s err %v", m, err)
			}
			_, err = src.Token(context.Background())
			ci.check(t)
			if err != nil {
				t.Fatalf("Token: %v (%s)", err, f.failureLog())
			}
		})
	}

	t.Run("app service managed identity", func(t *testing.T) {
		id := newFakeIdentity(t, credAnswer(200, `{"access_token":"t","expires_on":1767225600}`))
		src, m, err := NewTokenSource(context.Background(), Settings{
			Environment: "usgovernmentl5",
			LookupEnv: credEnv(map[string]string{
				"ARM_USE_MSI": "true", "ARM_CLIENT_ID": credClientID,
				"IDENTITY_ENDPOINT": id.srv.URL + "/msi/token", "IDENTITY_HEADER": credIdentityHeader,
			}),
		})
		if err != nil || m != MethodManagedIdentity {
			t.Fatalf("method %s err %v", m, err)
		}
		if _, err := src.Token(context.Background()); err != nil {
			t.Fatal(err)
		}
		r := id.request()
		if r.Header.Get("X-IDENTITY-HEADER") != credIdentityHeader || r.URL.Query().Get("resource") != "https://dod-graph.microsoft.us/" ||
			r.URL.Query().Get("client_id") != credClientID {
			t.Fatalf("unexpected request %s %v", r.URL, r.Header)
		}
	})

	t.Run("client secret from file", func(t *testing.T) {
		secret := "file-s3cret"
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.FormValue("client_secret") != secret || r.FormValue("client_id") != credClientID {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = w.Write([]byte(`{"error":"invalid_client","error_codes":[7000215]}`))
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "ok", "token_type": "Bearer", "expires_in": 3599})
		}))
		defer srv.Close()
		src, m, err := NewTokenSource(context.Background(), Settings{
			AuthorityHost: srv.URL,
			LookupEnv: credEnv(map[string]string{
				"ARM_TENANT_ID": credTenant, "ARM_CLIENT_ID_FILE_PATH": credWriteFile(t, "id", []byte(credClientID+"\n")),
				"ARM_CLIENT_SECRET_FILE_PATH": credWriteFile(t, "secret", []byte(secret+"\n")),
			}),
		})
		if err != nil || m != MethodClientSecret {
			t.Fatalf("method %s err %v", m, err)
		}
		if _, err := src.Token(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAttributeErrorNamesEnvVars(t *testing.T) {
	err := &AttributeError{Attribute: attrOIDCTokenFilePath, Err: errors.New("boom")}
	if got, want := err.Error(), "oidc_token_file_path (ARM_OIDC_TOKEN_FILE_PATH, AZURE_FEDERATED_TOKEN_FILE): boom"; got != want {
		t.Fatalf("%q, want %q", got, want)
	}
	if got := EnvVars("client_certificate_password"); !reflect.DeepEqual(got, []string{"ARM_CLIENT_CERTIFICATE_PASSWORD"}) {
		t.Fatalf("EnvVars: %v", got)
	}
}
