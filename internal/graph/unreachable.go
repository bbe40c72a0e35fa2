package graph

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
)

// UnreachableError is a request that never reached its endpoint: the host name does not resolve or nothing
// answers on its port. The usual cause is a mistyped or wrong-cloud host, or a network that blocks it; the
// message names the settings that choose the host, so the reader knows what to check. The Graph client returns
// it for Microsoft Graph, and internal/auth for the Entra ID token endpoint.
type UnreachableError struct {
	Service  string // what was called, as the message names it: "Microsoft Graph", "the Entra ID token endpoint"
	Host     string // scheme://host[:port] of the endpoint
	Reason   string // "no such host login.example", "connection refused", ...
	Settings string // the settings that choose the host; "" when the caller has none to name
	Err      error
}

func (e *UnreachableError) Error() string {
	check := "Check the endpoint"
	if e.Settings != "" {
		check = "Its host comes from " + e.Settings + ": check that setting"
	}
	return fmt.Sprintf("%s at %s could not be reached (%s). %s and that this machine can reach the host: %v",
		e.Service, e.Host, e.Reason, check, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Unreachable returns err as an *UnreachableError for service at endpoint when it says the endpoint's host could
// not be reached, else nil. A proxy that cannot be reached is not the endpoint's fault and is left as it is.
func Unreachable(service, endpoint, settings string, err error) error {
	reason := unreachableReason(err)
	if reason == "" {
		return nil
	}
	host := endpoint
	if u, perr := url.Parse(endpoint); perr == nil && u.Host != "" {
		host = u.Scheme + "://" + u.Host
	}
	return &UnreachableError{Service: service, Host: host, Reason: reason, Settings: settings, Err: err}
}

// unreachableReason says in a few words why err never reached its host, or "" when it did or when the failure
// was the proxy's.
func unreachableReason(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "proxyconnect" {
		return ""
	}
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		return "no such host " + dns.Name
	case errors.As(err, &dns):
		return "the name " + dns.Name + " could not be resolved"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "no route to host"
	case errors.Is(err, syscall.ENETUNREACH):
		return "network is unreachable"
	}
	return ""
}
