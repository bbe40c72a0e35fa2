package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

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
	if s == nil {
		return elementExtras{ControlScores: map[string]graph.Extra{}, AverageComparativeScores: map[string]graph.Extra{}}
	}
	return elementExtras{
		ControlScores:            extrasByKey(s.ControlScores, func(c graph.ControlScore) (*string, graph.Extra) { return c.ControlName, c.Extra }),
		AverageComparativeScores: extrasByKey(s.AverageComparativeScores, func(a graph.AverageComparativeScore) (*string, graph.Extra) { return a.Basis, a.Extra }),
	}
}

// extrasByKey indexes the elements' unmodelled properties by key; the first element with a key wins.
func extrasByKey[T any](elems []T, keyed func(T) (*string, graph.Extra)) map[string]graph.Extra {
	out := map[string]graph.Extra{}
	for _, e := range elems {
		key, extra := keyed(e)
		if key == nil || len(extra) == 0 {
			continue
		}
		if _, dup := out[*key]; !dup {
			out[*key] = extra
		}
	}
	return out
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
		patch["averageComparativeScores"] = encodeKeyed(ctx, plan.AverageComparativeScores, "microsoft.graph.averageComparativeScore",
			extras.AverageComparativeScores, func(m map[string]any, e averageComparativeScoreModelV0) {
				putFloat(m, "averageScore", e.AverageScore)
				putString(m, "basis", e.Basis)
			}, &diags)
	}
	if send(plan.ControlScores, p.ControlScores) {
		patch["controlScores"] = encodeKeyed(ctx, plan.ControlScores, "microsoft.graph.controlScore",
			extras.ControlScores, func(m map[string]any, e controlScoreModelV0) {
				putString(m, "controlCategory", e.ControlCategory)
				putString(m, "controlName", e.ControlName)
				putString(m, "description", e.Description)
				putFloat(m, "score", e.Score)
			}, &diags)
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

// encodeKeyed is a keyed collection's PATCH value: each element starts from the unmodelled properties Graph
// returned for its key (extras), then put writes the modelled ones over them.
func encodeKeyed[E keyedElement](ctx context.Context, list types.List, odataType string, extras map[string]graph.Extra,
	put func(m map[string]any, e E), diags *diag.Diagnostics) []map[string]any {
	var elems []E
	diags.Append(list.ElementsAs(ctx, &elems, false)...)
	out := make([]map[string]any, 0, len(elems))
	for _, e := range elems {
		m := map[string]any{"@odata.type": odataType}
		if known(e.key()) {
			for k, v := range extras[e.key().ValueString()] {
				m[k] = v
			}
		}
		put(m, e)
		out = append(out, m)
	}
	return out
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

// patchKeys lists a PATCH body's properties for log lines (values may be large; keys say what changed).
func patchKeys(patch map[string]any) []string {
	return slices.Sorted(maps.Keys(patch))
}
