package provider

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The raw schema is the one the framework served, attribute for attribute and description for description
// (docs/resources/baseline.md is generated from it).
func TestBaselineSchemaMatchesFramework(t *testing.T) {
	fw, err := newBaselineFrameworkServer("test")().GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	want := fw.ResourceSchemas[baselineResourceName]
	if want == nil {
		t.Fatalf("the framework serves no %s", baselineResourceName)
	}
	if got := baselineResourceSchema(); !reflect.DeepEqual(got, want) {
		w, _ := json.MarshalIndent(want, "", " ")
		g, _ := json.MarshalIndent(got, "", " ")
		t.Errorf("schema differs from the framework's:\nframework: %s\nraw: %s", w, g)
	}
	if !baselineResourceSchema().ValueType().Equal(baselineResourceType) {
		t.Errorf("baselineResourceType %v does not match the schema's %v", baselineResourceType, baselineResourceSchema().ValueType())
	}
}
