package graph

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseDateTimeOffsetFractionsAndOffsets(t *testing.T) {
	base := time.Date(2017, 1, 1, 0, 2, 24, 0, time.FixedZone("", 3*3600))
	cases := []struct {
		in    string
		nanos int
	}{
		{"2017-01-01T00:02:24+03:00", 0},
		{"2017-01-01T00:02:24.9+03:00", 900000000},
		{"2017-01-01T00:02:24.96+03:00", 960000000},
		{"2017-01-01T00:02:24.9669049+03:00", 966904900}, // the seed's 7 digits
		{"2017-01-01T00:02:24.966904912+03:00", 966904912},
		{"2017-01-01T00:02:24.9669049123+03:00", 966904912},   // 10 digits: truncated
		{"2017-01-01T00:02:24.96690491234+03:00", 966904912},  // 11
		{"2017-01-01T00:02:24.966904912345+03:00", 966904912}, // 12
		{"2016-12-31T21:02:24.9669049Z", 966904900},           // same instant in UTC
		{"2016-12-31T16:02:24.9669049-05:00", 966904900},
	}
	for _, c := range cases {
		d, err := ParseDateTimeOffset(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		want := base.Add(time.Duration(c.nanos))
		if !d.Time.Equal(want) {
			t.Errorf("%s: got %s, want %s", c.in, d.Time, want)
		}
		if d.Raw != c.in {
			t.Errorf("%s: Raw = %q", c.in, d.Raw)
		}
	}
	a, _ := ParseDateTimeOffset("2023-01-10T00:00:00Z")
	b, _ := ParseDateTimeOffset("2023-01-10T01:00:00.000000000000+01:00")
	if !a.Equal(b) {
		t.Fatal("the same instant written two ways must be equal")
	}
	if _, off := b.Time.Zone(); off != 3600 {
		t.Fatalf("offset not kept: %d", off)
	}
	noSeconds, err := ParseDateTimeOffset("2023-01-10T05:06Z") // OData allows omitting seconds
	if err != nil || noSeconds.Time.Minute() != 6 {
		t.Fatalf("no seconds: %v %v", noSeconds, err)
	}
}

func TestParseDateTimeOffsetRejects(t *testing.T) {
	for _, in := range []string{
		"", "createdDateTime.value", "2023-01-10", "2023-01-10T00:00:00", // no offset
		"2023-01-10T00:00:00.Z", "2023-01-10T00:00:00.1234567890123Z", // 0 and 13 fractional digits
		"2023-02-30T00:00:00Z", "2023-13-01T00:00:00Z", "2023-01-10T24:00:00Z", "2023-01-10T00:60:00Z",
		"2023-01-10T00:00:60Z", "2023-01-10T00:00:00+0100", "2023-01-10T00:00:00+24:00", "2023-01-10T00:00:00Zjunk",
		"2023-01-10 00:00:00Z", "２023-01-10T00:00:00Z",
	} {
		if d, err := ParseDateTimeOffset(in); err == nil {
			t.Errorf("%q: parsed as %v, want an error", in, d.Time)
		} else if !strings.Contains(err.Error(), "Edm.DateTimeOffset") {
			t.Errorf("%q: unclear error %q", in, err)
		}
	}
}

func TestDateTimeOffsetJSON(t *testing.T) {
	var d DateTimeOffset
	if err := json.Unmarshal([]byte(`"2019-03-19T22:37:14.628799Z"`), &d); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(d)
	if string(b) != `"2019-03-19T22:37:14.628799Z"` {
		t.Fatalf("Raw not written back: %s", b)
	}
	b, _ = json.Marshal(DateTimeOffset{Time: time.Date(2023, 1, 10, 0, 0, 0, 5, time.UTC)})
	if string(b) != `"2023-01-10T00:00:00.000000005Z"` {
		t.Fatalf("Time without Raw: %s", b)
	}
	if err := json.Unmarshal([]byte(`12`), &d); err == nil {
		t.Fatal("a number is not a DateTimeOffset")
	}
}
