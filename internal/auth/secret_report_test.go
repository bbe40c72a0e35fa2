package auth

import (
	"context"
	"slices"
	"sync"
	"testing"
)

// secretLog collects what OnSecret reports.
type secretLog struct {
	mu  sync.Mutex
	got []string
}

func (l *secretLog) add(s string) { l.mu.Lock(); l.got = append(l.got, s); l.mu.Unlock() }

func (l *secretLog) has(s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Contains(l.got, s)
}

func TestOnSecretReportsFileAndFetchedSecrets(t *testing.T) {
	// A secret from a file, normalised as used.
	var l secretLog
	if _, _, err := newTokenSource(Settings{TenantID: credTenant, ClientID: credClientID, Scope: credScope,
		ClientSecretFilePath: credWriteFile(t, "s", []byte("file-secret \n")), OnSecret: l.add}); err != nil {
		t.Fatal(err)
	}
	if !l.has("file-secret ") {
		t.Errorf("the file secret was not reported: %q", l.got)
	}

	// A federated token file, and App Service's identity header.
	fileTok := credIDToken(t, "system:serviceaccount:ns:sa")
	l = secretLog{}
	if _, _, err := newTokenSource(Settings{TenantID: credTenant, ClientID: credClientID, UseOIDC: true, Scope: credScope,
		OIDCTokenFilePath: credWriteFile(t, "jwt", []byte(fileTok+"\n")), OnSecret: l.add,
		IdentityHeader: credIdentityHeader}); err != nil {
		t.Fatal(err)
	}
	if !l.has(fileTok) || !l.has(credIdentityHeader) {
		t.Errorf("the federated token file or IDENTITY_HEADER was not reported: %q", l.got)
	}

	// A token fetched from CI, when it is fetched.
	ciTok := credIDToken(t, "repo:contoso/infra:ref:refs/heads/main")
	ci := newFakeCI(t, ciTok)
	f := federatedEntra(t, func() string { return ciTok })
	l = secretLog{}
	cfg := oidcConfig(f)
	cfg.RequestURL, cfg.RequestToken, cfg.OnSecret = ci.srv.URL+"/github?api-version=2.0", ciRequestToken, l.add
	src, err := NewOIDC(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !l.has(ciTok) {
		t.Errorf("the fetched CI token was not reported: %q", l.got)
	}
}
