package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

var (
	guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	// A DNS name with at least two labels, as Entra accepts for a tenant's verified domain.
	domainPattern = regexp.MustCompile(`^(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?))+$`)
)

func checkGUID(s string) error {
	if !guidPattern.MatchString(s) {
		return fmt.Errorf("%q is not accepted; expected a GUID such as 00000000-0000-0000-0000-000000000000", s)
	}
	return nil
}

func checkTenantID(s string) error {
	if guidPattern.MatchString(s) || domainPattern.MatchString(s) {
		return nil
	}
	return fmt.Errorf("%q is not accepted; expected a tenant GUID such as 00000000-0000-0000-0000-000000000000 or a domain such as contoso.onmicrosoft.com", s)
}

// checkBaseURL accepts an absolute https URL, or http for loopback hosts (the emulator), without query or fragment.
func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%q is not accepted; expected an absolute URL such as https://graph.microsoft.com", s)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q is not accepted; the base URL must not carry user info, a query or a fragment", s)
	}
	if u.Scheme == "http" && !graph.IsLoopbackHost(u.Hostname()) {
		return fmt.Errorf("%q is not accepted; plain http:// is allowed only for loopback hosts (localhost, 127.0.0.1, ::1), use https://", s)
	}
	return nil
}

// stringCheck adapts a check function into a framework string validator.
type stringCheck struct {
	description string
	check       func(string) error
	summary     string
}

func (v stringCheck) Description(context.Context) string         { return v.description }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.description }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, err.Error())
	}
}

func guidValidator() validator.String {
	return stringCheck{description: "value must be a GUID", check: checkGUID, summary: "Invalid GUID"}
}

func tenantIDValidator() validator.String {
	return stringCheck{description: "value must be a tenant GUID or domain name", check: checkTenantID, summary: "Invalid tenant ID"}
}

func baseURLValidator() validator.String {
	return stringCheck{description: "value must be an absolute https URL (http only for loopback hosts)", check: checkBaseURL, summary: "Invalid URL"}
}

// checkNonEmpty refuses "": an optional text is left out instead, so that Graph's empty answer and the
// configuration agree.
func checkNonEmpty(s string) error {
	if s == "" {
		return errors.New("an empty string is not accepted; leave the attribute out instead")
	}
	return nil
}
