package auth

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
)

// authorityHostSettings names every setting that chooses the token endpoint's host, for an error that says what
// to check when the host cannot be reached.
const authorityHostSettings = "authority_host (ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST; with use_aks_workload_identity also " +
	"AZURE_AUTHORITY_HOST), else the login host of environment (ARM_ENVIRONMENT)"

// UnreachableError is a token request that never reached an Entra ID endpoint: its host name does not resolve or
// nothing answers on its port. The usual cause is a mistyped or wrong-cloud authority host, or a network that
// blocks it; the message names the settings that choose the host.
type UnreachableError struct {
	Host   string // scheme://host[:port] of the token endpoint
	Reason string // "no such host login.example", "connection refused", ...
	Err    error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("the Entra ID token endpoint at %s could not be reached (%s). Its host comes from %s: check "+
		"that setting and that this machine can reach the host: %v", e.Host, e.Reason, authorityHostSettings, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// unreachable returns err as an *UnreachableError when it says the endpoint's host could not be reached, else nil.
func unreachable(endpoint string, err error) error {
	var reason string
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		reason = "no such host " + dns.Name
	case errors.As(err, &dns):
		reason = "the name " + dns.Name + " could not be resolved"
	case errors.Is(err, syscall.ECONNREFUSED):
		reason = "connection refused"
	case errors.Is(err, syscall.EHOSTUNREACH):
		reason = "no route to host"
	case errors.Is(err, syscall.ENETUNREACH):
		reason = "network is unreachable"
	default:
		return nil
	}
	host := endpoint
	if u, perr := url.Parse(endpoint); perr == nil && u.Host != "" {
		host = u.Scheme + "://" + u.Host
	}
	return &UnreachableError{Host: host, Reason: reason, Err: err}
}
