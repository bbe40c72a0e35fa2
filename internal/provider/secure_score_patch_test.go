package provider

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

func mustList[T any](t *testing.T, elem types.ObjectType, v []T) types.List {
	t.Helper()
	l, d := types.ListValueFrom(context.Background(), elem, v)
	if d.HasError() {
		t.Fatal(d)
	}
	return l
}

func TestBuildPatchSendsOnlyChangesAndKeepsElementExtras(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	name := "AdminMFAV2"
	prior := secureScoreResourceModelV1{}
	score := &graph.SecureScore{
		ID: "t_2024-01-10", AzureTenantID: "t",
		ControlScores: []graph.ControlScore{{ControlName: &name, Extra: graph.Extra{"scoreInPercentage": json.RawMessage(`90`), "on": json.RawMessage(`"true"`)}}},
	}
	if d := prior.setFromGraph(ctx, score); d.HasError() {
		t.Fatal(d)
	}
	plan := prior
	plan.ActiveUserCount = types.Int32Value(7)
	plan.ControlScores = mustList(t, controlScoreType, []controlScoreModelV0{{
		ControlName: types.StringValue(name), Score: types.Float64Value(3),
		ControlCategory: types.StringUnknown(), Description: types.StringNull(),
	}})

	patch, d := buildPatch(ctx, &plan, &prior, extrasFromGraph(score))
	if d.HasError() {
		t.Fatal(d)
	}
	raw, _ := json.Marshal(patch)
	want := `{"activeUserCount":7,"controlScores":[{"@odata.type":"microsoft.graph.controlScore","controlName":"AdminMFAV2","on":"true","score":3,"scoreInPercentage":90}]}`
	if string(raw) != want {
		t.Errorf("patch\n got %s\nwant %s", raw, want)
	}

	// Nothing changed: nothing to send.
	if patch, _ := buildPatch(ctx, &prior, &prior, elementExtras{}); len(patch) != 0 {
		t.Errorf("unchanged plan produced %v", patch)
	}
}
