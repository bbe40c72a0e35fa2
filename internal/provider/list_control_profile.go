package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// controlProfileListServer serves `list "securescore_control_profile"`: the control profiles of one tenant, from
// the tenant's shared listing (one paged list per tenant and process, the one refreshes use), filtered here. A
// query of any number of controls therefore costs one sign-in and ceil(controls/1000) list requests, and no GET
// per control.
type controlProfileListServer struct {
	rawResourceConfig
}

// The list configuration's attributes.
const (
	listStates            = "states"
	listServices          = "services"
	listCategories        = "categories"
	listIncludeDeprecated = "include_deprecated"
)

var controlProfileListAttributes = []listAttribute{
	{name: listTenantID, typ: tftypes.String, description: "The tenant whose controls are listed: a GUID or a verified domain " +
		"such as `contoso.onmicrosoft.com`. Defaults to the provider's tenant. Each result's identity, and the `tenant_id` " +
		"of each generated resource, is the tenant's GUID."},
	{name: listStates, typ: tftypes.Set{ElementType: tftypes.String}, description: "Only controls whose current state " +
		"(the newest decision; `Default` when there is none) is one of these: `Default`, `Ignored`, `ThirdParty`, " +
		"`Reviewed`, in any case. For example `[\"Ignored\", \"ThirdParty\", \"Reviewed\"]` lists every control someone " +
		"has decided on. Left out: every state."},
	{name: listServices, typ: tftypes.Set{ElementType: tftypes.String}, description: "Only controls of these services, " +
		"as Microsoft Graph names them in `service` (for example `AzureAD`, `EXO`, `MDO`, `Intune`, `MCAS`, `Teams`), in " +
		"any case. Left out: every service."},
	{name: listCategories, typ: tftypes.Set{ElementType: tftypes.String}, description: "Only controls of these " +
		"categories (`controlCategory`: `Identity`, `Data`, `Device`, `Apps`, `Infrastructure`), in any case. Left out: " +
		"every category."},
	{name: listIncludeDeprecated, typ: tftypes.Bool, description: "Whether controls Microsoft has deprecated are listed " +
		"too. Defaults to `false`: a deprecated control no longer counts towards the score."},
}

func (s *controlProfileListServer) configure(data *providerData, deferred bool) {
	s.store(data, deferred)
}

func (s *controlProfileListServer) listSchema() *tfprotov6.Schema {
	return listSchemaOf("Lists the tenant's Secure Score control profiles for `terraform query` (Terraform 1.14 and "+
		"later), to bring them under management: each result is a control's identity (`tenant_id`, `control_id`), its "+
		"title as display name and, with `include_resource` or `-generate-config-out`, the `securescore_control_profile` "+
		"an import would give. One paged list of the tenant's control profiles serves the whole query. Microsoft Defender "+
		"for Endpoint controls (ids `scid_…`) are left out with a warning, as a baseline's import leaves them out: "+
		"Microsoft Graph refuses to update them.",
		controlProfileListAttributes...)
}

// controlProfileFilter is what the configuration keeps of the tenant's controls.
type controlProfileFilter struct {
	states, services, categories []string // nil: any
	includeDeprecated            bool
}

func (f controlProfileFilter) keeps(p *graph.SecureScoreControlProfile) bool {
	anyOf := func(allowed []string, v *string) bool {
		return allowed == nil || (v != nil && slices.ContainsFunc(allowed, func(a string) bool { return strings.EqualFold(a, *v) }))
	}
	if !f.includeDeprecated && p.Deprecated != nil && *p.Deprecated {
		return false
	}
	state := decisionOf(p).State
	return anyOf(f.states, &state) && anyOf(f.services, p.Service) && anyOf(f.categories, p.ControlCategory)
}

func (s *controlProfileListServer) ValidateListResourceConfig(_ context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	cfg, err := decodeListConfig(req.Config, controlProfileListAttributes)
	if err != nil {
		return &tfprotov6.ValidateListResourceConfigResponse{Diagnostics: errorDiagnostics("Invalid list configuration", err.Error())}, nil
	}
	var diags diagnostics
	if t := cfg.tenantID(); t != "" {
		if err := checkTenantID(t); err != nil {
			diags.addAttrError(attribute(listTenantID), "Invalid tenant ID", err.Error())
		}
	}
	for _, name := range []string{listStates, listServices, listCategories} {
		values, ok := cfg.strings(name)
		switch {
		case !ok:
			continue // null (no filter) or not known yet
		case len(values) == 0:
			diags.addAttrError(attribute(name), "Empty filter", fmt.Sprintf("An empty %s matches no control. "+
				"Name at least one, or leave %s out to list them all.", name, name))
		}
		for _, v := range values {
			if name == listStates {
				if err := checkControlState(v); err != nil {
					diags.addAttrError(attribute(name), "Invalid control state", err.Error())
				}
			}
			if strings.TrimSpace(v) == "" {
				diags.addAttrError(attribute(name), "Empty value", fmt.Sprintf("%s holds an empty string, which matches no control.", name))
			}
		}
	}
	return &tfprotov6.ValidateListResourceConfigResponse{Diagnostics: diags.proto()}, nil
}

func (s *controlProfileListServer) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	cfg, err := decodeListConfig(req.Config, controlProfileListAttributes)
	if err != nil {
		return listFailure(errorDiagnostics("Invalid list configuration", err.Error())), nil
	}
	filter := controlProfileFilter{includeDeprecated: cfg.flag(listIncludeDeprecated)}
	filter.states, _ = cfg.strings(listStates)
	filter.services, _ = cfg.strings(listServices)
	filter.categories, _ = cfg.strings(listCategories)

	var diags diagnostics
	data := s.data.Load()
	t := requireTenant(data, cfg.tenantID(), &diags)
	if t == nil {
		return listFailure(diags.proto()), nil
	}
	ctx, cancel := context.WithTimeout(data.logContext(ctx), defaultReadTimeout)
	defer cancel()

	tflog.Info(ctx, "Listing the tenant's control profiles for terraform query", map[string]any{"tenant": t.name})
	guid, err := t.guid(ctx)
	if err != nil {
		return listFailure(errorDiagnostics("Unable to list control profiles", fmt.Sprintf("Signing in to %s: %s", t.label(), err))), nil
	}
	profiles, err := t.profiles.all(ctx, usingEveryControl())
	if err != nil {
		return listFailure(errorDiagnostics("Unable to list control profiles", fmt.Sprintf("The control profiles of %s: %s", t.label(), err))), nil
	}

	var results []tfprotov6.ListResourceResult
	var defender []string
	for _, id := range sortedKeys(profiles) {
		p := profiles[id]
		if p.AzureTenantID != "" && !strings.EqualFold(p.AzureTenantID, guid) {
			return listFailure(errorDiagnostics("Control profiles of another tenant",
				answeredTenantError("The control profiles of "+t.label(), guid, p.AzureTenantID).Error()+".")), nil
		}
		if !filter.keeps(p) {
			continue
		}
		if isDefenderControl(id) {
			defender = append(defender, id) // as a baseline's import does: Graph refuses to update them
			continue
		}
		r := tfprotov6.ListResourceResult{DisplayName: displayNameOf(p)}
		r.Identity, err = controlProfileIdentityOf(guid, id)
		if err == nil && req.IncludeResource {
			r.Resource, err = importedProfile(guid, p)
		}
		if err != nil {
			return listFailure(errorDiagnostics("Unable to list control profiles", fmt.Sprintf("Control profile %q: %s", id, err))), nil
		}
		results = append(results, r)
	}
	tflog.Info(ctx, "Listed the tenant's control profiles", map[string]any{"tenant": t.name, "controls": len(profiles), "matched": len(results)})
	var warnings []*tfprotov6.Diagnostic
	if len(defender) > 0 {
		warnings = append(warnings, &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityWarning,
			Summary: "Defender for Endpoint controls not listed",
			Detail:  fmt.Sprintf("Not listed, as a baseline's import leaves them out too: %s", defenderControlsText(defender))})
	}
	return listOf(warnings, results, req.Limit, "control profiles"), nil
}

// importedProfile is the state an import of p, in the tenant whose GUID is tenant, gives: the state the import
// starts from (importedControlProfile), read as the read after an import reads it (its decision is also its
// prior decision, so destroying it leaves the control alone).
func importedProfile(tenant string, p *graph.SecureScoreControlProfile) (*tfprotov6.DynamicValue, error) {
	var diags diagnostics
	m, ok := importedControlProfile(tenant+"/"+p.ID, &diags)
	if !ok {
		return nil, fmt.Errorf("%s", diags[0].detail)
	}
	m.setFromGraph(p)
	m.PriorDecision = priorDecisionOf(decisionOf(p))
	return controlProfileAttributes.encode(&m)
}

// displayNameOf is a control's title, else its id.
func displayNameOf(p *graph.SecureScoreControlProfile) string {
	if p.Title != nil && *p.Title != "" {
		return *p.Title
	}
	return p.ID
}
