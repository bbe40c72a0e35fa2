package provider

import (
	"context"
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

func TestSecureScoreSummariesNewestFirst(t *testing.T) {
	day := func(s string) *graph.DateTimeOffset {
		d, err := graph.ParseDateTimeOffset(s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	scores := []graph.SecureScore{
		{ID: "b", CreatedDateTime: day("2024-01-02T00:00:00Z")},
		{ID: "none"},
		{ID: "c", CreatedDateTime: day("2024-01-03T00:00:00Z")},
		{ID: "a", CreatedDateTime: day("2024-01-01T00:00:00Z")},
	}
	list, diags := secureScoreSummaries(context.Background(), scores)
	if diags.HasError() {
		t.Fatal(diags)
	}
	var got []secureScoreSummaryModelV0
	if d := list.ElementsAs(context.Background(), &got, false); d.HasError() {
		t.Fatal(d)
	}
	var ids string
	for _, s := range got {
		ids += s.ID.ValueString() + " "
	}
	if ids != "c b a none " {
		t.Fatalf("order %q, want newest first and undated last", ids)
	}
}
