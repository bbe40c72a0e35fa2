package graph

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// checkNextLink accepts an @odata.nextLink verbatim (never rebuilding its skiptoken) only when it resolves to
// the configured endpoint's scheme, host and port, so the bearer token cannot be sent elsewhere. Forms that
// parsers disagree on (backslashes, user info, "//" paths) are refused rather than interpreted: Graph never
// writes them, and a proxy or another URL parser might read a different host out of them.
func (c *Client) checkNextLink(current, link string) (string, error) {
	resolved, err := c.resolveNextLink(current, link)
	if err != nil {
		return "", fmt.Errorf("graph: GET %s: refusing to follow @odata.nextLink %q: %w; only links to the configured endpoint %s are followed",
			current, redactLink(link), err, c.endpoint.Redacted())
	}
	return resolved, nil
}

func (c *Client) resolveNextLink(current, link string) (string, error) {
	if link == "" || strings.TrimSpace(link) != link {
		return "", errors.New("empty, or padded with spaces")
	}
	if strings.ContainsAny(link, `\`) {
		return "", errors.New("it contains a backslash")
	}
	for _, r := range link {
		if r < 0x21 || r == 0x7f {
			return "", errors.New("it contains a control character or space")
		}
	}
	nu, err := url.Parse(link)
	if err != nil {
		return "", errors.New("it is not a valid URL")
	}
	if nu.User != nil || strings.Contains(nu.Host, "@") {
		return "", errors.New("it carries user information")
	}
	cu, err := url.Parse(current)
	if err != nil {
		return "", err
	}
	abs := cu.ResolveReference(nu)
	if abs.Opaque != "" || abs.Host == "" {
		return "", errors.New("it has no host")
	}
	if !sameOrigin(abs, c.endpoint) {
		return "", fmt.Errorf("it points at %s://%s", abs.Scheme, abs.Host)
	}
	if strings.HasPrefix(abs.EscapedPath(), "//") {
		return "", errors.New("its path starts with //, which some parsers read as a host")
	}
	if nu.IsAbs() {
		return link, nil
	}
	return abs.String(), nil
}

// sameOrigin compares scheme and host case-insensitively and ports with the scheme's default filled in.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		portOrDefault(a) == portOrDefault(b)
}

func portOrDefault(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// redactLink hides a password a hostile link may carry, so it does not reach logs or diagnostics.
func redactLink(link string) string {
	if u, err := url.Parse(link); err == nil && u.User != nil {
		return u.Redacted()
	}
	return link
}
