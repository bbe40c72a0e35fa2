package provider

import (
	"context"
	"testing"
)

func TestDateTimeOffsetSemanticEquality(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := newDateTimeOffsetValue("2017-01-01T00:02:24.9669049+03:00")
	for s, want := range map[string]bool{
		"2016-12-31T21:02:24.966904900000Z": true,
		"2016-12-31T21:02:24.9669049Z":      true,
		"2016-12-31T21:02:24Z":              false, // precision that drops digits is another instant
		"2017-01-01T00:02:24.9669049Z":      false,
	} {
		got, d := a.StringSemanticEquals(ctx, newDateTimeOffsetValue(s))
		if d.HasError() || got != want {
			t.Errorf("%s vs %s: got %v (%v), want %v", a.ValueString(), s, got, d, want)
		}
	}
}
