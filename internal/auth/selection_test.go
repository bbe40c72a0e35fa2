package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// newTokenSource is NewCredential and its token source for the configured tenant, with the method picked.
func newTokenSource(s Settings) (*CachingSource, Method, error) {
	c, err := NewCredential(context.Background(), s)
	if err != nil {
		var me *MethodError
		if errors.As(err, &me) {
			return nil, me.Method, err
		}
		return nil, "", err
	}
	src, err := c.TokenSource("")
	return src, c.Method(), err
}

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
	_, _, err := newTokenSource(Settings{UseCLI: true, TenantID: credTenant, Scope: credScope})
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
	_, _, err := newTokenSource(Settings{
		ClientSecret:   "s3cret-value",
		UseOIDC:        true,
		OIDCRequestURL: "https://example.invalid/x",
		Scope:          credScope,
	})
	msg := err.Error()
	// The tenant is not required: resources may name theirs (Credential.TokenSource).
	for _, want := range []string{
		"client secret: client_id (ARM_CLIENT_ID or client_id_file_path) not set",
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
		return Settings{TenantID: credTenant, ClientID: credClientID, AuthorityHost: "http://127.0.0.1:1", MSIEndpoint: "http://127.0.0.1:1", Scope: credScope, Now: credClock}
	}
	cases := []struct {
		name string
		mod  func(s *Settings)
		want Method
	}{
		{"certificate beats everything", func(s *Settings) {
			s.ClientCertificate, s.ClientSecret, s.UseOIDC, s.OIDCToken, s.UseMSI, s.UseCLI = pem, "x", true, tok, true, true
		}, MethodClientCertificate},
		{"secret beats OIDC, MSI, CLI", func(s *Settings) {
			s.ClientSecret, s.UseOIDC, s.OIDCToken, s.UseMSI, s.UseCLI = "x", true, tok, true, true
		}, MethodClientSecret},
		{"OIDC beats MSI, CLI", func(s *Settings) {
			s.UseOIDC, s.OIDCToken, s.UseMSI, s.UseCLI = true, tok, true, true
		}, MethodOIDC},
		{"MSI beats CLI", func(s *Settings) { s.UseMSI, s.UseCLI = true, true }, MethodManagedIdentity},
		{"CLI when asked", func(s *Settings) { s.UseCLI = true }, MethodAzureCLI},
		{"OIDC token without use_oidc is ignored", func(s *Settings) { s.OIDCToken, s.UseCLI = tok, true }, MethodAzureCLI},
		{"AKS workload identity turns on OIDC", func(s *Settings) { s.UseAKSWorkloadIdentity, s.OIDCToken, s.UseMSI = true, tok, true }, MethodOIDC},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.mod(&s)
			src, m, err := newTokenSource(s)
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
		{"unreadable client id file", Settings{ClientIDFilePath: missing}, "client_id_file_path"},
		{"empty secret file", Settings{ClientSecretFilePath: credWriteFile(t, "empty", []byte(" \n"))}, "client_secret_file_path"},
		{"malformed oidc token", Settings{UseOIDC: true, OIDCToken: "abc"}, attrOIDCToken},
		{"plain http msi endpoint", Settings{UseMSI: true, MSIEndpoint: "http://192.0.2.1/token"}, "msi_endpoint"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.s
			s.TenantID, s.ClientID, s.Scope = credTenant, credClientID, credScope
			_, _, err := newTokenSource(s)
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
	r, err := resolve(Settings{ClientIDFilePath: idFile, ClientSecretFilePath: secretFile, ClientID: credClientID})
	if err != nil {
		t.Fatal(err)
	}
	if r.ClientID != credClientID || r.ClientSecret != "file-s3cret" {
		t.Fatalf("client id %q secret %q: files must be read and trimmed", r.ClientID, r.ClientSecret)
	}

	_, err = resolve(Settings{ClientSecret: "literal-s3cret", ClientSecretFilePath: secretFile})
	if err == nil || !strings.Contains(err.Error(), "hold different values") {
		t.Fatalf("want a conflict error, got %v", err)
	}
	if strings.Contains(err.Error(), "literal-s3cret") || strings.Contains(err.Error(), "file-s3cret") {
		t.Fatalf("conflict error leaks a secret: %v", err)
	}
	_, err = resolve(Settings{ClientID: "other-id", ClientIDFilePath: idFile})
	if err == nil || !strings.Contains(err.Error(), "client_id_file_path") || !strings.Contains(err.Error(), "other-id") {
		t.Fatalf("want a client id conflict naming both values, got %v", err)
	}
}

// End to end through the settings each CI system and host leads the provider to (its environment variables are
// the provider's to read: TestResolveSignInFromEnvironment).
func TestSelectionEndToEnd(t *testing.T) {
	tok := credIDToken(t, "sub")
	ci := newFakeCI(t, tok)
	f := federatedEntra(t, func() string { return tok })
	common := Settings{TenantID: credTenant, ClientID: credClientID, UseOIDC: true, AuthorityHost: f.srv.URL, Scope: credScope}
	with := func(mod func(s *Settings)) Settings {
		s := common
		mod(&s)
		return s
	}
	cases := map[string]Settings{
		"github actions": with(func(s *Settings) {
			s.OIDCRequestURL, s.OIDCRequestToken = ci.srv.URL+"/github?api-version=2.0", ciRequestToken
		}),
		"azure pipelines": with(func(s *Settings) {
			s.ADOPipelineServiceConnectionID, s.OIDCRequestURL, s.OIDCRequestToken = "conn-1", ci.srv.URL+"/ado", ciRequestToken
		}),
		"aks token file": with(func(s *Settings) { s.OIDCTokenFilePath = credWriteFile(t, "fed", []byte(tok)) }),
	}
	for name, settings := range cases {
		t.Run(name, func(t *testing.T) {
			src, m, err := newTokenSource(settings)
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
		src, m, err := newTokenSource(Settings{
			Scope: "https://dod-graph.microsoft.us/.default", UseMSI: true, ClientID: credClientID,
			IdentityEndpoint: id.srv.URL + "/msi/token", IdentityHeader: credIdentityHeader,
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
		src, m, err := newTokenSource(Settings{
			AuthorityHost: srv.URL, Scope: credScope, TenantID: credTenant,
			ClientIDFilePath:     credWriteFile(t, "id", []byte(credClientID+"\n")),
			ClientSecretFilePath: credWriteFile(t, "secret", []byte(secret+"\n")),
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
	if got := AzurePipelinesEnvVars(attrOIDCRequestToken); !reflect.DeepEqual(got, []string{"ARM_OIDC_REQUEST_TOKEN", "SYSTEM_ACCESSTOKEN"}) {
		t.Fatalf("AzurePipelinesEnvVars: %v", got)
	}
}
