package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/errgroup"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// baselineListServer serves `list "securescore_baseline"`: one result per tenant named in the configuration (a
// tenant has one baseline), so that `terraform query -generate-config-out` writes one baseline per customer
// tenant, the starting point of a fleet. Tenants are reached as resources reach them: one sign-in each, and, for
// the resource object, the tenant's shared listing.
type baselineListServer struct {
	rawResourceConfig
}

const listTenantIDs = "tenant_ids"

// baselineListConcurrency is how many tenants are reached at once. Each tenant has its own Graph limits, so this
// bounds only the process's own work: sign-ins (and lists, with the resource object) for 500 tenants at 10 at a
// time take 50 round trips.
const baselineListConcurrency = 10

var baselineListAttributes = []listAttribute{
	{name: listTenantIDs, typ: tftypes.Set{ElementType: tftypes.String}, description: "The tenants whose baselines are " +
		"listed, each a GUID or a verified domain such as `contoso.onmicrosoft.com`; one result per tenant (a tenant named " +
		"twice, by GUID and by domain, is listed once). Defaults to the provider's tenant. Each result's identity, and the " +
		"`tenant_id` of each generated baseline, is the tenant's GUID. A tenant that refuses the application (consent " +
		"withdrawn, app disabled) is left out with a warning naming it and why; any other failure ends the query."},
}

func (s *baselineListServer) configure(data *providerData, deferred bool) { s.store(data, deferred) }

func (s *baselineListServer) listSchema() *tfprotov6.Schema {
	return listSchemaOf("Lists the `securescore_baseline` of each of a set of tenants for `terraform query` (Terraform "+
		"1.14 and later): each result is a baseline's identity (`tenant_id`), the tenant as display name and, with "+
		"`include_resource` or `-generate-config-out`, the baseline an import would give: every control someone decided "+
		"on. One provider block with `tenant_ids` brings a fleet of customer tenants into code.",
		baselineListAttributes...)
}

func (s *baselineListServer) ValidateListResourceConfig(_ context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	cfg, err := decodeListConfig(req.Config, baselineListAttributes)
	if err != nil {
		return &tfprotov6.ValidateListResourceConfigResponse{Diagnostics: errorDiagnostics("Invalid list configuration", err.Error())}, nil
	}
	var diags diagnostics
	tenants, ok := cfg.strings(listTenantIDs)
	if ok && len(tenants) == 0 {
		diags.addAttrError(attribute(listTenantIDs), "No tenant", "tenant_ids is empty, so nothing would be listed. "+
			"Name at least one tenant, or leave tenant_ids out for the provider's tenant.")
	}
	for _, t := range tenants {
		if err := checkTenantID(t); err != nil {
			diags.addAttrError(attribute(listTenantIDs), "Invalid tenant ID", err.Error())
		}
	}
	return &tfprotov6.ValidateListResourceConfigResponse{Diagnostics: diags.proto()}, nil
}

// baselineListed is what the list found of one tenant: its result, or why it is left out.
type baselineListed struct {
	guid   string
	result tfprotov6.ListResourceResult
	left   *tfprotov6.Diagnostic // the tenant refused the application: a warning, and no result
	err    error
}

func (s *baselineListServer) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	cfg, err := decodeListConfig(req.Config, baselineListAttributes)
	if err != nil {
		return listFailure(errorDiagnostics("Invalid list configuration", err.Error())), nil
	}
	names, named := cfg.strings(listTenantIDs)
	if !named {
		names = []string{""} // the provider's tenant
	}
	var diags diagnostics
	data := s.data.Load()
	tenants := make([]*tenantData, len(names))
	for i, name := range names {
		if tenants[i] = requireTenant(data, name, &diags); tenants[i] == nil {
			return listFailure(diags.proto()), nil
		}
	}
	ctx, cancel := context.WithTimeout(data.logContext(ctx), defaultReadTimeout)
	defer cancel()
	tflog.Info(ctx, "Listing baselines for terraform query", map[string]any{"tenants": len(tenants)})

	found := make([]baselineListed, len(tenants))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(baselineListConcurrency)
	for i, t := range tenants {
		g.Go(func() error {
			found[i] = listBaselineOf(gctx, t, names[i], req.IncludeResource)
			return found[i].err
		})
	}
	if err := g.Wait(); err != nil {
		return listFailure(errorDiagnostics("Unable to list baselines", err.Error())), nil
	}

	var results []tfprotov6.ListResourceResult
	var warnings []*tfprotov6.Diagnostic
	seen := map[string]bool{}
	for _, f := range found {
		switch {
		case f.left != nil:
			warnings = append(warnings, f.left)
		case !seen[f.guid]:
			seen[f.guid] = true
			results = append(results, f.result)
		}
	}
	return listOf(warnings, results, req.Limit, "baselines"), nil
}

// listBaselineOf is the list's result for tenant t, named name in the configuration ("" = the provider's tenant).
func listBaselineOf(ctx context.Context, t *tenantData, name string, includeResource bool) baselineListed {
	// The tenant is asked for a token even when its name is a GUID, which alone proves nothing: a tenant that does
	// not let the application in has no baseline to manage.
	_, err := t.tokens.Token(ctx)
	var guid string
	if err == nil {
		guid, err = t.guid(ctx)
	}
	if err != nil {
		if reason, ok := tenantUnavailable(err); ok {
			return baselineListed{left: &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityWarning,
				Summary: "Tenant left out of the list",
				Detail:  fmt.Sprintf("The baseline of %s is not listed: the tenant refused the application (%s).", t.label(), reason)}}
		}
		return baselineListed{err: fmt.Errorf("signing in to %s: %w", t.label(), err)}
	}
	if name == "" {
		name = t.name
	}
	r := tfprotov6.ListResourceResult{DisplayName: baselineDisplayName(name, guid)}
	if r.Identity, err = baselineIdentityOf(guid); err != nil {
		return baselineListed{err: fmt.Errorf("the baseline of %s: %w", t.label(), err)}
	}
	if includeResource {
		listing, err := t.profiles.all(ctx, usingEveryControl())
		if reason, ok := tenantUnavailable(err); ok {
			return baselineListed{left: &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityWarning,
				Summary: "Tenant left out of the list",
				Detail:  fmt.Sprintf("The baseline of %s is not listed: the tenant refused the application (%s).", t.label(), reason)}}
		}
		if err != nil {
			return baselineListed{err: fmt.Errorf("listing the control profiles of %s: %w", t.label(), err)}
		}
		m, ps := importedBaseline(t.label(), guid, listing)
		if ps.hasError() {
			return baselineListed{err: fmt.Errorf("the baseline of %s: %s", t.label(), ps[0].detail)}
		}
		if r.Resource, err = m.dynamicValue(); err != nil {
			return baselineListed{err: fmt.Errorf("the baseline of %s: %w", t.label(), err)}
		}
		r.Diagnostics = ps.proto()
	}
	return baselineListed{guid: guid, result: r}
}

// importedBaseline is the baseline an import of the tenant whose GUID is guid gives (see readImported), from the
// tenant's listing; its tenant_id is the GUID. An answer of another tenant is an error, and nothing is taken from it.
func importedBaseline(label, guid string, listing map[string]*graph.SecureScoreControlProfile) (*baselineModelV1, diagnostics) {
	var ps diagnostics
	if answer := tenantOf(listing); answer != "" && !sameTenant(answer, guid) {
		ps.addError("Baseline answered by another tenant", answeredTenantError("The control profiles of tenant "+label, guid, answer).Error()+".")
		return nil, ps
	}
	m := nullBaselineModel()
	m.ID, m.TenantID = tfKnown(guid), tfKnown(guid)
	readImported(m, listing, &ps)
	return m, ps
}

// baselineDisplayName names a tenant's baseline by the tenant's name as configured and its GUID.
func baselineDisplayName(name, guid string) string {
	if name == "" || strings.EqualFold(name, guid) {
		return "Baseline of tenant " + guid
	}
	return fmt.Sprintf("Baseline of %s (%s)", name, guid)
}
