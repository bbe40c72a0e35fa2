package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// results streams what listOf pushes.
func results(s *tfprotov6.ListResourceServerStream) []tfprotov6.ListResourceResult {
	var out []tfprotov6.ListResourceResult
	for r := range s.Results {
		out = append(out, r)
	}
	return out
}

// A list of more results than the limit pushes the first limit, the last one warning how many matched (Terraform
// stops reading at the limit and says nothing); warnings come first, as a result without an identity.
func TestListOfLimit(t *testing.T) {
	var all []tfprotov6.ListResourceResult
	for _, name := range []string{"a", "b", "c"} {
		all = append(all, tfprotov6.ListResourceResult{DisplayName: name})
	}
	warning := &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityWarning, Summary: "left out"}

	got := results(listOf([]*tfprotov6.Diagnostic{warning}, all, 2, "controls"))
	if len(got) != 3 || got[0].Diagnostics[0] != warning || got[0].Identity != nil || got[1].DisplayName != "a" || got[2].DisplayName != "b" {
		t.Fatalf("limit 2: %+v", got)
	}
	if d := got[2].Diagnostics; len(d) != 1 || !strings.Contains(d[0].Detail, "3 controls matched") || len(all[1].Diagnostics) != 0 {
		t.Errorf("the last result's warning %v (the input's second result now has %v)", d, all[1].Diagnostics)
	}
	for _, limit := range []int64{3, 100, 0} {
		if got := results(listOf(nil, all, limit, "controls")); len(got) != 3 || len(got[2].Diagnostics) != 0 {
			t.Errorf("limit %d: %+v", limit, got)
		}
	}
}

// The filters keep a control whose state (its newest decision, Default without one), service and category are
// among those named, in any case; deprecated controls only when asked for.
func TestControlProfileFilter(t *testing.T) {
	str := func(s string) *string { return &s }
	yes := true
	decided := &graph.SecureScoreControlProfile{ID: "AdminMFAV2", Service: str("AzureAD"), ControlCategory: str("Identity"),
		ControlStateUpdates: []graph.SecureScoreControlStateUpdate{{State: str("thirdParty")}}}
	untouched := &graph.SecureScoreControlProfile{ID: "OneAdmin", Service: str("AzureAD"), ControlCategory: str("Identity")}
	retired := &graph.SecureScoreControlProfile{ID: "Old", Deprecated: &yes}
	for _, tc := range []struct {
		filter controlProfileFilter
		keeps  []bool // decided, untouched, retired
	}{
		{controlProfileFilter{}, []bool{true, true, false}},
		{controlProfileFilter{includeDeprecated: true}, []bool{true, true, true}},
		{controlProfileFilter{states: []string{"ThirdParty"}}, []bool{true, false, false}},
		{controlProfileFilter{states: []string{"default"}, includeDeprecated: true}, []bool{false, true, true}},
		{controlProfileFilter{services: []string{"azuread"}, categories: []string{"IDENTITY"}}, []bool{true, true, false}},
		{controlProfileFilter{services: []string{"EXO"}}, []bool{false, false, false}},
	} {
		for i, p := range []*graph.SecureScoreControlProfile{decided, untouched, retired} {
			if got := tc.filter.keeps(p); got != tc.keeps[i] {
				t.Errorf("%+v keeps %s: %v, want %v", tc.filter, p.ID, got, tc.keeps[i])
			}
		}
	}
}

// A list configuration decodes from Terraform's msgpack; a config block left out reads as every attribute null.
func TestDecodeListConfig(t *testing.T) {
	typ := listConfigType(controlProfileListAttributes)
	v := tftypes.NewValue(typ, map[string]tftypes.Value{
		listTenantID:          tftypes.NewValue(tftypes.String, "contoso.onmicrosoft.com"),
		listStates:            tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "Reviewed"), tftypes.NewValue(tftypes.String, "Ignored")}),
		listServices:          tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, nil),
		listCategories:        tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, tftypes.UnknownValue),
		listIncludeDeprecated: tftypes.NewValue(tftypes.Bool, true),
	})
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := decodeListConfig(&dv, controlProfileListAttributes)
	if err != nil {
		t.Fatal(err)
	}
	states, ok := cfg.strings(listStates)
	if cfg.tenantID() != "contoso.onmicrosoft.com" || !cfg.flag(listIncludeDeprecated) || !ok || strings.Join(states, ",") != "Ignored,Reviewed" {
		t.Errorf("decoded %v", cfg)
	}
	if _, ok := cfg.strings(listServices); ok {
		t.Error("a null services reads as a filter")
	}
	if _, ok := cfg.strings(listCategories); ok || cfg.known(listCategories) {
		t.Error("an unknown categories reads as known")
	}
	null, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := decodeListConfig(&null, controlProfileListAttributes); err != nil || cfg.tenantID() != "" || cfg.flag(listIncludeDeprecated) {
		t.Errorf("null configuration: %v, %v", cfg, err)
	}
}
