package graph

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestDoubleDecode(t *testing.T) {
	cases := []struct {
		in   string
		want float64
	}{
		{`342.94`, 342.94},
		{`863.0`, 863},
		{`-1`, -1},
		{`0`, 0},
		{`1e3`, 1000},
		{`"5"`, 5},
		{`"2.5E-1"`, 0.25},
		{`"INF"`, math.Inf(1)},
		{`"-INF"`, math.Inf(-1)},
		{`1e-400`, 0}, // underflow rounds to zero
	}
	for _, c := range cases {
		var d Double
		if err := json.Unmarshal([]byte(c.in), &d); err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if float64(d) != c.want {
			t.Errorf("%s: got %v, want %v", c.in, d, c.want)
		}
	}
	var nan Double
	if err := json.Unmarshal([]byte(`"NaN"`), &nan); err != nil || !math.IsNaN(float64(nan)) {
		t.Fatalf(`"NaN": got %v, %v`, nan, err)
	}
}

func TestDoubleDecodeRejects(t *testing.T) {
	for _, in := range []string{`"nan"`, `"Inf"`, `"Infinity"`, `"0x10"`, `"1_000"`, `" 5"`, `"Double"`, `"score.value"`, `true`, `{}`, `[]`, `1e400`, `"-1e400"`, `""`} {
		var d Double
		err := json.Unmarshal([]byte(in), &d)
		if err == nil {
			t.Errorf("%s: decoded as %v, want an error", in, d)
			continue
		}
		if !strings.Contains(err.Error(), "Edm.Double") {
			t.Errorf("%s: error %q does not say what was expected", in, err)
		}
	}
}

func TestDoubleMarshal(t *testing.T) {
	cases := map[float64]string{
		math.NaN():   `"NaN"`,
		math.Inf(1):  `"INF"`,
		math.Inf(-1): `"-INF"`,
		342.94:       `342.94`,
		863:          `863`,
		-1:           `-1`,
	}
	for in, want := range cases {
		b, err := json.Marshal(Double(in))
		if err != nil || string(b) != want {
			t.Errorf("%v: got %s, %v; want %s", in, b, err, want)
		}
	}
	if Double(math.NaN()).IsFinite() || Double(math.Inf(-1)).IsFinite() || !Double(3).IsFinite() {
		t.Fatal("IsFinite is wrong")
	}
}
