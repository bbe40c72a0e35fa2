package provider

import (
	"context"
	"encoding/json"
	"maps"
	"math"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// averageComparativeScoreDataModelV0 adds the category sub-scores and the seat-size range Graph sends.
type averageComparativeScoreDataModelV0 struct {
	averageComparativeScoreModelV0
	AppsScore               types.Float64 `tfsdk:"apps_score"`
	AppsScoreMax            types.Float64 `tfsdk:"apps_score_max"`
	DataScore               types.Float64 `tfsdk:"data_score"`
	DataScoreMax            types.Float64 `tfsdk:"data_score_max"`
	DeviceScore             types.Float64 `tfsdk:"device_score"`
	DeviceScoreMax          types.Float64 `tfsdk:"device_score_max"`
	IdentityScore           types.Float64 `tfsdk:"identity_score"`
	IdentityScoreMax        types.Float64 `tfsdk:"identity_score_max"`
	InfrastructureScore     types.Float64 `tfsdk:"infrastructure_score"`
	InfrastructureScoreMax  types.Float64 `tfsdk:"infrastructure_score_max"`
	SeatSizeRangeLowerValue types.Int64   `tfsdk:"seat_size_range_lower_value"`
	SeatSizeRangeUpperValue types.Int64   `tfsdk:"seat_size_range_upper_value"`
}

// controlScoreDataModelV0 adds the per-control properties Graph sends.
type controlScoreDataModelV0 struct {
	controlScoreModelV0
	ScoreInPercentage    types.Float64 `tfsdk:"score_in_percentage"`
	ImplementationStatus types.String  `tfsdk:"implementation_status"`
	LastSynced           types.String  `tfsdk:"last_synced"`
	On                   types.Bool    `tfsdk:"on"`
	Count                types.Int64   `tfsdk:"count"`
	Total                types.Int64   `tfsdk:"total"`
}

var (
	averageComparativeScoreDataType = types.ObjectType{AttrTypes: withAttrTypes(averageComparativeScoreType.AttrTypes, map[string]attr.Type{
		"apps_score": types.Float64Type, "apps_score_max": types.Float64Type,
		"data_score": types.Float64Type, "data_score_max": types.Float64Type,
		"device_score": types.Float64Type, "device_score_max": types.Float64Type,
		"identity_score": types.Float64Type, "identity_score_max": types.Float64Type,
		"infrastructure_score": types.Float64Type, "infrastructure_score_max": types.Float64Type,
		"seat_size_range_lower_value": types.Int64Type, "seat_size_range_upper_value": types.Int64Type,
	})}
	controlScoreDataType = types.ObjectType{AttrTypes: withAttrTypes(controlScoreType.AttrTypes, map[string]attr.Type{
		"score_in_percentage":   types.Float64Type,
		"implementation_status": types.StringType,
		"last_synced":           types.StringType,
		"on":                    types.BoolType,
		"count":                 types.Int64Type,
		"total":                 types.Int64Type,
	})}
)

func withAttrTypes(base, extra map[string]attr.Type) map[string]attr.Type {
	out := maps.Clone(base)
	maps.Copy(out, extra)
	return out
}

// setFromGraph reuses the resource's conversion for the declared properties and adds the extras; id is the
// snapshot's id.
func (m *secureScoreDataSourceModelV0) setFromGraph(ctx context.Context, s *graph.SecureScore) diag.Diagnostics {
	var base secureScoreResourceModelV1
	diags := base.setFromGraph(ctx, s)
	m.secureScoreAttrsV0 = base.secureScoreAttrsV0
	m.ID = base.SnapshotID
	if diags.HasError() {
		return diags
	}

	var acs []averageComparativeScoreModelV0
	diags.Append(base.AverageComparativeScores.ElementsAs(ctx, &acs, false)...)
	var cs []controlScoreModelV0
	diags.Append(base.ControlScores.ElementsAs(ctx, &cs, false)...)
	if diags.HasError() {
		return diags
	}

	acsOut := make([]averageComparativeScoreDataModelV0, len(acs))
	for i := range acs {
		x := s.AverageComparativeScores[i].Extra
		e := averageComparativeScoreDataModelV0{
			averageComparativeScoreModelV0: acs[i],
			AppsScore:                      extraFloat(x, "appsScore"),
			AppsScoreMax:                   extraFloat(x, "appsScoreMax"),
			DataScore:                      extraFloat(x, "dataScore"),
			DataScoreMax:                   extraFloat(x, "dataScoreMax"),
			DeviceScore:                    extraFloat(x, "deviceScore"),
			DeviceScoreMax:                 extraFloat(x, "deviceScoreMax"),
			IdentityScore:                  extraFloat(x, "identityScore"),
			IdentityScoreMax:               extraFloat(x, "identityScoreMax"),
			InfrastructureScore:            extraFloat(x, "infrastructureScore"),
			InfrastructureScoreMax:         extraFloat(x, "infrastructureScoreMax"),
		}
		// Real responses spell the range in PascalCase; older data in camelCase.
		e.SeatSizeRangeLowerValue = extraInt(x, "SeatSizeRangeLowerValue", "seatSizeRangeLowerValue")
		e.SeatSizeRangeUpperValue = extraInt(x, "SeatSizeRangeUpperValue", "seatSizeRangeUpperValue")
		acsOut[i] = e
	}
	var d diag.Diagnostics
	m.AverageComparativeScores, d = types.ListValueFrom(ctx, averageComparativeScoreDataType, acsOut)
	diags.Append(d...)

	csOut := make([]controlScoreDataModelV0, len(cs))
	for i := range cs {
		x := s.ControlScores[i].Extra
		csOut[i] = controlScoreDataModelV0{
			controlScoreModelV0:  cs[i],
			ScoreInPercentage:    extraFloat(x, "scoreInPercentage"),
			ImplementationStatus: extraString(x, "implementationStatus"),
			LastSynced:           extraString(x, "lastSynced"),
			On:                   extraBool(x, "on"),
			Count:                extraInt(x, "count"),
			Total:                extraInt(x, "total"),
		}
	}
	m.ControlScores, d = types.ListValueFrom(ctx, controlScoreDataType, csOut)
	diags.Append(d...)
	return diags
}

// extraScalar returns the first of keys present in x as text (a JSON string unquoted, a number or bool as
// written), or false when absent or null.
func extraScalar(x graph.Extra, keys ...string) (string, bool) {
	for _, k := range keys {
		raw, ok := x[k]
		if !ok {
			continue
		}
		text := strings.TrimSpace(string(raw))
		if text == "" || text == "null" || strings.HasPrefix(text, "{") || strings.HasPrefix(text, "[") {
			continue
		}
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			return s, true
		}
		return text, true
	}
	return "", false
}

// extraFloat reads a number or numeric string; NaN, infinities and anything else become null.
func extraFloat(x graph.Extra, keys ...string) types.Float64 {
	s, ok := extraScalar(x, keys...)
	if !ok {
		return types.Float64Null()
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return types.Float64Null()
	}
	return types.Float64Value(f)
}

// extraInt reads a whole number, also from a numeric string such as "5" or "5.0"; anything else is null.
func extraInt(x graph.Extra, keys ...string) types.Int64 {
	f := extraFloat(x, keys...)
	if f.IsNull() {
		return types.Int64Null()
	}
	v := f.ValueFloat64()
	if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
		return types.Int64Null()
	}
	return types.Int64Value(int64(v))
}

func extraString(x graph.Extra, keys ...string) types.String {
	s, ok := extraScalar(x, keys...)
	if !ok {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// extraBool reads a JSON boolean or the strings "true"/"false" (as Graph sends "on").
func extraBool(x graph.Extra, keys ...string) types.Bool {
	s, ok := extraScalar(x, keys...)
	if !ok {
		return types.BoolNull()
	}
	b, err := strconv.ParseBool(strings.ToLower(strings.TrimSpace(s)))
	if err != nil {
		return types.BoolNull()
	}
	return types.BoolValue(b)
}
