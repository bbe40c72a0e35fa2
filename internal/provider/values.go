package provider

// Value helpers every resource and data source uses: known-ness, filling unknowns, and Graph's doubles and
// dateTimeOffsets as Terraform values.

import (
	"fmt"
	"math"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

var objectAsOptions = basetypes.ObjectAsOptions{UnhandledNullAsEmpty: true, UnhandledUnknownAsEmpty: true}

func known(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }

// fillUnknown sets an unknown v to prev.
func fillUnknown[T attr.Value](v *T, prev T) {
	if (*v).IsUnknown() {
		*v = prev
	}
}

// doubleValue maps an Edm.Double to a number; NaN and ±INF cannot be held by Terraform and become null with a warning.
func doubleValue(d *graph.Double, p path.Path, diags *diag.Diagnostics) types.Float64 {
	if d == nil {
		return types.Float64Null()
	}
	if !d.IsFinite() {
		diags.AddAttributeWarning(p, "Non-finite number from Microsoft Graph",
			fmt.Sprintf("Microsoft Graph returned %s for this value. Terraform numbers cannot hold NaN or infinity, so it is stored as null.", nonFiniteName(float64(*d))))
		return types.Float64Null()
	}
	return types.Float64Value(float64(*d))
}

func nonFiniteName(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "INF"
	case math.IsInf(f, -1):
		return "-INF"
	default:
		return "NaN"
	}
}

// dateTimeValue keeps the service's text when it is valid RFC 3339, so state shows what Graph sent; semantic
// equality of dateTimeOffset then treats other spellings of the same instant as no change.
func dateTimeValue(d *graph.DateTimeOffset) dateTimeOffset {
	if d == nil {
		return newDateTimeOffsetNull()
	}
	if d.Raw != "" {
		if _, err := time.Parse(time.RFC3339, d.Raw); err == nil {
			return newDateTimeOffsetValue(d.Raw)
		}
	}
	return newDateTimeOffsetValue(d.Time.Format(time.RFC3339Nano))
}
