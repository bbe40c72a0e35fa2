package provider

import (
	"context"
	"testing"
)

// The field table is the one list of the resource's attributes: the schema's computed attributes, the value
// type and the null and unknown forms all follow it, so a read-only attribute added to the table (and the
// struct, and setFromGraph) is in all of them.
func TestControlProfileFieldTable(t *testing.T) {
	schema := map[string]bool{} // name → computed only
	for _, a := range controlProfileResourceSchema().Block.Attributes {
		schema[a.Name] = a.Computed && !a.Optional && !a.Required
	}
	for _, b := range controlProfileResourceSchema().Block.BlockTypes {
		schema[b.TypeName] = false
	}
	empty := nullControlProfileModel()
	if _, err := empty.toDynamicValue(context.Background()); err != nil {
		t.Fatalf("the empty model does not encode: %v", err)
	}
	created := nullControlProfileModel()
	created.markReadOnlyUnknown()
	updated := nullControlProfileModel()
	updated.markHistoryUnknown()
	fields, createdFields, updatedFields := empty.fields(), created.fields(), updated.fields()
	if len(fields) != len(schema) || len(controlProfileResourceType.AttributeTypes) != len(fields) {
		t.Fatalf("%d fields, %d schema attributes and blocks, %d value type attributes", len(fields), len(schema), len(controlProfileResourceType.AttributeTypes))
	}
	for i, f := range fields {
		computedOnly, ok := schema[f.name]
		switch {
		case !ok:
			t.Errorf("%s: not in the schema", f.name)
		case computedOnly != readOnly(f):
			t.Errorf("%s: computed only in the schema %v, read-only in the table %v", f.name, computedOnly, readOnly(f))
		case readOnly(f) && f.description == "":
			t.Errorf("%s: read-only without a description", f.name)
		}
		if !f.get().IsNull() {
			t.Errorf("%s: not null in the empty model", f.name)
		}
		if got := createdFields[i].get().IsUnknown(); got != readOnly(f) {
			t.Errorf("%s: unknown %v in a create plan, want %v", f.name, got, readOnly(f))
		}
		if got := updatedFields[i].get().IsUnknown(); got != setByPatch(f) {
			t.Errorf("%s: unknown %v in an update plan, want %v", f.name, got, setByPatch(f))
		}
	}
}
