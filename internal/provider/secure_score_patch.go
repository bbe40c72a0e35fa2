package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// privateExtrasKey is the private-state key holding the open-type properties that the schema does not model.
const privateExtrasKey = "graph_element_extras"

// elementExtras keeps, per collection element, the properties Graph sent that the schema does not declare
// (scoreInPercentage, on, count, SeatSizeRangeLowerValue, ...). Collections are replaced whole by a PATCH, so
// these are merged back into each element we send, matched by the element's key, to avoid destroying them.
type elementExtras struct {
	ControlScores            map[string]graph.Extra `json:"controlScores,omitempty"`            // by controlName
	AverageComparativeScores map[string]graph.Extra `json:"averageComparativeScores,omitempty"` // by basis
}

func extrasFromGraph(s *graph.SecureScore) elementExtras {
	e := elementExtras{ControlScores: map[string]graph.Extra{}, AverageComparativeScores: map[string]graph.Extra{}}
	if s == nil {
		return e
	}
	for _, c := range s.ControlScores {
		if c.ControlName != nil && len(c.Extra) > 0 {
			if _, dup := e.ControlScores[*c.ControlName]; !dup {
				e.ControlScores[*c.ControlName] = c.Extra
			}
		}
	}
	for _, a := range s.AverageComparativeScores {
		if a.Basis != nil && len(a.Extra) > 0 {
			if _, dup := e.AverageComparativeScores[*a.Basis]; !dup {
				e.AverageComparativeScores[*a.Basis] = a.Extra
			}
		}
	}
	return e
}

// privateState is the part of the framework's private state API that the resource uses.
type privateStateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateStateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func loadExtras(ctx context.Context, p privateStateGetter) (elementExtras, diag.Diagnostics) {
	var e elementExtras
	if p == nil {
		return e, nil
	}
	raw, diags := p.GetKey(ctx, privateExtrasKey)
	if diags.HasError() || len(raw) == 0 {
		return e, diags
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		// Losing the cache must not block the user: warn, and send elements without extras.
		diags.AddWarning("Unreadable private state", fmt.Sprintf("The provider could not read the Graph properties it keeps in private state (%v); collection elements will be sent without them.", err))
		return elementExtras{}, diags
	}
	return e, diags
}

func saveExtras(ctx context.Context, p privateStateSetter, s *graph.SecureScore) diag.Diagnostics {
	raw, err := json.Marshal(extrasFromGraph(s))
	if err != nil {
		var diags diag.Diagnostics
		diags.AddWarning("Unable to keep Graph properties in private state", err.Error())
		return diags
	}
	return p.SetKey(ctx, privateExtrasKey, raw)
}

// buildPatch returns the PATCH body for plan. With prior == nil (create) it carries every configured property;
// otherwise only the properties whose planned value differs from prior, collections whole.
func buildPatch(ctx context.Context, plan, prior *secureScoreResourceModelV1, extras elementExtras) (map[string]any, diag.Diagnostics) {
	var diags diag.Diagnostics
	patch := map[string]any{}
	send := func(planned, previous attr.Value) bool {
		if planned.IsNull() || planned.IsUnknown() {
			return false
		}
		return prior == nil || !planned.Equal(previous)
	}
	var p secureScoreResourceModelV1
	if prior != nil {
		p = *prior
	}

	if send(plan.ActiveUserCount, p.ActiveUserCount) {
		patch["activeUserCount"] = plan.ActiveUserCount.ValueInt32()
	}
	if send(plan.LicensedUserCount, p.LicensedUserCount) {
		patch["licensedUserCount"] = plan.LicensedUserCount.ValueInt32()
	}
	if send(plan.AzureTenantID, p.AzureTenantID) {
		patch["azureTenantId"] = plan.AzureTenantID.ValueString()
	}
	if send(plan.CurrentScore, p.CurrentScore) {
		patch["currentScore"] = plan.CurrentScore.ValueFloat64()
	}
	if send(plan.MaxScore, p.MaxScore) {
		patch["maxScore"] = plan.MaxScore.ValueFloat64()
	}
	if send(plan.CreatedDateTime, p.CreatedDateTime) {
		same := false
		if prior != nil && !p.CreatedDateTime.IsNull() && !p.CreatedDateTime.IsUnknown() {
			eq, d := p.CreatedDateTime.StringSemanticEquals(ctx, plan.CreatedDateTime)
			diags.Append(d...)
			same = eq
		}
		if !same {
			patch["createdDateTime"] = plan.CreatedDateTime.ValueString()
		}
	}
	if send(plan.EnabledServices, p.EnabledServices) {
		var services []string
		diags.Append(plan.EnabledServices.ElementsAs(ctx, &services, false)...)
		if services == nil {
			services = []string{}
		}
		patch["enabledServices"] = services
	}
	if send(plan.AverageComparativeScores, p.AverageComparativeScores) {
		var elems []averageComparativeScoreModelV0
		diags.Append(plan.AverageComparativeScores.ElementsAs(ctx, &elems, false)...)
		out := make([]map[string]any, 0, len(elems))
		for _, e := range elems {
			m := map[string]any{"@odata.type": "microsoft.graph.averageComparativeScore"}
			if !e.Basis.IsNull() && !e.Basis.IsUnknown() {
				mergeExtra(m, extras.AverageComparativeScores[e.Basis.ValueString()])
			}
			putFloat(m, "averageScore", e.AverageScore)
			putString(m, "basis", e.Basis)
			out = append(out, m)
		}
		patch["averageComparativeScores"] = out
	}
	if send(plan.ControlScores, p.ControlScores) {
		var elems []controlScoreModelV0
		diags.Append(plan.ControlScores.ElementsAs(ctx, &elems, false)...)
		out := make([]map[string]any, 0, len(elems))
		for _, e := range elems {
			m := map[string]any{"@odata.type": "microsoft.graph.controlScore"}
			if !e.ControlName.IsNull() && !e.ControlName.IsUnknown() {
				mergeExtra(m, extras.ControlScores[e.ControlName.ValueString()])
			}
			putString(m, "controlCategory", e.ControlCategory)
			putString(m, "controlName", e.ControlName)
			putString(m, "description", e.Description)
			putFloat(m, "score", e.Score)
			out = append(out, m)
		}
		patch["controlScores"] = out
	}
	if send(plan.VendorInformation, p.VendorInformation) {
		var v vendorInformationModelV0
		diags.Append(plan.VendorInformation.As(ctx, &v, objectAsOptions)...)
		m := map[string]any{"@odata.type": "microsoft.graph.securityVendorInformation"}
		putString(m, "provider", v.Provider)
		putString(m, "providerVersion", v.ProviderVersion)
		putString(m, "subProvider", v.SubProvider)
		putString(m, "vendor", v.Vendor)
		patch["vendorInformation"] = m
	}
	return patch, diags
}

func mergeExtra(m map[string]any, extra graph.Extra) {
	for k, v := range extra {
		m[k] = v
	}
}

func putString(m map[string]any, key string, v types.String) {
	if !v.IsNull() && !v.IsUnknown() {
		m[key] = v.ValueString()
	}
}

func putFloat(m map[string]any, key string, v types.Float64) {
	if !v.IsNull() && !v.IsUnknown() {
		m[key] = v.ValueFloat64()
	}
}
