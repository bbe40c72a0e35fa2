package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// securescore_baseline is served on terraform-plugin-go (see baseline_server.go): its wire values are read into
// plain Go once per RPC and written back once, without the framework's walks over a thousand controls.

var (
	baselineControlType  = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"state": tftypes.String, "assigned_to": tftypes.String, "comment": tftypes.String}}
	baselineControlsType = tftypes.Map{ElementType: baselineControlType}
	baselineSkippedType  = tftypes.Set{ElementType: tftypes.String}

	// baselineResourceType is the resource's value type; it must match baselineResourceSchema. The timeouts
	// block has the same four attributes as the control profile's.
	baselineResourceType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"id":               tftypes.String,
		"controls":         baselineControlsType,
		"reset_on_destroy": tftypes.Bool,
		"missing_controls": tftypes.String,
		"skipped_controls": baselineSkippedType,
		"timeouts":         profileTimeoutsType.TerraformType(context.Background()),
	}}
)

// baselineObject is one known securescore_baseline value: its attributes by name.
type baselineObject map[string]tftypes.Value

// decodeBaseline reads a wire value. It reports whether the object itself is null (a resource that does not
// exist yet, or is being destroyed).
func decodeBaseline(dv *tfprotov6.DynamicValue) (obj baselineObject, null bool, err error) {
	if dv == nil {
		return nil, true, nil
	}
	v, err := dv.Unmarshal(baselineResourceType)
	if err != nil {
		return nil, false, err
	}
	if v.IsNull() {
		return nil, true, nil
	}
	if !v.IsKnown() {
		return nil, false, fmt.Errorf("the whole resource value is unknown")
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		return nil, false, err
	}
	return baselineObject(attrs), false, nil
}

// encode is the object as a wire value.
func (o baselineObject) encode() (*tfprotov6.DynamicValue, error) {
	dv, err := tfprotov6.NewDynamicValue(baselineResourceType, tftypes.NewValue(baselineResourceType, map[string]tftypes.Value(o)))
	return &dv, err
}

// nullBaselineValue is the wire value of a baseline that does not exist.
func nullBaselineValue() *tfprotov6.DynamicValue {
	dv, err := tfprotov6.NewDynamicValue(baselineResourceType, tftypes.NewValue(baselineResourceType, nil))
	if err != nil {
		panic(err) // a null value of a valid type always encodes
	}
	return &dv
}

// nullBaselineObject has every attribute null.
func nullBaselineObject() baselineObject {
	o := baselineObject{}
	for name, t := range baselineResourceType.AttributeTypes {
		o[name] = tftypes.NewValue(t, nil)
	}
	return o
}

// isKnown reports whether a value is neither null nor unknown.
func isKnown(v tftypes.Value) bool { return v.IsKnown() && !v.IsNull() }

// stringOf is a known string's value; null and unknown read as "".
func stringOf(v tftypes.Value) string {
	var s string
	if isKnown(v) {
		_ = v.As(&s)
	}
	return s
}

func (o baselineObject) str(name string) string { return stringOf(o[name]) }

func (o baselineObject) setString(name, s string) { o[name] = tftypes.NewValue(tftypes.String, s) }

// optionalString is s, with "" as null (an absent assigned_to or comment).
func optionalString(s string) tftypes.Value {
	if s == "" {
		return tftypes.NewValue(tftypes.String, nil)
	}
	return tftypes.NewValue(tftypes.String, s)
}

// decisions reads the controls map; elements with unknown values are left out and reported in unknown, sorted.
func (o baselineObject) decisions() (known map[string]controlDecision, unknown []string, diags diag.Diagnostics) {
	known = map[string]controlDecision{}
	m := o["controls"]
	if !isKnown(m) {
		return known, nil, nil
	}
	var elems map[string]tftypes.Value
	if err := m.As(&elems); err != nil {
		diags.AddError("Unexpected baseline controls value", err.Error())
		return nil, nil, diags
	}
	for id, e := range elems {
		if e.IsNull() {
			diags.AddError("Null baseline control", fmt.Sprintf("Control %q of controls is null; give it a state, or leave it out.", id))
			return nil, nil, diags
		}
		if !e.IsKnown() {
			unknown = append(unknown, id)
			continue
		}
		var attrs map[string]tftypes.Value
		if err := e.As(&attrs); err != nil {
			diags.AddError("Unexpected baseline control value", fmt.Sprintf("Control %q of controls: %s", id, err))
			return nil, nil, diags
		}
		state, assignedTo, comment := attrs["state"], attrs["assigned_to"], attrs["comment"]
		if !state.IsKnown() || !assignedTo.IsKnown() || !comment.IsKnown() {
			unknown = append(unknown, id)
			continue
		}
		known[id] = controlDecision{State: stringOf(state), AssignedTo: stringOf(assignedTo), Comment: stringOf(comment)}
	}
	slices.Sort(unknown)
	return known, unknown, diags
}

// setControls makes the controls attribute hold ds.
func (o baselineObject) setControls(ds map[string]controlDecision) {
	elems := make(map[string]tftypes.Value, len(ds))
	for id, d := range ds {
		elems[id] = tftypes.NewValue(baselineControlType, map[string]tftypes.Value{
			"state": tftypes.NewValue(tftypes.String, d.State), "assigned_to": optionalString(d.AssignedTo), "comment": optionalString(d.Comment),
		})
	}
	o["controls"] = tftypes.NewValue(baselineControlsType, elems)
}

// skipped are the ids in a known skipped_controls set; null and unknown read as none.
func (o baselineObject) skipped() map[string]bool {
	out := map[string]bool{}
	s := o["skipped_controls"]
	if !isKnown(s) {
		return out
	}
	var elems []tftypes.Value
	if err := s.As(&elems); err != nil {
		return out
	}
	for _, e := range elems {
		if isKnown(e) {
			out[stringOf(e)] = true
		}
	}
	return out
}

// setSkipped makes skipped_controls the set of ids.
func (o baselineObject) setSkipped(ids []string) {
	elems := make([]tftypes.Value, 0, len(ids))
	for _, id := range ids {
		elems = append(elems, tftypes.NewValue(tftypes.String, id))
	}
	o["skipped_controls"] = tftypes.NewValue(baselineSkippedType, elems)
}

// timeouts is the timeouts block as the framework's timeouts value, whose Create, Read, ... parse the durations.
func (o baselineObject) timeouts(ctx context.Context) (timeouts.Value, error) {
	v, err := profileTimeoutsType.ValueFromTerraform(ctx, o["timeouts"])
	if err != nil {
		return timeouts.Value{}, err
	}
	t, ok := v.(timeouts.Value)
	if !ok {
		return timeouts.Value{}, fmt.Errorf("timeouts: unexpected value type %T", v)
	}
	return t, nil
}
