package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// dateTimeOffsetType is timetypes.RFC3339 with instant semantics: timetypes compares values formatted with
// time.RFC3339, so the same instant written with another offset ("+03:00" vs "Z") would be a change and
// differing fractional seconds would not. Edm.DateTimeOffset needs the opposite, so equality here is time.Equal.
type dateTimeOffsetType struct {
	timetypes.RFC3339Type
}

var (
	_ basetypes.StringTypable                    = dateTimeOffsetType{}
	_ basetypes.StringValuableWithSemanticEquals = dateTimeOffset{}
)

func (t dateTimeOffsetType) String() string { return "provider.dateTimeOffsetType" }

func (t dateTimeOffsetType) ValueType(context.Context) attr.Value { return dateTimeOffset{} }

func (t dateTimeOffsetType) Equal(o attr.Type) bool {
	other, ok := o.(dateTimeOffsetType)
	return ok && t.RFC3339Type.Equal(other.RFC3339Type)
}

func (t dateTimeOffsetType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return dateTimeOffset{RFC3339: timetypes.RFC3339{StringValue: in}}, nil
}

func (t dateTimeOffsetType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return dateTimeOffset{RFC3339: timetypes.RFC3339{StringValue: s}}, nil
}

// dateTimeOffset is an RFC 3339 string whose semantic equality is "the same instant". Validation is timetypes'.
type dateTimeOffset struct {
	timetypes.RFC3339
}

func (v dateTimeOffset) Type(context.Context) attr.Type { return dateTimeOffsetType{} }

func (v dateTimeOffset) Equal(o attr.Value) bool {
	other, ok := o.(dateTimeOffset)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v dateTimeOffset) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	other, ok := newValuable.(dateTimeOffset)
	if !ok {
		diags.AddError("Semantic Equality Check Error", fmt.Sprintf("expected %T, got %T; please report this to the provider developers", v, newValuable))
		return false, diags
	}
	a, errA := time.Parse(time.RFC3339, v.ValueString())
	b, errB := time.Parse(time.RFC3339, other.ValueString())
	if errA != nil || errB != nil {
		return v.ValueString() == other.ValueString(), diags
	}
	return a.Equal(b), diags
}

func newDateTimeOffsetNull() dateTimeOffset {
	return dateTimeOffset{RFC3339: timetypes.NewRFC3339Null()}
}

func newDateTimeOffsetValue(s string) dateTimeOffset {
	return dateTimeOffset{RFC3339: timetypes.RFC3339{StringValue: basetypes.NewStringValue(s)}}
}
