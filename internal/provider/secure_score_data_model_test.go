package provider

import (
	"encoding/json"
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

func TestExtraConversions(t *testing.T) {
	x := graph.Extra{
		"count": json.RawMessage(`"5"`), "total": json.RawMessage(`10`), "frac": json.RawMessage(`"2.5"`),
		"on": json.RawMessage(`"True"`), "onBool": json.RawMessage(`false`), "bad": json.RawMessage(`"maybe"`),
		"pct": json.RawMessage(`"NaN"`), "pct2": json.RawMessage(`42.5`), "null": json.RawMessage(`null`),
		"obj": json.RawMessage(`{"a":1}`), "status": json.RawMessage(`""`), "Upper": json.RawMessage(`"100"`),
	}
	if v := extraInt(x, "count"); v.ValueInt64() != 5 || v.IsNull() {
		t.Errorf("count = %s", v)
	}
	if v := extraInt(x, "total"); v.ValueInt64() != 10 {
		t.Errorf("total = %s", v)
	}
	if v := extraInt(x, "frac"); !v.IsNull() {
		t.Errorf("a fraction is not a count: %s", v)
	}
	if v := extraInt(x, "seatSizeRangeUpperValue", "Upper"); v.ValueInt64() != 100 {
		t.Errorf("second spelling not used: %s", v)
	}
	if v := extraBool(x, "on"); !v.ValueBool() || v.IsNull() {
		t.Errorf("on = %s", v)
	}
	if v := extraBool(x, "onBool"); v.ValueBool() || v.IsNull() {
		t.Errorf("onBool = %s", v)
	}
	if v := extraBool(x, "bad"); !v.IsNull() {
		t.Errorf("bad = %s", v)
	}
	if v := extraFloat(x, "pct"); !v.IsNull() {
		t.Errorf("NaN must be null: %s", v)
	}
	if v := extraFloat(x, "pct2"); v.ValueFloat64() != 42.5 {
		t.Errorf("pct2 = %s", v)
	}
	for _, k := range []string{"null", "obj", "absent"} {
		if v := extraString(x, k); !v.IsNull() {
			t.Errorf("%s = %s, want null", k, v)
		}
	}
	if v := extraString(x, "status"); v.IsNull() || v.ValueString() != "" {
		t.Errorf("an empty implementationStatus stays empty: %s", v)
	}
}
