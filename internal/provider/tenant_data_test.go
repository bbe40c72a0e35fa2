package provider

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/auth"
	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// A tenant's refusal of the application is tenant_unavailable's business; a fault of one request or of the
// credential (which would fail every tenant) is not.
func TestTenantUnavailable(t *testing.T) {
	entra := func(code int) *auth.EntraError {
		return auth.NewEntraError(http.StatusBadRequest, fmt.Appendf(nil, `{"error":"x","error_codes":[%d]}`, code))
	}
	signIn := func(code int) error {
		return fmt.Errorf("graph: GET …: %w", &auth.SignInError{Tenant: testTenant, Method: auth.MethodClientSecret, Err: entra(code)})
	}
	cases := map[string]struct {
		err  error
		want bool
	}{
		"consent withdrawn":          {signIn(700016), true},
		"consent never granted":      {signIn(65001), true},
		"app disabled":               {signIn(7000112), true},
		"conditional access":         {signIn(53003), true},
		"graph refuses access":       {&graph.Error{StatusCode: http.StatusForbidden, Code: "Forbidden"}, true},
		"graph refuses the token":    {&graph.Error{StatusCode: http.StatusUnauthorized, Code: "InvalidAuthenticationToken"}, true},
		"wrong secret":               {signIn(7000215), false},
		"expired secret":             {signIn(7000222), false},
		"unknown tenant":             {signIn(90002), false},
		"throttled":                  {&graph.Error{StatusCode: http.StatusTooManyRequests}, false},
		"not found":                  {&graph.Error{StatusCode: http.StatusNotFound}, false},
		"managed identity elsewhere": {&auth.CrossTenantError{Method: auth.MethodManagedIdentity, Tenant: testTenant}, false},
		"network":                    {errors.New("dial tcp: connection refused"), false},
	}
	for name, c := range cases {
		reason, ok := tenantUnavailable(c.err)
		if ok != c.want || (ok && reason == "") {
			t.Errorf("%s: tenantUnavailable = %q, %v; want %v", name, reason, ok, c.want)
		}
		if ok && strings.Contains(name, "consent") && !strings.Contains(reason, testTenant) {
			t.Errorf("%s: the reason does not name the tenant: %s", name, reason)
		}
	}
}
