package auth

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A name that does not resolve: classified from a constructed *net.DNSError, never a real lookup.
func TestUnreachableNoSuchHost(t *testing.T) {
	dnsErr := &net.DNSError{Err: "no such host", Name: "login.microsoftonline.example", IsNotFound: true}
	err := &url.Error{Op: "Post", URL: "https://login.microsoftonline.example/t/oauth2/v2.0/token",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: dnsErr}}
	got := unreachable("https://login.microsoftonline.example/t/oauth2/v2.0/token", err)
	var ue *UnreachableError
	if !errors.As(got, &ue) || ue.Host != "https://login.microsoftonline.example" || ue.Reason != "no such host login.microsoftonline.example" {
		t.Fatalf("got %#v", got)
	}
	if !errors.Is(got, dnsErr) {
		t.Error("the DNS error is not kept in the chain")
	}
	for _, want := range []string{"https://login.microsoftonline.example", "no such host", "authority_host",
		"ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST", "AZURE_AUTHORITY_HOST", "environment"} {
		if !strings.Contains(got.Error(), want) {
			t.Errorf("message lacks %q: %s", want, got)
		}
	}
}

func TestUnreachableClassification(t *testing.T) {
	wrap := func(err error) error {
		return &url.Error{Op: "Post", URL: "x", Err: &net.OpError{Op: "dial", Err: err}}
	}
	for _, tc := range []struct {
		err    error
		reason string
	}{
		{wrap(&os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}), "connection refused"},
		{wrap(&os.SyscallError{Syscall: "connect", Err: syscall.EHOSTUNREACH}), "no route to host"},
		{wrap(&os.SyscallError{Syscall: "connect", Err: syscall.ENETUNREACH}), "network is unreachable"},
		{wrap(&net.DNSError{Err: "server misbehaving", Name: "login.example", IsTemporary: true}), "the name login.example could not be resolved"},
		{errors.New("oauth2: server response missing access_token"), ""},
		{context.Canceled, ""},
	} {
		got := unreachable("http://127.0.0.1:1/t/oauth2/v2.0/token", tc.err)
		if tc.reason == "" {
			if got != nil {
				t.Errorf("%v classified as unreachable: %v", tc.err, got)
			}
			continue
		}
		var ue *UnreachableError
		if !errors.As(got, &ue) || ue.Reason != tc.reason || ue.Host != "http://127.0.0.1:1" {
			t.Errorf("%v: got %#v, want reason %q", tc.err, got, tc.reason)
		}
	}
}

// A loopback port nothing listens on: the token request fails at once, naming the host and the settings.
func TestClientSecretUnreachableAuthority(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := "http://" + l.Addr().String()
	_ = l.Close()
	src, err := NewClientSecret(ClientSecretConfig{AuthorityHost: host, TenantID: secretTenant, ClientID: secretClient,
		ClientSecret: secretValue, Scope: secretScope})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = src.Token(ctx)
	var ue *UnreachableError
	if !errors.As(err, &ue) || ue.Host != host || ue.Reason != "connection refused" {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), host) || !strings.Contains(err.Error(), "ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST") {
		t.Errorf("message: %s", err)
	}
}
