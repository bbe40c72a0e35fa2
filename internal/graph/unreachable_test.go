package graph

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

// closedLoopbackURL is a loopback address nothing listens on: a request to it is refused at once.
func closedLoopbackURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + l.Addr().String()
	_ = l.Close()
	return u
}

// A Graph endpoint that refuses connections fails at once with the host, the reason and the settings that choose
// the host, as the token endpoint's unreachable host does; the method and URL stay in the message.
func TestGraphUnreachableNamesEndpointSettings(t *testing.T) {
	endpoint := closedLoopbackURL(t)
	c, err := New(Options{Endpoint: endpoint, APIVersion: "v1.0", Tokens: &fakeTokens{},
		EndpointSettings: "graph_endpoint (ARM_GRAPH_ENDPOINT), else the Graph host of environment (ARM_ENVIRONMENT)"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetControlProfile(ctxTimeout(t, 10*time.Second), "AdminMFAV2")
	var ue *UnreachableError
	if !errors.As(err, &ue) || ue.Host != endpoint || ue.Reason != "connection refused" || ue.Service != "Microsoft Graph" {
		t.Fatalf("got %#v (%v), want an UnreachableError for %s", err, err, endpoint)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Error("the refusal is not kept in the chain")
	}
	for _, want := range []string{"GET " + endpoint + "/v1.0/security/secureScoreControlProfiles/AdminMFAV2",
		"Microsoft Graph at " + endpoint + " could not be reached (connection refused)", "graph_endpoint", "ARM_GRAPH_ENDPOINT", "ARM_ENVIRONMENT"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q: %s", want, err)
		}
	}
}

// Without settings to name, the message still says what to check.
func TestUnreachableWithoutSettings(t *testing.T) {
	refused := &url.Error{Op: "Get", URL: "x", Err: &net.OpError{Op: "dial", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}}
	got := Unreachable("Microsoft Graph", "http://127.0.0.1:1/v1.0/x", "", refused)
	if got == nil || !strings.Contains(got.Error(), "Microsoft Graph at http://127.0.0.1:1 could not be reached (connection refused). Check the endpoint") {
		t.Fatalf("%v", got)
	}
}

// What is not a host that cannot be reached is left alone: a refusing proxy (the proxy's fault, not the
// endpoint's), an answer, a cancellation.
func TestUnreachableLeavesOtherFailures(t *testing.T) {
	refused := &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}
	for _, err := range []error{
		&url.Error{Op: "Get", URL: "x", Err: &net.OpError{Op: "proxyconnect", Net: "tcp", Err: refused}},
		errors.New("HTTP 500"),
		context.Canceled,
	} {
		if got := Unreachable("Microsoft Graph", "http://127.0.0.1:1", "graph_endpoint", err); got != nil {
			t.Errorf("%v classified as unreachable: %v", err, got)
		}
	}
}
