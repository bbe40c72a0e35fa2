package provider

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// The PATCH body a decision builds is the documented v1.0 update request, vendorInformation included.
func TestControlDecisionUpdateIsTheDocumentedBody(t *testing.T) {
	raw, err := os.ReadFile("testdata/docs-v1.0-update-securescorecontrolprofile.request.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(controlDecision{State: "Reviewed", Comment: "control is reviewed"}.update())
	if err != nil {
		t.Fatal(err)
	}
	var want, have any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got, &have); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(want, have) {
		t.Fatalf("body %s\nwant %s", got, raw)
	}
}

func TestDecisionOf(t *testing.T) {
	s := func(v string) *string { return &v }
	for name, tc := range map[string]struct {
		updates []graph.SecureScoreControlStateUpdate
		want    controlDecision
	}{
		"no history":         {nil, pristine},
		"empty values":       {[]graph.SecureScoreControlStateUpdate{{State: s(""), AssignedTo: s(""), Comment: s("")}}, pristine},
		"assignee, comment":  {[]graph.SecureScoreControlStateUpdate{{State: s("Ignored"), AssignedTo: s("a@b"), Comment: s("c")}}, controlDecision{"Ignored", "a@b", "c"}},
		"null state default": {[]graph.SecureScoreControlStateUpdate{{Comment: s("c")}}, controlDecision{State: controlStateDefault, Comment: "c"}},
	} {
		if got := decisionOf(&graph.SecureScoreControlProfile{ControlStateUpdates: tc.updates}); got != tc.want {
			t.Errorf("%s: %+v, want %+v", name, got, tc.want)
		}
	}
}
