package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The securescore_control_profile resource is served on terraform-plugin-go (see resource_control_profile.go),
// so its model is converted to and from Terraform's wire values here, field by field, instead of by the
// framework's reflection over the schema.

var (
	// controlProfileResourceType is the resource's value type; it must match controlProfileResourceSchema.
	controlProfileResourceType = func() tftypes.Object {
		ctx := context.Background()
		var m controlProfileResourceModelV1
		attrs := map[string]tftypes.Type{}
		for _, f := range m.fields() {
			attrs[f.name] = f.typ.TerraformType(ctx)
		}
		return tftypes.Object{AttributeTypes: attrs}
	}()
)

// nullControlProfileModel has every attribute null (a zero object value has no attribute types to encode).
func nullControlProfileModel() controlProfileResourceModelV1 {
	var m controlProfileResourceModelV1
	m.setEach(func(modelField) bool { return true }, nil)
	return m
}

// fieldKind says who sets an attribute, which decides its null and unknown forms in a plan.
type fieldKind int

const (
	configured fieldKind = iota // the configuration (or a default)
	serviceSet                  // only the service; a PATCH does not change it
	patchSet                    // only the service, and every PATCH changes it: "known after apply" when one is due
)

// modelField is one attribute of the model: its name, type, who sets it, and a way to read and replace the
// field. The value type (controlProfileResourceType), the computed attributes of the schema and the model's
// null and unknown forms are all derived from this table, so a read-only attribute is added in three places:
// the struct, fields() and setFromGraph.
type modelField struct {
	name        string
	typ         attr.Type
	kind        fieldKind
	description string // for the attributes only the service sets (the others' are in the schema)
	get         func() attr.Value
	set         func(attr.Value) bool // false when the value has another Go type than the field
}

func field[T attr.Value](name string, typ attr.Type, p *T) modelField {
	return modelField{name: name, typ: typ,
		get: func() attr.Value { return *p },
		set: func(v attr.Value) bool {
			t, ok := v.(T)
			if ok {
				*p = t
			}
			return ok
		},
	}
}

// computed is a field only the service sets.
func computed[T attr.Value](name string, typ attr.Type, kind fieldKind, p *T, description string) modelField {
	f := field(name, typ, p)
	f.kind, f.description = kind, description
	return f
}

// fields lists every attribute of the resource, in no particular order.
func (m *controlProfileResourceModelV1) fields() []modelField {
	return []modelField{
		computed("id", types.StringType, serviceSet, &m.ID, "The control profile's id, the same as `control_id`. Used for import."),
		field("control_id", types.StringType, &m.ControlID),
		field("state", types.StringType, &m.State),
		field("assigned_to", types.StringType, &m.AssignedTo),
		field("comment", types.StringType, &m.Comment),
		field("vendor_information", vendorInformationType, &m.VendorInformation),
		field("reset_on_destroy", types.BoolType, &m.ResetOnDestroy),
		field("timeouts", profileTimeoutsType, &m.Timeouts),
		computed("updated_by", types.StringType, patchSet, &m.UpdatedBy, "Who changed the control last: "+
			"`updatedBy` of the newest `controlStateUpdates` entry. The full history is the `control_state_updates` "+
			"attribute of the `securescore_control_profile` data source."),
		computed("updated_date_time", types.StringType, patchSet, &m.UpdatedDateTime, "When the control was "+
			"changed last, as Graph wrote it: `updatedDateTime` of the newest `controlStateUpdates` entry."),
	}
}

// setEach sets every field which selects to its null form (value nil) or its unknown form (value
// tftypes.UnknownValue).
func (m *controlProfileResourceModelV1) setEach(which func(modelField) bool, value any) {
	ctx := context.Background()
	for _, f := range m.fields() {
		if !which(f) {
			continue
		}
		av, err := f.typ.ValueFromTerraform(ctx, tftypes.NewValue(f.typ.TerraformType(ctx), value))
		if err != nil || !f.set(av) {
			panic(fmt.Sprintf("%s: its own null or unknown form does not fit it: %v", f.name, err)) // a wrong table entry
		}
	}
}

// readOnly selects the attributes only the service sets; setByPatch those every PATCH changes.
func readOnly(f modelField) bool   { return f.kind != configured }
func setByPatch(f modelField) bool { return f.kind == patchSet }

// decodeControlProfile reads a wire value into m. It reports whether the object itself is null (a resource
// that does not exist yet, or is being destroyed); m is then untouched.
func decodeControlProfile(ctx context.Context, dv *tfprotov6.DynamicValue, m *controlProfileResourceModelV1) (null bool, err error) {
	if dv == nil {
		return true, nil
	}
	if dv.MsgPack != nil && dv.JSON == nil {
		if null, err := decodeControlProfileWire(dv.MsgPack, m); err == nil {
			return null, nil
		}
	}
	v, err := dv.Unmarshal(controlProfileResourceType)
	if err != nil {
		return false, err
	}
	if v.IsNull() {
		return true, nil
	}
	if !v.IsKnown() {
		return false, fmt.Errorf("the whole resource value is unknown")
	}
	var vals map[string]tftypes.Value
	if err := v.As(&vals); err != nil {
		return false, err
	}
	for _, f := range m.fields() {
		av, err := f.typ.ValueFromTerraform(ctx, vals[f.name])
		if err != nil {
			return false, fmt.Errorf("%s: %w", f.name, err)
		}
		if !f.set(av) {
			return false, fmt.Errorf("%s: unexpected value type %T", f.name, av)
		}
	}
	return false, nil
}

// toDynamicValue is m as a wire value of controlProfileResourceType.
func (m *controlProfileResourceModelV1) toDynamicValue(ctx context.Context) (*tfprotov6.DynamicValue, error) {
	if b, err := encodeControlProfileWire(m); err == nil {
		return &tfprotov6.DynamicValue{MsgPack: b}, nil
	}
	return m.toDynamicValueGeneral(ctx)
}

// toDynamicValueGeneral is toDynamicValue through tftypes, for values the flat encoder does not take (unknowns).
func (m *controlProfileResourceModelV1) toDynamicValueGeneral(ctx context.Context) (*tfprotov6.DynamicValue, error) {
	fields := m.fields()
	vals := make(map[string]tftypes.Value, len(fields))
	for _, f := range fields {
		v, err := f.get().ToTerraformValue(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		vals[f.name] = v
	}
	dv, err := tfprotov6.NewDynamicValue(controlProfileResourceType, tftypes.NewValue(controlProfileResourceType, vals))
	return &dv, err
}

// nullControlProfileValue is the wire value of a resource that does not exist (after destroy, or a failed create).
func nullControlProfileValue() *tfprotov6.DynamicValue {
	dv, err := tfprotov6.NewDynamicValue(controlProfileResourceType, tftypes.NewValue(controlProfileResourceType, nil))
	if err != nil {
		panic(err) // a null value of a valid type always encodes
	}
	return &dv
}
