package auth

import (
	"errors"
	"fmt"
	"net/http"
)

// errRedirectRefused marks a sign-in request answered with a redirect. Such an answer is final: retrying it
// would only meet the same redirect.
var errRedirectRefused = errors.New("redirect refused")

// refuseRedirects is the CheckRedirect of every sign-in client. Following a 307/308 would re-send the form
// (client_secret, client_assertion) or the identity headers to wherever Location points, and Go keeps
// custom headers such as X-IDENTITY-HEADER even across hosts. Entra ID, IMDS and the CI token services
// answer token requests directly, so a redirect is a misconfiguration or an attack.
func refuseRedirects(req *http.Request, via []*http.Request) error {
	from := "the endpoint"
	if len(via) > 0 {
		from = via[len(via)-1].URL.Scheme + "://" + via[len(via)-1].URL.Host
	}
	return fmt.Errorf("%w: %s answered a sign-in request with a redirect to %s://%s; credentials are never re-sent on a redirect, so check the authority_host, msi_endpoint or oidc_request_url setting",
		errRedirectRefused, from, req.URL.Scheme, req.URL.Host)
}

// signInClient copies base (Timeout and Jar kept) with redirects refused and wrap applied to its transport.
func signInClient(base *http.Client, wrap func(http.RoundTripper) http.RoundTripper) *http.Client {
	c := &http.Client{}
	if base != nil {
		*c = *base
	}
	c.CheckRedirect = refuseRedirects
	c.Transport = wrap(c.Transport)
	return c
}
