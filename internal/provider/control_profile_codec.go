package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The securescore_control_profile resource is served on terraform-plugin-go (see resource_control_profile.go),
// so its model is converted to and from Terraform's wire values here, field by field, instead of by the
// framework's reflection over the schema.

var (
	profileTimeoutsType = timeouts.Type{ObjectType: types.ObjectType{AttrTypes: map[string]attr.Type{
		"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
	}}}

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

// emptyControlProfileModel has every attribute null. A zero types value is already null, but the objects and
// lists need their element types to be encoded.
func emptyControlProfileModel() controlProfileResourceModelV1 {
	m := controlProfileResourceModelV1{VendorInformation: types.ObjectNull(vendorInformationType.AttrTypes),
		Timeouts: timeouts.Value{Object: types.ObjectNull(profileTimeoutsType.AttrTypes)}}
	m.clearReadOnly()
	return m
}

// modelField is one attribute of the model: its name, type and a way to read and replace the field.
type modelField struct {
	name string
	typ  attr.Type
	get  func() attr.Value
	set  func(attr.Value) bool // false when the value has another Go type than the field
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

// fields lists every attribute of the resource, in no particular order.
func (m *controlProfileResourceModelV1) fields() []modelField {
	return []modelField{
		field("id", types.StringType, &m.ID),
		field("control_id", types.StringType, &m.ControlID),
		field("state", types.StringType, &m.State),
		field("assigned_to", types.StringType, &m.AssignedTo),
		field("comment", types.StringType, &m.Comment),
		field("vendor_information", vendorInformationType, &m.VendorInformation),
		field("reset_on_destroy", types.BoolType, &m.ResetOnDestroy),
		field("timeouts", profileTimeoutsType, &m.Timeouts),
		field("updated_by", types.StringType, &m.UpdatedBy),
		field("updated_date_time", types.StringType, &m.UpdatedDateTime),
	}
}

// decodeControlProfile reads a wire value into m. It reports whether the object itself is null (a resource
// that does not exist yet, or is being destroyed); m is then untouched.
func decodeControlProfile(ctx context.Context, dv *tfprotov6.DynamicValue, m *controlProfileResourceModelV1) (null bool, err error) {
	if dv == nil {
		return true, nil
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

// nullControlProfile is the wire value of a resource that does not exist (after destroy, or a failed create).
func nullControlProfile() *tfprotov6.DynamicValue {
	dv, err := tfprotov6.NewDynamicValue(controlProfileResourceType, tftypes.NewValue(controlProfileResourceType, nil))
	if err != nil {
		panic(err) // a null value of a valid type always encodes
	}
	return &dv
}
